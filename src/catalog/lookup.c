/* lookup.c: finding records of a loaded catalog by name (SKUs, aliases,
 * Hugging Face ids, any case) and "did you mean" suggestions over them.
 * Works on the plain records only: no SQLite here, so a program that sizes
 * models against hand-built records links without it. */
#include "catalog/lookup_int.h"
#include "gpusizer/suggest.h"
#include "util/common_int.h"

#include <string.h>

/* --- Lookups --------------------------------------------------------- */

#define DEFINE_BSEARCH(fn, type, key)                                                              \
  long fn(const type *items, size_t n, const char *name) {                                         \
    size_t lo = 0, hi = n;                                                                         \
    while (lo < hi) {                                                                              \
      size_t mid = lo + (hi - lo) / 2;                                                             \
      int c = gsz__str_icmp(items[mid].key, name);                                                 \
      if (c == 0)                                                                                  \
        return (long)mid;                                                                          \
      if (c < 0)                                                                                   \
        lo = mid + 1;                                                                              \
      else                                                                                         \
        hi = mid;                                                                                  \
    }                                                                                              \
    return -1;                                                                                     \
  }

DEFINE_BSEARCH(gsz__gpu_index, gsz_gpu, sku)
DEFINE_BSEARCH(gsz__server_index, gsz_server, sku)
DEFINE_BSEARCH(gsz__alias_index, gsz_alias, alias)
DEFINE_BSEARCH(gsz__network_index, gsz_network_item, sku)

const gsz_gpu *gsz_catalog_find_gpu(const gsz_catalog_data *d, const char *name) {
  long i = gsz__gpu_index(d->gpus, d->n_gpus, name);
  if (i >= 0)
    return &d->gpus[i];
  long a = gsz__alias_index(d->gpu_aliases, d->n_gpu_aliases, name);
  if (a < 0)
    return NULL;
  i = gsz__gpu_index(d->gpus, d->n_gpus, d->gpu_aliases[a].target);
  return i >= 0 ? &d->gpus[i] : NULL;
}

const gsz_server *gsz_catalog_find_server(const gsz_catalog_data *d, const char *sku) {
  long i = gsz__server_index(d->servers, d->n_servers, sku);
  return i >= 0 ? &d->servers[i] : NULL;
}

const gsz_arch *gsz_catalog_find_model(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_models; i++)
    if (gsz__str_ieq(d->models[i].name, name))
      return &d->models[i];
  for (size_t i = 0; i < d->n_models; i++)
    if (d->models[i].hf_id != NULL && gsz__str_ieq(d->models[i].hf_id, name))
      return &d->models[i];
  long a = gsz__alias_index(d->model_aliases, d->n_model_aliases, name);
  if (a < 0)
    return NULL;
  for (size_t i = 0; i < d->n_models; i++)
    if (gsz__str_ieq(d->models[i].name, d->model_aliases[a].target))
      return &d->models[i];
  return NULL;
}

const gsz_format *gsz_catalog_find_format(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_formats; i++)
    if (gsz__str_ieq(d->formats[i].name, name))
      return &d->formats[i];
  return NULL;
}

const gsz_runtime *gsz_catalog_find_runtime(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_runtimes; i++)
    if (gsz__str_ieq(d->runtimes[i].name, name))
      return &d->runtimes[i];
  return NULL;
}

const gsz_runtime *gsz_catalog_default_runtime(const gsz_catalog_data *d, const char *mode) {
  for (size_t i = 0; i < d->n_runtimes; i++)
    if (d->runtimes[i].default_for != NULL && strcmp(d->runtimes[i].default_for, mode) == 0)
      return &d->runtimes[i];
  return NULL;
}

const gsz_efficiency *gsz_catalog_find_efficiency(const gsz_catalog_data *d, const char *runtime,
                                                  const char *architecture) {
  const gsz_efficiency *any = NULL;
  for (size_t i = 0; i < d->n_efficiency; i++) {
    const gsz_efficiency *e = &d->efficiency[i];
    if (!gsz__str_ieq(e->runtime, runtime))
      continue;
    if (architecture != NULL && strcmp(e->architecture, architecture) == 0)
      return e;
    if (strcmp(e->architecture, "*") == 0)
      any = e;
  }
  return any;
}

const gsz_currency *gsz_catalog_find_currency(const gsz_catalog_data *d, const char *code) {
  for (size_t i = 0; i < d->n_currencies; i++)
    if (strcmp(d->currencies[i].code, code) == 0)
      return &d->currencies[i];
  return NULL;
}

const gsz_fx_rate *gsz_catalog_find_fx_rate(const gsz_catalog_data *d, const char *from,
                                            const char *to) {
  for (size_t i = 0; i < d->n_fx_rates; i++)
    if (strcmp(d->fx_rates[i].from, from) == 0 && strcmp(d->fx_rates[i].to, to) == 0)
      return &d->fx_rates[i];
  return NULL;
}

size_t gsz_catalog_gpu_candidates(const gsz_catalog_data *d, const char *name,
                                  const gsz_alias_candidate **first) {
  for (size_t i = 0; i < d->n_gpu_alias_candidates; i++) {
    if (!gsz__str_ieq(d->gpu_alias_candidates[i].alias, name))
      continue;
    size_t end = i + 1;
    while (end < d->n_gpu_alias_candidates &&
           gsz__str_ieq(d->gpu_alias_candidates[end].alias, name))
      end++;
    *first = &d->gpu_alias_candidates[i];
    return end - i;
  }
  return 0;
}

typedef struct nearest {
  const char *name; /* what to suggest */
  unsigned distance;
  size_t len_diff; /* ties go to the candidate closest in length */
  unsigned limit;
} nearest;

static void consider(nearest *best, const char *typed, const char *candidate, const char *show) {
  if (candidate == NULL)
    return;
  unsigned d = gsz_edit_distance(typed, candidate, best->limit);
  size_t lt = strlen(typed), lc = strlen(candidate);
  size_t diff = lt > lc ? lt - lc : lc - lt;
  if (d <= best->limit && (best->name == NULL || d < best->distance ||
                           (d == best->distance && diff < best->len_diff))) {
    best->name = show;
    best->distance = d;
    best->len_diff = diff;
  }
}

static unsigned limit_for(const char *typed) {
  size_t n = strlen(typed);
  return n < 6 ? 2 : (unsigned)(n / 3);
}

const char *gsz_catalog_suggest_model(const gsz_catalog_data *d, const char *typed) {
  nearest best = {NULL, 0, 0, limit_for(typed)};
  for (size_t i = 0; i < d->n_models; i++) {
    consider(&best, typed, d->models[i].name, d->models[i].name);
    consider(&best, typed, d->models[i].hf_id, d->models[i].name);
  }
  for (size_t i = 0; i < d->n_model_aliases; i++)
    consider(&best, typed, d->model_aliases[i].alias, d->model_aliases[i].target);
  return best.name;
}

const char *gsz_catalog_suggest_gpu(const gsz_catalog_data *d, const char *typed) {
  nearest best = {NULL, 0, 0, limit_for(typed)};
  for (size_t i = 0; i < d->n_gpus; i++)
    consider(&best, typed, d->gpus[i].sku, d->gpus[i].sku);
  for (size_t i = 0; i < d->n_gpu_aliases; i++)
    consider(&best, typed, d->gpu_aliases[i].alias, d->gpu_aliases[i].target);
  return best.name;
}

/* --- The catalog's words for its enumerations ------------------------------ */

/* The spelling the schema's CHECK constraints accept, in enum order: the
 * loader reads them, reports write them. */
const char *const gsz__lifecycle_words[3] = {"current", "end_of_sale", "announced"};
const char *const gsz__cooling_words[2] = {"air", "liquid"};
const char *const gsz__scale_out_words[3] = {"nic", "none", "onboard"};
const char *const gsz__fabric_words[GSZ_FABRIC_COUNT] = {
    "infiniband_ndr", "infiniband_xdr", "ethernet_200g", "ethernet_400g", "ethernet_800g"};
const char *const gsz__cable_role_words[4] = {"", "nic_transceiver", "switch_transceiver", "fiber"};

#define WORD(array, v) ((unsigned)(v) < sizeof array / sizeof array[0] ? array[v] : "?")
const char *gsz_lifecycle_name(gsz_lifecycle l) {
  return WORD(gsz__lifecycle_words, l);
}
const char *gsz_cooling_name(gsz_cooling c) {
  return WORD(gsz__cooling_words, c);
}
const char *gsz_scale_out_name(gsz_scale_out s) {
  return WORD(gsz__scale_out_words, s);
}
const char *gsz_fabric_name(gsz_fabric f) {
  return WORD(gsz__fabric_words, f);
}
const char *gsz_cable_role_name(gsz_cable_role r) {
  return WORD(gsz__cable_role_words, r);
}
#undef WORD

/* --- Items of any kind ------------------------------------------------------- */

static const char *const kind_names[GSZ_ITEM_KIND_COUNT] = {
    [GSZ_ITEM_GPU] = "gpu",           [GSZ_ITEM_SERVER] = "server",
    [GSZ_ITEM_NIC] = "nic",           [GSZ_ITEM_SWITCH] = "switch",
    [GSZ_ITEM_CABLE] = "cable",       [GSZ_ITEM_SUPPORT] = "support",
    [GSZ_ITEM_SOFTWARE] = "software", [GSZ_ITEM_SERVICE] = "service",
};

const char *gsz_item_kind_name(gsz_item_kind kind) {
  return kind < GSZ_ITEM_KIND_COUNT ? kind_names[kind] : "?";
}

gsz_item_kind gsz_item_kind_find(const char *name) {
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++)
    if (strcmp(kind_names[k], name) == 0)
      return (gsz_item_kind)k;
  return GSZ_ITEM_KIND_COUNT;
}

/* The network items of kind, or NULL for another kind. */
static const gsz_network_item *network_of(const gsz_catalog_data *d, gsz_item_kind kind,
                                          size_t *n) {
  switch (kind) {
  case GSZ_ITEM_NIC:
    *n = d->n_nics;
    return d->nics;
  case GSZ_ITEM_SWITCH:
    *n = d->n_switches;
    return d->switches;
  case GSZ_ITEM_CABLE:
    *n = d->n_cables;
    return d->cables;
  default:
    *n = 0;
    return NULL;
  }
}

size_t gsz_catalog_item_count(const gsz_catalog_data *d, gsz_item_kind kind) {
  size_t n;
  switch (kind) {
  case GSZ_ITEM_GPU:
    return d->n_gpus;
  case GSZ_ITEM_SERVER:
    return d->n_servers;
  default:
    network_of(d, kind, &n);
    return n;
  }
}

gsz_item gsz_catalog_item(const gsz_catalog_data *d, gsz_item_kind kind, size_t i) {
  if (kind == GSZ_ITEM_GPU) {
    const gsz_gpu *g = &d->gpus[i];
    return (gsz_item){g->sku, g->vendor, g->name, &g->price, &g->stock, g->sellable};
  }
  if (kind == GSZ_ITEM_SERVER) {
    const gsz_server *s = &d->servers[i];
    return (gsz_item){s->sku, s->vendor, s->name, &s->price, &s->stock, s->sellable};
  }
  size_t n;
  const gsz_network_item *x = &network_of(d, kind, &n)[i];
  return (gsz_item){x->sku, x->vendor, x->name, &x->price, &x->stock, x->sellable};
}

long gsz_catalog_find_item(const gsz_catalog_data *d, gsz_item_kind kind, const char *sku) {
  if (kind == GSZ_ITEM_GPU) {
    const gsz_gpu *g = gsz_catalog_find_gpu(d, sku);
    return g ? (long)(g - d->gpus) : -1;
  }
  if (kind == GSZ_ITEM_SERVER)
    return gsz__server_index(d->servers, d->n_servers, sku);
  size_t n;
  const gsz_network_item *items = network_of(d, kind, &n);
  return items ? gsz__network_index(items, n, sku) : -1;
}

gsz_support gsz_catalog_format_support(const gsz_catalog_data *d, const char *architecture,
                                       const char *format, const char *runtime,
                                       const gsz_format_support **row) {
  const gsz_format_support *any = NULL, *own = NULL;
  /* Rows are sorted by architecture in byte order, then format under
   * ASCII case folding (load.c reads them ORDER BY architecture COLLATE
   * BINARY, format COLLATE NOCASE, the same orders as strcmp and
   * gsz__str_icmp): the rows of (architecture, format) are a run, found by
   * binary search (a full quote asks twice per GPU, of hundreds of rows). */
  size_t lo = 0, hi = architecture != NULL ? d->n_format_support : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const gsz_format_support *f = &d->format_support[mid];
    int c = strcmp(f->architecture, architecture);
    if (c < 0 || (c == 0 && gsz__str_icmp(f->format, format) < 0))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; architecture != NULL && i < d->n_format_support; i++) {
    const gsz_format_support *f = &d->format_support[i];
    if (strcmp(f->architecture, architecture) != 0 || !gsz__str_ieq(f->format, format))
      break;
    if (gsz__str_ieq(f->runtime, runtime))
      own = f;
    else if (strcmp(f->runtime, "*") == 0)
      any = f;
  }
  const gsz_format_support *found = own ? own : any;
  if (row != NULL)
    *row = found;
  return found ? found->support : GSZ_SUPPORT_UNKNOWN;
}
