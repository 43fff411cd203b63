/* sla.c: how fast a candidate that fits memory serves or trains (the
 * performance model, perf.h), the replica layout that serves best, and
 * the service-level check: a candidate that misses a target gets reason
 * SLA naming the target and the estimate. Only candidates that fit memory
 * come here, and only with full-method inference or training tokens, so
 * quick quotes do not pay for it. docs/service-levels.md. */
#include "gpusizer/catalog.h"
#include "match/match_int.h"
#include "sizing/memory_int.h"
#include "util/fmt_int.h"

#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation" /* a cut sentence is acceptable */

bool gsz_service_level_any(const gsz_service_level *s) {
  return s->min_user_mtps || s->max_ttft_ms || s->min_output_mtps || s->deadline_days_milli;
}

/* "20" or "7.5" from milli-units, as typed. */
static const char *milli_exact(char buf[GSZ_FMT_MAX], uint64_t v) {
  if (v % 1000 == 0) {
    snprintf(buf, GSZ_FMT_MAX, "%llu", (unsigned long long)(v / 1000));
    return buf;
  }
  snprintf(buf, GSZ_FMT_MAX, "%llu.%03llu", (unsigned long long)(v / 1000),
           (unsigned long long)(v % 1000));
  for (size_t n = strlen(buf); n > 0 && buf[n - 1] == '0'; n--)
    buf[n - 1] = '\0';
  return buf;
}

/* How much of a target an estimate reaches, basis points, capped at 100%. */
static uint32_t share_bp(uint64_t got, uint64_t want) {
  if (want == 0 || got >= want)
    return GSZ_BP_SCALE;
  return (uint32_t)((unsigned __int128)got * GSZ_BP_SCALE / want);
}

/* The least share of the inference targets an estimate reaches (10000:
 * all met), and which target that is (a field id, 0: none missed). */
static uint32_t inference_met(const gsz_service_level *s, const gsz_perf_estimate *e, int *worst) {
  uint32_t least = GSZ_BP_SCALE;
  *worst = 0;
  uint32_t u = s->min_user_mtps ? share_bp(e->user_mtps, s->min_user_mtps) : GSZ_BP_SCALE;
  uint32_t t = s->max_ttft_ms ? share_bp(s->max_ttft_ms, e->ttft_ms) : GSZ_BP_SCALE;
  if (s->max_ttft_ms && e->ttft_ms > s->max_ttft_ms && t == GSZ_BP_SCALE)
    t = GSZ_BP_SCALE - 1;
  uint32_t o = s->min_output_mtps ? share_bp(e->output_mtps, s->min_output_mtps) : GSZ_BP_SCALE;
  if (u < least) {
    least = u;
    *worst = 1;
  }
  if (t < least) {
    least = t;
    *worst = 2;
  }
  if (o < least) {
    least = o;
    *worst = 3;
  }
  return least;
}

/* --- Inference: one replica layout ---------------------------------------- */

typedef speed_option option;

/* Estimate layout l (replicas across nodes when cross); false when it does
 * not fit memory with its share of the requests (fits: known to fit) or
 * cannot be timed. */
static bool estimate(run *r, gsz_candidate *c, gsz_layout l, bool cross, bool fits, option *out) {
  if (!fits && !gsz__match_layout_fits(r, l))
    return false;
  gsz_workload w = gsz__match_workload_for(r, l);
  gsz_kv_capacity kv;
  if (gsz_memory_kv_capacity(&kv, r->m, &w, (gsz_layout){l.tp, l.pp, 1}, r->visible_bytes, NULL) !=
          GSZ_OK ||
      !kv.fits || kv.tokens == 0) {
    snprintf(r->perf_why, sizeof r->perf_why, "the KV cache has no room");
    return false;
  }
  gsz_link net = gsz_perf_network_link();
  gsz_perf_input in = {
      .model = r->m,
      .gpu = c->gpu,
      .weight_format = r->w->weight_format,
      .kv_format = r->w->kv_format,
      .support = c->format_support,
      .layout = l,
      .input_tokens = r->w->input_tokens,
      .output_tokens = r->w->output_tokens,
      .concurrency = r->w->concurrency,
      .kv_capacity_tokens = kv.tokens,
      .pp_link = cross ? &net : NULL,
      .efficiency = r->efficiency,
  };
  gsz_diag diag;
  diag.message[0] = '\0';
  if (gsz_perf_inference(&out->est, &in, &diag) != GSZ_OK) {
    snprintf(r->perf_why, sizeof r->perf_why, "%s", diag.message);
    return false;
  }
  out->ok = true;
  out->layout = l;
  out->met_bp = inference_met(&r->o->sla, &out->est, &out->worst);
  return true;
}

/* Whether a is the better way to run the same GPUs: it meets the targets,
 * then more output, then faster per user, then fewer replicas; among
 * layouts that miss, the one nearer the targets. */
static bool better(const option *a, const option *b) {
  if (!b->ok)
    return a->ok;
  if (!a->ok)
    return false;
  bool am = a->met_bp == GSZ_BP_SCALE, bm = b->met_bp == GSZ_BP_SCALE;
  if (am != bm)
    return am;
  if (!am && a->met_bp != b->met_bp)
    return a->met_bp > b->met_bp;
  if (a->est.output_mtps != b->est.output_mtps)
    return a->est.output_mtps > b->est.output_mtps;
  if (a->est.user_mtps != b->est.user_mtps)
    return a->est.user_mtps > b->est.user_mtps;
  return a->layout.dp < b->layout.dp;
}

/* The best replica layout of nodes x per_node GPUs: replicas inside a
 * node (tp x pp dividing it, tp splitting the heads), or spanning k nodes
 * (the node's own layout, k nodes of pipeline stages). */
static option search_replicas(run *r, gsz_candidate *c, uint32_t per_node, uint32_t tp0,
                              uint32_t nodes) {
  option best;
  memset(&best, 0, sizeof best);
  uint32_t layers = r->m->arch->num_hidden_layers;
  /* Replica sizes from the largest down: a smaller replica holds more of
   * the weights per GPU and the same KV cache per GPU (its share of the
   * requests is smaller in proportion), so once no layout of a size fits
   * memory, no smaller one does. */
  for (uint32_t g = per_node; g >= 1; g--) {
    if (per_node % g != 0)
      continue;
    bool any_fit = false;
    for (uint32_t tp = g; tp >= 1; tp--) {
      uint32_t pp = g / tp;
      if (g % tp != 0 || pp > layers || !gsz_layout_tp_ok(r->m, tp, NULL))
        continue;
      gsz_layout l = {tp, pp, per_node / g * nodes};
      if (!gsz__match_layout_fits(r, l))
        continue;
      any_fit = true;
      option o;
      memset(&o, 0, sizeof o);
      if (estimate(r, c, l, false, true, &o) && better(&o, &best))
        best = o;
    }
    if (!any_fit)
      break;
  }
  for (uint32_t k = 2; k <= nodes; k++) {
    uint32_t pp = per_node / tp0 * k;
    if (nodes % k != 0 || pp > layers)
      continue;
    option o;
    memset(&o, 0, sizeof o);
    if (estimate(r, c, (gsz_layout){tp0, pp, nodes / k}, true, false, &o) && better(&o, &best))
      best = o;
  }
  return best;
}

/* The memo entry of (per_node, nodes, targets) for the GPU being
 * evaluated; NULL when it is not there (*slot: where to put it, or NULL
 * when the memo is full). */
static speed_memo *memo_find(run *r, const gsz_gpu *g, uint32_t per_node, uint32_t nodes,
                             bool targets, speed_memo **slot) {
  *slot = NULL;
  if (r->memo == NULL && (r->memo = gsz__malloc(SPEED_MEMO * sizeof *r->memo)) == NULL)
    return NULL; /* no memo: estimate every time */
  if (r->memo_gpu != g) {
    r->memo_gpu = g;
    r->n_memo = 0;
  }
  for (size_t i = 0; i < r->n_memo; i++) {
    speed_memo *m = &r->memo[i];
    if (m->per_node == per_node && m->nodes == nodes && m->targets == targets)
      return m;
  }
  *slot = r->n_memo < SPEED_MEMO ? &r->memo[r->n_memo] : NULL;
  return NULL;
}

static void memo_keep(run *r, speed_memo *slot, uint32_t per_node, uint32_t nodes, bool targets,
                      const option *o) {
  if (slot == NULL)
    return;
  slot->per_node = per_node;
  slot->nodes = nodes;
  slot->targets = targets;
  slot->best = *o;
  memcpy(slot->why, r->perf_why, sizeof slot->why);
  r->n_memo++;
}

/* search_replicas, once per GPU count of a GPU (the server does not
 * change the speed). */
static option best_replicas(run *r, gsz_candidate *c, uint32_t per_node, uint32_t tp0,
                            uint32_t nodes) {
  speed_memo *slot = NULL, *m = memo_find(r, c->gpu, per_node, nodes, true, &slot);
  if (m != NULL) {
    if (!m->best.ok)
      memcpy(r->perf_why, m->why, sizeof r->perf_why);
    return m->best;
  }
  option o = search_replicas(r, c, per_node, tp0, nodes);
  memo_keep(r, slot, per_node, nodes, true, &o);
  return o;
}

static void keep_inference(gsz_candidate *c, const option *o) {
  c->perf.known = true;
  c->perf.est = o->est;
  c->perf.replicas = o->layout.dp;
  c->perf.tp = o->layout.tp;
  c->perf.pp = o->layout.pp;
}

/* The SLA reason of the nearest layout tried. */
static void inference_miss(run *r, gsz_candidate *c, const option *o, uint32_t nodes) {
  const gsz_service_level *s = &r->o->sla;
  gsz_reason *v = &c->verdict;
  char a[GSZ_FMT_MAX], b[GSZ_FMT_MAX], what[120];
  v->nodes = nodes;
  v->sla_met_bp = o->met_bp;
  if (o->worst == 1)
    snprintf(what, sizeof what,
             "decode %s tokens/s per user < " GSZ_FIELD("tokens_per_second") " %s",
             gsz__fmt_milli1(a, o->est.user_mtps), milli_exact(b, s->min_user_mtps));
  else if (o->worst == 2)
    snprintf(what, sizeof what, "time to first token %llu ms > " GSZ_FIELD("ttft_ms") " %llu",
             (unsigned long long)o->est.ttft_ms, (unsigned long long)s->max_ttft_ms);
  else
    snprintf(what, sizeof what, "output %s tokens/s < " GSZ_FIELD("throughput") " %s",
             gsz__fmt_milli1(a, o->est.output_mtps), milli_exact(b, s->min_output_mtps));
  snprintf(v->text, sizeof v->text, "%s on %u x %u x %s (%u replica%s of tp %u, pp %u); bound %s",
           what, nodes, c->gpus_per_node, c->gpu->sku, o->layout.dp, o->layout.dp == 1 ? "" : "s",
           o->layout.tp, o->layout.pp, gsz_bound_name(o->est.bound));
}

/* Inference: the estimate at the memory layout, or with targets the
 * fewest nodes (from *nodes up to max_nodes) whose best replica layout
 * meets them. More nodes only add replicas, so meeting is monotone in the
 * node count and bisected. */
static bool inference_speed(run *r, gsz_candidate *c, uint32_t per_node, uint32_t tp0,
                            uint32_t *nodes, uint32_t max_nodes, gsz_layout *layout) {
  bool targets = gsz_service_level_any(&r->o->sla);
  if (!targets) {
    speed_memo *slot = NULL, *m = memo_find(r, c->gpu, per_node, *nodes, false, &slot);
    option o;
    if (m != NULL) {
      o = m->best;
    } else {
      memset(&o, 0, sizeof o);
      bool cross = layout->pp > per_node / tp0;
      estimate(r, c, *layout, cross, true, &o); /* the memory check passed */
      memo_keep(r, slot, per_node, *nodes, false, &o);
    }
    if (o.ok)
      keep_inference(c, &o);
    return true;
  }
  r->perf_why[0] = '\0';
  option at = best_replicas(r, c, per_node, tp0, *nodes);
  if (at.ok && at.met_bp == GSZ_BP_SCALE) {
    keep_inference(c, &at);
    *layout = at.layout;
    return true;
  }
  uint32_t lo = *nodes + 1, hi = max_nodes;
  option top = at;
  uint32_t top_nodes = *nodes;
  if (lo <= hi) {
    top = best_replicas(r, c, per_node, tp0, hi);
    top_nodes = hi;
    if (!top.ok && at.ok) {
      top = at;
      top_nodes = *nodes;
    }
  }
  if (!top.ok) {
    snprintf(c->verdict.text, sizeof c->verdict.text, "no speed estimate on %u x %u x %s: %s",
             top_nodes, c->gpus_per_node, c->gpu->sku,
             r->perf_why[0] ? r->perf_why : "no layout fits its share of the requests");
    c->verdict.nodes = *nodes;
    return false;
  }
  if (top.met_bp < GSZ_BP_SCALE || lo > hi) {
    inference_miss(r, c, &top, top_nodes);
    return false;
  }
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    option o = best_replicas(r, c, per_node, tp0, mid);
    if (o.ok && o.met_bp == GSZ_BP_SCALE) {
      hi = mid;
      top = o;
    } else {
      lo = mid + 1;
    }
  }
  if (top.layout.dp * top.layout.tp * top.layout.pp != (uint64_t)per_node * lo)
    top = best_replicas(r, c, per_node, tp0, lo);
  keep_inference(c, &top);
  *nodes = lo;
  *layout = top.layout;
  return true;
}

/* --- Training ----------------------------------------------------------------- */

static bool train_days(run *r, gsz_candidate *c, gsz_layout l, uint64_t gpus,
                       gsz_train_estimate *out) {
  gsz_estimate e;
  gsz_workload w = gsz__match_workload_for(r, l);
  gsz_recompute rc = w.recompute;
  if (r->w->method == GSZ_METHOD_FULL && gsz__match_need_at(r, l, &e) != UINT64_MAX)
    rc = e.recompute;
  gsz_train_input in = {r->m, c->gpu, gpus, r->o->sla.train_tokens, rc, r->efficiency};
  return gsz_perf_training(out, &in, NULL) == GSZ_OK;
}

/* Training: days for train_tokens; with a deadline, the fewest nodes
 * (from *nodes) that meet it. */
static bool training_speed(run *r, gsz_candidate *c, uint32_t per_node, uint32_t *nodes,
                           uint32_t max_nodes, gsz_layout *layout) {
  const gsz_service_level *s = &r->o->sla;
  uint64_t deadline = s->deadline_days_milli;
  gsz_train_estimate t;
  uint32_t n = *nodes;
  for (;;) {
    gsz_layout l = gsz__match_layout_for(r, per_node, layout->tp, n);
    if (!train_days(r, c, l, (uint64_t)per_node * n, &t)) {
      if (deadline == 0)
        return true;
      snprintf(c->verdict.text, sizeof c->verdict.text,
               "no training estimate for %s in runtime %s (no training utilisation recorded)",
               c->gpu->sku, r->w->runtime->name);
      c->verdict.nodes = n;
      return false;
    }
    if (deadline == 0 || t.days_milli <= deadline || n >= max_nodes) {
      *layout = l;
      break;
    }
    n++;
  }
  c->perf.train_known = true;
  c->perf.train = t;
  c->perf.replicas = layout->dp;
  c->perf.tp = layout->tp;
  c->perf.pp = layout->pp;
  if (deadline != 0 && t.days_milli > deadline) {
    char a[GSZ_FMT_MAX], b[GSZ_FMT_MAX];
    c->verdict.nodes = n;
    c->verdict.sla_met_bp = share_bp(deadline, t.days_milli);
    snprintf(c->verdict.text, sizeof c->verdict.text,
             "training %s days > " GSZ_FIELD("deadline_days") " %s on %u x %u x %s (%llu GPUs at "
                                                              "%u.%02u%% MFU)",
             gsz__fmt_milli1(a, t.days_milli), milli_exact(b, deadline), n, per_node, c->gpu->sku,
             (unsigned long long)((uint64_t)per_node * n), t.mfu_bp / 100, t.mfu_bp % 100);
    return false;
  }
  *nodes = n;
  return true;
}

bool gsz__match_speed(run *r, gsz_candidate *c, uint32_t per_node, uint32_t tp, uint32_t *nodes,
                      uint32_t max_nodes, gsz_layout *layout) {
  if (r->training) {
    if (r->o->sla.train_tokens == 0)
      return true;
    if (r->efficiency == NULL) { /* the GPU's (gsz__match_prepare_gpu) */
      if (r->o->sla.deadline_days_milli == 0)
        return true;
      snprintf(c->verdict.text, sizeof c->verdict.text,
               "no training estimate for %s in runtime %s (no efficiency profile)", c->gpu->sku,
               r->w->runtime->name);
      c->verdict.nodes = *nodes;
      return false;
    }
    return training_speed(r, c, per_node, nodes, max_nodes, layout);
  }
  if (r->w->method != GSZ_METHOD_FULL || r->m->arch == NULL || r->w->input_tokens == 0 ||
      r->w->output_tokens == 0)
    return true;
  if (r->efficiency == NULL) { /* the GPU's (gsz__match_prepare_gpu) */
    if (!gsz_service_level_any(&r->o->sla))
      return true;
    snprintf(c->verdict.text, sizeof c->verdict.text,
             "no speed estimate for %s in runtime %s (no efficiency profile for %s)", c->gpu->sku,
             r->w->runtime->name, c->gpu->architecture ? c->gpu->architecture : "its architecture");
    c->verdict.nodes = *nodes;
    return false;
  }
  return inference_speed(r, c, per_node, tp, nodes, max_nodes, layout);
}
