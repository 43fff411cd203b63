/* reasons.c: why candidates and GPUs lost, as data: the reason codes'
 * names, keeping the reason closest to fitting per code, and the rejected
 * GPUs of a result with their reasons nearest first. Words for them are
 * report/reason.c's. */
#include "match/match_int.h"

#include <stdio.h>
#include <string.h>

static const char *const reason_names[] = {
#define GSZ_REASON_NAME(name, text) #name,
    GSZ_REASON_MAP(GSZ_REASON_NAME)
#undef GSZ_REASON_NAME
};
static const char *const reason_texts[] = {
#define GSZ_REASON_TEXT(name, text) text,
    GSZ_REASON_MAP(GSZ_REASON_TEXT)
#undef GSZ_REASON_TEXT
};

const char *gsz_reason_name(gsz_reason_code code) {
  return reason_names[code];
}
const char *gsz_reason_text(gsz_reason_code code) {
  return reason_texts[code];
}

/* For MEMORY: whether a is closer to fitting than b (its smallest need,
 * over its budget, is lower). */
static bool closer(const gsz_reason *a, const gsz_reason *b) {
  uint64_t na = a->need_at_limit && a->need_at_limit < a->need ? a->need_at_limit : a->need;
  uint64_t nb = b->need_at_limit && b->need_at_limit < b->need ? b->need_at_limit : b->need;
  if (a->budget_bytes == 0 || b->budget_bytes == 0)
    return false;
  return (unsigned __int128)na * b->budget_bytes < (unsigned __int128)nb * a->budget_bytes;
}

/* Whether why replaces slot, a kept reason of the same code. */
static bool replaces(const gsz_reason *why, const gsz_reason *slot) {
  return (why->code == GSZ_REASON_MAX_NODES &&
          (why->nodes < slot->nodes ||
           (why->nodes == slot->nodes && why->gpus_per_node < slot->gpus_per_node))) ||
         (why->code == GSZ_REASON_MAX_GPUS && why->total_gpus < slot->total_gpus) ||
         (why->code == GSZ_REASON_MEMORY && closer(why, slot)) ||
         (why->code == GSZ_REASON_BUDGET && why->price_minor < slot->price_minor) ||
         (why->code == GSZ_REASON_HEADROOM && why->headroom_bp > slot->headroom_bp) ||
         (why->code == GSZ_REASON_NETWORK && why->nodes < slot->nodes) ||
         (why->code == GSZ_REASON_SLA && why->sla_met_bp > slot->sla_met_bp);
}

bool gsz__match_reason_wanted(const run *r, const gpu_state *gs, const gsz_reason *why) {
  for (unsigned i = 0; i < gs->n; i++) {
    const gsz_reason *slot = &r->pool[gs->first + i];
    if (slot->code == why->code)
      return replaces(why, slot);
  }
  return gs->n < GSZ_MATCH_MAX_REASONS;
}

/* Keep a reason on a GPU: one entry per code, the one closest to fitting:
 * MAX_NODES the fewest nodes, MAX_GPUS the fewest GPUs (servers come in
 * catalog order, so the last one seen is not the closest: an 8-GPU board
 * after a 4-GPU one said "needs 8" where 4 would do); MEMORY the smallest
 * need over budget; BUDGET the cheapest; HEADROOM the most headroom;
 * NETWORK the fewest nodes; the others the first. No text is
 * made here: reasons are data until a report describes them. */
void gsz__match_keep_reason(run *r, gpu_state *gs, const gsz_reason *why) {
  for (unsigned i = 0; i < gs->n; i++) {
    gsz_reason *slot = &r->pool[gs->first + i];
    if (slot->code != why->code)
      continue;
    if (replaces(why, slot))
      *slot = *why;
    return;
  }
  if (gs->n >= GSZ_MATCH_MAX_REASONS || r->err != GSZ_OK)
    return;
  if (r->n_pool == r->cap_pool) {
    size_t cap = r->cap_pool ? r->cap_pool * 2 : 64;
    gsz_reason *pool = gsz__realloc(r->pool, cap * sizeof *pool);
    if (pool == NULL) {
      r->err = gsz__diag_nomem(r->diag);
      return;
    }
    r->pool = pool;
    r->cap_pool = cap;
  }
  r->pool[r->n_pool++] = *why;
  gs->n++;
}

/* A reason without numbers (filters, NOT_SOLD, NO_SERVER); text names
 * the request field of the filter for EXCLUDED ("gpu", "vendor", ...). */
void gsz__match_simple_reason(run *r, gpu_state *gs, gsz_reason_code code, const char *text) {
  gsz_reason why;
  memset(&why, 0, sizeof why);
  why.code = code;
  if (text != NULL)
    snprintf(why.text, sizeof why.text, "%s", text);
  gsz__match_keep_reason(r, gs, &why);
}

/* How near an answer a reason is: a GPU's reasons are listed nearest
 * first, so the one that decides comes first. A configuration that fits
 * but is over the budget or short of stock is nearer than one that needs
 * more nodes or GPUs than allowed, which is nearer than one that does not
 * fit at all; catalog facts (not sold, no server, excluded) come last. */
static int reason_rank(gsz_reason_code code) {
  switch (code) {
  case GSZ_REASON_PRICE:
  case GSZ_REASON_BUDGET:
  case GSZ_REASON_STOCK:
    return 0;
  case GSZ_REASON_NO_PRICE:
  case GSZ_REASON_OVERFLOW:
  case GSZ_REASON_HEADROOM:
    return 1;
  case GSZ_REASON_MAX_GPUS:
  case GSZ_REASON_MAX_NODES:
  case GSZ_REASON_NETWORK:
  case GSZ_REASON_SLA:
    return 2;
  case GSZ_REASON_MEMORY:
    return 3;
  case GSZ_REASON_TP_DIVISIBILITY:
  case GSZ_REASON_POWER:
  case GSZ_REASON_LICENSE:
    return 4;
  default:
    return 5;
  }
}

/* Stable: equal ranks keep the order they were found in. */
static void sort_reasons(gsz_reason *reasons, unsigned n) {
  for (unsigned i = 1; i < n; i++) {
    gsz_reason held = reasons[i];
    unsigned j = i;
    for (; j > 0 && reason_rank(reasons[j - 1].code) > reason_rank(held.code); j--)
      reasons[j] = reasons[j - 1];
    reasons[j] = held;
  }
}

gsz_err gsz__match_collect_rejections(run *r, gsz_match_result *res) {
  size_t n = r->d->n_gpus;
  res->rejected = gsz__malloc((n ? n : 1) * sizeof *res->rejected);
  if (res->rejected == NULL)
    return gsz__diag_nomem(r->diag);
  /* The kept reasons, plus room for one PRICE reason per GPU that fits:
   * the run's pool, grown and handed over (not copied: on a catalog of
   * 1,000 GPUs it is megabytes). */
  size_t need = r->n_pool + n + 1;
  if (r->cap_pool < need) {
    gsz_reason *pool = gsz__realloc(r->pool, need * sizeof *pool);
    if (pool == NULL)
      return gsz__diag_nomem(r->diag);
    r->pool = pool;
    r->cap_pool = need;
  }
  res->reason_storage = r->pool;
  r->pool = NULL;
  r->cap_pool = 0;
  size_t extra = r->n_pool;
  for (size_t gi = 0; gi < n; gi++) {
    const gsz_gpu *g = &r->d->gpus[gi];
    const gpu_state *gs = &r->gpus[gi];
    if (res->found && res->best.gpu == g)
      continue;
    bool shown = false;
    for (size_t j = 0; j < res->n_alternatives && !shown; j++)
      shown = res->alternatives[j].gpu == g;
    if (shown)
      continue;
    gsz_rejection *out = &res->rejected[res->n_rejected++];
    out->gpu = g;
    out->filtered = gs->filtered;
    out->reasons = &res->reason_storage[gs->first];
    out->n_reasons = gs->n;
    sort_reasons(&res->reason_storage[gs->first], gs->n);
    if (gs->feasible) {
      /* It fits, but something cheaper won: say what it would cost. */
      const cheapest_fit *c = &gs->summary;
      gsz_reason *why = &res->reason_storage[extra++];
      memset(why, 0, sizeof *why);
      why->code = GSZ_REASON_PRICE;
      why->server = c->server;
      why->gpus_per_node = c->gpus_per_node;
      why->nodes = c->nodes;
      why->price_minor = c->price_minor;
      why->limit_minor = c->price_minor - res->best.price.total_minor;
      if (r->o->cost.objective != GSZ_OBJECTIVE_PRICE)
        snprintf(why->text, sizeof why->text, "%s", gsz_objective_name(r->o->cost.objective));
      /* Under stock "prefer" a cheaper one can lose for want of stock. */
      if (r->o->stock == GSZ_STOCK_PREFER && res->best.stock.buildable && c->short_items > 0)
        why->gpus_short = c->short_items;
      out->reasons = why;
      out->n_reasons = 1;
    }
  }
  return GSZ_OK;
}
