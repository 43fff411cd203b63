/* records.h: the plain records every stage of gpusizer shares: GPUs,
 * servers and which GPU counts they take, number formats, runtime
 * profiles, model architectures, currencies, prices and stock, and the
 * catalog that holds them as arrays.
 *
 * Plain data: no functions, no SQLite, no allocation. The catalog loader
 * fills them from a database (catalog.h); tests and embedding programs may
 * build them by hand. Strings are borrowed from whoever built the records.
 * Read-only once built: any number of threads may read them at once. */
#ifndef GPUSIZER_RECORDS_H
#define GPUSIZER_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Current unit price of an item (table price: the latest as_of not after
 * the catalog's day; a row dated later is not in force yet). */
typedef struct gsz_unit_price {
  bool present;         /* false: no price row; the item cannot be quoted */
  int64_t amount_minor; /* minor units of currency (cents for USD) */
  char currency[4];     /* ISO 4217 code */
  const char *as_of, *source, *basis;
} gsz_unit_price;

/* Stock of an item summed over locations (table inventory; a row dated
 * after the catalog's day counts from that day on). */
typedef struct gsz_stock_total {
  bool present; /* false: no inventory rows at all */
  int64_t on_hand, reserved;
  int64_t available;      /* on_hand - reserved */
  int32_t lead_time_days; /* shortest over locations */
} gsz_stock_total;

/* Where an item is in its life: current, end of sale (not quoted new
 * unless asked), announced (not shipping yet). */
typedef enum gsz_lifecycle {
  GSZ_LIFECYCLE_CURRENT,
  GSZ_LIFECYCLE_END_OF_SALE,
  GSZ_LIFECYCLE_ANNOUNCED
} gsz_lifecycle;

/* How GPUs of one system reach each other (gpu.link). */
typedef enum gsz_link_kind {
  GSZ_LINK_UNKNOWN,       /* not recorded */
  GSZ_LINK_NVSWITCH,      /* NVLink through NVSwitch: every GPU of the domain at full rate */
  GSZ_LINK_NVLINK_BRIDGE, /* NVLink bridges join link_gpus cards; PCIe beyond them */
  GSZ_LINK_XGMI,          /* AMD Infinity Fabric, a full mesh */
  GSZ_LINK_PCIE,          /* no GPU link: PCIe through switches or the host */
  GSZ_LINK_ROCE           /* on-die RDMA Ethernet (Gaudi) */
} gsz_link_kind;

typedef struct gsz_gpu {
  const char *sku, *vendor, *name, *form_factor;
  uint32_t memory_mib;    /* nominal */
  uint32_t usable_mib;    /* what the driver exposes */
  uint32_t bandwidth_gbs; /* GB/s */
  double tflops_bf16;     /* dense; never for memory, the peak of speed estimates (perf.h) */
  uint32_t tdp_w;
  const char *memory_type, *interconnect; /* may be NULL */
  bool datacenter_ok;                     /* false: consumer card, workstations only */
  bool sellable, verified;
  const char *usable_basis, *source, *as_of, *notes; /* may be NULL */
  const char *architecture;                          /* "hopper", ...; NULL: not recorded */
  gsz_lifecycle lifecycle;
  const char *lifecycle_date, *lifecycle_source; /* may be NULL */
  gsz_unit_price price;
  gsz_stock_total stock;
  /* Performance (migration 0005). Peaks are dense; 0: not recorded. */
  double tflops_fp8, tops_int8, tflops_fp4;
  gsz_link_kind link;         /* GSZ_LINK_UNKNOWN: not recorded */
  double link_gbs;            /* per GPU and direction, GB/s */
  uint32_t link_gpus;         /* GPUs one link domain joins; 0: not recorded */
  double allreduce_busbw_gbs; /* measured all-reduce bus bandwidth; 0: not measured */
  double allreduce_latency_us;
  const char *perf_source, *perf_as_of; /* may be NULL */
} gsz_gpu;

typedef enum gsz_cooling { GSZ_COOLING_AIR, GSZ_COOLING_LIQUID } gsz_cooling;

/* How the nodes of a multi-node configuration reach each other. */
typedef enum gsz_scale_out {
  GSZ_SCALE_OUT_NIC,    /* NICs in PCIe slots, priced on their own (the default) */
  GSZ_SCALE_OUT_NONE,   /* single node only */
  GSZ_SCALE_OUT_ONBOARD /* the server ships with them (DGX, HGX B300) */
} gsz_scale_out;

typedef struct gsz_server {
  const char *sku, *vendor, *name, *gpu_form_factor;
  uint32_t max_gpus, rack_units; /* rack_units 0: tower */
  uint32_t psu_w;                /* deliverable with redundancy kept */
  uint32_t base_w;               /* everything but the GPUs */
  bool workstation;              /* chassis = 'workstation' */
  bool rack_scale;               /* one row is one rack-scale system (GB200 NVL72) */
  bool gpus_included;            /* price includes the GPUs (DGX) */
  bool sellable, verified;
  const char *psu_config, *cpu, *source, *as_of, *notes; /* may be NULL */
  gsz_cooling cooling;
  gsz_scale_out scale_out;
  uint32_t nic_slots; /* scale-out NICs that fit; 0: one per GPU */
  const struct gsz_network_item
      *nic;                 /* its NIC (record of the catalog's nics); NULL: the default */
  uint32_t psu_load_max_bp; /* share of psu_w it may draw continuously; 0: the catalog's setting */
  gsz_lifecycle lifecycle;
  const char *lifecycle_date, *lifecycle_source; /* may be NULL */
  gsz_unit_price price;
  gsz_stock_total stock;
} gsz_server;

/* The scale-out fabrics network gear is made for. */
typedef enum gsz_fabric {
  GSZ_FABRIC_INFINIBAND_NDR,
  GSZ_FABRIC_INFINIBAND_XDR,
  GSZ_FABRIC_ETHERNET_200G,
  GSZ_FABRIC_ETHERNET_400G,
  GSZ_FABRIC_ETHERNET_800G,
  GSZ_FABRIC_COUNT
} gsz_fabric;

/* Where a cable or transceiver sits on a link. */
typedef enum gsz_cable_role {
  GSZ_CABLE_NONE,               /* not a cable */
  GSZ_CABLE_NIC_TRANSCEIVER,    /* at the NIC end, one per NIC port */
  GSZ_CABLE_SWITCH_TRANSCEIVER, /* at a switch port (a twin-port optic serves 2) */
  GSZ_CABLE_FIBER               /* the fiber of one link */
} gsz_cable_role;

/* A NIC, switch, cable or transceiver (table network_item). */
typedef struct gsz_network_item {
  const char *sku, *vendor, *name;
  int kind; /* gsz_item_kind: GSZ_ITEM_NIC, GSZ_ITEM_SWITCH or GSZ_ITEM_CABLE */
  gsz_fabric fabric;
  uint32_t port_gbps, ports; /* switch: ports at port_gbps; cable: links it serves */
  gsz_cable_role cable_role;
  uint32_t power_w; /* 0: not recorded */
  uint32_t rack_units;
  bool sellable, verified;
  const char *source, *as_of, *notes; /* may be NULL */
  gsz_unit_price price;
  gsz_stock_total stock;
} gsz_network_item;

typedef enum gsz_support {
  GSZ_SUPPORT_UNKNOWN,     /* no row says */
  GSZ_SUPPORT_NATIVE,      /* tensor-core compute in the format */
  GSZ_SUPPORT_WEIGHT_ONLY, /* stored in it, computed in 16-bit */
  GSZ_SUPPORT_NONE         /* does not run */
} gsz_support;

/* Whether an architecture runs a number format in a runtime ("*": any). */
typedef struct gsz_format_support {
  const char *architecture, *format, *runtime;
  gsz_support support;
  const char *source, *notes; /* notes may be NULL */
} gsz_format_support;

/* What a quote using an item must say (table caveat). */
typedef struct gsz_caveat {
  const char *kind, *sku, *code, *text, *source; /* source may be NULL */
  /* The item it is about, resolved when a catalog is read (resolved
   * true): its kind (gsz_item_kind; GSZ_ITEM_KIND_COUNT for a kind no item
   * has) and its index in that kind's array (-1 when the catalog has no
   * such item). Records made by hand may leave these zero: unresolved
   * caveats are matched by kind and SKU. */
  bool resolved;
  int item_kind;
  long item_index;
} gsz_caveat;

/* Catalog-wide rules (table setting), with their defaults when unset. */
typedef struct gsz_settings {
  const struct gsz_network_item *default_nic; /* NULL: none */
  uint32_t psu_load_max_bp;                   /* 0 when unset: the whole of psu_w */
  uint32_t wall_outlet_w;                     /* 0: no limit set */
  uint32_t pp_nics_per_node;                  /* 0 when unset: 1 */
  bool sample_stock;                          /* the inventory rows are sample data */
} gsz_settings;

/* One allowed GPU count in one server (table server_gpu; a row with a
 * range gives one per count), by index into the catalog's gpus and
 * servers arrays. Sorted by gpu, server, count; each once. */
typedef struct gsz_fit {
  uint32_t gpu, server, count;
} gsz_fit;

/* A number format: n values take ceil(n * block_bytes / block_elems) bytes. */
typedef struct gsz_format {
  const char *name;
  uint32_t block_elems, block_bytes;
  bool trainable; /* full training in this format is supported */
  const char *description, *source;
  /* How the format is stored when it holds a model's weights (table
   * quant_recipe); NULL: the block applies to every tensor. */
  const struct gsz_quant_recipe *recipe;
} gsz_format;

/* Which tensors a weight format quantises. */
typedef enum gsz_quant_scope {
  GSZ_QUANT_LINEAR,  /* every linear layer of the blocks: not embeddings, LM head, norms, routers */
  GSZ_QUANT_EXPERTS, /* only the routed MoE experts (gpt-oss MXFP4) */
  GSZ_QUANT_GGUF     /* llama.cpp's per-tensor rules for gguf_ftype */
} gsz_quant_scope;

/* The stored layout of a quantised weight format (table quant_recipe). A
 * tensor [out, in] it quantises takes ceil((out*in*value_bits + groups *
 * (scale_bits + zero_bits) + ceil(groups / group2_size) * group2_bits +
 * in * column_bits) / 8) + tensor_bytes bytes, groups = ceil(out /
 * group_rows) * ceil(in / group_size) (group_size 0: one per output row). */
typedef struct gsz_quant_recipe {
  gsz_quant_scope quantized;
  uint32_t value_bits, group_size, group_rows, scale_bits, zero_bits;
  uint32_t group2_size, group2_bits, column_bits, tensor_bytes;
  const gsz_format *kept_format; /* the tensors it does not quantise; NULL: compute format */
  const char *gguf_ftype;        /* GSZ_QUANT_GGUF: "q4_k_m", "q5_k_m", "q4_0", "q8_0", "q6_k" */
  const char *description, *source;
} gsz_quant_recipe;

/* Shares written in basis points: 10000 = 1 (100%). */
#define GSZ_BP_SCALE 10000

/* Non-torch memory per GPU of a runtime from a parallel degree up (table
 * runtime_parallel): inside the utilisation budget and outside it. */
typedef struct gsz_runtime_parallel {
  uint32_t tp, pp;
  uint64_t in_budget_bytes, outside_bytes;
  const char *source;
} gsz_runtime_parallel;

/* Runtime profile: per-GPU memory the runtime itself needs. Zero in a
 * field after `as_of` means "not modelled" (memory.h says what each
 * does). */
typedef struct gsz_runtime {
  const char *name, *engine, *engine_version;
  uint32_t mem_util_bp; /* basis points of GPU memory it may use: 9000 = 0.90 */
  uint64_t cuda_context_bytes, comm_buffer_bytes, activation_bytes;
  const char *default_for; /* "inference", "training" or NULL */
  const char *source, *as_of;
  uint32_t min_headroom_bp; /* the least headroom a quote accepts, basis points of the budget */
  /* Inference (vLLM): the KV cache block, the profile run's shapes on
   * large and small GPUs, its sampler peak, CUDA graphs. */
  uint32_t block_size;
  uint32_t max_num_seqs, max_num_seqs_small, max_batched_tokens, max_batched_tokens_small;
  uint32_t large_gpu_mib;        /* visible memory from which a GPU is large */
  uint32_t sampler_copies_milli; /* fp32 copies of seqs x vocab logits, x1000 */
  uint64_t sampler_base_bytes;
  bool forward_peak; /* the profile's forward over max_batched_tokens counts */
  uint64_t graph_bytes;
  bool graph_in_budget; /* inside util x visible (vLLM >= 0.21) */
  /* Training: buffers and the allocator margin. */
  uint64_t grad_bucket_bytes, zero2_buffer_bytes;
  uint64_t zero3_live_params, zero3_prefetch_params; /* parameters, not bytes */
  uint32_t zero3_gather_layers;
  bool fp32_grad_partition;
  uint32_t fragmentation_bp;
  /* Non-torch memory by parallel degree, sorted by tp then pp; none: use
   * cuda_context_bytes and comm_buffer_bytes. */
  const gsz_runtime_parallel *parallel;
  size_t n_parallel;
} gsz_runtime;

/* What a runtime sees as a GPU's total memory (table gpu_visible_memory). */
typedef struct gsz_gpu_visible {
  const char *gpu_sku;
  uint32_t visible_mib;
  const char *basis, *source, *as_of; /* as_of may be NULL */
} gsz_gpu_visible;
/* How close a runtime comes to a GPU architecture's peaks (table
 * runtime_efficiency; architecture "*": every other one). Shares are basis
 * points of GSZ_BP_SCALE. */
typedef struct gsz_efficiency {
  const char *runtime, *architecture;
  uint32_t eff_bw_bp;                 /* achieved / peak memory bandwidth while decoding */
  uint32_t eff_compute_bp;            /* achieved / peak tensor throughput of decode steps */
  uint32_t eff_prefill_bp;            /* achieved / peak tensor throughput of prefill */
  uint32_t step_overhead_us;          /* fixed time of every forward step */
  uint32_t ttft_overhead_us;          /* fixed time before the first token */
  uint32_t chunk_tokens;              /* token budget of one step (chunked prefill) */
  uint32_t moe_eff_bp;                /* what MoE kernels keep of eff_bw and eff_compute */
  uint32_t mfu_bp;                    /* training, dense models; 0: not a training runtime */
  uint32_t mfu_moe_bp;                /* training, MoE models; 0: not recorded */
  const char *source, *as_of, *notes; /* as_of, notes may be NULL */
} gsz_efficiency;

/* A model architecture with Hugging Face config.json field names. Zero in
 * an optional field means "not set" (the rules in model.h say the default). */
typedef struct gsz_arch {
  const char *name, *hf_id, *model_type, *source; /* hf_id, source may be NULL */
  uint32_t hidden_size, intermediate_size, num_hidden_layers;
  uint32_t num_attention_heads, num_key_value_heads, head_dim, vocab_size;
  bool tie_word_embeddings, qkv_bias, o_bias;
  uint32_t sliding_window, sliding_window_pattern, max_position_embeddings;
  uint32_t num_local_experts, num_experts_per_tok, moe_intermediate_size;
  uint32_t n_shared_experts, first_k_dense_replace;
  uint32_t q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim;
  /* MoE layers are every Nth from first_k_dense_replace on: layer i is MoE
   * when (i + 1) % N == 0 (Llama 4 interleave_moe_layer_step, Qwen3-MoE
   * decoder_sparse_step); 0 or 1: every layer. */
  uint32_t moe_layer_step;
} gsz_arch;

typedef struct gsz_currency {
  char code[4];
  uint32_t minor_digits;
  const char *name;
} gsz_currency;

typedef struct gsz_alias {
  const char *alias, *target;
} gsz_alias;

/* One inventory row, for listings. */
typedef struct gsz_stock_row {
  const char *kind, *sku, *location, *as_of, *note; /* as_of, note may be NULL */
  int64_t on_hand, reserved;
  int32_t lead_time_days;
} gsz_stock_row;

/* An exchange rate in force (table exchange_rate, latest as_of not after
 * the catalog's day): one unit of `from` is worth rate / 10^9 units of
 * `to` (GSZ_FX_SCALE, pricing.h): 1.085 is 1085000000. */
typedef struct gsz_fx_rate {
  char from[4], to[4]; /* ISO 4217 codes */
  int64_t rate;
  const char *as_of, *source;
  const char *label; /* "x 1.085 EUR->USD (catalog exchange_rate of 2026-11-30)"; may be NULL */
} gsz_fx_rate;

/* One meaning of a GPU name that could mean several (table
 * gpu_alias_ambiguous): a request naming it is refused with them all. */
typedef struct gsz_alias_candidate {
  const char *alias;
  const char *candidate; /* a SKU of the catalog's gpus when in_catalog */
  bool in_catalog;       /* false: a product the catalog does not hold */
  const char *note;      /* how to tell them apart; may be NULL */
} gsz_alias_candidate;

/* Everything a command reads, as plain arrays. */
typedef struct gsz_catalog_data {
  const char *origin; /* the file path, or "built-in" */
  int schema_version;
  const gsz_gpu *gpus;
  size_t n_gpus;
  const gsz_server *servers;
  size_t n_servers;
  const gsz_fit *fits;
  size_t n_fits;
  const gsz_format *formats;
  size_t n_formats;
  const gsz_runtime *runtimes;
  size_t n_runtimes;
  const gsz_arch *models;
  size_t n_models;
  const gsz_currency *currencies;
  size_t n_currencies;
  const gsz_alias *gpu_aliases, *model_aliases;
  size_t n_gpu_aliases, n_model_aliases;
  const gsz_stock_row *stock;
  size_t n_stock;
  /* network gear by kind, each in SKU order */
  const gsz_network_item *nics, *switches, *cables;
  size_t n_nics, n_switches, n_cables;
  /* Sorted by architecture (strcmp), format (ASCII case folded), runtime:
   * gsz_catalog_format_support searches it by halves. */
  const gsz_format_support *format_support;
  size_t n_format_support;
  const gsz_caveat *caveats;
  size_t n_caveats;
  gsz_settings settings;
  /* Since schema 5 (all may be zero in records built by hand): */
  const gsz_fx_rate *fx_rates; /* in force, by from and to */
  size_t n_fx_rates;
  const gsz_alias_candidate *gpu_alias_candidates; /* by alias (case ignored), then candidate */
  size_t n_gpu_alias_candidates;
  const char *today; /* YYYY-MM-DD prices, stock and rates are in force on; may be NULL */
  const gsz_gpu_visible *gpu_visible; /* sorted by gpu_sku (case folded) */
  size_t n_gpu_visible;
  const gsz_efficiency *efficiency; /* by runtime, architecture */
  size_t n_efficiency;
} gsz_catalog_data;

/* --- Items and bills of materials -------------------------------------------- */

/* What a quote line can be. GPUs and servers are catalog tables today;
 * the other kinds are ready for network gear and support lines. */
typedef enum gsz_item_kind {
  GSZ_ITEM_GPU,
  GSZ_ITEM_SERVER,
  GSZ_ITEM_NIC,      /* scale-out network adapter */
  GSZ_ITEM_SWITCH,   /* leaf or spine switch */
  GSZ_ITEM_CABLE,    /* cable or transceiver */
  GSZ_ITEM_SUPPORT,  /* support contract */
  GSZ_ITEM_SOFTWARE, /* software licence */
  GSZ_ITEM_SERVICE,  /* installation and other services */
  GSZ_ITEM_KIND_COUNT
} gsz_item_kind;

/* What a line's quantity is counted per. */
typedef enum gsz_bom_scope {
  GSZ_BOM_PER_GPU,
  GSZ_BOM_PER_NODE,
  GSZ_BOM_PER_CLUSTER,
  GSZ_BOM_PER_QUOTE
} gsz_bom_scope;

/* One line of a bill of materials: an item of the catalog and how many. */
typedef struct gsz_bom_line {
  gsz_item_kind kind;
  uint32_t index;  /* the item among the catalog's records of its kind */
  const char *sku; /* borrowed from the record */
  gsz_bom_scope scope;
  uint64_t per_scope; /* how many per GPU, node, cluster or quote */
  uint64_t quantity;  /* how many in all */
  bool included;      /* priced within another line (the GPUs of a DGX system) */
  const char *role;   /* what it does here ("leaf switch", "fiber"); static, may be NULL */
} gsz_bom_line;

#define GSZ_BOM_MAX_LINES 16

/* Everything a configuration needs, as the matcher builds it and pricing,
 * stock and reports read it. */
typedef struct gsz_bom {
  uint32_t gpus_per_node, nodes;
  uint64_t gpus; /* gpus_per_node x nodes */
  unsigned n_lines;
  gsz_bom_line lines[GSZ_BOM_MAX_LINES]; /* last: copies stop at n_lines */
} gsz_bom;

#ifdef __cplusplus
}
#endif
#endif
