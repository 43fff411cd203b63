/* match.c: the matching engine (match.h): the search over every GPU,
 * server and count, the filters of the request, the top list of answers
 * and alternatives, and the result. One candidate is candidate.c; the
 * ranking rank.c; stock stock.c; the reasons the others lost reasons.c. */
#include "gpusizer/catalog.h"
#include "match/match_int.h"
#include "sizing/memory_int.h"

#include <stdio.h>
#include <string.h>

static const char *const stock_names[] = {"any", "prefer", "only"};

const char *gsz_stock_policy_name(gsz_stock_policy p) {
  return stock_names[p];
}

gsz_err gsz_stock_policy_parse(gsz_stock_policy *out, const char *s, gsz_diag *diag) {
  for (int i = 0; i < 3; i++)
    if (gsz__str_ieq(s, stock_names[i])) {
      *out = (gsz_stock_policy)i;
      return GSZ_OK;
    }
  return gsz__diag_set(diag, GSZ_EINVAL, "unknown stock policy '%s' (expected any, prefer or only)",
                       s);
}

static const char *const objective_names[] = {"price", "tco", "cost-per-token"};

const char *gsz_objective_name(gsz_objective o) {
  return (unsigned)o < 3 ? objective_names[o] : "?";
}

gsz_err gsz_objective_parse(gsz_objective *out, const char *s, gsz_diag *diag) {
  for (int i = 0; i < 3; i++)
    if (gsz__str_ieq(s, objective_names[i]) || (i == 2 && gsz__str_ieq(s, "cost_per_token"))) {
      *out = (gsz_objective)i;
      return GSZ_OK;
    }
  return gsz__diag_set(diag, GSZ_EINVAL,
                       "unknown objective '%s' (expected price, tco or cost-per-token)", s);
}

void gsz_match_options_init(gsz_match_options *o) {
  memset(o, 0, sizeof *o);
  o->cost.objective = GSZ_OBJECTIVE_PRICE;
  o->cost.years = 3;
  o->cost.power_price_milli = 15000; /* 0.15 per kWh in a currency of 2 decimals */
  o->cost.pue_centi = 130;
  o->cost.utilisation_bp = GSZ_BP_SCALE;
  o->max_nodes = 8;
  o->top = 5;
  o->stock = GSZ_STOCK_ANY;
  o->train_tp = 1;
  o->min_headroom_bp = -1;
}

/* Copy a candidate without its unused price lines (most of its size). */
void gsz__match_copy_candidate(gsz_candidate *dst, const gsz_candidate *src) {
  memcpy(dst, src, offsetof(gsz_candidate, bom.lines));
  memcpy(dst->bom.lines, src->bom.lines, src->bom.n_lines * sizeof *src->bom.lines);
  dst->n_cautions = src->n_cautions;
  memcpy(dst->cautions, src->cautions, src->n_cautions * sizeof *src->cautions);
  memcpy(&dst->price, &src->price, offsetof(gsz_price, lines));
  memcpy(dst->price.lines, src->price.lines, src->price.n_lines * sizeof *src->price.lines);
}

/* The next free slot of v (not yet counted), growing it; NULL on ENOMEM.
 * Candidates are large: they are evaluated in place, not copied in. */
static gsz_candidate *next_slot(run *r, cand_vec *v) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    gsz_candidate *items = gsz__realloc(v->items, cap * sizeof *items);
    if (items == NULL) {
      r->err = gsz__diag_nomem(r->diag);
      return NULL;
    }
    v->items = items;
    v->cap = cap;
  }
  return &v->items[v->n];
}

static bool in_list(const char *const *list, size_t n, const char *value) {
  for (size_t i = 0; i < n; i++)
    if (gsz__str_ieq(list[i], value))
      return true;
  return false;
}

/* An exclusion names a GPU by SKU or alias; they were resolved once. */
static bool gpu_excluded(const run *r, const gsz_gpu *g) {
  for (size_t i = 0; i < r->o->n_exclude; i++)
    if (r->excluded_gpus[i] == g)
      return true;
  return r->p->excluded != NULL &&
         r->p->excluded(r->p->ctx, GSZ_ITEM_GPU, (size_t)(g - r->d->gpus));
}

static const char *const chassis_names[] = {"rack", "workstation", "rack_scale"};

static const char *chassis_of(const gsz_server *s) {
  return chassis_names[s->rack_scale ? 2 : s->workstation ? 1 : 0];
}

/* Why a server may not be offered (the request field that filters it, or
 * "" for an exclusion); NULL when it may. */
static const char *server_out(const run *r, const gsz_server *s) {
  const gsz_match_options *o = r->o;
  if (o->n_chassis > 0 && !in_list(o->chassis, o->n_chassis, chassis_of(s)))
    return "chassis";
  if (o->n_servers > 0) {
    bool listed = false;
    for (size_t i = 0; i < o->n_servers; i++)
      listed |= o->servers[i] == s;
    if (!listed)
      return "server";
  }
  if (o->n_server_vendors > 0 && !in_list(o->server_vendors, o->n_server_vendors, s->vendor))
    return "server_vendor";
  if (o->has_cooling && s->cooling != o->cooling)
    return "cooling";
  if (in_list(o->exclude, o->n_exclude, s->sku) ||
      (r->p->excluded != NULL &&
       r->p->excluded(r->p->ctx, GSZ_ITEM_SERVER, (size_t)(s - r->d->servers))))
    return "";
  return NULL;
}

/* Whether the GPU runs the workload's weight and KV-cache formats in its
 * runtime (table format_support); FORMAT when one does not run at all. */
static bool formats_run(run *r, const gsz_gpu *g, gpu_state *gs) {
  const char *runtime = r->w->runtime->name;
  const gsz_format_support *row = NULL;
  gs->weights_support = (uint8_t)gsz_catalog_format_support(
      r->d, g->architecture, r->w->weight_format->name, runtime, &row);
  const gsz_format *kv = r->w->kv_format;
  const gsz_format_support *kv_row = NULL;
  gs->kv_support =
      (uint8_t)gsz_catalog_format_support(r->d, g->architecture, kv->name, runtime, &kv_row);
  const gsz_format_support *none = gs->weights_support == GSZ_SUPPORT_NONE ? row
                                   : gs->kv_support == GSZ_SUPPORT_NONE    ? kv_row
                                                                           : NULL;
  if (none == NULL)
    return true;
  gsz_reason why;
  memset(&why, 0, sizeof why);
  why.code = GSZ_REASON_FORMAT;
  snprintf(why.text, sizeof why.text, "%s (%s) does not run %s%s in %s%s%s", g->sku,
           g->architecture, none->format, none == kv_row ? " KV cache" : "", runtime,
           none->notes ? ": " : "", none->notes ? none->notes : "");
  gsz__match_keep_reason(r, gs, &why);
  return false;
}

/* --- The run ---------------------------------------------------------------- */

static bool gpu_selected(run *r, const gsz_gpu *g, gpu_state *gs) {
  const gsz_match_options *o = r->o;
  if (o->n_gpus > 0) {
    bool listed = false;
    for (size_t i = 0; i < o->n_gpus; i++)
      listed |= o->gpus[i] == g;
    if (!listed) {
      gsz__match_simple_reason(r, gs, GSZ_REASON_EXCLUDED, "gpu");
      gs->filtered = true;
      return false;
    }
  }
  if (o->n_vendors > 0 && !in_list(o->vendors, o->n_vendors, g->vendor)) {
    gsz__match_simple_reason(r, gs, GSZ_REASON_EXCLUDED, "vendor");
    gs->filtered = true;
    return false;
  }
  if (o->n_form_factors > 0 && !in_list(o->form_factors, o->n_form_factors, g->form_factor)) {
    gsz__match_simple_reason(r, gs, GSZ_REASON_EXCLUDED, "form_factor");
    gs->filtered = true;
    return false;
  }
  if (gpu_excluded(r, g)) {
    gsz__match_simple_reason(r, gs, GSZ_REASON_EXCLUDED, "exclude");
    return false;
  }
  if (!g->sellable) {
    gsz__match_simple_reason(r, gs, GSZ_REASON_NOT_SOLD, NULL);
    return false;
  }
  if (g->lifecycle == GSZ_LIFECYCLE_END_OF_SALE && !o->allow_eol) {
    gsz_reason why;
    memset(&why, 0, sizeof why);
    why.code = GSZ_REASON_EOL;
    snprintf(why.text, sizeof why.text,
             "%s is end of sale%s%s (" GSZ_FIELD(
                 "allow_eol") " quotes it, from stock where there is some)",
             g->sku, g->lifecycle_date ? " since " : "",
             g->lifecycle_date ? g->lifecycle_date : "");
    gsz__match_keep_reason(r, gs, &why);
    return false;
  }
  return r->w->method == GSZ_METHOD_QUICK || formats_run(r, g, gs);
}

/* Offer a fitting candidate to the top list: it enters if it beats the
 * last (or the list is not full), replacing its own pair's entry. The list
 * is of pointers: entering copies the candidate once, into the slot of the
 * entry it replaces or drops (or a slot not used yet). */
static void offer_top(run *r, const gsz_candidate *c) {
  /* Most candidates lose to the last entry of a full list; then they lose
   * to their own pair's entry too (it ranks no lower than the last). */
  if (r->n_top == r->cap_top && gsz__match_compare(c, r->top[r->n_top - 1], r->o) >= 0)
    return;
  size_t pair = r->n_top;
  for (size_t i = 0; i < r->n_top; i++)
    if (r->top[i]->gpu == c->gpu && r->top[i]->server == c->server) {
      pair = i;
      break;
    }
  gsz_candidate *slot;
  if (pair < r->n_top) {
    if (gsz__match_compare(c, r->top[pair], r->o) >= 0)
      return;
    /* Close the gap its old entry leaves; it is re-inserted below. */
    slot = r->top[pair];
    memmove(&r->top[pair], &r->top[pair + 1], (r->n_top - pair - 1) * sizeof *r->top);
    r->n_top--;
  } else if (r->n_top == r->cap_top) {
    slot = r->top[--r->n_top]; /* the last drops out (c beats it, above) */
  } else {
    slot = &r->top_slots[r->slots_used++];
  }
  size_t at = r->n_top;
  while (at > 0 && gsz__match_compare(c, r->top[at - 1], r->o) < 0) {
    r->top[at] = r->top[at - 1];
    at--;
  }
  gsz__match_copy_candidate(slot, c);
  r->top[at] = slot;
  r->n_top++;
}

static void search_gpu(run *r, size_t gi, size_t first_fit) {
  const gsz_gpu *g = &r->d->gpus[gi];
  gpu_state *gs = &r->gpus[gi];
  gs->first = (uint32_t)r->n_pool;
  if (!gpu_selected(r, g, gs))
    return;
  gsz__match_prepare_gpu(r, g);
  bool any_server = false;
  for (size_t f = first_fit; f < r->d->n_fits && r->d->fits[f].gpu == gi; f++) {
    const gsz_fit *fit = &r->d->fits[f];
    any_server = true;
    r->candidates++;
    gsz_candidate *c = r->scratch;
    bool fits = gsz__match_evaluate(r, gs, g, &r->d->servers[fit->server], fit->count, c);
    if (r->err != GSZ_OK)
      return;
    if (r->o->explain == g) {
      gsz_candidate *e = next_slot(r, &r->explained);
      if (e == NULL)
        return;
      gsz__match_copy_candidate(e, c);
      gsz__match_finish(r, e);
      r->explained.n++;
    }
    if (!fits)
      continue;
    offer_top(r, c);
    if (!gs->feasible || gsz__match_compare(c, r->gpu_best, r->o) < 0) {
      r->scratch = r->gpu_best;
      r->gpu_best = c;
      gs->feasible = true;
    }
  }
  if (gs->feasible) {
    gsz_candidate *b = r->gpu_best;
    if (r->o->stock == GSZ_STOCK_ANY) /* not computed per candidate (candidate.c) */
      b->stock = gsz__match_stock_for(r, &b->bom);
    gs->summary = (cheapest_fit){b->server, b->gpus_per_node, b->nodes, b->price.total_minor,
                                 b->stock.gpus_short + b->stock.servers_short};
  }
  if (!any_server)
    gsz__match_simple_reason(r, gs, GSZ_REASON_NO_SERVER, NULL);
}

void gsz_match_result_free(gsz_match_result *res) {
  if (res == NULL)
    return;
  gsz__free(res->alternatives);
  gsz__free(res->rejected);
  gsz__free(res->explained);
  gsz__free(res->reason_storage);
  gsz__free(res);
}

/* Candidates were ranked on totals; the ones shown get their line items.
 * The same pricer gives the same total, with the lines written out. */
static gsz_err add_lines(run *r, gsz_candidate *c) {
  if (c->nodes == 0 || c->verdict.code == GSZ_REASON_NO_PRICE ||
      c->verdict.code == GSZ_REASON_OVERFLOW)
    return GSZ_OK;
  bool priced =
      c->fits || c->verdict.code == GSZ_REASON_BUDGET || c->verdict.code == GSZ_REASON_STOCK;
  if (!priced)
    return GSZ_OK;
  if (!c->cost.known)
    gsz__match_cost(r, c); /* ranking by price did not need it */
  gsz_diag pd;
  gsz_err err = r->p->price(r->p->ctx, &c->bom, true, &c->price, &pd);
  if (err == GSZ_ENOMEM)
    return gsz__diag_nomem(r->diag);
  gsz__match_cautions(r, c);
  return GSZ_OK; /* it priced before; a second run cannot fail otherwise */
}

/* Alternatives: the next best candidates, one per (GPU, server) pair. */
static gsz_err pick_alternatives(run *r, gsz_match_result *res) {
  size_t want = r->o->top;
  res->alternatives = gsz__malloc((want ? want : 1) * sizeof *res->alternatives);
  if (res->alternatives == NULL)
    return gsz__diag_nomem(r->diag);
  for (size_t i = 1; i < r->n_top && res->n_alternatives < want; i++) {
    gsz__match_copy_candidate(&res->alternatives[res->n_alternatives], r->top[i]);
    gsz__match_finish(r, &res->alternatives[res->n_alternatives++]);
  }
  return GSZ_OK;
}

gsz_err gsz_match_run(gsz_match_result **out, const gsz_catalog_data *d, const gsz_model_ref *m,
                      const gsz_workload *w, const gsz_match_options *o, const gsz_pricer *p,
                      gsz_diag *diag) {
  gsz_err err = gsz_workload_check(w, m, diag);
  if (err != GSZ_OK)
    return err;
  if (o->max_nodes == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("max_nodes") " must be at least 1");
  if (o->train_tp == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("tp") " must be at least 1");
  run r;
  memset(&r, 0, sizeof r);
  r.scratch = &r.buffers[0];
  r.gpu_best = &r.buffers[1];
  r.d = d;
  r.m = m;
  r.w = w;
  r.o = o;
  r.p = p;
  r.diag = diag;
  r.training = w->mode != GSZ_MODE_INFERENCE;
  if (w->method == GSZ_METHOD_QUICK) {
    gsz_estimate quick;
    gsz_workload qw = *w;
    if ((err = gsz_memory_estimate(&quick, m, &qw, (gsz_layout){1, 1, 1}, diag)) != GSZ_OK)
      return err;
    r.quick_total = quick.total_bytes;
  }
  gsz_match_result *res = gsz__calloc(1, sizeof *res);
  /* Per-GPU state: only the counters need clearing (reasons are written
   * before they are read), which matters on large catalogs. */
  r.gpus = gsz__malloc((d->n_gpus ? d->n_gpus : 1) * sizeof *r.gpus);
  if (res == NULL || r.gpus == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t gi = 0; gi < d->n_gpus; gi++) {
    r.gpus[gi].first = 0;
    r.gpus[gi].n = 0;
    r.gpus[gi].filtered = false;
    r.gpus[gi].feasible = false;
    /* Set by formats_run for the full method; the quick one does not look. */
    r.gpus[gi].weights_support = r.gpus[gi].kv_support = (uint8_t)GSZ_SUPPORT_UNKNOWN;
  }
  for (size_t i = 0; i < o->n_exclude; i++)
    r.excluded_gpus[i] = gsz_catalog_find_gpu(d, o->exclude[i]);
  /* Exclusions are per server, not per candidate: decide them once. */
  r.server_out = gsz__malloc((d->n_servers ? d->n_servers : 1) * sizeof *r.server_out);
  if (r.server_out == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t si = 0; si < d->n_servers; si++)
    r.server_out[si] = server_out(&r, &d->servers[si]);
  r.min_headroom_bp = o->min_headroom_bp >= 0         ? (uint32_t)o->min_headroom_bp
                      : w->method == GSZ_METHOD_QUICK ? 0
                                                      : w->runtime->min_headroom_bp;
  r.outlet_w = o->outlet_w != 0 ? o->outlet_w : d->settings.wall_outlet_w;
  r.cap_top = (size_t)o->top + 1;
  r.top = gsz__malloc(r.cap_top * sizeof *r.top);
  r.top_slots = gsz__malloc(r.cap_top * sizeof *r.top_slots);
  if (r.top == NULL || r.top_slots == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  memcpy(res->currency, p->currency, 4);
  res->minor_digits = p->minor_digits;

  /* Fits are sorted by GPU: one pass finds each GPU's first fit. */
  size_t f = 0;
  for (size_t gi = 0; gi < d->n_gpus && r.err == GSZ_OK; gi++) {
    while (f < d->n_fits && d->fits[f].gpu < gi)
      f++;
    search_gpu(&r, gi, f);
  }
  if ((err = r.err) != GSZ_OK)
    goto done;

  if (r.n_top > 0) {
    res->found = true;
    gsz__match_copy_candidate(&res->best, r.top[0]);
    gsz__match_finish(&r, &res->best);
    if ((err = add_lines(&r, &res->best)) != GSZ_OK)
      goto done;
  }
  if ((err = pick_alternatives(&r, res)) != GSZ_OK ||
      (err = gsz__match_collect_rejections(&r, res)) != GSZ_OK)
    goto done;
  for (size_t i = 0; i < res->n_alternatives; i++)
    if ((err = add_lines(&r, &res->alternatives[i])) != GSZ_OK)
      goto done;
  for (size_t i = 0; i < r.explained.n; i++)
    if ((err = add_lines(&r, &r.explained.items[i])) != GSZ_OK)
      goto done;

  /* The breakdown of the chosen layout (1 GPU when nothing fits). */
  gsz_layout l = res->found ? res->best.layout : (gsz_layout){1, 1, 1};
  r.visible_bytes = res->found ? res->best.usable_bytes : 0;
  gsz_workload bw = gsz__match_workload_for(&r, l);
  err = res->found && res->best.recompute_full
            ? gsz_memory_estimate_smaller(&res->best_estimate, m, &bw, l, diag)
            : gsz_memory_estimate(&res->best_estimate, m, &bw, l, diag);
  if (err != GSZ_OK)
    goto done;
  res->explained = r.explained.items;
  res->n_explained = r.explained.n;
  r.explained.items = NULL;
  res->candidates = r.candidates;

done:
  gsz__free(r.top);
  gsz__free(r.top_slots);
  gsz__free(r.memo);
  gsz__free(r.needs);
  gsz__free(r.pool);
  gsz__free(r.server_out);
  gsz__free(r.explained.items);
  gsz__free(r.gpus);
  if (err != GSZ_OK) {
    gsz_match_result_free(res);
    return err;
  }
  *out = res;
  return GSZ_OK;
}
