/* catalog.c: the `gpusizer catalog ...` listings: GPUs, servers,
 * models, number formats, stock and runtime profiles, each as one typed
 * table rendered in any output format. */
#include "gpusizer/model.h"
#include "gpusizer/report.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <stdio.h>
#include <string.h>

gsz_err gsz_listing_parse(gsz_listing *out, const char *name, gsz_diag *diag) {
  static const struct {
    const char *name;
    gsz_listing listing;
  } names[] = {{"gpus", GSZ_LIST_GPUS},      {"servers", GSZ_LIST_SERVERS},
               {"models", GSZ_LIST_MODELS},  {"formats", GSZ_LIST_FORMATS},
               {"stock", GSZ_LIST_STOCK},    {"runtimes", GSZ_LIST_RUNTIMES},
               {"network", GSZ_LIST_NETWORK}};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(names); i++)
    if (gsz__str_ieq(name, names[i].name)) {
      *out = names[i].listing;
      return GSZ_OK;
    }
  return gsz__diag_set(
      diag, GSZ_EINVAL,
      "unknown listing '%s' (expected gpus, servers, network, models, formats, stock or "
      "runtimes)",
      name);
}

static bool matches(const char *filter, const char *value) {
  return filter == NULL || (value != NULL && gsz__str_ieq(filter, value));
}

static unsigned currency_digits(const gsz_catalog_data *d, const char *code) {
  const gsz_currency *c = gsz_catalog_find_currency(d, code);
  return c ? c->minor_digits : 2;
}

/* Price cells: machine amount + currency, human "27,500.00 USD". */
static void price_cells(gsz__table *t, const gsz_catalog_data *d, size_t col,
                        const gsz_unit_price *p) {
  char buf[GSZ_FMT_MAX];
  if (!p->present) {
    gsz__table_null(t, col, "-");
    gsz__table_null(t, col + 1, NULL);
    gsz__table_null(t, col + 2, NULL);
    return;
  }
  gsz__table_str(t, col,
                 gsz__fmt_money(buf, p->amount_minor, currency_digits(d, p->currency), p->currency),
                 NULL);
  gsz__table_int(t, col + 1, p->amount_minor, NULL);
  gsz__table_str(t, col + 2, p->currency, NULL);
}

static void stock_cell(gsz__table *t, size_t col, const gsz_stock_total *s) {
  if (!s->present)
    gsz__table_null(t, col, "-");
  else
    gsz__table_int(t, col, s->available, NULL);
}

/* "end of sale since 2024-02-01; " or "announced; " into flags. */
static void lifecycle_flag(char *flags, size_t size, gsz_lifecycle life, const char *date) {
  if (life == GSZ_LIFECYCLE_END_OF_SALE)
    snprintf(flags + strlen(flags), size - strlen(flags), "end of sale%s%s; ",
             date ? " since " : "", date ? date : "");
  else if (life == GSZ_LIFECYCLE_ANNOUNCED)
    snprintf(flags + strlen(flags), size - strlen(flags), "announced; ");
}

/* --- GPUs --------------------------------------------------------------- */

enum {
  G_SKU,
  G_VENDOR,
  G_NAME,
  G_FORM,
  G_ARCH,
  G_MEM,
  G_MEM_MIB,
  G_USABLE,
  G_USABLE_MIB,
  G_BW,
  G_TF,
  G_TDP,
  G_PRICE,
  G_PRICE_MINOR,
  G_CURRENCY,
  G_STOCK,
  G_FLAGS,
  G_DC,
  G_SELLABLE,
  G_VERIFIED,
  G_MEMTYPE,
  G_LIFECYCLE,
  G_LIFECYCLE_DATE,
  G_BASIS,
  G_SOURCE,
  G_COLS
};

static const gsz__col gpu_cols[G_COLS] = {
    [G_SKU] = {"sku", "SKU", false, GSZ_COL_BOTH},
    [G_VENDOR] = {"vendor", "Vendor", false, GSZ_COL_BOTH},
    [G_NAME] = {"name", "Name", false, GSZ_COL_BOTH},
    [G_FORM] = {"form_factor", "Form", false, GSZ_COL_BOTH},
    [G_ARCH] = {"architecture", "Arch", false, GSZ_COL_BOTH},
    [G_MEM] = {"memory", "Memory", true, GSZ_COL_HUMAN},
    [G_MEM_MIB] = {"memory_mib", "Memory MiB", true, GSZ_COL_MACHINE},
    [G_USABLE] = {"usable", "Usable", true, GSZ_COL_HUMAN},
    [G_USABLE_MIB] = {"usable_mib", "Usable MiB", true, GSZ_COL_MACHINE},
    [G_BW] = {"bandwidth_gbs", "BW GB/s", true, GSZ_COL_BOTH},
    [G_TF] = {"tflops_bf16", "BF16 TFLOPS", true, GSZ_COL_BOTH},
    [G_TDP] = {"tdp_w", "TDP W", true, GSZ_COL_BOTH},
    [G_PRICE] = {"price", "Price", true, GSZ_COL_HUMAN},
    [G_PRICE_MINOR] = {"price_minor", "", true, GSZ_COL_MACHINE},
    [G_CURRENCY] = {"currency", "", false, GSZ_COL_MACHINE},
    [G_STOCK] = {"stock_available", "Stock", true, GSZ_COL_BOTH},
    [G_FLAGS] = {"flags", "Notes", false, GSZ_COL_HUMAN},
    [G_DC] = {"datacenter_ok", "", false, GSZ_COL_MACHINE},
    [G_SELLABLE] = {"sellable", "", false, GSZ_COL_MACHINE},
    [G_VERIFIED] = {"verified", "", false, GSZ_COL_MACHINE},
    [G_MEMTYPE] = {"memory_type", "", false, GSZ_COL_MACHINE},
    [G_LIFECYCLE] = {"lifecycle", "", false, GSZ_COL_MACHINE},
    [G_LIFECYCLE_DATE] = {"lifecycle_date", "", false, GSZ_COL_MACHINE},
    [G_BASIS] = {"usable_basis", "", false, GSZ_COL_MACHINE},
    [G_SOURCE] = {"source", "", false, GSZ_COL_MACHINE},
};

static void list_gpus(gsz__table *t, const gsz_catalog_data *d, const gsz_listing_filter *f) {
  char buf[GSZ_FMT_MAX];
  gsz__table_init(t, gpu_cols, G_COLS);
  for (size_t i = 0; i < d->n_gpus; i++) {
    const gsz_gpu *g = &d->gpus[i];
    if (!matches(f->vendor, g->vendor) || !matches(f->form_factor, g->form_factor))
      continue;
    gsz__table_row(t);
    gsz__table_str(t, G_SKU, g->sku, NULL);
    gsz__table_str(t, G_VENDOR, g->vendor, NULL);
    gsz__table_str(t, G_NAME, g->name, NULL);
    gsz__table_str(t, G_FORM, g->form_factor, NULL);
    gsz__table_str(t, G_ARCH, g->architecture ? g->architecture : "", NULL);
    gsz__table_str(t, G_MEM, gsz__fmt_gib(buf, (uint64_t)g->memory_mib << 20), NULL);
    gsz__table_int(t, G_MEM_MIB, g->memory_mib, NULL);
    gsz__table_str(t, G_USABLE, gsz__fmt_gib(buf, (uint64_t)g->usable_mib << 20), NULL);
    gsz__table_int(t, G_USABLE_MIB, g->usable_mib, NULL);
    gsz__table_int(t, G_BW, g->bandwidth_gbs, NULL);
    gsz__table_real(t, G_TF, g->tflops_bf16, gsz__fmt_tenths(buf, g->tflops_bf16));
    gsz__table_int(t, G_TDP, g->tdp_w, NULL);
    price_cells(t, d, G_PRICE, &g->price);
    stock_cell(t, G_STOCK, &g->stock);
    char flags[128] = "";
    lifecycle_flag(flags, sizeof flags, g->lifecycle, g->lifecycle_date);
    if (!g->datacenter_ok)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "consumer; ");
    if (!g->sellable)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "not sold; ");
    if (!g->verified)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "unverified; ");
    if (flags[0])
      flags[strlen(flags) - 2] = '\0';
    gsz__table_str(t, G_FLAGS, flags, NULL);
    gsz__table_bool(t, G_DC, g->datacenter_ok, NULL);
    gsz__table_bool(t, G_SELLABLE, g->sellable, NULL);
    gsz__table_bool(t, G_VERIFIED, g->verified, NULL);
    gsz__table_str(t, G_MEMTYPE, g->memory_type, NULL);
    gsz__table_str(t, G_LIFECYCLE, gsz_lifecycle_name(g->lifecycle), NULL);
    gsz__table_str(t, G_LIFECYCLE_DATE, g->lifecycle_date, NULL);
    gsz__table_str(t, G_BASIS, g->usable_basis, NULL);
    gsz__table_str(t, G_SOURCE, g->source, NULL);
  }
}

/* --- Servers ----------------------------------------------------------- */

enum {
  S_SKU,
  S_VENDOR,
  S_NAME,
  S_FORM,
  S_CHASSIS,
  S_COOLING,
  S_MAX,
  S_RU,
  S_PSU,
  S_BASE,
  S_GPUS,
  S_PRICE,
  S_PRICE_MINOR,
  S_CURRENCY,
  S_INCLUDED,
  S_STOCK,
  S_FLAGS,
  S_SELLABLE,
  S_VERIFIED,
  S_SCALE_OUT,
  S_NIC,
  S_LIFECYCLE,
  S_LIFECYCLE_DATE,
  S_SOURCE,
  S_COLS
};

static const gsz__col server_cols[S_COLS] = {
    [S_SKU] = {"sku", "SKU", false, GSZ_COL_BOTH},
    [S_VENDOR] = {"vendor", "Vendor", false, GSZ_COL_BOTH},
    [S_NAME] = {"name", "Name", false, GSZ_COL_BOTH},
    [S_FORM] = {"gpu_form_factor", "Form", false, GSZ_COL_BOTH},
    [S_CHASSIS] = {"chassis", "Chassis", false, GSZ_COL_BOTH},
    [S_COOLING] = {"cooling", "Cooling", false, GSZ_COL_BOTH},
    [S_MAX] = {"max_gpus", "Max GPUs", true, GSZ_COL_BOTH},
    [S_RU] = {"rack_units", "Height", true, GSZ_COL_BOTH},
    [S_PSU] = {"psu_w", "PSU W", true, GSZ_COL_BOTH},
    [S_BASE] = {"base_w", "Base W", true, GSZ_COL_BOTH},
    [S_GPUS] = {"gpus", "GPUs accepted (counts)", false, GSZ_COL_BOTH},
    [S_PRICE] = {"price", "Price", true, GSZ_COL_HUMAN},
    [S_PRICE_MINOR] = {"price_minor", "", true, GSZ_COL_MACHINE},
    [S_CURRENCY] = {"currency", "", false, GSZ_COL_MACHINE},
    [S_INCLUDED] = {"gpus_included", "", false, GSZ_COL_MACHINE},
    [S_STOCK] = {"stock_available", "Stock", true, GSZ_COL_BOTH},
    [S_FLAGS] = {"flags", "Notes", false, GSZ_COL_HUMAN},
    [S_SELLABLE] = {"sellable", "", false, GSZ_COL_MACHINE},
    [S_VERIFIED] = {"verified", "", false, GSZ_COL_MACHINE},
    [S_SCALE_OUT] = {"scale_out", "", false, GSZ_COL_MACHINE},
    [S_NIC] = {"nic_sku", "", false, GSZ_COL_MACHINE},
    [S_LIFECYCLE] = {"lifecycle", "", false, GSZ_COL_MACHINE},
    [S_LIFECYCLE_DATE] = {"lifecycle_date", "", false, GSZ_COL_MACHINE},
    [S_SOURCE] = {"source", "", false, GSZ_COL_MACHINE},
};

/* "H100-SXM5-80GB x8; L40S x1-4": each GPU with its counts, runs of
 * consecutive counts folded into ranges. */
static void accepted_gpus(gsz__buf *b, const gsz_catalog_data *d, size_t server) {
  bool first = true;
  for (size_t g = 0; g < d->n_gpus; g++) {
    bool any = false;
    uint32_t run_start = 0, run_end = 0;
    for (size_t i = 0; i < d->n_fits; i++) {
      const gsz_fit *f = &d->fits[i];
      if (f->gpu != g || f->server != server)
        continue;
      if (!any) {
        gsz__buf_printf(b, "%s%s x", first ? "" : "; ", d->gpus[g].sku);
        first = false;
        any = true;
        run_start = run_end = f->count;
      } else if (f->count == run_end + 1) {
        run_end = f->count;
      } else {
        if (run_start == run_end)
          gsz__buf_printf(b, "%u,", run_start);
        else
          gsz__buf_printf(b, "%u-%u,", run_start, run_end);
        run_start = run_end = f->count;
      }
    }
    if (any) {
      if (run_start == run_end)
        gsz__buf_printf(b, "%u", run_start);
      else
        gsz__buf_printf(b, "%u-%u", run_start, run_end);
    }
  }
}

static void list_servers(gsz__table *t, const gsz_catalog_data *d, const gsz_listing_filter *f) {
  char buf[GSZ_FMT_MAX];
  gsz__table_init(t, server_cols, S_COLS);
  for (size_t i = 0; i < d->n_servers; i++) {
    const gsz_server *s = &d->servers[i];
    if (!matches(f->vendor, s->vendor) || !matches(f->form_factor, s->gpu_form_factor))
      continue;
    gsz__table_row(t);
    gsz__table_str(t, S_SKU, s->sku, NULL);
    gsz__table_str(t, S_VENDOR, s->vendor, NULL);
    gsz__table_str(t, S_NAME, s->name, NULL);
    gsz__table_str(t, S_FORM, s->gpu_form_factor, NULL);
    gsz__table_str(t, S_CHASSIS,
                   s->workstation  ? "workstation"
                   : s->rack_scale ? "rack_scale"
                                   : "rack",
                   NULL);
    gsz__table_str(t, S_COOLING, gsz_cooling_name(s->cooling), NULL);
    gsz__table_int(t, S_MAX, s->max_gpus, NULL);
    if (s->rack_units == 0)
      gsz__table_int(t, S_RU, 0, "tower");
    else {
      snprintf(buf, sizeof buf, "%uU", s->rack_units);
      gsz__table_int(t, S_RU, s->rack_units, buf);
    }
    gsz__table_int(t, S_PSU, s->psu_w, NULL);
    gsz__table_int(t, S_BASE, s->base_w, NULL);
    gsz__buf gpus;
    gsz__buf_init(&gpus);
    accepted_gpus(&gpus, d, i);
    if (gpus.err != GSZ_OK)
      t->err = gpus.err;
    gsz__table_str(t, S_GPUS, gpus.data ? gpus.data : "", NULL);
    gsz__buf_release(&gpus);
    price_cells(t, d, S_PRICE, &s->price);
    gsz__table_bool(t, S_INCLUDED, s->gpus_included, NULL);
    stock_cell(t, S_STOCK, &s->stock);
    char flags[160] = "";
    lifecycle_flag(flags, sizeof flags, s->lifecycle, s->lifecycle_date);
    if (s->scale_out == GSZ_SCALE_OUT_NONE && !s->workstation)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "one node only; ");
    else if (s->scale_out == GSZ_SCALE_OUT_ONBOARD)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "scale-out NICs included; ");
    if (s->gpus_included)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "price includes GPUs; ");
    if (!s->sellable)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "not sold; ");
    if (!s->verified)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "unverified; ");
    if (flags[0])
      flags[strlen(flags) - 2] = '\0';
    gsz__table_str(t, S_FLAGS, flags, NULL);
    gsz__table_bool(t, S_SELLABLE, s->sellable, NULL);
    gsz__table_bool(t, S_VERIFIED, s->verified, NULL);
    gsz__table_str(t, S_SCALE_OUT, gsz_scale_out_name(s->scale_out), NULL);
    gsz__table_str(t, S_NIC, s->nic ? s->nic->sku : NULL, NULL);
    gsz__table_str(t, S_LIFECYCLE, gsz_lifecycle_name(s->lifecycle), NULL);
    gsz__table_str(t, S_LIFECYCLE_DATE, s->lifecycle_date, NULL);
    gsz__table_str(t, S_SOURCE, s->source, NULL);
  }
}

/* --- Network items --------------------------------------------------- */

enum {
  N_SKU,
  N_KIND,
  N_VENDOR,
  N_NAME,
  N_FABRIC,
  N_SPEED,
  N_PORTS,
  N_ROLE,
  N_POWER,
  N_PRICE,
  N_PRICE_MINOR,
  N_CURRENCY,
  N_STOCK,
  N_FLAGS,
  N_SELLABLE,
  N_VERIFIED,
  N_SOURCE,
  N_COLS
};

static const gsz__col network_cols[N_COLS] = {
    [N_SKU] = {"sku", "SKU", false, GSZ_COL_BOTH},
    [N_KIND] = {"kind", "Kind", false, GSZ_COL_BOTH},
    [N_VENDOR] = {"vendor", "Vendor", false, GSZ_COL_BOTH},
    [N_NAME] = {"name", "Name", false, GSZ_COL_BOTH},
    [N_FABRIC] = {"fabric", "Fabric", false, GSZ_COL_BOTH},
    [N_SPEED] = {"port_gbps", "Gb/s", true, GSZ_COL_BOTH},
    [N_PORTS] = {"ports", "Ports", true, GSZ_COL_BOTH},
    [N_ROLE] = {"cable_role", "Role", false, GSZ_COL_BOTH},
    [N_POWER] = {"power_w", "Power W", true, GSZ_COL_BOTH},
    [N_PRICE] = {"price", "Price", true, GSZ_COL_HUMAN},
    [N_PRICE_MINOR] = {"price_minor", "", true, GSZ_COL_MACHINE},
    [N_CURRENCY] = {"currency", "", false, GSZ_COL_MACHINE},
    [N_STOCK] = {"stock_available", "Stock", true, GSZ_COL_BOTH},
    [N_FLAGS] = {"flags", "Notes", false, GSZ_COL_HUMAN},
    [N_SELLABLE] = {"sellable", "", false, GSZ_COL_MACHINE},
    [N_VERIFIED] = {"verified", "", false, GSZ_COL_MACHINE},
    [N_SOURCE] = {"source", "", false, GSZ_COL_MACHINE},
};

static void network_rows(gsz__table *t, const gsz_catalog_data *d, const gsz_network_item *items,
                         size_t n, const gsz_listing_filter *f) {
  for (size_t i = 0; i < n; i++) {
    const gsz_network_item *it = &items[i];
    if (!matches(f->vendor, it->vendor))
      continue;
    gsz__table_row(t);
    gsz__table_str(t, N_SKU, it->sku, NULL);
    gsz__table_str(t, N_KIND, gsz_item_kind_name((gsz_item_kind)it->kind), NULL);
    gsz__table_str(t, N_VENDOR, it->vendor, NULL);
    gsz__table_str(t, N_NAME, it->name, NULL);
    gsz__table_str(t, N_FABRIC, gsz_fabric_name(it->fabric), NULL);
    gsz__table_int(t, N_SPEED, it->port_gbps, NULL);
    gsz__table_int(t, N_PORTS, it->ports, NULL);
    gsz__table_str(t, N_ROLE, gsz_cable_role_name(it->cable_role), NULL);
    if (it->power_w)
      gsz__table_int(t, N_POWER, it->power_w, NULL);
    price_cells(t, d, N_PRICE, &it->price);
    stock_cell(t, N_STOCK, &it->stock);
    char flags[64] = "";
    if (!it->sellable)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "not sold; ");
    if (!it->verified)
      snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "unverified; ");
    if (flags[0])
      flags[strlen(flags) - 2] = '\0';
    gsz__table_str(t, N_FLAGS, flags, NULL);
    gsz__table_bool(t, N_SELLABLE, it->sellable, NULL);
    gsz__table_bool(t, N_VERIFIED, it->verified, NULL);
    gsz__table_str(t, N_SOURCE, it->source, NULL);
  }
}

/* NICs, then switches, then cables and transceivers. */
static void list_network(gsz__table *t, const gsz_catalog_data *d, const gsz_listing_filter *f) {
  gsz__table_init(t, network_cols, N_COLS);
  network_rows(t, d, d->nics, d->n_nics, f);
  network_rows(t, d, d->switches, d->n_switches, f);
  network_rows(t, d, d->cables, d->n_cables, f);
}

/* --- Models ------------------------------------------------------------ */

enum {
  M_NAME,
  M_TYPE,
  M_PARAMS_H,
  M_PARAMS,
  M_ACTIVE,
  M_LAYERS,
  M_HIDDEN,
  M_HEADS,
  M_KV,
  M_HEAD_DIM,
  M_VOCAB,
  M_CONTEXT,
  M_KV_TOKEN,
  M_HF,
  M_COLS
};

static const gsz__col model_cols[M_COLS] = {
    [M_NAME] = {"name", "Name", false, GSZ_COL_BOTH},
    [M_TYPE] = {"model_type", "Family", false, GSZ_COL_BOTH},
    [M_PARAMS_H] = {"params", "Params", true, GSZ_COL_HUMAN},
    [M_PARAMS] = {"total_params", "", true, GSZ_COL_MACHINE},
    [M_ACTIVE] = {"active_params", "Active", true, GSZ_COL_BOTH},
    [M_LAYERS] = {"num_hidden_layers", "Layers", true, GSZ_COL_BOTH},
    [M_HIDDEN] = {"hidden_size", "Hidden", true, GSZ_COL_BOTH},
    [M_HEADS] = {"num_attention_heads", "Heads", true, GSZ_COL_BOTH},
    [M_KV] = {"num_key_value_heads", "KV heads", true, GSZ_COL_BOTH},
    [M_HEAD_DIM] = {"head_dim", "Head dim", true, GSZ_COL_BOTH},
    [M_VOCAB] = {"vocab_size", "Vocab", true, GSZ_COL_BOTH},
    [M_CONTEXT] = {"max_position_embeddings", "Context", true, GSZ_COL_BOTH},
    [M_KV_TOKEN] = {"kv_bytes_per_token_bf16", "KV/token bf16", true, GSZ_COL_BOTH},
    [M_HF] = {"hf_id", "", false, GSZ_COL_MACHINE},
};

static void list_models(gsz__table *t, const gsz_catalog_data *d) {
  char buf[GSZ_FMT_MAX];
  gsz__table_init(t, model_cols, M_COLS);
  for (size_t i = 0; i < d->n_models; i++) {
    const gsz_arch *m = &d->models[i];
    gsz_param_count pc;
    gsz__table_row(t);
    gsz__table_str(t, M_NAME, m->name, NULL);
    gsz__table_str(t, M_TYPE, m->model_type, NULL);
    if (gsz_model_count(&pc, m, NULL) == GSZ_OK) {
      gsz__table_str(t, M_PARAMS_H, gsz__fmt_group(buf, pc.total), NULL);
      gsz__table_u64(t, M_PARAMS, pc.total, NULL);
      gsz__table_u64(t, M_ACTIVE, pc.active, gsz__fmt_group(buf, pc.active));
    } else {
      gsz__table_null(t, M_PARAMS_H, "?");
      gsz__table_null(t, M_PARAMS, NULL);
      gsz__table_null(t, M_ACTIVE, "?");
    }
    gsz__table_int(t, M_LAYERS, m->num_hidden_layers, NULL);
    gsz__table_int(t, M_HIDDEN, m->hidden_size, NULL);
    gsz__table_int(t, M_HEADS, m->num_attention_heads, NULL);
    gsz__table_int(t, M_KV, gsz_model_kv_heads(m), NULL);
    /* MLA attention (DeepSeek-V3) has no hidden / heads head: its query and
     * key heads are qk_nope + qk_rope wide. */
    gsz__table_int(
        t, M_HEAD_DIM,
        m->kv_lora_rank ? m->qk_nope_head_dim + m->qk_rope_head_dim : gsz_model_head_dim(m), NULL);
    gsz__table_int(t, M_VOCAB, m->vocab_size, NULL);
    if (m->max_position_embeddings)
      gsz__table_int(t, M_CONTEXT, m->max_position_embeddings, NULL);
    else
      gsz__table_null(t, M_CONTEXT, NULL);
    static const gsz_format bf16 = {
        .name = "bf16", .block_elems = 1, .block_bytes = 2, .trainable = true};
    uint64_t kv;
    if (gsz_model_kv_bytes_per_token(&kv, m, 1, &bf16, NULL) == GSZ_OK)
      gsz__table_u64(t, M_KV_TOKEN, kv, gsz__fmt_group(buf, kv));
    else
      gsz__table_null(t, M_KV_TOKEN, "?");
    gsz__table_str(t, M_HF, m->hf_id, NULL);
  }
}

/* --- Number formats --------------------------------------------------- */

enum { F_NAME, F_ELEMS, F_BYTES, F_BITS, F_TRAIN, F_DESC, F_SOURCE, F_COLS };

static const gsz__col format_cols[F_COLS] = {
    [F_NAME] = {"name", "Format", false, GSZ_COL_BOTH},
    [F_ELEMS] = {"block_elems", "Block values", true, GSZ_COL_BOTH},
    [F_BYTES] = {"block_bytes", "Block bytes", true, GSZ_COL_BOTH},
    [F_BITS] = {"bits_per_value", "Bits/value", true, GSZ_COL_HUMAN},
    [F_TRAIN] = {"trainable", "Trainable", false, GSZ_COL_BOTH},
    [F_DESC] = {"description", "Description", false, GSZ_COL_BOTH},
    [F_SOURCE] = {"source", "", false, GSZ_COL_MACHINE},
};

static void list_formats(gsz__table *t, const gsz_catalog_data *d) {
  char buf[GSZ_FMT_MAX];
  gsz__table_init(t, format_cols, F_COLS);
  for (size_t i = 0; i < d->n_formats; i++) {
    const gsz_format *f = &d->formats[i];
    gsz__table_row(t);
    gsz__table_str(t, F_NAME, f->name, NULL);
    gsz__table_int(t, F_ELEMS, f->block_elems, NULL);
    gsz__table_int(t, F_BYTES, f->block_bytes, NULL);
    gsz__table_str(t, F_BITS, gsz__fmt_ratio(buf, 8ull * f->block_bytes, f->block_elems, 4), NULL);
    gsz__table_bool(t, F_TRAIN, f->trainable, NULL);
    gsz__table_str(t, F_DESC, f->description, NULL);
    gsz__table_str(t, F_SOURCE, f->source, NULL);
  }
}

/* --- Stock ------------------------------------------------------------- */

enum {
  K_KIND,
  K_SKU,
  K_LOCATION,
  K_ON_HAND,
  K_RESERVED,
  K_AVAILABLE,
  K_LEAD,
  K_AS_OF,
  K_NOTE,
  K_COLS
};

static const gsz__col stock_cols[K_COLS] = {
    [K_KIND] = {"kind", "Kind", false, GSZ_COL_BOTH},
    [K_SKU] = {"sku", "SKU", false, GSZ_COL_BOTH},
    [K_LOCATION] = {"location", "Location", false, GSZ_COL_BOTH},
    [K_ON_HAND] = {"on_hand", "On hand", true, GSZ_COL_BOTH},
    [K_RESERVED] = {"reserved", "Reserved", true, GSZ_COL_BOTH},
    [K_AVAILABLE] = {"available", "Available", true, GSZ_COL_BOTH},
    [K_LEAD] = {"lead_time_days", "Lead days", true, GSZ_COL_BOTH},
    [K_AS_OF] = {"as_of", "As of", false, GSZ_COL_BOTH},
    [K_NOTE] = {"note", "Note", false, GSZ_COL_BOTH},
};

static const char *item_vendor(const gsz_catalog_data *d, const gsz_stock_row *row) {
  if (strcmp(row->kind, "gpu") == 0) {
    const gsz_gpu *g = gsz_catalog_find_gpu(d, row->sku);
    return g ? g->vendor : NULL;
  }
  const gsz_server *s = gsz_catalog_find_server(d, row->sku);
  return s ? s->vendor : NULL;
}

static void list_stock(gsz__table *t, const gsz_catalog_data *d, const gsz_listing_filter *f) {
  gsz__table_init(t, stock_cols, K_COLS);
  for (size_t i = 0; i < d->n_stock; i++) {
    const gsz_stock_row *s = &d->stock[i];
    if (!matches(f->vendor, item_vendor(d, s)))
      continue;
    gsz__table_row(t);
    gsz__table_str(t, K_KIND, s->kind, NULL);
    gsz__table_str(t, K_SKU, s->sku, NULL);
    gsz__table_str(t, K_LOCATION, s->location, NULL);
    gsz__table_int(t, K_ON_HAND, s->on_hand, NULL);
    gsz__table_int(t, K_RESERVED, s->reserved, NULL);
    gsz__table_int(t, K_AVAILABLE, s->on_hand - s->reserved, NULL);
    gsz__table_int(t, K_LEAD, s->lead_time_days, NULL);
    gsz__table_str(t, K_AS_OF, s->as_of, NULL);
    gsz__table_str(t, K_NOTE, s->note, NULL);
  }
}

/* --- Runtimes ---------------------------------------------------------- */

enum {
  R_NAME,
  R_ENGINE,
  R_VERSION,
  R_UTIL,
  R_UTIL_BP,
  R_CTX,
  R_CTX_B,
  R_COMM,
  R_COMM_B,
  R_ACT,
  R_ACT_B,
  R_DEFAULT,
  R_SOURCE,
  R_COLS
};

static const gsz__col runtime_cols[R_COLS] = {
    [R_NAME] = {"name", "Profile", false, GSZ_COL_BOTH},
    [R_ENGINE] = {"engine", "Engine", false, GSZ_COL_BOTH},
    [R_VERSION] = {"engine_version", "Version", false, GSZ_COL_BOTH},
    [R_UTIL] = {"mem_util", "Mem util", true, GSZ_COL_HUMAN},
    [R_UTIL_BP] = {"mem_util_bp", "", true, GSZ_COL_MACHINE},
    [R_CTX] = {"cuda_context", "CUDA context", true, GSZ_COL_HUMAN},
    [R_CTX_B] = {"cuda_context_bytes", "", true, GSZ_COL_MACHINE},
    [R_COMM] = {"comm_buffer", "Comm buffers (TP>1)", true, GSZ_COL_HUMAN},
    [R_COMM_B] = {"comm_buffer_bytes", "", true, GSZ_COL_MACHINE},
    [R_ACT] = {"activation", "Activations", true, GSZ_COL_HUMAN},
    [R_ACT_B] = {"activation_bytes", "", true, GSZ_COL_MACHINE},
    [R_DEFAULT] = {"default_for", "Default for", false, GSZ_COL_BOTH},
    [R_SOURCE] = {"source", "", false, GSZ_COL_MACHINE},
};

static void list_runtimes(gsz__table *t, const gsz_catalog_data *d) {
  char buf[GSZ_FMT_MAX];
  gsz__table_init(t, runtime_cols, R_COLS);
  for (size_t i = 0; i < d->n_runtimes; i++) {
    const gsz_runtime *r = &d->runtimes[i];
    gsz__table_row(t);
    gsz__table_str(t, R_NAME, r->name, NULL);
    gsz__table_str(t, R_ENGINE, r->engine, NULL);
    gsz__table_str(t, R_VERSION, r->engine_version, NULL);
    gsz__table_str(t, R_UTIL, gsz__fmt_ratio(buf, r->mem_util_bp, GSZ_BP_SCALE, 2), NULL);
    gsz__table_int(t, R_UTIL_BP, r->mem_util_bp, NULL);
    gsz__table_str(t, R_CTX, gsz__fmt_gib(buf, r->cuda_context_bytes), NULL);
    gsz__table_u64(t, R_CTX_B, r->cuda_context_bytes, NULL);
    gsz__table_str(t, R_COMM, gsz__fmt_gib(buf, r->comm_buffer_bytes), NULL);
    gsz__table_u64(t, R_COMM_B, r->comm_buffer_bytes, NULL);
    gsz__table_str(t, R_ACT, gsz__fmt_gib(buf, r->activation_bytes), NULL);
    gsz__table_u64(t, R_ACT_B, r->activation_bytes, NULL);
    gsz__table_str(t, R_DEFAULT, r->default_for, NULL);
    gsz__table_str(t, R_SOURCE, r->source, NULL);
  }
}

gsz_err gsz_report_listing(char **out, size_t *out_len, const gsz_catalog_data *d, gsz_listing what,
                           const gsz_listing_filter *filter, gsz_output_format format,
                           gsz_diag *diag) {
  static const gsz_listing_filter none = {NULL, NULL};
  if (filter == NULL)
    filter = &none;
  gsz__table t;
  switch (what) {
  case GSZ_LIST_GPUS:
    list_gpus(&t, d, filter);
    break;
  case GSZ_LIST_SERVERS:
    list_servers(&t, d, filter);
    break;
  case GSZ_LIST_MODELS:
    list_models(&t, d);
    break;
  case GSZ_LIST_FORMATS:
    list_formats(&t, d);
    break;
  case GSZ_LIST_STOCK:
    list_stock(&t, d, filter);
    break;
  case GSZ_LIST_RUNTIMES:
    list_runtimes(&t, d);
    break;
  case GSZ_LIST_NETWORK:
    list_network(&t, d, filter);
    break;
  default:
    return gsz__diag_set(diag, GSZ_EINVAL, "unknown listing");
  }
  gsz__buf b;
  gsz__buf_init(&b);
  gsz__table_render(&t, format, &b);
  gsz__table_free(&t);
  return gsz__report_finish(&b, format, out, out_len, diag);
}
