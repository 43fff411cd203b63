/* quote.c: the output of a quote: the chosen configuration read aloud,
 * its fit, power, stock and priced line items, the alternatives, the
 * losers with their reasons, the memory breakdown, and the explained GPU's
 * candidate list; as a table, Markdown proposal, CSV or JSON. */
#include "gpusizer/report.h"
#include "report/report_int.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <stdio.h>
#include <string.h>

/* --- Shared pieces ------------------------------------------------------------ */

static const char *money(char buf[GSZ_FMT_MAX], const gsz_match_result *res, int64_t minor) {
  return gsz__fmt_money(buf, minor, res->minor_digits, res->currency);
}

static const char *headroom(char buf[GSZ_FMT_MAX], int32_t bp) {
  return gsz__fmt_percent_bp(buf, bp);
}

/* "tensor parallel 4, pipeline 2" / "data parallel 16, ZeRO-3" */
static void layout_words(gsz__buf *b, const gsz_candidate *c, const gsz_workload *w,
                         bool training) {
  if (w->method == GSZ_METHOD_QUICK) {
    gsz__buf_puts(b, "quick method: the total spread over the GPUs");
    return;
  }
  if (training) {
    gsz__text_printf(b, "data parallel %u", c->layout.dp);
    if (c->layout.tp > 1)
      gsz__text_printf(b, " x tensor parallel %u", c->layout.tp);
    if (c->zero > 0)
      gsz__text_printf(b, ", ZeRO-%u%s", c->zero, c->zero == 3 ? " (FSDP full shard)" : "");
    else if (c->total_gpus > 1)
      gsz__buf_puts(b, ", no ZeRO sharding");
    if (c->recompute_full)
      gsz__buf_puts(b, ", full recomputation (recompute auto: it does not fit without)");
    return;
  }
  if (c->layout.dp > 1)
    gsz__text_printf(b, "%u replicas, each ", c->layout.dp);
  gsz__text_printf(b, "tensor parallel %u", c->layout.tp);
  if (c->layout.pp > 1)
    gsz__text_printf(b, ", pipeline %u%s", c->layout.pp,
                     c->pp_in_node ? " (heads do not split further, so stages share nodes)" : "");
}

/* The cost line: capex, energy, TCO and per million output tokens. */
static void cost_words(gsz__buf *b, const gsz_match_result *res, const gsz_candidate *c,
                       const gsz_match_options *o) {
  char x[GSZ_FMT_MAX], y[GSZ_FMT_MAX], z[GSZ_FMT_MAX], t[GSZ_FMT_MAX], pp[GSZ_FMT_MAX];
  const gsz_candidate_cost *k = &c->cost;
  if (k->overflow) {
    gsz__buf_puts(b, "its cost of ownership does not fit 64-bit minor units");
    return;
  }
  /* The power price in thousandths of a minor unit, as money with three
   * more decimals, without the zeros beyond the currency's own. */
  gsz__fmt_money(pp, o->cost.power_price_milli, res->minor_digits + 3, res->currency);
  char *space = strchr(pp, ' ');
  if (space != NULL && res->minor_digits > 0) {
    char *end = space;
    for (unsigned i = 0; i < 3 && end[-1] == '0'; i++)
      end--;
    memmove(end, space, strlen(space) + 1);
  }
  gsz__text_printf(b,
                   "%s capital + %s energy over %u year%s (%s kWh at %u.%02u PUE and %s per "
                   "kWh, full power) = %s TCO",
                   money(x, res, k->capex_minor), money(y, res, k->energy_minor), o->cost.years,
                   o->cost.years == 1 ? "" : "s", gsz__fmt_group(z, k->energy_wh / 1000),
                   o->cost.pue_centi / 100, o->cost.pue_centi % 100, pp,
                   money(t, res, k->tco_minor));
  if (k->has_per_million)
    gsz__text_printf(b, "; %s per million output tokens at the estimated throughput",
                     money(x, res, k->per_million_minor));
}

/* "2 x Dell PowerEdge R760xa, each with 4 x NVIDIA L40S 48GB" */
static void configuration_words(gsz__buf *b, const gsz_candidate *c) {
  gsz__text_printf(b, "%u x %s %s (%s), %s %u x %s %s (%s)", c->nodes, c->server->vendor,
                   c->server->name, c->server->sku, c->nodes == 1 ? "with" : "each with",
                   c->gpus_per_node, c->gpu->vendor, c->gpu->name, c->gpu->sku);
}

/* "8 x H100-SXM5-80GB in 1 x SYS-821GE-TNHR" for tables. */
static void configuration_short(char *buf, size_t n, const gsz_candidate *c) {
  snprintf(buf, n, "%u x %u x %s in %s", c->nodes, c->gpus_per_node, c->gpu->sku, c->server->sku);
}

static void stock_words(gsz__buf *b, const gsz_candidate *c) {
  const gsz_stock_status *s = &c->stock;
  if (s->buildable) {
    gsz__buf_puts(b, "buildable from stock (");
    if (s->gpus_needed > 0)
      gsz__text_printf(b, "%llu of %lld %s, ", (unsigned long long)s->gpus_needed,
                       (long long)s->gpus_available, c->gpu->sku);
    gsz__text_printf(b, "%llu of %lld %s available)", (unsigned long long)s->servers_needed,
                     (long long)s->servers_available, c->server->sku);
    return;
  }
  gsz__buf_puts(b, "not buildable from stock: short ");
  bool first = true;
  if (s->gpus_short > 0) {
    gsz__text_printf(b, "%llu x %s (%lld available)", (unsigned long long)s->gpus_short,
                     c->gpu->sku, (long long)s->gpus_available);
    first = false;
  }
  if (s->servers_short > 0)
    gsz__text_printf(b, "%s%llu x %s (%lld available)", first ? "" : " and ",
                     (unsigned long long)s->servers_short, c->server->sku,
                     (long long)s->servers_available);
  if (s->lead_time_days >= 0)
    gsz__text_printf(b, "; lead time %d days", s->lead_time_days);
  else
    gsz__buf_puts(b, "; lead time unknown");
}

static const char *stock_short_words(const gsz_candidate *c) {
  if (c->stock.buildable)
    return "in stock";
  return "short";
}

static const char *const support_names[] = {"unknown", "native", "weight_only", "none"};

static const char *chassis_name(const gsz_server *s) {
  return s->rack_scale ? "rack_scale" : s->workstation ? "workstation" : "rack";
}

/* --- Tables ------------------------------------------------------------------ */

enum {
  L_QTY,
  L_ITEM,
  L_ROLE,
  L_KIND,
  L_UNIT,
  L_UNIT_MINOR,
  L_AMOUNT,
  L_AMOUNT_MINOR,
  L_DETAIL,
  L_COLS
};

static const gsz__col line_cols[L_COLS] = {
    [L_QTY] = {"quantity", "Qty", true, GSZ_COL_BOTH},
    [L_ITEM] = {"item", "Item", false, GSZ_COL_BOTH},
    [L_ROLE] = {"role", "", false, GSZ_COL_MACHINE},
    [L_KIND] = {"kind", "Kind", false, GSZ_COL_BOTH},
    [L_UNIT] = {"unit", "Unit price", true, GSZ_COL_HUMAN},
    [L_UNIT_MINOR] = {"unit_minor", "", true, GSZ_COL_MACHINE},
    [L_AMOUNT] = {"amount", "Amount", true, GSZ_COL_HUMAN},
    [L_AMOUNT_MINOR] = {"amount_minor", "", true, GSZ_COL_MACHINE},
    [L_DETAIL] = {"detail", "Basis", false, GSZ_COL_BOTH},
};

static void line_table(gsz__table *t, const gsz_match_result *res, const gsz_price *p) {
  char a[GSZ_FMT_MAX];
  gsz__table_init(t, line_cols, L_COLS);
  for (unsigned i = 0; i < p->n_lines; i++) {
    const gsz_price_line *l = &p->lines[i];
    bool percentage = l->quantity == 0; /* discount, markup, tax: unit is the base */
    gsz__table_row(t);
    gsz__table_int(t, L_QTY, (int64_t)l->quantity, percentage ? "" : NULL);
    char item[160];
    snprintf(item, sizeof item, "%s (%s)", l->item, l->role ? l->role : "");
    gsz__table_str(t, L_ITEM, l->item, l->role ? item : NULL);
    gsz__table_str(t, L_ROLE, l->role, NULL);
    gsz__table_str(t, L_KIND, gsz_line_kind_name(l->kind), NULL);
    char on[GSZ_FMT_MAX + 8];
    snprintf(on, sizeof on, "on %s", money(a, res, l->unit_minor));
    gsz__table_str(t, L_UNIT, percentage ? on : money(a, res, l->unit_minor), NULL);
    gsz__table_int(t, L_UNIT_MINOR, l->unit_minor, NULL);
    gsz__table_str(t, L_AMOUNT, money(a, res, l->amount_minor), NULL);
    gsz__table_int(t, L_AMOUNT_MINOR, l->amount_minor, NULL);
    /* People get the first words of a long basis; programs get it whole. */
    const char *detail = l->detail ? l->detail : "";
    char shortened[72];
    if (strlen(detail) > 64)
      snprintf(shortened, sizeof shortened, "%.60s ...", detail);
    gsz__table_str(t, L_DETAIL, detail, strlen(detail) > 64 ? shortened : NULL);
  }
  gsz__table_row(t);
  gsz__table_null(t, L_QTY, "");
  gsz__table_str(t, L_ITEM, "total", NULL);
  gsz__table_null(t, L_ROLE, "");
  gsz__table_null(t, L_KIND, "");
  gsz__table_null(t, L_UNIT, "");
  gsz__table_str(t, L_AMOUNT, money(a, res, p->total_minor), NULL);
  gsz__table_int(t, L_AMOUNT_MINOR, p->total_minor, NULL);
  gsz__table_null(t, L_DETAIL, "");
}

/* One row per configuration: the CSV output, and the alternatives table. */
enum {
  K_RANK,
  K_ROLE,
  K_CONFIG,
  K_GPU,
  K_SERVER,
  K_PER_NODE,
  K_NODES,
  K_TOTAL_GPUS,
  K_TP,
  K_PP,
  K_DP,
  K_ZERO,
  K_NEED_H,
  K_NEED,
  K_USABLE,
  K_BUDGET,
  K_HEADROOM,
  K_PRICE_H,
  K_TOTAL,
  K_CURRENCY,
  K_BUILDABLE,
  K_STOCK_H,
  K_LEAD,
  K_REASONS,
  K_PRICING,
  K_CHASSIS,
  K_COOLING,
  K_FORMAT,
  K_POWER,
  K_UNITS,
  K_CAUTIONS,
  K_SPEED_H,
  K_USER_TPS,
  K_OUTPUT_TPS,
  K_TTFT,
  K_REPLICAS,
  K_BOUND,
  K_TRAIN_DAYS,
  K_TCO,
  K_PER_MILLION,
  K_COLS
};

static const gsz__col config_cols[K_COLS] = {
    [K_RANK] = {"rank", "#", true, GSZ_COL_BOTH},
    [K_ROLE] = {"role", "", false, GSZ_COL_MACHINE},
    [K_CONFIG] = {"configuration", "Configuration", false, GSZ_COL_HUMAN},
    [K_GPU] = {"gpu_sku", "", false, GSZ_COL_MACHINE},
    [K_SERVER] = {"server_sku", "", false, GSZ_COL_MACHINE},
    [K_PER_NODE] = {"gpus_per_node", "", true, GSZ_COL_MACHINE},
    [K_NODES] = {"nodes", "", true, GSZ_COL_MACHINE},
    [K_TOTAL_GPUS] = {"total_gpus", "GPUs", true, GSZ_COL_BOTH},
    [K_TP] = {"tp", "", true, GSZ_COL_MACHINE},
    [K_PP] = {"pp", "", true, GSZ_COL_MACHINE},
    [K_DP] = {"dp", "", true, GSZ_COL_MACHINE},
    [K_ZERO] = {"zero", "", true, GSZ_COL_MACHINE},
    [K_NEED_H] = {"need", "Need/GPU", true, GSZ_COL_HUMAN},
    [K_NEED] = {"per_gpu_bytes", "", true, GSZ_COL_MACHINE},
    [K_USABLE] = {"usable_bytes", "", true, GSZ_COL_MACHINE},
    [K_BUDGET] = {"budget_bytes", "Budget/GPU", true, GSZ_COL_BOTH},
    [K_HEADROOM] = {"headroom_pct", "Headroom", true, GSZ_COL_BOTH},
    [K_PRICE_H] = {"price", "Price", true, GSZ_COL_HUMAN},
    [K_TOTAL] = {"total_minor", "", true, GSZ_COL_MACHINE},
    [K_CURRENCY] = {"currency", "", false, GSZ_COL_MACHINE},
    [K_BUILDABLE] = {"buildable_from_stock", "", false, GSZ_COL_MACHINE},
    [K_STOCK_H] = {"stock", "Stock", false, GSZ_COL_HUMAN},
    [K_LEAD] = {"lead_time_days", "", true, GSZ_COL_MACHINE},
    [K_REASONS] = {"reasons", "", false, GSZ_COL_MACHINE},
    [K_PRICING] = {"pricing", "", false, GSZ_COL_MACHINE},
    [K_CHASSIS] = {"chassis", "", false, GSZ_COL_MACHINE},
    [K_COOLING] = {"cooling", "", false, GSZ_COL_MACHINE},
    [K_FORMAT] = {"format_support", "", false, GSZ_COL_MACHINE},
    [K_POWER] = {"power_w", "", true, GSZ_COL_MACHINE},
    [K_UNITS] = {"rack_units", "", true, GSZ_COL_MACHINE},
    [K_CAUTIONS] = {"cautions", "", false, GSZ_COL_MACHINE},
    [K_SPEED_H] = {"speed", "Speed", false, GSZ_COL_HUMAN},
    [K_USER_TPS] = {"decode_tokens_per_s_per_user", "", true, GSZ_COL_MACHINE},
    [K_OUTPUT_TPS] = {"output_tokens_per_s", "", true, GSZ_COL_MACHINE},
    [K_TTFT] = {"ttft_ms", "", true, GSZ_COL_MACHINE},
    [K_REPLICAS] = {"replicas", "", true, GSZ_COL_MACHINE},
    [K_BOUND] = {"bound", "", false, GSZ_COL_MACHINE},
    [K_TRAIN_DAYS] = {"train_days", "", true, GSZ_COL_MACHINE},
    [K_TCO] = {"tco_minor", "", true, GSZ_COL_MACHINE},
    [K_PER_MILLION] = {"per_million_tokens_minor", "", true, GSZ_COL_MACHINE},
};

static void config_row(gsz__table *t, const gsz_match_result *res, size_t rank,
                       const gsz_candidate *c, const char *pricing) {
  char a[GSZ_FMT_MAX], cfg[160];
  gsz__table_row(t);
  gsz__table_int(t, K_RANK, (int64_t)rank, NULL);
  gsz__table_str(t, K_ROLE, rank == 1 ? "best" : "alternative", NULL);
  gsz__table_int(t, K_ZERO, c->zero, NULL);
  gsz__table_null(t, K_REASONS, NULL);
  gsz__table_str(t, K_PRICING, pricing, NULL);
  configuration_short(cfg, sizeof cfg, c);
  gsz__table_str(t, K_CONFIG, cfg, NULL);
  gsz__table_str(t, K_GPU, c->gpu->sku, NULL);
  gsz__table_str(t, K_SERVER, c->server->sku, NULL);
  gsz__table_int(t, K_PER_NODE, c->gpus_per_node, NULL);
  gsz__table_int(t, K_NODES, c->nodes, NULL);
  gsz__table_u64(t, K_TOTAL_GPUS, c->total_gpus, NULL);
  gsz__table_int(t, K_TP, c->layout.tp, NULL);
  gsz__table_int(t, K_PP, c->layout.pp, NULL);
  gsz__table_int(t, K_DP, c->layout.dp, NULL);
  gsz__table_str(t, K_NEED_H, gsz__fmt_gib(a, c->per_gpu_bytes), NULL);
  gsz__table_u64(t, K_NEED, c->per_gpu_bytes, NULL);
  gsz__table_u64(t, K_USABLE, c->usable_bytes, NULL);
  gsz__table_u64(t, K_BUDGET, c->budget_bytes, gsz__fmt_gib(a, c->budget_bytes));
  gsz__table_real(t, K_HEADROOM, c->headroom_bp / 100.0, headroom(a, c->headroom_bp));
  gsz__table_str(t, K_PRICE_H, money(a, res, c->price.total_minor), NULL);
  gsz__table_int(t, K_TOTAL, c->price.total_minor, NULL);
  gsz__table_str(t, K_CURRENCY, res->currency, NULL);
  gsz__table_bool(t, K_BUILDABLE, c->stock.buildable, NULL);
  gsz__table_str(t, K_STOCK_H, stock_short_words(c), NULL);
  if (c->stock.lead_time_days >= 0)
    gsz__table_int(t, K_LEAD, c->stock.lead_time_days, NULL);
  else
    gsz__table_null(t, K_LEAD, NULL);
  gsz__table_str(t, K_CHASSIS, chassis_name(c->server), NULL);
  gsz__table_str(t, K_COOLING, gsz_cooling_name(c->server->cooling), NULL);
  gsz__table_str(t, K_FORMAT, support_names[c->format_support], NULL);
  gsz__table_u64(t, K_POWER, c->power_w, NULL);
  gsz__table_int(t, K_UNITS, c->rack_units, NULL);
  char codes[GSZ_MATCH_MAX_CAUTIONS * 34] = "";
  for (unsigned i = 0; i < c->n_cautions; i++)
    snprintf(codes + strlen(codes), sizeof codes - strlen(codes), "%s%s", i ? ";" : "",
             c->cautions[i].code);
  gsz__table_str(t, K_CAUTIONS, codes, NULL);
  const gsz_candidate_perf *p = &c->perf;
  char speed[3 * GSZ_FMT_MAX + 96], x[GSZ_FMT_MAX], y[GSZ_FMT_MAX];
  if (p->known) {
    snprintf(speed, sizeof speed, "%s tok/s/user, %s tok/s, TTFT %llu ms, %s",
             gsz__fmt_milli1(x, p->est.user_mtps), gsz__fmt_milli1(y, p->est.output_mtps),
             (unsigned long long)p->est.ttft_ms, gsz_bound_name(p->est.bound));
    gsz__table_str(t, K_SPEED_H, speed, NULL);
    gsz__table_real(t, K_USER_TPS, (double)p->est.user_mtps / 1000.0, NULL);
    gsz__table_real(t, K_OUTPUT_TPS, (double)p->est.output_mtps / 1000.0, NULL);
    gsz__table_u64(t, K_TTFT, p->est.ttft_ms, NULL);
    gsz__table_int(t, K_REPLICAS, p->replicas, NULL);
    gsz__table_str(t, K_BOUND, gsz_bound_name(p->est.bound), NULL);
  } else {
    if (p->train_known) {
      snprintf(speed, sizeof speed, "%s days", gsz__fmt_milli1(x, p->train.days_milli));
      gsz__table_str(t, K_SPEED_H, speed, NULL);
    } else {
      gsz__table_null(t, K_SPEED_H, "-");
    }
    gsz__table_null(t, K_USER_TPS, NULL);
    gsz__table_null(t, K_OUTPUT_TPS, NULL);
    gsz__table_null(t, K_TTFT, NULL);
    gsz__table_null(t, K_REPLICAS, NULL);
    gsz__table_null(t, K_BOUND, NULL);
  }
  if (p->train_known)
    gsz__table_real(t, K_TRAIN_DAYS, (double)p->train.days_milli / 1000.0, NULL);
  else
    gsz__table_null(t, K_TRAIN_DAYS, NULL);
  if (c->cost.overflow)
    gsz__table_null(t, K_TCO, NULL);
  else
    gsz__table_int(t, K_TCO, c->cost.tco_minor, NULL);
  if (c->cost.has_per_million && !c->cost.overflow)
    gsz__table_int(t, K_PER_MILLION, c->cost.per_million_minor, NULL);
  else
    gsz__table_null(t, K_PER_MILLION, NULL);
}

enum { J_GPU, J_CODE, J_DETAIL, J_COLS };

static const gsz__col reject_cols[J_COLS] = {
    [J_GPU] = {"gpu_sku", "GPU", false, GSZ_COL_BOTH},
    [J_CODE] = {"code", "Reason", false, GSZ_COL_BOTH},
    [J_DETAIL] = {"detail", "Detail", false, GSZ_COL_BOTH},
};

/* People's tables leave out what the request filtered away (listed on one
 * line after); programs get every GPU. */
static void reject_table(gsz__table *t, const gsz_match_result *res, bool skip_filtered,
                         const gsz_field_words *words) {
  gsz__table_init(t, reject_cols, J_COLS);
  for (size_t i = 0; i < res->n_rejected; i++) {
    const gsz_rejection *rj = &res->rejected[i];
    if (skip_filtered && rj->filtered)
      continue;
    for (unsigned k = 0; k < rj->n_reasons; k++) {
      gsz__table_row(t);
      gsz__table_str(t, J_GPU, rj->gpu->sku, k == 0 ? NULL : "");
      gsz__table_str(t, J_CODE, gsz_reason_name(rj->reasons[k].code), NULL);
      char detail[320];
      gsz__table_str(
          t, J_DETAIL,
          gsz_reason_describe(detail, sizeof detail, &rj->reasons[k], rj->gpu, res, words), NULL);
    }
  }
}

enum { E_SERVER, E_PER_NODE, E_NODES, E_LAYOUT, E_NEED, E_BUDGET, E_PRICE, E_VERDICT, E_COLS };

static const gsz__col explain_cols[E_COLS] = {
    [E_SERVER] = {"server_sku", "Server", false, GSZ_COL_BOTH},
    [E_PER_NODE] = {"gpus_per_node", "GPUs/node", true, GSZ_COL_BOTH},
    [E_NODES] = {"nodes", "Nodes", true, GSZ_COL_BOTH},
    [E_LAYOUT] = {"layout", "TPxPPxDP", false, GSZ_COL_BOTH},
    [E_NEED] = {"per_gpu_bytes", "Need/GPU", true, GSZ_COL_BOTH},
    [E_BUDGET] = {"budget_bytes", "Budget/GPU", true, GSZ_COL_BOTH},
    [E_PRICE] = {"total_minor", "Price", true, GSZ_COL_BOTH},
    [E_VERDICT] = {"verdict", "Verdict", false, GSZ_COL_BOTH},
};

static void explain_table(gsz__table *t, const gsz_match_result *res,
                          const gsz_field_words *words) {
  char a[GSZ_FMT_MAX], v[400], detail[320];
  gsz__table_init(t, explain_cols, E_COLS);
  for (size_t i = 0; i < res->n_explained; i++) {
    const gsz_candidate *c = &res->explained[i];
    gsz__table_row(t);
    gsz__table_str(t, E_SERVER, c->server->sku, NULL);
    gsz__table_int(t, E_PER_NODE, c->gpus_per_node, NULL);
    if (c->nodes > 0) {
      gsz__table_int(t, E_NODES, c->nodes, NULL);
      snprintf(a, sizeof a, "%ux%ux%u", c->layout.tp, c->layout.pp, c->layout.dp);
      gsz__table_str(t, E_LAYOUT, a, NULL);
      gsz__table_u64(t, E_NEED, c->per_gpu_bytes, gsz__fmt_gib(a, c->per_gpu_bytes));
    } else {
      gsz__table_null(t, E_NODES, "-");
      gsz__table_null(t, E_LAYOUT, "-");
      gsz__table_null(t, E_NEED, "-");
    }
    if (c->budget_bytes > 0)
      gsz__table_u64(t, E_BUDGET, c->budget_bytes, gsz__fmt_gib(a, c->budget_bytes));
    else
      gsz__table_null(t, E_BUDGET, "-");
    if (c->price.n_lines > 0)
      gsz__table_int(t, E_PRICE, c->price.total_minor, money(a, res, c->price.total_minor));
    else
      gsz__table_null(t, E_PRICE, "-");
    if (c->fits)
      snprintf(v, sizeof v, "fits");
    else
      snprintf(v, sizeof v, "%s: %s", gsz_reason_name(c->verdict.code),
               gsz_reason_describe(detail, sizeof detail, &c->verdict, c->gpu, res, words));
    gsz__table_str(t, E_VERDICT, v, NULL);
  }
}

static void render_table(gsz__buf *b, gsz__table *t, gsz_output_format fmt) {
  gsz__table_render(t, fmt, b);
  gsz__table_free(t);
}

/* --- Text and Markdown -------------------------------------------------------- */

static void indent_table(gsz__buf *b, gsz__table *t, const char *prefix) {
  gsz__buf inner;
  gsz__buf_init(&inner);
  render_table(&inner, t, GSZ_OUTPUT_TABLE);
  if (inner.err != GSZ_OK && b->err == GSZ_OK)
    b->err = inner.err;
  const char *p = inner.data ? inner.data : "";
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
    gsz__buf_puts(b, prefix);
    gsz__buf_append(b, p, n);
    p += n;
  }
  gsz__buf_release(&inner);
}

/* Power in kW with one decimal from watts, truncated. */
static const char *kw(char buf[GSZ_FMT_MAX], uint64_t w) {
  snprintf(buf, GSZ_FMT_MAX, "%llu.%llu kW", (unsigned long long)(w / 1000),
           (unsigned long long)(w % 1000 / 100));
  return buf;
}

/* The deployability lines of the chosen configuration: chassis and
 * cooling, number format support, power against its limit, network. */
static void deploy_words(gsz__buf *b, const gsz_match_result *res, const gsz_candidate *c,
                         const char *bullet) {
  (void)res;
  const gsz_server *s = c->server;
  char a[GSZ_FMT_MAX], pct[GSZ_FMT_MAX];
  char units[48] = "";
  if (c->rack_units > 0)
    snprintf(units, sizeof units, ", %u U of rack in all", c->rack_units);
  gsz__text_printf(b, "%schassis: %s%s, %s-cooled%s\n", bullet, chassis_name(s),
                   s->rack_units == 0 && !s->rack_scale ? " (tower)" : "",
                   gsz_cooling_name(s->cooling), units);
  gsz__text_printf(b, "%sformat: %s on %s %s\n", bullet,
                   c->format_support == GSZ_SUPPORT_NATIVE        ? "native"
                   : c->format_support == GSZ_SUPPORT_WEIGHT_ONLY ? "weight-only"
                                                                  : "not recorded",
                   c->gpu->architecture ? c->gpu->architecture : "an unrecorded architecture",
                   c->gpu->sku);
  uint32_t share = c->node_limit_w && s->psu_w
                       ? (uint32_t)((uint64_t)c->node_power_w * GSZ_BP_SCALE / s->psu_w)
                       : 0;
  gsz__text_printf(b,
                   "%spower: %u W per node of the %u W its power supplies deliver (%s; "
                   "limit %u W); %s in all\n",
                   bullet, c->node_power_w, s->psu_w, gsz__fmt_percent_bp(pct, (int32_t)share),
                   c->node_limit_w, kw(a, c->power_w));
  if (c->nodes > 1) {
    unsigned switches = 0;
    for (unsigned i = 0; i < c->bom.n_lines; i++)
      if (c->bom.lines[i].kind == GSZ_ITEM_SWITCH)
        switches += (unsigned)c->bom.lines[i].quantity;
    gsz__text_printf(b,
                     "%snetwork: %u scale-out NIC%s per node, %u switch%s (see the price "
                     "lines)\n",
                     bullet, c->nics_per_node, c->nics_per_node == 1 ? "" : "s", switches,
                     switches == 1 ? "" : "es");
  }
}

static void text_quote(gsz__buf *b, const gsz_quote_request *req, const gsz_match_result *res,
                       bool md) {
  const gsz_workload *w = req->size.workload;
  bool training = w->mode != GSZ_MODE_INFERENCE;
  char a[GSZ_FMT_MAX], c2[GSZ_FMT_MAX], d[GSZ_FMT_MAX];
  gsz__table t;

  if (md)
    gsz__text_printf(b, "## Quote: %s\n\n", req->size.model->label);
  gsz__text_printf(b, "%s%s (%s): ", md ? "**Workload:** " : "workload: ", req->size.model->label,
                   req->size.model_source);
  gsz__text_workload(b, &req->size);
  gsz__text_printf(b, md ? "\n\n**Prices:** %s\n\n" : "\nprices: %s\n\n",
                   gsz_overlay_describe(req->overlay));

  if (res->found) {
    const gsz_candidate *best = &res->best;
    gsz__buf_puts(b, md ? "### Recommended configuration\n\n**" : "BEST: ");
    configuration_words(b, best);
    gsz__text_printf(b, "%s: %llu GPU%s for %s\n\n", md ? "**" : "",
                     (unsigned long long)best->total_gpus, best->total_gpus == 1 ? "" : "s",
                     money(a, res, best->price.total_minor));
    const char *bullet = md ? "- " : "  ";
    char util[GSZ_FMT_MAX], room[GSZ_FMT_MAX];
    gsz__text_printf(b, "%slayout: ", bullet);
    layout_words(b, best, w, training);
    gsz__buf_putc(b, '\n');
    if (best->perf.known || best->perf.train_known) {
      gsz__text_printf(b, "%sperformance: ", bullet);
      gsz__text_performance(b, &best->perf, w, req->options->sla.train_tokens);
      gsz__buf_putc(b, '\n');
    }
    gsz__text_printf(b, "%scost: ", bullet);
    cost_words(b, res, best, req->options);
    gsz__buf_putc(b, '\n');
    gsz__text_printf(b,
                     "%smemory: needs %s per GPU; budget %s (%s usable x %s runtime share); "
                     "headroom %s\n",
                     bullet, gsz__fmt_gib(a, best->per_gpu_bytes),
                     gsz__fmt_gib(c2, best->budget_bytes), gsz__fmt_gib(d, best->usable_bytes),
                     gsz__fmt_ratio(util, res->best_estimate.mem_util_bp, GSZ_BP_SCALE, 2),
                     headroom(room, best->headroom_bp));
    deploy_words(b, res, best, bullet);
    gsz__text_printf(b, "%sstock: ", bullet);
    stock_words(b, best);
    gsz__buf_putc(b, '\n');
    for (unsigned i = 0; i < best->n_cautions; i++)
      gsz__text_printf(b, "%scaution: %s\n", bullet, best->cautions[i].text);
    gsz__buf_puts(b, md ? "\n**Price**\n\n" : "\n  price:\n");
    line_table(&t, res, &best->price);
    if (md)
      render_table(b, &t, GSZ_OUTPUT_MARKDOWN);
    else
      indent_table(b, &t, "    ");
  } else {
    gsz__buf_puts(b, md ? "### No configuration fits\n\n" : "NO CONFIGURATION FITS\n");
    gsz__text_printf(b,
                     "%sthe reasons for every GPU follow; relaxing the constraint named in each "
                     "would change the answer\n",
                     md ? "" : "  ");
  }

  if (res->n_alternatives > 0) {
    gsz__buf_puts(b, md ? "\n### Alternatives\n\n" : "\nalternatives:\n");
    gsz__table_init(&t, config_cols, K_COLS);
    for (size_t i = 0; i < res->n_alternatives; i++)
      config_row(&t, res, i + 2, &res->alternatives[i], NULL);
    if (md)
      render_table(b, &t, GSZ_OUTPUT_MARKDOWN);
    else
      indent_table(b, &t, "  ");
  }
  size_t n_filtered = 0;
  for (size_t i = 0; i < res->n_rejected; i++)
    n_filtered += res->rejected[i].filtered;
  if (res->n_rejected > n_filtered) {
    gsz__buf_puts(b, md ? "\n### Why not the others\n\n" : "\nwhy not the others:\n");
    reject_table(&t, res, true, req->size.words);
    if (md)
      render_table(b, &t, GSZ_OUTPUT_MARKDOWN);
    else
      indent_table(b, &t, "  ");
  }
  if (n_filtered > 0) {
    char said[160];
    gsz__buf_puts(b, md ? "\n" : "\n  ");
    gsz__buf_puts(b, gsz_text_render(said, sizeof said,
                                     "not considered (left out by " GSZ_FIELD("gpu") ", " GSZ_FIELD(
                                         "vendor") " or " GSZ_FIELD("form_factor") "): ",
                                     req->size.words));
    bool first = true;
    for (size_t i = 0; i < res->n_rejected; i++)
      if (res->rejected[i].filtered) {
        gsz__text_printf(b, "%s%s", first ? "" : ", ", res->rejected[i].gpu->sku);
        first = false;
      }
    gsz__buf_putc(b, '\n');
  }
  if (res->n_explained > 0) {
    gsz__text_printf(b, md ? "\n### Every candidate of %s\n\n" : "\nevery candidate of %s:\n",
                     req->options->explain->sku);
    explain_table(&t, res, req->size.words);
    if (md)
      render_table(b, &t, GSZ_OUTPUT_MARKDOWN);
    else
      indent_table(b, &t, "  ");
  }
  gsz__text_printf(b, md ? "\n### Memory per GPU (%s)\n\n" : "\nmemory per GPU (%s):\n",
                   res->found ? "the recommended layout, busiest GPU" : "one GPU");
  if (md) {
    gsz__text_breakdown(b, &res->best_estimate, GSZ_OUTPUT_MARKDOWN);
  } else {
    gsz__buf inner;
    gsz__buf_init(&inner);
    gsz__text_breakdown(&inner, &res->best_estimate, GSZ_OUTPUT_TABLE);
    if (inner.err != GSZ_OK && b->err == GSZ_OK)
      b->err = inner.err; /* a lost table fails the quote, never drops out of it */
    const char *p = inner.data ? inner.data : "";
    while (*p) {
      const char *nl = strchr(p, '\n');
      size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
      gsz__buf_puts(b, "  ");
      gsz__buf_append(b, p, n);
      p += n;
    }
    gsz__buf_release(&inner);
  }
  if (res->found && (req->size.fit != NULL || req->size.kv != NULL)) {
    gsz__buf_putc(b, '\n');
    gsz__text_gpu(b, &req->size, &res->best_estimate, res->best.gpu->sku, md ? "- " : "  ");
  }
  const gsz_estimate *e = &res->best_estimate;
  char note[512];
  if (e->n_notes > 0) {
    gsz__buf_puts(b, md ? "\n**Notes**\n\n" : "\nnotes:\n");
    for (unsigned i = 0; i < e->n_notes; i++)
      gsz__text_printf(b, "%s%s\n", md ? "- " : "  - ",
                       gsz_text_render(note, sizeof note, e->notes[i], req->size.words));
  }
  gsz__text_printf(b,
                   md ? "\n_%zu candidates considered. GB = 10^9 bytes, GiB = 2^30 bytes._\n"
                      : "\n%zu candidates considered. GB = 10^9 bytes, GiB = 2^30 bytes.\n",
                   res->candidates);
}

/* --- JSON ---------------------------------------------------------------------- */

static json_t *candidate_json(gsz__jb *jb, const gsz_candidate *c, const gsz_match_result *res) {
  json_t *o = json_object();
  gsz__jb_put(jb, o, "gpu_sku", gsz__json_text(c->gpu->sku));
  gsz__jb_put(jb, o, "server_sku", gsz__json_text(c->server->sku));
  gsz__jb_put(jb, o, "gpus_per_node", json_integer(c->gpus_per_node));
  gsz__jb_put(jb, o, "nodes", json_integer(c->nodes));
  gsz__jb_put(jb, o, "total_gpus", json_integer((json_int_t)c->total_gpus));
  json_t *layout = json_object();
  gsz__jb_put(jb, layout, "tp", json_integer(c->layout.tp));
  gsz__jb_put(jb, layout, "pp", json_integer(c->layout.pp));
  gsz__jb_put(jb, layout, "dp", json_integer(c->layout.dp));
  gsz__jb_put(jb, layout, "zero", json_integer(c->zero));
  gsz__jb_put(jb, layout, "recompute_full", json_boolean(c->recompute_full));
  gsz__jb_put(jb, o, "layout", layout);
  gsz__jb_put(jb, o, "per_gpu_bytes", json_integer((json_int_t)c->per_gpu_bytes));
  gsz__jb_put(jb, o, "usable_bytes", json_integer((json_int_t)c->usable_bytes));
  gsz__jb_put(jb, o, "budget_bytes", json_integer((json_int_t)c->budget_bytes));
  gsz__jb_put(jb, o, "headroom_pct", json_real(c->headroom_bp / 100.0));
  gsz__jb_put(jb, o, "node_power_w", json_integer(c->node_power_w));
  gsz__jb_put(jb, o, "psu_w", json_integer(c->server->psu_w));
  gsz__jb_put(jb, o, "node_power_limit_w", json_integer(c->node_limit_w));
  gsz__jb_put(jb, o, "power_w", json_integer((json_int_t)c->power_w));
  gsz__jb_put(jb, o, "rack_units", json_integer(c->rack_units));
  gsz__jb_put(jb, o, "chassis", gsz__json_text(chassis_name(c->server)));
  gsz__jb_put(jb, o, "cooling", gsz__json_text(gsz_cooling_name(c->server->cooling)));
  gsz__jb_put(jb, o, "format_support", gsz__json_text(support_names[c->format_support]));
  gsz__jb_put(jb, o, "kv_format_support", gsz__json_text(support_names[c->kv_format_support]));
  json_t *life = json_object();
  gsz__jb_put(jb, life, "gpu", gsz__json_text(gsz_lifecycle_name(c->gpu->lifecycle)));
  gsz__jb_put(jb, life, "server", gsz__json_text(gsz_lifecycle_name(c->server->lifecycle)));
  gsz__jb_put(jb, o, "lifecycle", life);
  gsz__jb_put(jb, o, "nics_per_node", json_integer(c->nics_per_node));
  json_t *cautions = json_array();
  for (unsigned i = 0; i < c->n_cautions && cautions; i++) {
    json_t *k = json_object();
    gsz__jb_put(jb, k, "code", gsz__json_text(c->cautions[i].code));
    gsz__jb_put(jb, k, "text", gsz__json_text(c->cautions[i].text));
    gsz__jb_append(jb, cautions, k);
  }
  gsz__jb_put(jb, o, "cautions", cautions);
  json_t *price = json_object();
  gsz__jb_put(jb, price, "total_minor", json_integer(c->price.total_minor));
  gsz__jb_put(jb, price, "currency", gsz__json_text(res->currency));
  gsz__jb_put(jb, price, "minor_digits", json_integer(res->minor_digits));
  gsz__table t;
  line_table(&t, res, &c->price);
  json_t *lines = NULL; /* NULL marks jb failed below */
  if (t.err == GSZ_OK && t.rows > 0) {
    t.rows--; /* the total row is for people */
    lines = gsz__table_json(&t);
    t.rows++;
  }
  gsz__table_free(&t);
  gsz__jb_put(jb, price, "lines", lines);
  gsz__jb_put(jb, o, "price", price);
  json_t *stock = json_object();
  gsz__jb_put(jb, stock, "buildable", json_boolean(c->stock.buildable));
  gsz__jb_put(jb, stock, "known", json_boolean(c->stock.known));
  gsz__jb_put(jb, stock, "lead_time_days",
              c->stock.lead_time_days >= 0 ? json_integer(c->stock.lead_time_days) : json_null());
  json_t *need = json_array();
  json_t *item = json_object();
  gsz__jb_put(jb, item, "kind", gsz__json_text("gpu"));
  gsz__jb_put(jb, item, "sku", gsz__json_text(c->gpu->sku));
  gsz__jb_put(jb, item, "needed", json_integer((json_int_t)c->stock.gpus_needed));
  gsz__jb_put(jb, item, "available", json_integer(c->stock.gpus_available));
  gsz__jb_put(jb, item, "short", json_integer((json_int_t)c->stock.gpus_short));
  gsz__jb_append(jb, need, item); /* frees item when need is NULL */
  item = json_object();
  gsz__jb_put(jb, item, "kind", gsz__json_text("server"));
  gsz__jb_put(jb, item, "sku", gsz__json_text(c->server->sku));
  gsz__jb_put(jb, item, "needed", json_integer((json_int_t)c->stock.servers_needed));
  gsz__jb_put(jb, item, "available", json_integer(c->stock.servers_available));
  gsz__jb_put(jb, item, "short", json_integer((json_int_t)c->stock.servers_short));
  gsz__jb_append(jb, need, item); /* frees item when need is NULL */
  gsz__jb_put(jb, stock, "items", need);
  json_t *shortfall = json_array();
  if (c->stock.gpus_short > 0 && shortfall)
    gsz__jb_append(jb, shortfall, gsz__json_text(c->gpu->sku));
  if (c->stock.servers_short > 0 && shortfall)
    gsz__jb_append(jb, shortfall, gsz__json_text(c->server->sku));
  gsz__jb_put(jb, stock, "short", shortfall);
  gsz__jb_put(jb, o, "stock", stock);
  gsz__jb_put(jb, o, "performance", gsz__json_performance(jb, &c->perf));
  if (!c->cost.overflow) {
    json_t *cost = json_object();
    gsz__jb_put(jb, cost, "capex_minor", json_integer(c->cost.capex_minor));
    gsz__jb_put(jb, cost, "energy_wh", json_integer((json_int_t)c->cost.energy_wh));
    gsz__jb_put(jb, cost, "energy_minor", json_integer(c->cost.energy_minor));
    gsz__jb_put(jb, cost, "tco_minor", json_integer(c->cost.tco_minor));
    gsz__jb_put(jb, cost, "per_million_tokens_minor",
                c->cost.has_per_million ? json_integer(c->cost.per_million_minor) : json_null());
    gsz__jb_put(jb, o, "cost", cost);
  } else {
    gsz__jb_put(jb, o, "cost", json_null());
  }
  return o;
}

static json_t *quote_json(gsz__jb *jb, const gsz_quote_request *req, const gsz_match_result *res) {
  const gsz_field_words *words = req->size.words;
  json_t *doc = json_object();
  json_t *request = gsz__json_request(jb, &req->size);
  const gsz_match_options *o = req->options;
  if (request != NULL) {
    json_object_del(request, "layout"); /* quote chooses the layout */
    gsz__jb_put(jb, request, "max_nodes", json_integer(o->max_nodes));
    gsz__jb_put(jb, request, "max_gpus",
                o->max_gpus ? json_integer((json_int_t)o->max_gpus) : json_null());
    gsz__jb_put(jb, request, "budget_minor",
                o->has_budget ? json_integer(o->budget_minor) : json_null());
    gsz__jb_put(jb, request, "stock", gsz__json_text(gsz_stock_policy_name(o->stock)));
    gsz__jb_put(jb, request, "allow_consumer", json_boolean(o->allow_consumer));
    gsz__jb_put(jb, request, "top", json_integer(o->top));
    const gsz_service_level *sla = &o->sla;
    json_t *targets = json_object();
    gsz__jb_put(jb, targets, "tokens_per_second",
                sla->min_user_mtps ? json_real((double)sla->min_user_mtps / 1000.0) : json_null());
    gsz__jb_put(jb, targets, "ttft_ms",
                sla->max_ttft_ms ? json_integer((json_int_t)sla->max_ttft_ms) : json_null());
    gsz__jb_put(jb, targets, "throughput",
                sla->min_output_mtps ? json_real((double)sla->min_output_mtps / 1000.0)
                                     : json_null());
    gsz__jb_put(jb, targets, "train_tokens",
                sla->train_tokens ? json_integer((json_int_t)sla->train_tokens) : json_null());
    gsz__jb_put(jb, targets, "deadline_days",
                sla->deadline_days_milli ? json_real((double)sla->deadline_days_milli / 1000.0)
                                         : json_null());
    gsz__jb_put(jb, request, "service_level", targets);
    json_t *cost = json_object();
    gsz__jb_put(jb, cost, "objective", gsz__json_text(gsz_objective_name(o->cost.objective)));
    gsz__jb_put(jb, cost, "years", json_integer(o->cost.years));
    gsz__jb_put(jb, cost, "power_price_milli_minor", json_integer(o->cost.power_price_milli));
    gsz__jb_put(jb, cost, "pue", json_real(o->cost.pue_centi / 100.0));
    gsz__jb_put(jb, cost, "utilisation_pct", json_real(o->cost.utilisation_bp / 100.0));
    gsz__jb_put(jb, request, "cost", cost);
  }
  gsz__jb_put(jb, doc, "request", request);
  json_t *pricing = json_object();
  gsz__jb_put(jb, pricing, "description", gsz__json_text(gsz_overlay_describe(req->overlay)));
  gsz__jb_put(jb, pricing, "currency", gsz__json_text(gsz_overlay_currency(req->overlay)));
  json_t *files = json_array();
  for (size_t i = 0; i < gsz_overlay_file_count(req->overlay) && files; i++)
    gsz__jb_append(jb, files, gsz__json_text(gsz_overlay_file(req->overlay, i)));
  gsz__jb_put(jb, pricing, "files", files);
  const char *valid = gsz_overlay_valid_until(req->overlay);
  gsz__jb_put(jb, pricing, "valid_until", valid ? gsz__json_text(valid) : json_null());
  gsz__jb_put(jb, doc, "pricing", pricing);
  gsz__jb_put(jb, doc, "model", gsz__json_model(jb, &req->size, &res->best_estimate));
  gsz__jb_put(jb, doc, "memory", gsz__json_memory(jb, &res->best_estimate, &req->size));
  gsz__jb_put(jb, doc, "found", json_boolean(res->found));
  gsz__jb_put(jb, doc, "best", res->found ? candidate_json(jb, &res->best, res) : json_null());
  json_t *alts = json_array();
  for (size_t i = 0; i < res->n_alternatives && alts; i++)
    gsz__jb_append(jb, alts, candidate_json(jb, &res->alternatives[i], res));
  gsz__jb_put(jb, doc, "alternatives", alts);
  json_t *rejected = json_array();
  for (size_t i = 0; i < res->n_rejected && rejected; i++) {
    const gsz_rejection *rj = &res->rejected[i];
    json_t *r = json_object();
    gsz__jb_put(jb, r, "gpu_sku", gsz__json_text(rj->gpu->sku));
    gsz__jb_put(jb, r, "filtered", json_boolean(rj->filtered));
    json_t *reasons = json_array();
    for (unsigned k = 0; k < rj->n_reasons && reasons; k++) {
      json_t *reason = json_object();
      gsz__jb_put(jb, reason, "code", gsz__json_text(gsz_reason_name(rj->reasons[k].code)));
      char detail[320];
      gsz__jb_put(jb, reason, "detail",
                  gsz__json_text(gsz_reason_describe(detail, sizeof detail, &rj->reasons[k],
                                                     rj->gpu, res, words)));
      gsz__jb_append(jb, reasons, reason);
    }
    gsz__jb_put(jb, r, "reasons", reasons);
    gsz__jb_append(jb, rejected, r);
  }
  gsz__jb_put(jb, doc, "rejected", rejected);
  if (o->explain != NULL) {
    gsz__table t;
    explain_table(&t, res, req->size.words);
    gsz__jb_put(jb, doc, "explain", gsz__table_json(&t));
    gsz__table_free(&t);
  }
  gsz__jb_put(jb, doc, "candidates", json_integer((json_int_t)res->candidates));
  return doc;
}

gsz_err gsz_report_quote(char **out, size_t *out_len, const gsz_quote_request *req,
                         const gsz_match_result *res, gsz_output_format format, gsz_diag *diag) {
  const gsz_field_words *words = req->size.words;
  gsz_err err = gsz__check_estimate(&req->size, &res->best_estimate, format, diag);
  if (err != GSZ_OK)
    return err;
  gsz__buf b;
  gsz__buf_init(&b);
  gsz__table t;
  switch (format) {
  case GSZ_OUTPUT_TABLE:
    text_quote(&b, req, res, false);
    break;
  case GSZ_OUTPUT_MARKDOWN:
    text_quote(&b, req, res, true);
    break;
  case GSZ_OUTPUT_CSV:
  case GSZ_OUTPUT_CSV_RAW: {
    /* One row per configuration, then one per GPU that lost, with its
     * reasons: programs see why even when nothing fits. */
    const char *pricing = gsz_overlay_describe(req->overlay);
    gsz__table_init(&t, config_cols, K_COLS);
    if (res->found)
      config_row(&t, res, 1, &res->best, pricing);
    for (size_t i = 0; i < res->n_alternatives; i++)
      config_row(&t, res, i + 2, &res->alternatives[i], pricing);
    for (size_t i = 0; i < res->n_rejected; i++) {
      const gsz_rejection *rj = &res->rejected[i];
      gsz__table_row(&t);
      for (int col = 0; col < K_COLS; col++)
        gsz__table_null(&t, (size_t)col, NULL);
      gsz__table_str(&t, K_ROLE, "rejected", NULL);
      gsz__table_str(&t, K_GPU, rj->gpu->sku, NULL);
      gsz__table_str(&t, K_CURRENCY, res->currency, NULL);
      gsz__table_str(&t, K_PRICING, pricing, NULL);
      char reasons[1600] = "", one[320];
      for (unsigned k = 0; k < rj->n_reasons; k++)
        snprintf(reasons + strlen(reasons), sizeof reasons - strlen(reasons), "%s%s: %s",
                 k ? "; " : "", gsz_reason_name(rj->reasons[k].code),
                 gsz_reason_describe(one, sizeof one, &rj->reasons[k], rj->gpu, res, words));
      gsz__table_str(&t, K_REASONS, reasons, NULL);
    }
    render_table(&b, &t, format);
    break;
  }
  case GSZ_OUTPUT_JSON: {
    gsz__jb jb = {false};
    json_t *doc = quote_json(&jb, req, res);
    gsz__jb_emit(&b, &jb, doc);
    json_decref(doc);
    break;
  }
  }
  return gsz__report_finish(&b, format, out, out_len, diag);
}
