/* match.h: the matching engine: the cheapest configuration of GPUs and
 * servers that really fits a workload, the next alternatives, and for every
 * GPU that lost, the reasons with the numbers behind them.
 *
 * Pure computation over the catalog's records (no database): candidates are
 * every GPU x every server that accepts it x each allowed GPU count per node
 * x node count. For each, the estimator gives the per-GPU need of the
 * layout that candidate would run; the smallest node count that fits is
 * found by bisection (the need falls as nodes are added), not by scanning.
 *
 * Layouts: inference runs tensor parallelism inside a node and pipeline
 * parallelism across nodes; when the GPU count per node does not divide the
 * attention heads, the largest tensor-parallel degree that does is used and
 * the rest of the node becomes pipeline stages (vLLM supports both).
 * Training runs data parallelism over every GPU with ZeRO-3 (unless --zero
 * says otherwise), with tensor parallelism inside a node when asked.
 * The need falls as nodes are added except at the step from one GPU to
 * several (communication buffers appear), which is checked on its own.
 *
 * A candidate fits when: per-GPU need <= usable memory x the runtime's
 * utilisation (quick method: quick total <= GPUs x usable memory); GPU
 * count x TDP + the server's base power <= its PSU power; the count is one
 * the server accepts; and every constraint holds (budget, nodes, GPUs,
 * vendors, form factors, exclusions, licensing, stock).
 *
 * Ranking: total price, then fewer nodes, fewer GPUs, more headroom, less
 * power, GPU SKU, server SKU. With stock "prefer", buildable ones first.
 *
 * Threads: a run reads the catalog, model, workload, options and pricer
 * and writes only its own result; any number of runs may share them. */
#ifndef GPUSIZER_MATCH_H
#define GPUSIZER_MATCH_H

#include "gpusizer/error.h"
#include "gpusizer/memory.h"
#include "gpusizer/perf.h"
#include "gpusizer/pricing.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- Constraints --------------------------------------------------------- */

typedef enum gsz_stock_policy {
  GSZ_STOCK_ANY,    /* shown, not required */
  GSZ_STOCK_PREFER, /* buildable configurations rank first */
  GSZ_STOCK_ONLY    /* must be buildable from available stock */
} gsz_stock_policy;

gsz_err gsz_stock_policy_parse(gsz_stock_policy *out, const char *s, gsz_diag *diag);
const char *gsz_stock_policy_name(gsz_stock_policy p);

#define GSZ_MATCH_MAX_LIST 32

/* Service-level targets (docs/service-levels.md): a
 * candidate that fits memory but misses one is rejected with reason SLA.
 * Zero: no target. */
typedef struct gsz_service_level {
  uint64_t min_user_mtps;       /* inference: each user's decode speed, milli-tokens/s, at least */
  uint64_t max_ttft_ms;         /* inference: time to first token at the concurrency, at most */
  uint64_t min_output_mtps;     /* inference: output tokens/s of the whole configuration */
  uint64_t train_tokens;        /* training: tokens to train on (gives days) */
  uint64_t deadline_days_milli; /* training: days x 1000 the run may take, at most */
} gsz_service_level;

/* Whether any target is set (train_tokens alone is not a target). */
bool gsz_service_level_any(const gsz_service_level *sla);

/* What the ranking minimises (docs/cost.md). */
typedef enum gsz_objective {
  GSZ_OBJECTIVE_PRICE,         /* the total price (capital expense), as priced */
  GSZ_OBJECTIVE_TCO,           /* price + energy over the years */
  GSZ_OBJECTIVE_COST_PER_TOKEN /* TCO per million output tokens at the estimated throughput */
} gsz_objective;

gsz_err gsz_objective_parse(gsz_objective *out, const char *s, gsz_diag *diag);
const char *gsz_objective_name(gsz_objective o);

/* The cost of ownership's inputs (docs/cost.md). */
typedef struct gsz_cost_options {
  gsz_objective objective;
  uint32_t years;            /* default 3 */
  int64_t power_price_milli; /* per kWh, thousandths of a minor unit (0.15 USD: 15000) */
  bool power_price_given;    /* else the default, 0.15 in the quote currency */
  uint32_t pue_centi;        /* power usage effectiveness x 100 (default 130) */
  uint32_t utilisation_bp;   /* the share of the configuration's power drawn on average */
} gsz_cost_options;

typedef struct gsz_match_options {
  uint32_t max_nodes; /* default 8 */
  uint64_t max_gpus;  /* 0: no limit */
  bool has_budget;
  int64_t budget_minor;                    /* in the pricer's currency */
  const gsz_gpu *gpus[GSZ_MATCH_MAX_LIST]; /* only these GPUs (none: all) */
  size_t n_gpus;
  const char *vendors[GSZ_MATCH_MAX_LIST]; /* only these vendors, any case */
  size_t n_vendors;
  const char *form_factors[GSZ_MATCH_MAX_LIST];
  size_t n_form_factors;
  const char *exclude[GSZ_MATCH_MAX_LIST]; /* GPU or server SKUs (or GPU aliases) */
  size_t n_exclude;
  bool allow_consumer; /* consumer GPUs outside workstations */
  /* Deployability (docs/deployability.md). */
  const char *chassis[GSZ_MATCH_MAX_LIST]; /* only these: "rack", "workstation", "rack_scale" */
  size_t n_chassis;
  const gsz_server *servers[GSZ_MATCH_MAX_LIST]; /* only these servers (none: all) */
  size_t n_servers;
  const char *server_vendors[GSZ_MATCH_MAX_LIST]; /* only servers of these vendors, any case */
  size_t n_server_vendors;
  bool has_cooling;
  gsz_cooling cooling;     /* with has_cooling: only servers cooled this way */
  bool allow_eol;          /* quote end-of-sale parts (from stock, or as available) */
  int32_t min_headroom_bp; /* least headroom of the budget; -1: the runtime profile's */
  uint32_t outlet_w;       /* a workstation's wall outlet limit; 0: the catalog's setting */
  gsz_stock_policy stock;
  uint32_t top;           /* alternatives to return (default 5) */
  bool zero_given;        /* training: use workload.zero as given, else ZeRO-3 on >1 GPU */
  uint32_t train_tp;      /* training: tensor-parallel degree inside a node (default 1) */
  const gsz_gpu *explain; /* record every candidate of this GPU */
  gsz_service_level sla;  /* targets; the speed inputs are the workload's */
  gsz_cost_options cost;
} gsz_match_options;

void gsz_match_options_init(gsz_match_options *opts);

/* The scale-out network of a multi-node configuration, as designed by
 * gsz_bom_network (docs/deployability.md has the rules and their source). */
typedef struct gsz_network_plan {
  const gsz_network_item *nic; /* the NIC (shipped with the server when onboard) */
  const gsz_network_item *sw;  /* the switch of the NIC's fabric and speed */
  const gsz_network_item *nic_transceiver, *switch_transceiver, *fiber;
  bool onboard; /* the NICs come with the server: no NIC line */
  uint32_t nics_per_node;
  uint64_t endpoints;      /* NIC ports on the fabric: nics_per_node x nodes */
  uint32_t leaves, spines; /* spines 0: one switch layer */
  uint64_t nic_transceivers, switch_transceivers, fibers;
  uint64_t power_w;    /* switches and transceivers with a known power */
  uint32_t rack_units; /* switches */
} gsz_network_plan;

/* Design the scale-out network of nodes x server with nics_per_node NICs
 * each, and append its lines to bom (NICs per node unless onboard; leaf and
 * spine switches, NIC and switch transceivers and fibers per cluster):
 * rail-optimised, non-blocking two-tier fat tree (one switch while the
 * NIC ports fit its ports). False, with why, when the server takes no
 * scale-out networking or fewer NICs, or the catalog lacks a NIC, switch or
 * cable of the fabric, or the fabric would need a third tier. */
bool gsz_bom_network(gsz_bom *bom, gsz_network_plan *plan, const gsz_catalog_data *data,
                     const gsz_server *server, uint32_t nics_per_node, uint32_t nodes, char *why,
                     size_t why_size);

/* The bill of materials of a configuration: nodes x server (per node),
 * then nodes x gpus_per_node x GPU (per GPU; included in the server's
 * price when the server says so). gpu and server are records of data. */
void gsz_bom_configuration(gsz_bom *out, const gsz_catalog_data *data, const gsz_gpu *gpu,
                           const gsz_server *server, uint32_t gpus_per_node, uint32_t nodes);

/* --- Results --------------------------------------------------------------- */

#define GSZ_REASON_MAP(XX)                                                                         \
  XX(MEMORY, "the model does not fit in the GPU's memory")                                         \
  XX(MAX_NODES, "it needs more nodes than allowed")                                                \
  XX(MAX_GPUS, "it needs more GPUs than allowed")                                                  \
  XX(POWER, "the GPUs draw more than the server's power supplies deliver")                         \
  XX(TP_DIVISIBILITY, "no parallel layout splits the model on these GPUs")                         \
  XX(NO_SERVER, "no server in the catalog takes this GPU")                                         \
  XX(NO_PRICE, "no price")                                                                         \
  XX(NOT_SOLD, "not sold (kept in the catalog for reference)")                                     \
  XX(EXCLUDED, "excluded by the request or the pricing policy")                                    \
  XX(LICENSE, "a consumer card, licensed for workstations only")                                   \
  XX(STOCK, "not buildable from available stock")                                                  \
  XX(BUDGET, "over the budget")                                                                    \
  XX(PRICE, "fits, but costs more than the chosen configuration")                                  \
  XX(OVERFLOW, "its price does not fit in 64-bit minor units")                                     \
  XX(NETWORK, "its nodes cannot be networked as a cluster")                                        \
  XX(FORMAT, "the GPU does not run the number format in this runtime")                             \
  XX(HEADROOM, "it fits with less headroom than the estimate's own margin")                        \
  XX(EOL, "end of sale (not quoted new unless allowed)")                                           \
  XX(SLA, "it fits, but misses a service-level target")

typedef enum gsz_reason_code {
#define GSZ_REASON_ENUM(name, text) GSZ_REASON_##name,
  GSZ_REASON_MAP(GSZ_REASON_ENUM)
#undef GSZ_REASON_ENUM
      GSZ_REASON_COUNT
} gsz_reason_code;

const char *gsz_reason_name(gsz_reason_code code); /* "MEMORY" */
const char *gsz_reason_text(gsz_reason_code code); /* the sentence above */

#define GSZ_REASON_TEXT_MAX 200

/* Why a candidate or a GPU lost, as data; report.h turns it into words
 * (gsz_reason_describe). Which fields are set depends on the code. */
typedef struct gsz_reason {
  gsz_reason_code code;
  const gsz_server *server; /* the candidate's server, when there is one */
  uint32_t gpus_per_node;
  uint32_t nodes;         /* MAX_NODES: nodes needed; BUDGET, STOCK: nodes of the candidate */
  uint32_t limit;         /* MAX_NODES: --max-nodes; MEMORY: nodes tried */
  uint64_t total_gpus;    /* MAX_GPUS: GPUs needed */
  uint64_t max_gpus;      /* MAX_GPUS: --max-gpus */
  uint64_t need;          /* MEMORY: per-GPU need on one node */
  uint64_t need_at_limit; /* MEMORY: per-GPU need at the most nodes tried */
  uint64_t budget_bytes;  /* MEMORY: per-GPU budget */
  /* MEMORY: per GPU, what must fit outside the budget (CUDA context, NCCL,
   * CUDA graphs) and the room the budget leaves; 0: the budget was short. */
  uint64_t outside_bytes, outside_room_bytes;
  uint32_t draw_w, psu_w;               /* POWER: GPUs + base, and what the PSUs deliver */
  uint32_t limit_w;                     /* POWER: what the node may draw (margin or wall outlet) */
  bool outlet;                          /* POWER: the limit is the wall outlet of a workstation */
  int32_t headroom_bp, min_headroom_bp; /* HEADROOM: the best it reached, the least wanted */
  int64_t price_minor;                /* BUDGET: the price; PRICE: the price of its cheapest fit */
  int64_t limit_minor;                /* BUDGET: the budget; PRICE: how much more than the best */
  uint64_t gpus_short, servers_short; /* STOCK */
  int64_t gpus_available, servers_available;
  uint32_t sla_met_bp;            /* SLA: how much of the target the estimate reached */
  char text[GSZ_REASON_TEXT_MAX]; /* NO_PRICE: the pricer's words; TP_DIVISIBILITY, NETWORK,
                                     FORMAT, EOL, SLA: why; EXCLUDED: the request field */
} gsz_reason;

/* Stock against a bill of materials: every item of it that the catalog
 * has inventory rows for (GPUs and servers by name; other kinds summed). */
typedef struct gsz_stock_status {
  bool buildable;                       /* every item needed is available */
  bool known;                           /* the catalog has inventory rows for them */
  uint64_t gpus_needed, servers_needed; /* gpus_needed 0 when included in servers */
  int64_t gpus_available, servers_available;
  uint64_t gpus_short, servers_short;
  uint64_t others_short;  /* items of other kinds (network gear, ...) short */
  int32_t lead_time_days; /* of what is short; 0 when nothing is; -1 when unknown */
} gsz_stock_status;

/* What a configuration needs said next to it: "needs a facility liquid
 * loop", "FP8 runs weight-only on Ampere", "stock is sample data". */
#define GSZ_MATCH_MAX_CAUTIONS 12
#define GSZ_CAUTION_TEXT_MAX 240
typedef struct gsz_caution {
  const char *code; /* static: "LIQUID_COOLING", "WEIGHT_ONLY", ... or a catalog caveat's code */
  char text[GSZ_CAUTION_TEXT_MAX];
} gsz_caution;

/* How fast a candidate serves or trains (perf.h), when it could be
 * estimated: inference needs the model's architecture, a runtime
 * efficiency row for the GPU's architecture and, beyond one GPU, its link;
 * training needs train_tokens. */
typedef struct gsz_candidate_perf {
  bool known;            /* inference: est holds the estimate */
  bool train_known;      /* training: train holds the estimate */
  gsz_perf_estimate est; /* of the whole configuration (every replica) */
  gsz_train_estimate train;
  uint32_t replicas, tp, pp; /* the replica layout the estimate is of */
} gsz_candidate_perf;

/* What it costs to own (docs/cost.md): money in minor units of the quote
 * currency, energy in Wh. */
typedef struct gsz_candidate_cost {
  bool known;          /* computed (every candidate a result shows) */
  int64_t capex_minor; /* the total price */
  uint64_t energy_wh;  /* over the years, PUE and utilisation included */
  int64_t energy_minor;
  int64_t tco_minor;         /* capex + energy */
  bool has_per_million;      /* an output throughput is known */
  int64_t per_million_minor; /* TCO / million output tokens over the years */
  bool overflow;             /* a figure did not fit 64 bits: ranked last */
} gsz_candidate_cost;

typedef struct gsz_candidate {
  const gsz_gpu *gpu;
  const gsz_server *server;
  uint32_t gpus_per_node, nodes;
  uint64_t total_gpus;
  gsz_layout layout;
  uint32_t zero;              /* training: the ZeRO stage the layout was sized with */
  bool recompute_full;        /* training: sized with full recomputation (recompute auto) */
  bool pp_in_node;            /* the node runs pipeline stages too (heads not divisible) */
  uint64_t per_gpu_bytes;     /* need on the busiest GPU (quick: total / GPUs) */
  uint64_t usable_bytes;      /* what the runtime sees on the GPU (gsz_memory_visible_bytes) */
  uint64_t budget_bytes;      /* usable x the runtime's utilisation */
  int32_t headroom_bp;        /* (budget - need) / budget, basis points */
  uint32_t node_power_w;      /* GPUs x TDP + base, per node */
  uint32_t node_limit_w;      /* what a node may draw: the PSUs' sustained share, or the outlet */
  uint64_t power_w;           /* the whole configuration: nodes and network gear */
  uint32_t rack_units;        /* the whole configuration: nodes and switches */
  gsz_support format_support; /* of the weight format on this GPU and runtime */
  gsz_support kv_format_support; /* of the KV-cache format */
  uint32_t nics_per_node;        /* scale-out NICs per node (0: one node) */
  gsz_stock_status stock;
  /* explain only: the verdict */
  bool fits;
  gsz_reason verdict;
  gsz_candidate_perf perf; /* set by the matcher (not cleared with the rest: flags say) */
  gsz_candidate_cost cost;
  gsz_bom bom;         /* what the configuration is made of (set once it is priced) */
  unsigned n_cautions; /* set on the candidates a result shows */
  gsz_caution cautions[GSZ_MATCH_MAX_CAUTIONS];
  gsz_price price; /* last: the matcher clears only what comes before the bill */
} gsz_candidate;

#define GSZ_MATCH_MAX_REASONS 10

typedef struct gsz_rejection {
  const gsz_gpu *gpu;
  bool filtered;             /* left out by the request's own --gpu/--vendor/--form-factor */
  const gsz_reason *reasons; /* n_reasons of them, owned by the result */
  unsigned n_reasons;
} gsz_rejection;

typedef struct gsz_match_result {
  bool found;
  gsz_candidate best;
  gsz_estimate best_estimate; /* the breakdown of the best layout (or 1 GPU if none) */
  gsz_candidate *alternatives;
  size_t n_alternatives;
  gsz_rejection *rejected; /* one per GPU that is neither best nor an alternative */
  size_t n_rejected;
  gsz_candidate *explained; /* every candidate of options.explain */
  size_t n_explained;
  size_t candidates;          /* (GPU, server, count) triples considered */
  gsz_reason *reason_storage; /* what the rejections point into */
  char currency[4];
  unsigned minor_digits;
} gsz_match_result;

/* Find the cheapest configuration. GSZ_OK whether or not one fits (see
 * result->found); errors are for bad input (GSZ_EINVAL), ENOMEM and
 * overflow. *out belongs to the caller: gsz_match_result_free. */
gsz_err gsz_match_run(gsz_match_result **out, const gsz_catalog_data *data,
                      const gsz_model_ref *model, const gsz_workload *workload,
                      const gsz_match_options *options, const gsz_pricer *pricer, gsz_diag *diag);
void gsz_match_result_free(gsz_match_result *result);

#ifdef __cplusplus
}
#endif
#endif
