/* test_match.c: the matching engine on hand-built catalogs (no database):
 * cheapest wins, board counts, power, stock, budget, node limits,
 * divisibility, licensing, missing prices, deterministic ties; and on the
 * built-in catalog, that every answer really fits. */
#include "testutil.h"

#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/report.h"

#include <string.h>

/* --- A small catalog built by hand -------------------------------------------- */

static const gsz_format bf16 = {.name = "bf16",
                                .block_elems = 1,
                                .block_bytes = 2,
                                .trainable = true,
                                .description = "bfloat16"};
static const gsz_runtime bare = {.name = "bare",
                                 .engine = "test",
                                 .engine_version = "1",
                                 .mem_util_bp = 10000,
                                 .default_for = "inference",
                                 .source = "test"};

#define GIB (1024u) /* MiB per GiB, for usable_mib */

static gsz_gpu gpu(const char *sku, uint32_t usable_gib, uint32_t tdp, int64_t price_usd) {
  gsz_gpu g;
  memset(&g, 0, sizeof g);
  g.sku = sku;
  g.vendor = "V";
  g.name = sku;
  g.form_factor = "PCIe";
  g.memory_mib = g.usable_mib = usable_gib * GIB;
  g.bandwidth_gbs = 1000;
  g.tdp_w = tdp;
  g.datacenter_ok = g.sellable = g.verified = true;
  if (price_usd >= 0) {
    g.price.present = true;
    g.price.amount_minor = price_usd * 100;
    memcpy(g.price.currency, "USD", 4);
  }
  return g;
}

static gsz_server server(const char *sku, uint32_t max_gpus, uint32_t psu_w, int64_t price_usd) {
  gsz_server s;
  memset(&s, 0, sizeof s);
  s.sku = sku;
  s.vendor = "V";
  s.name = sku;
  s.gpu_form_factor = "PCIe";
  s.max_gpus = max_gpus;
  s.rack_units = 2;
  s.psu_w = psu_w;
  s.sellable = s.verified = true;
  s.price.present = true;
  s.price.amount_minor = price_usd * 100;
  memcpy(s.price.currency, "USD", 4);
  return s;
}

/* A network item with a price in USD. */
static gsz_network_item net(const char *sku, int kind, uint32_t ports, gsz_cable_role role,
                            int64_t price_usd) {
  gsz_network_item n;
  memset(&n, 0, sizeof n);
  n.sku = n.name = sku;
  n.vendor = "V";
  n.kind = kind;
  n.fabric = GSZ_FABRIC_INFINIBAND_NDR;
  n.port_gbps = 400;
  n.ports = ports;
  n.cable_role = role;
  n.sellable = n.verified = true;
  n.price.present = true;
  n.price.amount_minor = price_usd * 100;
  memcpy(n.price.currency, "USD", 4);
  return n;
}

/* The scale-out network every fixture has: a NIC, a 64-port switch and
 * the three cables of a link. For 3 nodes of pipeline stages (1 NIC per
 * node): 3 NICs, 1 switch, 3 NIC transceivers, 2 twin switch
 * transceivers, 3 fibers = 3,000 + 20,000 + 2,100 + 2,500 + 300 USD. */
#define NET_3_NODES_USD 27900

typedef struct fixture {
  gsz_network_item nics[1], switches[1], cables[3];
  gsz_gpu gpus[8];
  gsz_server servers[8];
  gsz_fit fits[64];
  gsz_catalog_data data;
  gsz_model_ref model;
  gsz_workload w;
  gsz_match_options o;
  gsz_pricer pricer;
} fixture;

/* A model of `params` parameters with no architecture: bf16 weights need
 * 2 x params bytes, split evenly; no KV cache, no runtime overhead. */
static void setup_fixture(fixture *f, uint64_t params) {
  memset(f, 0, sizeof *f);
  f->data.gpus = f->gpus;
  f->data.servers = f->servers;
  f->data.fits = f->fits;
  f->nics[0] = net("NIC", GSZ_ITEM_NIC, 1, GSZ_CABLE_NONE, 1000);
  f->switches[0] = net("SW", GSZ_ITEM_SWITCH, 64, GSZ_CABLE_NONE, 20000);
  f->cables[0] = net("FIB", GSZ_ITEM_CABLE, 1, GSZ_CABLE_FIBER, 100);
  f->cables[1] = net("NTX", GSZ_ITEM_CABLE, 1, GSZ_CABLE_NIC_TRANSCEIVER, 700);
  f->cables[2] = net("STX", GSZ_ITEM_CABLE, 2, GSZ_CABLE_SWITCH_TRANSCEIVER, 1250);
  f->data.nics = f->nics;
  f->data.n_nics = 1;
  f->data.switches = f->switches;
  f->data.n_switches = 1;
  f->data.cables = f->cables;
  f->data.n_cables = 3;
  f->data.settings.default_nic = &f->nics[0];
  gsz_model_ref_from_params(&f->model, params, "test");
  f->w.method = GSZ_METHOD_FULL;
  f->w.mode = GSZ_MODE_INFERENCE;
  f->w.weight_format = f->w.kv_format = f->w.compute_format = &bf16;
  f->w.context = 1;
  f->w.concurrency = 1;
  f->w.micro_batch = 1;
  f->w.runtime = &bare;
  gsz_match_options_init(&f->o);
}

static void add_gpu(fixture *f, gsz_gpu g) {
  f->gpus[f->data.n_gpus++] = g;
}
static void add_server(fixture *f, gsz_server s) {
  f->servers[f->data.n_servers++] = s;
}
/* Allow counts lo..hi of gpu gi in server si (fits must stay sorted by gpu). */
static void allow(fixture *f, uint32_t gi, uint32_t si, uint32_t lo, uint32_t hi) {
  for (uint32_t c = lo; c <= hi; c++)
    f->fits[f->data.n_fits++] = (gsz_fit){gi, si, c};
}

static gsz_match_result *run(fixture *f) {
  gsz_catalog_pricer(&f->pricer, &f->data);
  gsz_match_result *res = NULL;
  gsz_diag diag;
  if (gsz_match_run(&res, &f->data, &f->model, &f->w, &f->o, &f->pricer, &diag) != GSZ_OK)
    fail_msg("match: %s", diag.message);
  return res;
}

static const gsz_rejection *rejection_of(const gsz_match_result *res, const char *sku) {
  for (size_t i = 0; i < res->n_rejected; i++)
    if (strcmp(res->rejected[i].gpu->sku, sku) == 0)
      return &res->rejected[i];
  return NULL;
}

static bool has_reason(const gsz_match_result *res, const char *sku, gsz_reason_code code) {
  const gsz_rejection *rj = rejection_of(res, sku);
  for (unsigned i = 0; rj != NULL && i < rj->n_reasons; i++)
    if (rj->reasons[i].code == code)
      return true;
  return false;
}

/* The reason's sentence, as the reports print it. */
static const char *detail_of(const gsz_match_result *res, const char *sku, gsz_reason_code code) {
  static char buf[400];
  const gsz_rejection *rj = rejection_of(res, sku);
  for (unsigned i = 0; rj != NULL && i < rj->n_reasons; i++)
    if (rj->reasons[i].code == code)
      return gsz_reason_describe(buf, sizeof buf, &rj->reasons[i], rj->gpu, res, &tu_flag_words);
  return "";
}

/* --- Tests ------------------------------------------------------------------- */

/* 30B parameters = 60 GiB-ish: two 40 GiB cards (2 x 5,000) beat one
 * 80 GiB card (15,000) in the same server. */
static void test_two_small_gpus_beat_one_big_one_when_cheaper(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("BIG", 80, 300, 15000));
  add_gpu(&f, gpu("SMALL", 40, 300, 5000));
  add_server(&f, server("BOX", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  allow(&f, 1, 0, 1, 4);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_string_equal(res->best.gpu->sku, "SMALL");
  assert_int_equal(res->best.gpus_per_node, 2);
  assert_int_equal(res->best.nodes, 1);
  assert_int_equal(res->best.price.total_minor, (10000 + 2 * 5000) * 100);
  assert_int_equal(res->best.layout.tp, 2);
  assert_true(res->best.per_gpu_bytes <= res->best.budget_bytes);
  /* The big card fits too but costs more: it lost on PRICE, with numbers. */
  assert_int_equal(res->n_alternatives, 1);
  assert_string_equal(res->alternatives[0].gpu->sku, "BIG");
  /* The price lines add up. */
  int64_t sum = 0;
  for (unsigned i = 0; i < res->best.price.n_lines; i++)
    sum += res->best.price.lines[i].amount_minor;
  assert_int_equal(sum, res->best.price.total_minor);
  gsz_match_result_free(res);

  f.o.top = 0;
  res = run(&f);
  assert_true(has_reason(res, "BIG", GSZ_REASON_PRICE));
  assert_true(tu_contains(detail_of(res, "BIG", GSZ_REASON_PRICE), "fits as 1 x 1 x BIG in BOX"));
  gsz_match_result_free(res);
}

/* An 8-GPU board takes exactly 8: a model needing 2 GPUs still buys 8. */
static void test_boards_come_only_in_their_counts(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  gsz_gpu sxm = gpu("SXM-GPU", 40, 700, 20000);
  sxm.form_factor = "SXM";
  add_gpu(&f, sxm);
  gsz_server hgx = server("HGX", 8, 12000, 50000);
  hgx.gpu_form_factor = "SXM";
  add_server(&f, hgx);
  allow(&f, 0, 0, 8, 8);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.gpus_per_node, 8);
  assert_int_equal(res->best.total_gpus, 8);
  assert_int_equal(res->best.price.total_minor, (50000 + 8 * 20000) * 100);
  gsz_match_result_free(res);
}

static void test_power_over_the_psu_is_rejected(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("HOT", 40, 700, 5000));
  gsz_server box = server("BOX", 4, 2000, 10000);
  box.base_w = 500;
  add_server(&f, box);
  allow(&f, 0, 0, 1, 4); /* 2 x 700 + 500 = 1900 fits; 3 x 700 + 500 = 2600 does not */
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.gpus_per_node, 2);
  assert_int_equal(res->best.node_power_w, 1900);
  gsz_match_result_free(res);
  /* A model needing 3 per node: only multi-node or nothing. */
  f.o.max_nodes = 1;
  setup_fixture(&f, 50000000000ull); /* 100 GB: 3 x 40 GiB */
  add_gpu(&f, gpu("HOT", 40, 700, 5000));
  add_server(&f, box);
  allow(&f, 0, 0, 1, 4);
  f.o.max_nodes = 1;
  res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "HOT", GSZ_REASON_POWER));
  assert_true(tu_contains(detail_of(res, "HOT", GSZ_REASON_POWER), "2000 W"));
  gsz_match_result_free(res);
}

static void test_max_nodes_and_multi_node(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 100000000000ull); /* 200 GB */
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("BOX", 2, 3000, 10000));
  allow(&f, 0, 0, 1, 2);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.gpus_per_node, 2);
  assert_int_equal(res->best.nodes, 3); /* 200e9 / (6 x 40 GiB) fits; 4 GPUs do not */
  assert_int_equal(res->best.layout.tp, 2);
  assert_int_equal(res->best.layout.pp, 3);
  /* Three nodes are a cluster: their network is priced too. */
  assert_int_equal(res->best.price.total_minor, (3 * 10000 + 6 * 5000 + NET_3_NODES_USD) * 100);
  gsz_match_result_free(res);
  f.o.max_nodes = 2;
  res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "G", GSZ_REASON_MAX_NODES));
  assert_true(tu_contains(detail_of(res, "G", GSZ_REASON_MAX_NODES),
                          "needs 3 nodes of 2 x G in BOX; --max-nodes is 2"));
  gsz_match_result_free(res);
  f.o.max_nodes = 8;
  f.o.max_gpus = 4;
  res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "G", GSZ_REASON_MAX_GPUS));
  gsz_match_result_free(res);
}

/* A GPU's reasons name the candidate closest to an answer, whatever the
 * order of the servers, and list the deciding reason first. */
static void test_reasons_name_the_closest_candidate_first(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 50000000000ull); /* 100 GB: 3 x 40 GiB */
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("FOUR", 4, 3000, 10000));
  add_server(&f, server("EIGHT", 8, 6000, 20000));
  allow(&f, 0, 0, 4, 4);
  allow(&f, 0, 1, 8, 8);
  f.o.max_gpus = 2;
  gsz_match_result *res = run(&f);
  assert_false(res->found);
  /* The 8-GPU board comes later; the 4-GPU one is what --max-gpus 4 buys. */
  assert_string_equal(detail_of(res, "G", GSZ_REASON_MAX_GPUS),
                      "needs 4 GPUs (1 node of 4 x G in FOUR); --max-gpus is 2");
  gsz_match_result_free(res);

  /* One GPU per node needs 3 nodes (over --max-nodes 2) and 4 in one node
   * is over the budget: the budget decides and comes first. */
  setup_fixture(&f, 50000000000ull);
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("ONE", 1, 3000, 1000));
  add_server(&f, server("FOUR", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 1);
  allow(&f, 0, 1, 4, 4);
  f.o.max_nodes = 2;
  f.o.has_budget = true;
  f.o.budget_minor = 100;
  res = run(&f);
  assert_false(res->found);
  const gsz_rejection *rj = rejection_of(res, "G");
  assert_non_null(rj);
  assert_int_equal(rj->n_reasons, 2);
  assert_int_equal(rj->reasons[0].code, GSZ_REASON_BUDGET);
  assert_int_equal(rj->reasons[1].code, GSZ_REASON_MAX_NODES);
  assert_string_equal(detail_of(res, "G", GSZ_REASON_MAX_NODES),
                      "needs 3 nodes of 1 x G in ONE; --max-nodes is 2");
  gsz_match_result_free(res);
}

static void test_budget(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("BOX", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  f.o.has_budget = true;
  f.o.budget_minor = 2000000; /* 20,000.00: exactly the price */
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  gsz_match_result_free(res);
  f.o.budget_minor = 1999999;
  res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "G", GSZ_REASON_BUDGET));
  assert_true(tu_contains(detail_of(res, "G", GSZ_REASON_BUDGET),
                          "costs 20,000.00 USD; the budget is 19,999.99 USD"));
  gsz_match_result_free(res);
}

static void test_stock_only_and_prefer(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  gsz_gpu cheap = gpu("CHEAP", 40, 300, 4000);
  gsz_gpu stocked = gpu("STOCKED", 40, 300, 6000);
  stocked.stock = (gsz_stock_total){true, 10, 2, 8, 0};
  cheap.stock = (gsz_stock_total){true, 1, 0, 1, 30};
  add_gpu(&f, cheap);
  add_gpu(&f, stocked);
  gsz_server box = server("BOX", 4, 3000, 10000);
  box.stock = (gsz_stock_total){true, 3, 0, 3, 14};
  add_server(&f, box);
  allow(&f, 0, 0, 1, 4);
  allow(&f, 1, 0, 1, 4);
  gsz_match_result *res = run(&f); /* any: cheapest, shown short */
  assert_string_equal(res->best.gpu->sku, "CHEAP");
  assert_false(res->best.stock.buildable);
  assert_int_equal(res->best.stock.gpus_needed, 2);
  assert_int_equal(res->best.stock.gpus_short, 1);
  assert_int_equal(res->best.stock.lead_time_days, 30);
  gsz_match_result_free(res);
  f.o.stock = GSZ_STOCK_PREFER;
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "STOCKED");
  assert_true(res->best.stock.buildable);
  assert_string_equal(res->alternatives[0].gpu->sku, "CHEAP"); /* still shown */
  gsz_match_result_free(res);
  f.o.stock = GSZ_STOCK_ONLY;
  f.o.top = 5;
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "STOCKED");
  assert_true(has_reason(res, "CHEAP", GSZ_REASON_STOCK));
  gsz_match_result_free(res);
}

/* A 1-layer model with 6 heads on 4-GPU nodes: TP 2 splits the heads, so
 * the node would need 2 pipeline stages for 1 layer. */
static void test_tp_divisibility(void **state) {
  (void)state;
  static const gsz_arch tiny = {.name = "tiny",
                                .model_type = "llama",
                                .hidden_size = 6144,
                                .intermediate_size = 65536,
                                .num_hidden_layers = 1,
                                .num_attention_heads = 6,
                                .num_key_value_heads = 6,
                                .head_dim = 1024,
                                .vocab_size = 1000};
  fixture f;
  setup_fixture(&f, 1);
  assert_int_equal(gsz_model_ref_from_arch(&f.model, &tiny, NULL), GSZ_OK);
  add_gpu(&f, gpu("G", 1, 300, 5000)); /* 1 GiB each: one GPU cannot hold the 2.7 GB model */
  add_server(&f, server("QUAD", 4, 3000, 10000));
  allow(&f, 0, 0, 4, 4);
  f.o.max_nodes = 1;
  gsz_match_result *res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "G", GSZ_REASON_TP_DIVISIBILITY));
  assert_true(tu_contains(detail_of(res, "G", GSZ_REASON_TP_DIVISIBILITY), "1 layers"));
  gsz_match_result_free(res);
}

static void test_ties_are_broken_by_sku_and_repeat_exactly(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("ZED", 40, 300, 5000));
  add_gpu(&f, gpu("ALPHA", 40, 300, 5000));
  add_server(&f, server("BOX", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  allow(&f, 1, 0, 1, 4);
  gsz_match_result *a = run(&f), *b = run(&f);
  assert_string_equal(a->best.gpu->sku, "ALPHA");
  assert_ptr_equal(a->best.gpu, b->best.gpu);
  assert_int_equal(a->best.gpus_per_node, b->best.gpus_per_node);
  assert_int_equal(a->best.price.total_minor, b->best.price.total_minor);
  assert_string_equal(a->alternatives[0].gpu->sku, "ZED");
  gsz_match_result_free(a);
  gsz_match_result_free(b);
  /* Less power wins a price tie. */
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("AAA-HOT", 40, 500, 5000));
  add_gpu(&f, gpu("ZZZ-COOL", 40, 200, 5000));
  add_server(&f, server("BOX", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  allow(&f, 1, 0, 1, 4);
  a = run(&f);
  assert_string_equal(a->best.gpu->sku, "ZZZ-COOL");
  gsz_match_result_free(a);
}

static void test_missing_price_licence_and_exclusion(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("FINE", 40, 300, 9000));
  gsz_gpu consumer = gpu("GAMER", 40, 300, 1000);
  consumer.datacenter_ok = false;
  add_gpu(&f, consumer);
  add_gpu(&f, gpu("UNPRICED", 40, 300, -1));
  add_gpu(&f, gpu("UNWANTED", 40, 300, 100));
  add_server(&f, server("RACK", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  allow(&f, 1, 0, 1, 4);
  allow(&f, 2, 0, 1, 4);
  allow(&f, 3, 0, 1, 4);
  f.o.exclude[f.o.n_exclude++] = "unwanted";
  gsz_match_result *res = run(&f);
  assert_string_equal(res->best.gpu->sku, "FINE");
  assert_true(has_reason(res, "UNPRICED", GSZ_REASON_NO_PRICE));
  assert_true(tu_contains(detail_of(res, "UNPRICED", GSZ_REASON_NO_PRICE), "has no price"));
  assert_true(has_reason(res, "GAMER", GSZ_REASON_LICENSE));
  assert_true(has_reason(res, "UNWANTED", GSZ_REASON_EXCLUDED));
  gsz_match_result_free(res);
  f.o.allow_consumer = true;
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "GAMER");
  gsz_match_result_free(res);
}

static void test_quick_method_fits_on_total_memory(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 70000000000ull); /* quick: 140 GB */
  f.w.method = GSZ_METHOD_QUICK;
  add_gpu(&f, gpu("G", 48, 300, 5000)); /* 51.5 GB each: 3 needed */
  add_server(&f, server("BOX", 8, 5000, 10000));
  allow(&f, 0, 0, 1, 8);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.total_gpus, 3);
  assert_true(140000000000ull <= 3 * res->best.usable_bytes);
  assert_false(140000000000ull <= 2 * res->best.usable_bytes);
  gsz_match_result_free(res);
}

static void test_explain_lists_every_candidate(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  add_gpu(&f, gpu("G", 40, 700, 5000));
  add_server(&f, server("BOX", 4, 2000, 10000));
  allow(&f, 0, 0, 1, 4);
  f.o.explain = &f.gpus[0];
  gsz_match_result *res = run(&f);
  assert_int_equal(res->n_explained, 4);
  assert_true(res->explained[0].fits); /* 1 per node, 2 nodes */
  assert_int_equal(res->explained[0].nodes, 2);
  assert_true(res->explained[1].fits);
  assert_false(res->explained[2].fits);
  assert_int_equal(res->explained[2].verdict.code, GSZ_REASON_POWER);
  gsz_match_result_free(res);
}

static void test_training_spreads_with_zero3_over_nodes(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 8000000000ull); /* 8B, mixed AdamW: 16 B/param = 128 GB */
  f.w.mode = GSZ_MODE_TRAIN;
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("BOX", 4, 3000, 10000));
  allow(&f, 0, 0, 1, 4);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.total_gpus, 3); /* 128e9 / 3 = 42.7e9 <= 40 GiB = 42.9e9 */
  assert_int_equal(res->best.layout.dp, 3);
  assert_int_equal(res->best_estimate.component[GSZ_COMP_OPTIMIZER], 21333333334ull);
  gsz_match_result_free(res);
  /* Without ZeRO nothing is sharded: no layout fits. */
  f.o.zero_given = true;
  f.w.zero = 0;
  res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "G", GSZ_REASON_MEMORY));
  gsz_match_result_free(res);
}

/* Going from one GPU to several adds communication buffers: the need can
 * rise before it falls. One GPU fits here and must be found. */
static void test_one_gpu_fits_when_two_would_not(void **state) {
  (void)state;
  static const gsz_runtime talky = {.name = "talky",
                                    .engine = "test",
                                    .engine_version = "1",
                                    .mem_util_bp = 10000,
                                    .comm_buffer_bytes = 20ull << 30,
                                    .default_for = "training",
                                    .source = "test"};
  fixture f;
  setup_fixture(&f, 2000000000ull); /* mixed AdamW: 32 GB, fits one 40 GiB card */
  f.w.mode = GSZ_MODE_TRAIN;
  f.w.runtime = &talky;
  f.w.zero = 0;
  f.o.zero_given = true;
  add_gpu(&f, gpu("G", 40, 300, 5000));
  add_server(&f, server("ONE", 1, 3000, 10000));
  allow(&f, 0, 0, 1, 1);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.total_gpus, 1);
  gsz_match_result_free(res);
}

static void test_power_is_computed_without_wrapping(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 1000000000ull);
  add_gpu(&f, gpu("TYPO", 40, 536870912u, 5000)); /* 8 x this wraps 32 bits to 0 */
  gsz_server box = server("BOX", 8, 12000, 10000);
  add_server(&f, box);
  allow(&f, 0, 0, 8, 8);
  gsz_match_result *res = run(&f);
  assert_false(res->found);
  assert_true(has_reason(res, "TYPO", GSZ_REASON_POWER));
  gsz_match_result_free(res);
}

static void test_lead_time_is_unknown_when_a_short_item_has_no_stock_rows(void **state) {
  (void)state;
  fixture f;
  setup_fixture(&f, 30000000000ull);
  gsz_gpu g = gpu("G", 40, 300, 5000); /* no inventory rows */
  add_gpu(&f, g);
  gsz_server box = server("BOX", 4, 3000, 10000);
  box.stock = (gsz_stock_total){true, 0, 0, 0, 14};
  add_server(&f, box);
  allow(&f, 0, 0, 1, 4);
  gsz_match_result *res = run(&f);
  assert_false(res->best.stock.buildable);
  assert_int_equal(res->best.stock.lead_time_days, -1);
  gsz_match_result_free(res);
  /* With the stock to build it, nothing waits: lead time 0, not unknown. */
  f.gpus[0].stock = (gsz_stock_total){true, 8, 0, 8, 30};
  f.servers[0].stock = (gsz_stock_total){true, 2, 0, 2, 14};
  res = run(&f);
  assert_true(res->best.stock.buildable);
  assert_int_equal(res->best.stock.lead_time_days, 0);
  gsz_match_result_free(res);
}

/* On the shipped catalog: for several workloads, the best and every
 * alternative fit their GPU's budget, and the ranking is by price. */
static void test_builtin_catalog_answers_really_fit(void **state) {
  (void)state;
  gsz_catalog *cat;
  assert_int_equal(gsz_catalog_open(&cat, NULL, NULL), GSZ_OK);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  static const struct {
    const char *model;
    gsz_mode mode;
    uint64_t context, concurrency;
  } cases[] = {
      {"llama-3-70b", GSZ_MODE_INFERENCE, 8192, 8},   {"llama-3-8b", GSZ_MODE_INFERENCE, 4096, 64},
      {"mixtral-8x7b", GSZ_MODE_INFERENCE, 32768, 4}, {"deepseek-v3", GSZ_MODE_INFERENCE, 4096, 1},
      {"qwen2.5-7b", GSZ_MODE_TRAIN, 4096, 1},        {"llama-3-70b", GSZ_MODE_QLORA, 2048, 1},
  };
  gsz_pricer pricer;
  gsz_catalog_pricer(&pricer, d);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_model_ref m;
    assert_int_equal(gsz_model_ref_from_arch(&m, gsz_catalog_find_model(d, cases[i].model), NULL),
                     GSZ_OK);
    gsz_workload w;
    assert_int_equal(gsz_workload_defaults(&w, d, cases[i].mode, NULL), GSZ_OK);
    w.context = cases[i].context;
    w.concurrency = cases[i].concurrency;
    gsz_match_options o;
    gsz_match_options_init(&o);
    gsz_match_result *res = NULL;
    assert_int_equal(gsz_match_run(&res, d, &m, &w, &o, &pricer, NULL), GSZ_OK);
    assert_true(res->found);
    assert_true(res->best.per_gpu_bytes <= res->best.budget_bytes);
    assert_true(res->best.node_power_w <= res->best.server->psu_w);
    for (size_t k = 0; k < res->n_alternatives; k++) {
      assert_true(res->alternatives[k].per_gpu_bytes <= res->alternatives[k].budget_bytes);
      assert_true(res->alternatives[k].price.total_minor >= res->best.price.total_minor);
    }
    /* Every GPU is accounted for: best, alternative or rejected with a reason. */
    size_t accounted = 1 + res->n_alternatives;
    for (size_t k = 0; k < res->n_rejected; k++) {
      assert_true(res->rejected[k].n_reasons > 0);
      accounted++;
    }
    size_t distinct_alt_gpus = 0;
    for (size_t k = 0; k < res->n_alternatives; k++) {
      bool dup = res->alternatives[k].gpu == res->best.gpu;
      for (size_t j = 0; j < k && !dup; j++)
        dup = res->alternatives[j].gpu == res->alternatives[k].gpu;
      distinct_alt_gpus += !dup;
    }
    assert_int_equal(1 + distinct_alt_gpus + res->n_rejected, d->n_gpus);
    (void)accounted;
    gsz_match_result_free(res);
  }
  gsz_catalog_free(cat);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_small_gpus_beat_one_big_one_when_cheaper),
      cmocka_unit_test(test_boards_come_only_in_their_counts),
      cmocka_unit_test(test_power_over_the_psu_is_rejected),
      cmocka_unit_test(test_max_nodes_and_multi_node),
      cmocka_unit_test(test_reasons_name_the_closest_candidate_first),
      cmocka_unit_test(test_budget),
      cmocka_unit_test(test_stock_only_and_prefer),
      cmocka_unit_test(test_tp_divisibility),
      cmocka_unit_test(test_ties_are_broken_by_sku_and_repeat_exactly),
      cmocka_unit_test(test_missing_price_licence_and_exclusion),
      cmocka_unit_test(test_quick_method_fits_on_total_memory),
      cmocka_unit_test(test_explain_lists_every_candidate),
      cmocka_unit_test(test_training_spreads_with_zero3_over_nodes),
      cmocka_unit_test(test_one_gpu_fits_when_two_would_not),
      cmocka_unit_test(test_power_is_computed_without_wrapping),
      cmocka_unit_test(test_lead_time_is_unknown_when_a_short_item_has_no_stock_rows),
      cmocka_unit_test(test_builtin_catalog_answers_really_fit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
