/* match_int.h: the state of one matcher run, shared by the files of the
 * matcher: the search (match.c), one candidate (candidate.c), ranking
 * (rank.c), stock (stock.c) and reasons (reasons.c). Internal. */
#ifndef GSZ_MATCH_INT_H
#define GSZ_MATCH_INT_H

#include "gpusizer/match.h"
#include "util/common_int.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct cand_vec {
  gsz_candidate *items;
  size_t n, cap;
} cand_vec;

/* What a losing GPU's PRICE reason needs of its cheapest fit. */
typedef struct cheapest_fit {
  const gsz_server *server;
  uint32_t gpus_per_node, nodes;
  int64_t price_minor;
  uint64_t short_items; /* GPUs and servers short of stock */
} cheapest_fit;

/* Per GPU: its reasons are pool[first .. first + n) (a GPU's reasons are
 * all kept while it is searched, so they are contiguous). Small on
 * purpose: large catalogs have one per GPU. */
typedef struct gpu_state {
  uint32_t first;
  uint8_t n;
  bool filtered, feasible;
  uint8_t weights_support, kv_support; /* gsz_support of the formats on this GPU */
  cheapest_fit summary;
} gpu_state;

/* Nodes beyond max_nodes are still searched up to this bound, so a
 * rejection can say how many nodes it would take. */
#define NODE_SEARCH_CAP 1024u

enum { QUICK_SHARE_CACHE = 257 };

/* The best replica layout of one GPU count (sla.c): what it serves and
 * how near the targets it comes (10000: all met; worst: the target
 * missed most, 1 user speed, 2 TTFT, 3 throughput). */
typedef struct speed_option {
  bool ok;
  gsz_layout layout;
  gsz_perf_estimate est;
  uint32_t met_bp;
  int worst;
} speed_option;

/* The speed of per_node x nodes GPUs depends on the GPU, not the server:
 * one GPU's results are kept while its servers are evaluated. */
#define SPEED_MEMO 64
typedef struct speed_memo {
  uint32_t per_node, nodes;
  bool targets;
  speed_option best;
  char why[120];
} speed_memo;

/* A network design of the run (candidate.c's network_for): the plan
 * for (plan.nic, plan.nics_per_node, nodes). */
enum { NETWORK_MEMO = 32 };
typedef struct network_memo {
  gsz_network_plan plan;
  uint32_t nodes;
} network_memo;

/* The per-GPU need at a layout, with its estimate (candidate.c's need_at):
 * kept for the GPU being evaluated. */
enum { NEED_MEMO = 64 };
typedef struct need_memo {
  gsz_layout layout;
  uint64_t fit_budget, visible_bytes; /* what else the need depends on (checked, not assumed) */
  uint64_t need;                      /* UINT64_MAX: the estimate refused the layout */
  gsz_estimate estimate;
} need_memo;

typedef struct run {
  const gsz_catalog_data *d;
  const gsz_model_ref *m;
  const gsz_workload *w;
  const gsz_match_options *o;
  const gsz_pricer *p;
  gsz_diag *diag;
  bool training;
  /* The best few, one per (GPU, server) pair, best first: the answer and
   * its alternatives. Bounded (top + 1), so memory does not grow with the
   * number of candidates that fit. */
  gsz_candidate **top;      /* ranked: n_top entries, pointers into top_slots */
  gsz_candidate *top_slots; /* cap_top candidates; a candidate is copied in once */
  size_t n_top, cap_top, slots_used;
  /* Two candidate buffers: one being evaluated (scratch), the other the
   * current GPU's cheapest fit so far (gpu_best). A new cheapest fit swaps
   * the pointers instead of being copied. */
  gsz_candidate buffers[2];
  gsz_candidate *scratch, *gpu_best;
  cand_vec explained;
  gpu_state *gpus;
  gsz_reason *pool;
  size_t n_pool, cap_pool;
  /* Per server: NULL when it may be offered, else why not: the request
   * field that filters it out ("chassis", "server", ...) or "" for an
   * exclusion by the request or the pricing policy. */
  const char **server_out;
  uint32_t min_headroom_bp; /* the headroom a fit needs, basis points of the budget */
  uint32_t outlet_w;        /* a workstation's wall outlet limit; 0: none */
  const gsz_gpu *excluded_gpus[GSZ_MATCH_MAX_LIST]; /* exclusions that name GPUs, resolved */
  size_t candidates;
  uint64_t quick_total; /* the quick method's total, the same for every layout */
  /* The GPU being evaluated: what its runtime sees, and the budget less the
   * headroom a fit needs (recompute auto switches on full recomputation
   * only when the need without it is above this). */
  uint64_t visible_bytes, fit_budget;
  /* The GPU being searched, the same for every candidate of it, set by
   * gsz__match_prepare_gpu: its budget at the workload's utilisation
   * (visible_bytes above is its visible memory), and the visible memory
   * less the minimum headroom (the quick method's). */
  uint64_t gpu_budget, gpu_quick_fit;
  /* quick_total / n GPUs, rounded up, for small n (0: not yet computed):
   * a 64-bit division per fitting candidate was a tenth of a quote. */
  uint64_t quick_share[QUICK_SHARE_CACHE];
  /* The runtime's efficiency profile on the GPU being evaluated, for sla.c;
   * set by gsz__match_prepare_gpu; NULL: none. */
  const gsz_efficiency *efficiency;
  char perf_why[120];      /* why the last speed estimate failed (sla.c) */
  const gsz_gpu *memo_gpu; /* whose speeds memo holds */
  size_t n_memo;
  speed_memo *memo; /* SPEED_MEMO entries, allocated when first needed; NULL: none */
  need_memo *needs; /* NEED_MEMO entries, allocated when first needed; NULL: none */
  size_t n_needs;
  bool needs_failed;                   /* the memo could not be allocated: estimate every time */
  network_memo networks[NETWORK_MEMO]; /* network designs, filled in order, then replaced */
  size_t n_networks, next_network;
  gsz_err err; /* sticky: ENOMEM, EOVERFLOW */
} run;

/* Copy a candidate without the unused lines of its bill and price (most
 * of its size). */
void gsz__match_copy_candidate(gsz_candidate *dst, const gsz_candidate *src);

/* Keep why as one of a GPU's reasons: one per code, the one closest to
 * fitting (see reasons.c). */
void gsz__match_keep_reason(run *r, gpu_state *gs, const gsz_reason *why);
/* Whether gsz__match_keep_reason would keep why (its code and numbers; its
 * text is not read): a reason's words are written only when they are. */
bool gsz__match_reason_wanted(const run *r, const gpu_state *gs, const gsz_reason *why);
/* A reason without numbers (filters, NOT_SOLD, NO_SERVER); text names the
 * request field of the filter for EXCLUDED ("gpu", "vendor", ...). */
void gsz__match_simple_reason(run *r, gpu_state *gs, gsz_reason_code code, const char *text);
/* Every GPU that is neither the answer nor an alternative, with its
 * reasons nearest first (and PRICE for those that fit but cost more). */
gsz_err gsz__match_collect_rejections(run *r, gsz_match_result *res);

/* The workload as a candidate of layout l runs it: ZeRO-3 by default when
 * training on more than one GPU. */
gsz_workload gsz__match_workload_for(const run *r, gsz_layout l);
/* Set gs's per-GPU values (visible memory, budgets) before g's first
 * candidate. */
void gsz__match_prepare_gpu(run *r, const gsz_gpu *g);
/* Evaluate one (GPU, server, count) into c. True when it fits; otherwise
 * the reason is in c->verdict and kept on gs. */
bool gsz__match_evaluate(run *r, gpu_state *gs, const gsz_gpu *g, const gsz_server *s,
                         uint32_t per_node, gsz_candidate *c);
/* The layout of per_node GPUs per node at tensor-parallel degree tp on
 * nodes nodes (inference: pipeline stages; training: data parallel). */
gsz_layout gsz__match_layout_for(const run *r, uint32_t per_node, uint32_t tp, uint32_t nodes);
/* Per-GPU need at layout l (e: its estimate, may be NULL); UINT64_MAX when
 * the estimate refuses it. */
uint64_t gsz__match_need_at(run *r, gsz_layout l, gsz_estimate *e);
/* Whether layout l fits the candidate's budget with the headroom asked for
 * and what the runtime takes outside its budget. */
bool gsz__match_layout_fits(run *r, gsz_layout l);
/* Speed (sla.c): the candidate's performance estimate, and with targets
 * the fewest nodes from *nodes to max_nodes and the replica layout that
 * meet them (*nodes, *layout updated). False with c->verdict's text (and
 * nodes, sla_met_bp) filled when it misses a target: reason SLA. */
bool gsz__match_speed(run *r, gsz_candidate *c, uint32_t per_node, uint32_t tp, uint32_t *nodes,
                      uint32_t max_nodes, gsz_layout *layout);
/* The cost of ownership of a priced candidate (cost.c). */
void gsz__match_cost(const run *r, gsz_candidate *c);

/* What only the candidates a result shows need: the headroom in basis
 * points ((budget - need) / budget); when stock neither ranks nor filters
 * (stock "any"), the stock of a fitting one; with the quick method, the
 * formats' support (the full method looked it up per GPU). */
void gsz__match_finish(const run *r, gsz_candidate *c);

/* The cautions of a candidate a result shows (cautions.c). */
void gsz__match_cautions(const run *r, gsz_candidate *c);

/* Stock against a candidate's bill of materials. */
gsz_stock_status gsz__match_stock_for(const run *r, const gsz_bom *bom);

/* The ranking: < 0 when a is the better answer. */
int gsz__match_compare(const gsz_candidate *a, const gsz_candidate *b, const gsz_match_options *o);

#endif
