/* test_deploy.c: configurations an expert would sell, on hand-built
 * catalogs: a cluster of workstations loses to a rack cluster with its
 * network, one node has no network lines, NIC and switch counts at 2, 4,
 * 16 and 64 nodes against hand-computed values (NVIDIA's SuperPOD rule),
 * number formats (FP8 on Ampere weight-only, NVFP4 off Blackwell refused),
 * HEADROOM, EOL, the sustained PSU share and a wall outlet, and cautions
 * in every output format. */
#include "testutil.h"

#include "gpusizer/alloc.h"
#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/report.h"

#include <jansson.h>
#include <string.h>

static const gsz_format bf16 = {.name = "bf16",
                                .block_elems = 1,
                                .block_bytes = 2,
                                .trainable = true,
                                .description = "bfloat16"};
static const gsz_format fp8 = {
    .name = "fp8", .block_elems = 1, .block_bytes = 1, .description = "fp8"};
static const gsz_format nvfp4 = {
    .name = "nvfp4", .block_elems = 16, .block_bytes = 9, .description = "nvfp4"};
static const gsz_runtime vllm = {.name = "vllm",
                                 .engine = "vLLM",
                                 .engine_version = "1",
                                 .mem_util_bp = 10000,
                                 .default_for = "inference",
                                 .source = "test"};

#define GIB 1024u

static gsz_gpu gpu(const char *sku, const char *arch, uint32_t usable_gib, uint32_t tdp,
                   int64_t usd) {
  gsz_gpu g;
  memset(&g, 0, sizeof g);
  g.sku = g.name = sku;
  g.vendor = "V";
  g.form_factor = "SXM";
  g.architecture = arch;
  g.memory_mib = g.usable_mib = usable_gib * GIB;
  g.bandwidth_gbs = 1000;
  g.tdp_w = tdp;
  g.datacenter_ok = g.sellable = g.verified = true;
  g.price.present = true;
  g.price.amount_minor = usd * 100;
  memcpy(g.price.currency, "USD", 4);
  return g;
}

static gsz_server server(const char *sku, uint32_t max_gpus, uint32_t psu_w, int64_t usd) {
  gsz_server s;
  memset(&s, 0, sizeof s);
  s.sku = s.name = sku;
  s.vendor = "V";
  s.gpu_form_factor = "SXM";
  s.max_gpus = max_gpus;
  s.rack_units = 8;
  s.psu_w = psu_w;
  s.sellable = s.verified = true;
  s.price.present = true;
  s.price.amount_minor = usd * 100;
  memcpy(s.price.currency, "USD", 4);
  return s;
}

static gsz_network_item net(const char *sku, int kind, uint32_t ports, gsz_cable_role role,
                            int64_t usd, uint32_t power_w) {
  gsz_network_item n;
  memset(&n, 0, sizeof n);
  n.sku = n.name = sku;
  n.vendor = "N";
  n.kind = kind;
  n.fabric = GSZ_FABRIC_INFINIBAND_NDR;
  n.port_gbps = 400;
  n.ports = ports;
  n.cable_role = role;
  n.power_w = power_w;
  n.rack_units = kind == GSZ_ITEM_SWITCH ? 1 : 0;
  n.sellable = n.verified = true;
  n.price.present = true;
  n.price.amount_minor = usd * 100;
  memcpy(n.price.currency, "USD", 4);
  return n;
}

typedef struct fixture {
  gsz_network_item nics[1], switches[1], cables[3];
  gsz_gpu gpus[4];
  gsz_server servers[4];
  gsz_fit fits[64];
  gsz_format_support support[8];
  gsz_catalog_data data;
  gsz_model_ref model;
  gsz_workload w;
  gsz_match_options o;
  gsz_pricer pricer;
} fixture;

/* A bare parameter count (bf16 weights only), a QM9700-like 64-port
 * switch, a NIC and the cables of a link. */
static void setup(fixture *f, uint64_t params) {
  memset(f, 0, sizeof *f);
  f->nics[0] = net("CX7", GSZ_ITEM_NIC, 1, GSZ_CABLE_NONE, 2000, 0);
  f->switches[0] = net("QM9700", GSZ_ITEM_SWITCH, 64, GSZ_CABLE_NONE, 21000, 1000);
  f->cables[0] = net("FIBER", GSZ_ITEM_CABLE, 1, GSZ_CABLE_FIBER, 100, 0);
  f->cables[1] = net("OPT400", GSZ_ITEM_CABLE, 1, GSZ_CABLE_NIC_TRANSCEIVER, 700, 9);
  f->cables[2] = net("OPT800", GSZ_ITEM_CABLE, 2, GSZ_CABLE_SWITCH_TRANSCEIVER, 1250, 15);
  f->data.nics = f->nics;
  f->data.n_nics = 1;
  f->data.switches = f->switches;
  f->data.n_switches = 1;
  f->data.cables = f->cables;
  f->data.n_cables = 3;
  f->data.settings = (gsz_settings){&f->nics[0], 9000, 1440, 1, false};
  f->data.gpus = f->gpus;
  f->data.servers = f->servers;
  f->data.fits = f->fits;
  f->data.format_support = f->support;
  gsz_model_ref_from_params(&f->model, params, "test");
  f->w.method = GSZ_METHOD_FULL;
  f->w.mode = GSZ_MODE_INFERENCE;
  f->w.weight_format = f->w.kv_format = f->w.compute_format = &bf16;
  f->w.context = f->w.concurrency = f->w.micro_batch = 1;
  f->w.runtime = &vllm;
  gsz_match_options_init(&f->o);
  f->o.min_headroom_bp = 0;
}

static void allow(fixture *f, uint32_t gi, uint32_t si, uint32_t lo, uint32_t hi) {
  for (uint32_t c = lo; c <= hi; c++)
    f->fits[f->data.n_fits++] = (gsz_fit){gi, si, c};
}

static gsz_match_result *run(fixture *f) {
  gsz_catalog_pricer(&f->pricer, &f->data);
  gsz_match_result *res = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_match_run(&res, &f->data, &f->model, &f->w, &f->o, &f->pricer, &diag) != GSZ_OK)
    fail_msg("match: %s", tu_diag(&diag));
  return res;
}

static const gsz_reason *reason(const gsz_match_result *res, const char *sku,
                                gsz_reason_code code) {
  for (size_t i = 0; i < res->n_rejected; i++)
    if (strcmp(res->rejected[i].gpu->sku, sku) == 0)
      for (unsigned k = 0; k < res->rejected[i].n_reasons; k++)
        if (res->rejected[i].reasons[k].code == code)
          return &res->rejected[i].reasons[k];
  return NULL;
}

static const char *said(const gsz_match_result *res, const char *sku, gsz_reason_code code) {
  static char buf[400];
  const gsz_reason *r = reason(res, sku, code);
  assert_non_null(r);
  const gsz_gpu *g = NULL;
  for (size_t i = 0; i < res->n_rejected; i++)
    if (strcmp(res->rejected[i].gpu->sku, sku) == 0)
      g = res->rejected[i].gpu;
  return gsz_reason_describe(buf, sizeof buf, r, g, res, &tu_flag_words);
}

static uint64_t bom_quantity(const gsz_candidate *c, gsz_item_kind kind, const char *role) {
  uint64_t n = 0;
  for (unsigned i = 0; i < c->bom.n_lines; i++)
    if (c->bom.lines[i].kind == kind &&
        (role == NULL || (c->bom.lines[i].role && strcmp(c->bom.lines[i].role, role) == 0)))
      n += c->bom.lines[i].quantity;
  return n;
}

/* Three cheap workstations would hold the model, but workstations do not
 * cluster: the rack servers win, with their network priced. */
static void test_workstation_cluster_loses_to_a_rack_cluster(void **state) {
  (void)state;
  fixture f;
  setup(&f, 120000000000ull); /* 240 GB of bf16 weights */
  f.gpus[f.data.n_gpus++] = gpu("G", "hopper", 80, 700, 20000);
  f.servers[f.data.n_servers] = server("WS", 2, 1600, 3000);
  f.servers[f.data.n_servers].workstation = true;
  f.servers[f.data.n_servers++].scale_out = GSZ_SCALE_OUT_NONE;
  f.servers[f.data.n_servers++] = server("RACK", 2, 6000, 30000);
  allow(&f, 0, 0, 1, 2);
  allow(&f, 0, 1, 1, 2);
  f.o.outlet_w = 100000; /* power is not the question here */
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_string_equal(res->best.server->sku, "RACK");
  assert_int_equal(res->best.nodes, 2);
  assert_true(bom_quantity(&res->best, GSZ_ITEM_NIC, NULL) > 0);
  assert_true(bom_quantity(&res->best, GSZ_ITEM_SWITCH, NULL) > 0);
  /* The workstation's reason names the network, not the memory. */
  gsz_match_result_free(res);
  f.o.servers[f.o.n_servers++] = &f.servers[0];
  res = run(&f);
  assert_false(res->found);
  assert_true(tu_contains(said(res, "G", GSZ_REASON_NETWORK),
                          "needs 2 nodes; WS is a workstation: one node only"));
  gsz_match_result_free(res);
}

static void test_one_node_has_no_network_lines(void **state) {
  (void)state;
  fixture f;
  setup(&f, 10000000000ull);
  f.gpus[f.data.n_gpus++] = gpu("G", "hopper", 80, 700, 20000);
  f.servers[f.data.n_servers++] = server("RACK", 8, 12000, 30000);
  allow(&f, 0, 0, 1, 8);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_int_equal(res->best.nodes, 1);
  assert_int_equal(res->best.bom.n_lines, 2);
  for (unsigned i = 0; i < res->best.price.n_lines; i++)
    assert_true(res->best.price.lines[i].kind == GSZ_LINE_SERVER ||
                res->best.price.lines[i].kind == GSZ_LINE_GPU);
  gsz_match_result_free(res);
}

/* The design rule against hand-computed values for 8 GPUs per node and a
 * 64-port switch (docs/deployability.md): E = 8 x nodes NIC ports; one
 * switch while E <= 64; else leaves = 8 x ceil(nodes / 32) and spines =
 * ceil(E / 64); transceivers: E at the NICs, switch ports / 2 twin optics
 * (E single-tier, 3E two-tier); fibers E or 2E. */
static void test_network_counts_at_2_4_16_64_nodes(void **state) {
  (void)state;
  fixture f;
  setup(&f, 1000);
  f.servers[f.data.n_servers++] = server("RACK", 8, 12000, 30000);
  static const struct {
    uint32_t nodes;
    uint64_t nics, leaves, spines, nic_opt, twin_opt, fibers;
  } cases[] = {
      {2, 16, 1, 0, 16, 8, 16},
      {4, 32, 1, 0, 32, 16, 32},
      {16, 128, 8, 2, 128, 192, 256},
      {64, 512, 16, 8, 512, 768, 1024}, /* NVIDIA's B200 SuperPOD: 16 leaves, 8 spines */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_bom bom = {0};
    gsz_network_plan plan;
    char why[200] = "";
    assert_true(
        gsz_bom_network(&bom, &plan, &f.data, &f.servers[0], 8, cases[i].nodes, why, sizeof why));
    gsz_candidate c;
    memset(&c, 0, sizeof c);
    c.bom = bom;
    assert_int_equal(bom_quantity(&c, GSZ_ITEM_NIC, NULL), cases[i].nics);
    assert_int_equal(plan.leaves, cases[i].leaves);
    assert_int_equal(plan.spines, cases[i].spines);
    assert_int_equal(bom_quantity(&c, GSZ_ITEM_SWITCH, NULL), cases[i].leaves + cases[i].spines);
    assert_int_equal(bom_quantity(&c, GSZ_ITEM_CABLE, "NIC transceiver"), cases[i].nic_opt);
    assert_int_equal(bom_quantity(&c, GSZ_ITEM_CABLE, "switch transceiver"), cases[i].twin_opt);
    assert_int_equal(bom_quantity(&c, GSZ_ITEM_CABLE, "fiber"), cases[i].fibers);
  }
  /* A server that takes 4 NICs cannot give 8 GPUs a rail each. */
  f.servers[0].nic_slots = 4;
  gsz_bom bom = {0};
  gsz_network_plan plan;
  char why[200];
  assert_false(gsz_bom_network(&bom, &plan, &f.data, &f.servers[0], 8, 2, why, sizeof why));
  assert_string_equal(why, "needs 8 scale-out NICs per node; RACK takes 4");
}

/* An A100 (ampere, cheaper) and an H100 (hopper), both taking 1 to 8 per
 * node in one rack server: the fixture of the format tests. */
static void ampere_and_hopper(fixture *f) {
  setup(f, 10000000000ull);
  f->gpus[f->data.n_gpus++] = gpu("A100", "ampere", 80, 400, 10000);
  f->gpus[f->data.n_gpus++] = gpu("H100", "hopper", 80, 700, 25000);
  f->servers[f->data.n_servers++] = server("RACK", 8, 12000, 30000);
  allow(f, 0, 0, 1, 8);
  allow(f, 1, 0, 1, 8);
}

static void test_formats_the_hardware_runs(void **state) {
  (void)state;
  fixture f;
  ampere_and_hopper(&f);
  f.support[0] = (gsz_format_support){
      "ampere", "fp8", "*", GSZ_SUPPORT_WEIGHT_ONLY, "test", "FP8 Marlin kernels"};
  f.support[1] = (gsz_format_support){"ampere", "nvfp4", "*", GSZ_SUPPORT_NONE, "test", NULL};
  f.support[2] = (gsz_format_support){"hopper", "fp8", "*", GSZ_SUPPORT_NATIVE, "test", NULL};
  f.support[3] = (gsz_format_support){"hopper", "nvfp4", "vllm", GSZ_SUPPORT_NONE, "test", NULL};
  f.data.n_format_support = 4;
  f.w.weight_format = &fp8;
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_string_equal(res->best.gpu->sku, "A100"); /* cheaper, and it runs FP8 weight-only */
  assert_int_equal(res->best.format_support, GSZ_SUPPORT_WEIGHT_ONLY);
  bool said_so = false;
  for (unsigned i = 0; i < res->best.n_cautions; i++)
    said_so |= strcmp(res->best.cautions[i].code, "WEIGHT_ONLY") == 0;
  assert_true(said_so);
  assert_int_equal(res->alternatives[0].format_support, GSZ_SUPPORT_NATIVE);
  gsz_match_result_free(res);
  f.w.weight_format = &nvfp4;
  res = run(&f);
  assert_false(res->found);
  assert_true(
      tu_contains(said(res, "A100", GSZ_REASON_FORMAT), "A100 (ampere) does not run nvfp4"));
  assert_true(tu_contains(said(res, "H100", GSZ_REASON_FORMAT), "does not run nvfp4 in vllm"));
  gsz_match_result_free(res);
}

/* The quick method does not filter on formats (a rule of thumb), but the
 * answer it shows says what the catalog records, not an unset value. */
static void test_quick_quotes_say_the_formats_they_ignore(void **state) {
  (void)state;
  fixture f;
  ampere_and_hopper(&f);
  f.support[0] = (gsz_format_support){"ampere", "nvfp4", "*", GSZ_SUPPORT_NONE, "test", NULL};
  f.support[1] =
      (gsz_format_support){"hopper", "nvfp4", "*", GSZ_SUPPORT_WEIGHT_ONLY, "test", NULL};
  f.data.n_format_support = 2;
  f.w.weight_format = &nvfp4;
  f.w.method = GSZ_METHOD_QUICK;
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_string_equal(res->best.gpu->sku, "A100"); /* not refused: quick ignores formats */
  assert_int_equal(res->best.format_support, GSZ_SUPPORT_NONE);
  assert_int_equal(res->n_alternatives, 1);
  assert_int_equal(res->alternatives[0].format_support, GSZ_SUPPORT_WEIGHT_ONLY);
  gsz_match_result_free(res);
}

/* 80 GiB with 78 GiB of need has 2.5% headroom: refused at the default 5%,
 * quoted at 2%. */
static void test_headroom_below_the_least_is_refused(void **state) {
  (void)state;
  fixture f;
  setup(&f, 41875931136ull); /* 2 x 41,875,931,136 B = 78 GiB of weights */
  f.gpus[f.data.n_gpus++] = gpu("G", "hopper", 80, 700, 20000);
  f.servers[f.data.n_servers] = server("RACK", 1, 12000, 30000);
  f.servers[f.data.n_servers++].scale_out = GSZ_SCALE_OUT_NONE;
  allow(&f, 0, 0, 1, 1);
  f.o.min_headroom_bp = 500;
  gsz_match_result *res = run(&f);
  assert_false(res->found);
  const gsz_reason *r = reason(res, "G", GSZ_REASON_HEADROOM);
  assert_non_null(r);
  assert_int_equal(r->headroom_bp, 250);
  assert_string_equal(said(res, "G", GSZ_REASON_HEADROOM),
                      "fits on 1 node of 1 x G in RACK with 2.5% headroom; the least accepted "
                      "is 5.0% (--min-headroom)");
  gsz_match_result_free(res);
  f.o.min_headroom_bp = 200;
  res = run(&f);
  assert_true(res->found);
  gsz_match_result_free(res);
}

static void test_end_of_sale_parts_need_allow_eol(void **state) {
  (void)state;
  fixture f;
  setup(&f, 10000000000ull);
  f.gpus[f.data.n_gpus] = gpu("OLD", "ampere", 80, 400, 5000);
  f.gpus[f.data.n_gpus].lifecycle = GSZ_LIFECYCLE_END_OF_SALE;
  f.gpus[f.data.n_gpus++].lifecycle_date = "2024-02-01";
  f.gpus[f.data.n_gpus++] = gpu("NEW", "hopper", 80, 700, 25000);
  f.servers[f.data.n_servers++] = server("RACK", 8, 12000, 30000);
  allow(&f, 0, 0, 1, 8);
  allow(&f, 1, 0, 1, 8);
  gsz_match_result *res = run(&f);
  assert_string_equal(res->best.gpu->sku, "NEW");
  assert_string_equal(said(res, "OLD", GSZ_REASON_EOL),
                      "OLD is end of sale since 2024-02-01 (--allow-eol quotes it, from stock "
                      "where there is some)");
  gsz_match_result_free(res);
  f.o.allow_eol = true;
  f.gpus[0].stock = (gsz_stock_total){true, 4, 0, 4, 0};
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "OLD");
  bool from_stock = false;
  for (unsigned i = 0; i < res->best.n_cautions; i++)
    from_stock |= strcmp(res->best.cautions[i].code, "END_OF_SALE") == 0 &&
                  tu_contains(res->best.cautions[i].text, "quoted from stock");
  assert_true(from_stock);
  gsz_match_result_free(res);
}

/* 8 x 700 W + 4,600 W = 10,200 W: within the 13,200 W of the PSUs, but
 * over 90% of 11,000 W; a workstation stops at its wall outlet. */
static void test_power_margin_and_wall_outlet(void **state) {
  (void)state;
  fixture f;
  setup(&f, 10000000000ull);
  f.gpus[f.data.n_gpus++] = gpu("G", "hopper", 80, 700, 20000);
  f.servers[f.data.n_servers] = server("TIGHT", 8, 11000, 30000);
  f.servers[f.data.n_servers++].base_w = 4600;
  allow(&f, 0, 0, 8, 8);
  gsz_match_result *res = run(&f);
  assert_false(res->found);
  assert_string_equal(said(res, "G", GSZ_REASON_POWER),
                      "8 x G with the server's base draw is 10200 W, over the 9900 W it may draw "
                      "continuously: 90.0% of the 11000 W of TIGHT's PSUs");
  gsz_match_result_free(res);

  setup(&f, 10000000000ull);
  f.gpus[f.data.n_gpus++] = gpu("G", "ada", 80, 450, 2000);
  f.servers[f.data.n_servers] = server("WS", 4, 1800, 3000);
  f.servers[f.data.n_servers].workstation = true;
  f.servers[f.data.n_servers].base_w = 400;
  f.servers[f.data.n_servers++].scale_out = GSZ_SCALE_OUT_NONE;
  allow(&f, 0, 0, 3, 3);
  res = run(&f);
  assert_false(res->found); /* 3 x 450 + 400 = 1750 W: more than the 1440 W of an outlet */
  assert_string_equal(said(res, "G", GSZ_REASON_POWER),
                      "3 x G with the workstation's base draw is 1750 W, more than the 1440 W a "
                      "wall outlet gives continuously (--outlet-watts changes it)");
  gsz_match_result_free(res);
  f.o.outlet_w = 2800; /* a 230 V circuit, and the PSU share: 90% of 1800 W = 1620 W */
  res = run(&f);
  assert_false(res->found);
  assert_true(tu_contains(said(res, "G", GSZ_REASON_POWER), "over the 1620 W it may draw"));
  gsz_match_result_free(res);
}

/* The cautions of the answer reach the table, Markdown and JSON. */
static void test_cautions_reach_every_format(void **state) {
  (void)state;
  fixture f;
  setup(&f, 10000000000ull);
  f.gpus[f.data.n_gpus] = gpu("G", "hopper", 80, 700, 20000);
  f.gpus[f.data.n_gpus++].verified = false;
  f.servers[f.data.n_servers] = server("WET", 8, 12000, 30000);
  f.servers[f.data.n_servers++].cooling = GSZ_COOLING_LIQUID;
  allow(&f, 0, 0, 1, 8);
  /* Made by hand: unresolved, matched by kind and SKU. */
  gsz_caveat caveat = {
      "server", "WET", "FACILITY_WATER", "needs 30 C facility water", "test", false, 0, 0};
  f.data.caveats = &caveat;
  f.data.n_caveats = 1;
  f.data.settings.sample_stock = true;
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  gsz_overlay *ov = NULL;
  assert_int_equal(gsz_overlay_load(&ov, NULL, 0, &f.data, NULL, NULL), GSZ_OK);
  gsz_quote_request q = {{&f.model,
                          "params",
                          NULL,
                          &f.w,
                          {1, 1, 1},
                          NULL,
                          &tu_flag_words,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          0},
                         &f.o,
                         ov};
  static const char *const codes[] = {"LIQUID_COOLING", "UNVERIFIED", "SAMPLE_STOCK",
                                      "FACILITY_WATER"};
  static const gsz_output_format formats[] = {GSZ_OUTPUT_TABLE, GSZ_OUTPUT_MARKDOWN};
  for (size_t k = 0; k < 2; k++) {
    char *text = NULL;
    assert_int_equal(gsz_report_quote(&text, NULL, &q, res, formats[k], NULL), GSZ_OK);
    assert_true(tu_contains(text, "caution: WET is liquid-cooled: the site needs a facility "
                                  "liquid loop / CDU"));
    assert_true(tu_contains(text, "caution: WET: needs 30 C facility water"));
    assert_true(tu_contains(text, "caution: stock figures are the catalog's sample data"));
    gsz_free(text);
  }
  char *json = NULL;
  assert_int_equal(gsz_report_quote(&json, NULL, &q, res, GSZ_OUTPUT_JSON, NULL), GSZ_OK);
  json_t *doc = json_loads(json, 0, NULL);
  json_t *best = json_object_get(doc, "best");
  assert_string_equal(json_string_value(json_object_get(best, "cooling")), "liquid");
  assert_string_equal(json_string_value(json_object_get(best, "chassis")), "rack");
  json_t *cautions = json_object_get(best, "cautions");
  for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
    bool found = false;
    for (size_t i = 0; i < json_array_size(cautions); i++)
      found |= strcmp(json_string_value(json_object_get(json_array_get(cautions, i), "code")),
                      codes[k]) == 0;
    if (!found)
      fail_msg("no caution %s in the JSON", codes[k]);
  }
  json_decref(doc);
  gsz_free(json);
  gsz_overlay_free(ov);
  gsz_match_result_free(res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_workstation_cluster_loses_to_a_rack_cluster),
      cmocka_unit_test(test_one_node_has_no_network_lines),
      cmocka_unit_test(test_network_counts_at_2_4_16_64_nodes),
      cmocka_unit_test(test_formats_the_hardware_runs),
      cmocka_unit_test(test_quick_quotes_say_the_formats_they_ignore),
      cmocka_unit_test(test_headroom_below_the_least_is_refused),
      cmocka_unit_test(test_end_of_sale_parts_need_allow_eol),
      cmocka_unit_test(test_power_margin_and_wall_outlet),
      cmocka_unit_test(test_cautions_reach_every_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
