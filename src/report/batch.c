/* batch.c: `gpusizer batch` output (one row per request, CSV or
 * JSON) and its summary for a purchase order: rows by status, cost by GPU,
 * GPUs needed against stock. */
#include "gpusizer/report.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <stdio.h>
#include <string.h>

enum {
  B_ID,
  B_STATUS,
  B_GPU,
  B_SERVER,
  B_PER_NODE,
  B_NODES,
  B_TOTAL_GPUS,
  B_NEED,
  B_USABLE,
  B_TOTAL,
  B_CURRENCY,
  B_BUILDABLE,
  B_ERROR,
  B_COLS
};

static const gsz__col batch_cols[B_COLS] = {
    [B_ID] = {"id", "Id", false, GSZ_COL_BOTH},
    [B_STATUS] = {"status", "Status", false, GSZ_COL_BOTH},
    [B_GPU] = {"gpu_sku", "GPU", false, GSZ_COL_BOTH},
    [B_SERVER] = {"server_sku", "Server", false, GSZ_COL_BOTH},
    [B_PER_NODE] = {"gpus_per_node", "GPUs/node", true, GSZ_COL_BOTH},
    [B_NODES] = {"nodes", "Nodes", true, GSZ_COL_BOTH},
    [B_TOTAL_GPUS] = {"total_gpus", "GPUs", true, GSZ_COL_BOTH},
    [B_NEED] = {"per_gpu_bytes", "Need/GPU", true, GSZ_COL_BOTH},
    [B_USABLE] = {"usable_bytes", "Usable/GPU", true, GSZ_COL_BOTH},
    [B_TOTAL] = {"total_minor", "Total (minor units)", true, GSZ_COL_BOTH},
    [B_CURRENCY] = {"currency", "Currency", false, GSZ_COL_BOTH},
    [B_BUILDABLE] = {"buildable_from_stock", "From stock", false, GSZ_COL_BOTH},
    [B_ERROR] = {"error", "Error", false, GSZ_COL_BOTH},
};

static const char *status_name(gsz_batch_status s) {
  return s == GSZ_BATCH_OK ? "ok" : s == GSZ_BATCH_NO_FIT ? "no_fit" : "error";
}

gsz_err gsz_report_batch(char **out, size_t *out_len, const gsz_batch_result *rows, size_t n,
                         gsz_output_format format, gsz_diag *diag) {
  gsz__table t;
  gsz__table_init(&t, batch_cols, B_COLS);
  for (size_t i = 0; i < n; i++) {
    const gsz_batch_result *r = &rows[i];
    gsz__table_row(&t);
    gsz__table_str(&t, B_ID, r->id, NULL);
    gsz__table_str(&t, B_STATUS, status_name(r->status), NULL);
    if (r->status == GSZ_BATCH_OK) {
      gsz__table_str(&t, B_GPU, r->gpu_sku, NULL);
      gsz__table_str(&t, B_SERVER, r->server_sku, NULL);
      gsz__table_int(&t, B_PER_NODE, r->gpus_per_node, NULL);
      gsz__table_int(&t, B_NODES, r->nodes, NULL);
      gsz__table_u64(&t, B_TOTAL_GPUS, r->total_gpus, NULL);
      gsz__table_u64(&t, B_NEED, r->per_gpu_bytes, NULL);
      gsz__table_u64(&t, B_USABLE, r->usable_bytes, NULL);
      gsz__table_int(&t, B_TOTAL, r->total_minor, NULL);
      gsz__table_str(&t, B_CURRENCY, r->currency, NULL);
      gsz__table_bool(&t, B_BUILDABLE, r->buildable_from_stock, NULL);
    } else {
      for (int c = B_GPU; c <= B_BUILDABLE; c++)
        gsz__table_null(&t, (size_t)c, NULL);
    }
    gsz__table_str(&t, B_ERROR, r->error, NULL);
  }
  gsz__buf b;
  gsz__buf_init(&b);
  gsz__table_render(&t, format, &b);
  gsz__table_free(&t);
  return gsz__report_finish(&b, format, out, out_len, diag);
}

/* Totals per GPU SKU, in catalog order. */
typedef struct per_gpu {
  uint64_t rows, gpus_needed;
  int64_t cost;
  bool overflow;
} per_gpu;

gsz_err gsz_report_batch_summary(char **out, size_t *out_len, const gsz_batch_result *rows,
                                 size_t n, const gsz_catalog_data *d, unsigned digits,
                                 gsz_diag *diag) {
  per_gpu *by = gsz__calloc(d->n_gpus ? d->n_gpus : 1, sizeof *by);
  if (by == NULL)
    return gsz__diag_nomem(diag);
  size_t counts[3] = {0, 0, 0};
  const char *currency = NULL;
  int64_t grand = 0;
  bool grand_overflow = false;
  for (size_t i = 0; i < n; i++) {
    counts[rows[i].status]++;
    if (rows[i].status != GSZ_BATCH_OK)
      continue;
    currency = rows[i].currency;
    const gsz_gpu *g = gsz_catalog_find_gpu(d, rows[i].gpu_sku);
    if (g == NULL)
      continue;
    per_gpu *p = &by[g - d->gpus];
    p->rows++;
    if (!rows[i].gpus_included)
      p->gpus_needed += rows[i].total_gpus;
    p->overflow |= gsz__add_i64(&p->cost, p->cost, rows[i].total_minor);
    grand_overflow |= gsz__add_i64(&grand, grand, rows[i].total_minor);
  }
  gsz__buf b;
  gsz__buf_init(&b);
  char a[GSZ_FMT_MAX];
  gsz__text_printf(&b, "batch: %zu row%s: %zu ok, %zu no_fit, %zu error\n", n, n == 1 ? "" : "s",
                   counts[GSZ_BATCH_OK], counts[GSZ_BATCH_NO_FIT], counts[GSZ_BATCH_ERROR]);
  if (currency != NULL) {
    gsz__text_printf(&b, "total of the ok rows: %s\n",
                     grand_overflow ? "overflows 64-bit minor units"
                                    : gsz__fmt_money(a, grand, digits, currency));
    gsz__buf_puts(&b, "by GPU (rows, cost, GPUs to buy vs available stock):\n");
    for (size_t g = 0; g < d->n_gpus; g++) {
      const per_gpu *p = &by[g];
      if (p->rows == 0)
        continue;
      const gsz_gpu *gpu = &d->gpus[g];
      int64_t available = gpu->stock.present && gpu->stock.available > 0 ? gpu->stock.available : 0;
      gsz__text_printf(&b, "  %-22s %6llu rows  %22s  need %llu, in stock %lld", gpu->sku,
                       (unsigned long long)p->rows,
                       p->overflow ? "overflow" : gsz__fmt_money(a, p->cost, digits, currency),
                       (unsigned long long)p->gpus_needed, (long long)available);
      if (p->gpus_needed > (uint64_t)available)
        gsz__text_printf(&b, ", short %llu",
                         (unsigned long long)(p->gpus_needed - (uint64_t)available));
      gsz__buf_putc(&b, '\n');
    }
  }
  gsz__free(by);
  return gsz__report_finish(&b, GSZ_OUTPUT_TABLE, out, out_len, diag); /* plain text */
}
