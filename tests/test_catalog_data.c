/* test_catalog_data.c: invariants of the shipped catalog's rows (not of its
 * schema): every sellable item is priced, placed, dated and sourced; prices
 * say what kind of figure they are; aliases are unambiguous; every network
 * fabric a sellable NIC uses can be built; format support names real
 * formats and runtimes; reference facts hold; and the quotes the 2026 data
 * exists for come out of the real binary. catalog/SOURCES.md explains the
 * data these tests hold in place. */
#include "testutil.h"

#include "catalog/db_int.h"
#include "gpusizer/catalog.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- helpers ------------------------------------------------------------ */

static sqlite3 *builtin;

static int setup(void **state) {
  (void)state;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz__db_build_builtin(&builtin, &diag) != GSZ_OK)
    fail_msg("built-in catalog: %s", diag.message);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  sqlite3_close(builtin);
  builtin = NULL;
  return 0;
}

/* Every row sql returns is a violation: print each (first column as text)
 * and fail if there is any. what names the rule. */
static void expect_no_rows(const char *what, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(builtin, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", what, sqlite3_errmsg(builtin));
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    print_message("%s: %s\n", what, t ? (const char *)t : "(null)");
    n++;
  }
  sqlite3_finalize(st);
  if (n > 0)
    fail_msg("%s: %d row(s) break the rule", what, n);
}

static long long query_int(const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(builtin, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(builtin));
  if (sqlite3_step(st) != SQLITE_ROW)
    fail_msg("no row: %s", sql);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* The one text value sql returns (NULL: no row), copied for the caller. */
static char *query_text(const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(builtin, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(builtin));
  char *v = NULL;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
    v = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return v;
}

/* --- GPUs and servers ------------------------------------------------------ */

static void test_every_sellable_gpu_is_priced_placed_and_described(void **state) {
  (void)state;
  expect_no_rows("sellable GPU without a price",
                 "SELECT sku FROM gpu g WHERE sellable = 1 AND NOT EXISTS "
                 "(SELECT 1 FROM price_current p WHERE p.kind = 'gpu' AND p.sku = g.sku)");
  expect_no_rows("sellable GPU that no sellable, priced server accepts",
                 "SELECT sku FROM gpu g WHERE sellable = 1 AND NOT EXISTS "
                 "(SELECT 1 FROM server_gpu sg JOIN server s ON s.sku = sg.server_sku "
                 " JOIN price_current p ON p.kind = 'server' AND p.sku = s.sku "
                 " WHERE sg.gpu_sku = g.sku AND s.sellable = 1)");
  expect_no_rows("GPU without an architecture", "SELECT sku FROM gpu WHERE architecture IS NULL");
  expect_no_rows("GPU without a lifecycle source",
                 "SELECT sku FROM gpu WHERE lifecycle_source IS NULL OR lifecycle_source = ''");
  expect_no_rows("end-of-sale GPU without a lifecycle date",
                 "SELECT sku FROM gpu WHERE lifecycle = 'end_of_sale' AND lifecycle_date IS NULL");
  expect_no_rows("GPU without a source or as_of",
                 "SELECT sku FROM gpu WHERE source IS NULL OR source = '' OR as_of IS NULL "
                 "OR usable_basis IS NULL");
  expect_no_rows("architecture outside the catalog's names",
                 "SELECT sku || ' ' || architecture FROM gpu WHERE architecture NOT IN "
                 "('volta', 'turing', 'ampere', 'ada', 'hopper', 'blackwell', 'blackwell_rtx', "
                 "'cdna3', 'cdna4', 'gaudi2', 'gaudi3')");
  /* sm_100 datacenter Blackwell and sm_120 RTX Blackwell run different formats. */
  expect_no_rows("RTX Blackwell card not in blackwell_rtx",
                 "SELECT sku FROM gpu WHERE (sku LIKE 'RTX-PRO-%-BW%' OR sku = 'RTX-5090') "
                 "AND architecture <> 'blackwell_rtx'");
}

static void test_lifecycle_matches_the_research(void **state) {
  (void)state;
  static const char *const end_of_sale[] = {"A100-SXM4-80GB",
                                            "A100-SXM4-40GB",
                                            "A100-PCIE-80GB",
                                            "A100-PCIE-40GB",
                                            "A10",
                                            "A30",
                                            "A40",
                                            "L40",
                                            "RTX-A6000",
                                            "RTX-4090",
                                            "GAUDI2",
                                            "H100-PCIE-80GB",
                                            "H100-NVL-94GB",
                                            "H20-96GB"};
  for (size_t i = 0; i < sizeof end_of_sale / sizeof end_of_sale[0]; i++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT lifecycle FROM gpu WHERE sku = '%s'", end_of_sale[i]);
    char *life = query_text(sql);
    if (life == NULL || strcmp(life, "end_of_sale") != 0)
      fail_msg("%s: lifecycle %s, want end_of_sale", end_of_sale[i], life ? life : "(none)");
    free(life);
  }
  char *h100 = query_text("SELECT lifecycle FROM gpu WHERE sku = 'H100-SXM5-80GB'");
  assert_string_equal(h100, "current"); /* orderable, long lead times (2026-05) */
  free(h100);
}

static void test_every_sellable_server_is_priced_cooled_and_networked(void **state) {
  (void)state;
  expect_no_rows("sellable server without a price",
                 "SELECT sku FROM server s WHERE sellable = 1 AND NOT EXISTS "
                 "(SELECT 1 FROM price_current p WHERE p.kind = 'server' AND p.sku = s.sku)");
  expect_no_rows("server without cooling, scale-out or lifecycle source",
                 "SELECT sku FROM server WHERE cooling IS NULL OR scale_out IS NULL "
                 "OR lifecycle_source IS NULL OR source IS NULL OR as_of IS NULL");
  expect_no_rows("workstation that claims scale-out",
                 "SELECT sku FROM server WHERE chassis = 'workstation' AND scale_out <> 'none'");
  expect_no_rows("onboard scale-out without the NIC it ships with",
                 "SELECT sku FROM server WHERE scale_out = 'onboard' AND nic_sku IS NULL");
  expect_no_rows("liquid-cooled server without the LIQUID_LOOP caveat",
                 "SELECT sku FROM server s WHERE cooling = 'liquid' AND NOT EXISTS "
                 "(SELECT 1 FROM caveat c WHERE c.kind = 'server' AND c.sku = s.sku "
                 " AND c.code = 'LIQUID_LOOP')");
  expect_no_rows("DGX system not onboard, or without its GPUs in the price",
                 "SELECT sku FROM server WHERE sku LIKE 'DGX-%' "
                 "AND (scale_out <> 'onboard' OR gpus_included <> 1)");
  /* HGX B300 carries its ConnectX-8 NICs on the GPU board. */
  expect_no_rows("HGX B300 server that buys NICs",
                 "SELECT DISTINCT s.sku FROM server s JOIN server_gpu sg ON sg.server_sku = s.sku "
                 "WHERE sg.gpu_sku = 'B300-SXM-288GB' AND (s.scale_out <> 'onboard' "
                 "OR s.nic_sku <> '900-9X81E-00EX-DT0')");
  /* A server that sells a power margin of its own says why. */
  expect_no_rows("psu_load_max_bp without a reason in notes",
                 "SELECT sku FROM server WHERE psu_load_max_bp IS NOT NULL "
                 "AND notes NOT LIKE '%psu_load_max_bp%'");
}

static void test_rack_scale_systems_are_whole_racks(void **state) {
  (void)state;
  assert_int_equal(query_int("SELECT count(*) FROM server WHERE rack_scale = 1"), 2);
  expect_no_rows("rack-scale row that is not one liquid-cooled rack of 72 priced GPUs",
                 "SELECT sku FROM server WHERE rack_scale = 1 AND (max_gpus <> 72 "
                 "OR gpus_included <> 1 OR cooling <> 'liquid' OR EXISTS (SELECT 1 FROM server_gpu "
                 "sg WHERE sg.server_sku = server.sku AND sg.gpu_count <> 72))");
  /* The Grace-attached GPUs exist only in their racks, and no rack takes an HGX part. */
  expect_no_rows(
      "GB200/GB300 GPU outside a rack-scale system",
      "SELECT sg.server_sku || ' ' || sg.gpu_sku FROM server_gpu sg JOIN server s ON "
      "s.sku = sg.server_sku WHERE sg.gpu_sku IN ('B200-GB200-186GB', 'B300-GB300-279GB') "
      "AND s.rack_scale = 0");
  expect_no_rows("rack-scale system taking a loose GPU",
                 "SELECT sg.server_sku || ' ' || sg.gpu_sku FROM server_gpu sg JOIN server s ON "
                 "s.sku = sg.server_sku WHERE s.rack_scale = 1 AND sg.gpu_sku NOT IN "
                 "('B200-GB200-186GB', 'B300-GB300-279GB')");
  assert_int_equal(query_int("SELECT amount_minor FROM price_current WHERE kind = 'server' "
                             "AND sku = 'GB200-NVL72'"),
                   310000000);
}

static void test_cards_go_where_their_cooling_and_licence_allow(void **state) {
  (void)state;
  /* The actively cooled Workstation Edition only in workstations; the
   * passive Server Edition in rack servers. */
  expect_no_rows("RTX PRO 6000 Workstation Edition in a rack server",
                 "SELECT sg.server_sku FROM server_gpu sg JOIN server s ON s.sku = sg.server_sku "
                 "WHERE sg.gpu_sku IN ('RTX-PRO-6000-BW', 'RTX-PRO-6000-BW-MAXQ') "
                 "AND s.chassis <> 'workstation'");
  assert_true(query_int("SELECT count(DISTINCT server_sku) FROM server_gpu sg JOIN server s ON "
                        "s.sku = sg.server_sku WHERE gpu_sku = 'RTX-PRO-6000-BW-SE' "
                        "AND s.chassis = 'rack'") >= 5);
  expect_no_rows("consumer card outside a workstation",
                 "SELECT sg.server_sku || ' ' || sg.gpu_sku FROM server_gpu sg JOIN server s ON "
                 "s.sku = sg.server_sku JOIN gpu g ON g.sku = sg.gpu_sku "
                 "WHERE g.datacenter_ok = 0 AND s.chassis <> 'workstation'");
  expect_no_rows("GPU count above what the server's power supplies carry",
                 "SELECT server_sku || ' ' || gpu_count || 'x ' || gpu_sku FROM server_gpu_power "
                 "WHERE NOT power_ok");
}

/* --- prices --------------------------------------------------------------- */

static void test_every_price_has_a_date_a_source_and_a_basis(void **state) {
  (void)state;
  expect_no_rows("price without as_of, source or a basis starting list/street/estimate",
                 "SELECT kind || '/' || sku FROM price WHERE as_of IS NULL OR source IS NULL "
                 "OR source = '' OR basis IS NULL OR NOT (basis GLOB 'list*' "
                 "OR basis GLOB 'street*' OR basis GLOB 'estimate*')");
  expect_no_rows("price not in USD",
                 "SELECT kind || '/' || sku FROM price WHERE currency <> 'USD'");
  expect_no_rows("price of an item that is not in the catalog",
                 "SELECT p.kind || '/' || p.sku FROM price p WHERE NOT EXISTS "
                 "(SELECT 1 FROM item i WHERE i.kind = p.kind AND i.sku = p.sku)");
  expect_no_rows("price dated in the future of the research (2026-11-30)",
                 "SELECT kind || '/' || sku FROM price WHERE as_of > '2026-11-30'");
}

static long long price_of(const char *kind, const char *sku) {
  char sql[200];
  snprintf(sql, sizeof sql,
           "SELECT amount_minor FROM price_current WHERE kind = '%s' AND sku = '%s'", kind, sku);
  return query_int(sql);
}

static void test_prices_follow_the_review_rules(void **state) {
  (void)state;
  /* H100 PCIe below H100 SXM; MI300X at the enterprise end of its range. */
  assert_true(price_of("gpu", "H100-PCIE-80GB") < price_of("gpu", "H100-SXM5-80GB"));
  assert_int_equal(price_of("gpu", "MI300X"), 1500000);
  /* Consumer cards at street prices, not launch MSRP. */
  expect_no_rows("consumer card not priced at street",
                 "SELECT p.sku FROM price_current p JOIN gpu g ON g.sku = p.sku "
                 "WHERE p.kind = 'gpu' AND g.datacenter_ok = 0 AND p.basis NOT GLOB 'street*'");
  assert_int_equal(price_of("gpu", "RTX-5090"), 300000);
  /* DGX prices state their premium and bundled support. */
  expect_no_rows("DGX price that does not state its bundle",
                 "SELECT sku FROM price_current WHERE kind = 'server' AND sku LIKE 'DGX-%' "
                 "AND basis NOT LIKE '%support%'");
  /* Hosts are priced per platform, not one flat number. */
  assert_true(query_int("SELECT count(DISTINCT amount_minor) FROM price_current WHERE kind = "
                        "'server' AND sku IN (SELECT sku FROM server WHERE gpus_included = 0)") >=
              8);
  assert_true(price_of("server", "XE9680L") > price_of("server", "G893-SD1-AAX5")); /* liquid */
}

/* --- aliases ---------------------------------------------------------------- */

static void test_every_alias_resolves_to_exactly_one_gpu(void **state) {
  (void)state;
  expect_no_rows("alias naming no GPU",
                 "SELECT alias FROM gpu_alias a WHERE (SELECT count(*) FROM gpu g "
                 "WHERE g.sku = a.gpu_sku) <> 1");
  expect_no_rows("alias equal to a GPU SKU",
                 "SELECT alias FROM gpu_alias a WHERE EXISTS (SELECT 1 FROM gpu g "
                 "WHERE g.sku = a.alias)");
  /* Through the library as well: every alias finds the GPU it names. */
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  assert_int_equal(gsz_catalog_open(&cat, NULL, &diag), GSZ_OK);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  sqlite3_stmt *st = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(builtin, "SELECT alias, gpu_sku FROM gpu_alias", -1, &st, NULL),
      SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *alias = (const char *)sqlite3_column_text(st, 0);
    const char *sku = (const char *)sqlite3_column_text(st, 1);
    const gsz_gpu *g = gsz_catalog_find_gpu(d, alias);
    if (g == NULL || g != gsz_catalog_find_gpu(d, sku))
      fail_msg("alias '%s' does not find %s", alias, sku);
  }
  sqlite3_finalize(st);
  gsz_catalog_free(cat);
}

static void test_ambiguous_names_are_not_aliases(void **state) {
  (void)state;
  /* Names that fit several products (catalog/SOURCES.md): left to the code
   * that refuses ambiguous names. */
  expect_no_rows("ambiguous alias",
                 "SELECT alias FROM gpu_alias WHERE upper(alias) IN ('RTX-6000', 'RTX6000', "
                 "'RTX-PRO-6000', 'RTX-PRO-6000-BLACKWELL', 'RTX-6000-BLACKWELL', "
                 "'QUADRO-RTX-6000', 'RTX-PRO-5000', 'RTX-5000', 'RTX-PRO-4500', 'RTX-4500', "
                 "'MI350', 'H20', 'BLACKWELL-ULTRA')");
  /* GB300 is the Grace-attached part, never the HGX B300 board. */
  char *gb300 = query_text("SELECT gpu_sku FROM gpu_alias WHERE alias = 'GB300'");
  assert_string_equal(gb300, "B300-GB300-279GB");
  free(gb300);
  char *gb200 = query_text("SELECT gpu_sku FROM gpu_alias WHERE alias = 'GB200'");
  assert_string_equal(gb200, "B200-GB200-186GB");
  free(gb200);
  char *server = query_text("SELECT gpu_sku FROM gpu_alias WHERE alias = 'RTX-PRO-6000-SERVER'");
  assert_string_equal(server, "RTX-PRO-6000-BW-SE");
  free(server);
}

/* --- network, settings, formats, caveats ------------------------------------ */

static void test_every_sellable_nic_fabric_can_be_built(void **state) {
  (void)state;
  expect_no_rows("fabric of a sellable NIC without a sellable, priced switch",
                 "SELECT DISTINCT n.fabric FROM network_item n WHERE n.kind = 'nic' "
                 "AND n.sellable = 1 AND NOT EXISTS (SELECT 1 FROM network_item s JOIN "
                 "price_current p ON p.kind = 'switch' AND p.sku = s.sku WHERE s.kind = 'switch' "
                 "AND s.sellable = 1 AND s.fabric = n.fabric)");
  static const char *const roles[] = {"nic_transceiver", "switch_transceiver", "fiber"};
  for (size_t i = 0; i < 3; i++) {
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT n.fabric FROM network_item n WHERE n.kind = 'nic' AND "
             "n.sellable = 1 AND NOT EXISTS (SELECT 1 FROM network_item c JOIN price_current p "
             "ON p.kind = 'cable' AND p.sku = c.sku WHERE c.kind = 'cable' AND c.sellable = 1 "
             "AND c.fabric = n.fabric AND c.cable_role = '%s')",
             roles[i]);
    expect_no_rows(roles[i], sql);
  }
  expect_no_rows("sellable network item without a price, source or as_of",
                 "SELECT sku FROM network_item n WHERE sellable = 1 AND (source IS NULL "
                 "OR as_of IS NULL OR NOT EXISTS (SELECT 1 FROM price_current p "
                 "WHERE p.kind = n.kind AND p.sku = n.sku))");
  expect_no_rows("server NIC that is not a sellable NIC",
                 "SELECT s.sku FROM server s WHERE s.nic_sku IS NOT NULL AND NOT EXISTS "
                 "(SELECT 1 FROM network_item n WHERE n.sku = s.nic_sku AND n.kind = 'nic' "
                 "AND n.sellable = 1)");
  /* One sellable switch per fabric keeps the choice unambiguous. */
  expect_no_rows("fabric with more than one sellable switch",
                 "SELECT fabric FROM network_item WHERE kind = 'switch' AND sellable = 1 "
                 "GROUP BY fabric HAVING count(*) > 1");
}

static void test_settings_hold_their_sourced_values(void **state) {
  (void)state;
  static const struct {
    const char *name, *value;
  } want[] = {{"default_nic", "MCX75310AAS-NEAT"},
              {"psu_load_max_bp", "9000"},
              {"wall_outlet_w", "1440"},
              {"pp_nics_per_node", "1"},
              {"sample_stock", "1"}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT value FROM setting WHERE name = '%s' AND length(source) > 20",
             want[i].name);
    char *v = query_text(sql);
    if (v == NULL || strcmp(v, want[i].value) != 0)
      fail_msg("setting %s = %s, want %s (with a source)", want[i].name, v ? v : "(none)",
               want[i].value);
    free(v);
  }
  /* The default NIC is a 400G NIC of a fabric the catalog can build. */
  assert_int_equal(query_int("SELECT port_gbps FROM network_item WHERE sku = "
                             "(SELECT value FROM setting WHERE name = 'default_nic')"),
                   400);
}

static void test_format_support_names_known_formats_and_runtimes(void **state) {
  (void)state;
  expect_no_rows("format_support of an unknown format",
                 "SELECT architecture || '/' || format FROM format_support f WHERE NOT EXISTS "
                 "(SELECT 1 FROM number_format n WHERE n.name = f.format)");
  expect_no_rows("format_support of an unknown runtime",
                 "SELECT architecture || '/' || runtime FROM format_support f WHERE runtime <> '*' "
                 "AND NOT EXISTS (SELECT 1 FROM runtime r WHERE r.name = f.runtime)");
  /* Every architecture a GPU has answers every format for every runtime. */
  expect_no_rows(
      "architecture x format without a '*' row",
      "SELECT g.architecture || '/' || n.name FROM (SELECT DISTINCT architecture "
      "FROM gpu) g, number_format n WHERE NOT EXISTS (SELECT 1 FROM format_support f "
      "WHERE f.architecture = g.architecture AND f.format = n.name AND f.runtime = '*')");
  /* Facts the research states plainly. */
  static const struct {
    const char *arch, *format, *runtime, *support;
  } facts[] = {
      {"blackwell", "nvfp4", "*", "native"},
      {"hopper", "nvfp4", "vllm", "weight_only"},
      {"ampere", "fp8", "vllm", "weight_only"},
      {"ampere", "fp8", "pytorch", "none"},
      {"ada", "fp8", "*", "native"},
      {"cdna4", "mxfp4", "*", "native"},
      {"volta", "bf16", "*", "none"},
      {"gaudi3", "q4_k", "*", "none"},
      {"blackwell_rtx", "mxfp4", "vllm", "weight_only"},
      {"hopper", "q4_k", "pytorch", "none"},
      {"hopper", "nvfp4", "vllm-0.6", "none"},
  };
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT support FROM format_support WHERE architecture = '%s' AND format = '%s' "
             "AND runtime = '%s'",
             facts[i].arch, facts[i].format, facts[i].runtime);
    char *s = query_text(sql);
    if (s == NULL || strcmp(s, facts[i].support) != 0)
      fail_msg("%s/%s/%s: %s, want %s", facts[i].arch, facts[i].format, facts[i].runtime,
               s ? s : "(no row)", facts[i].support);
    free(s);
  }
}

static void test_caveats_name_catalog_items(void **state) {
  (void)state;
  expect_no_rows("caveat of an unknown item",
                 "SELECT kind || '/' || sku || '/' || code FROM caveat c WHERE NOT EXISTS "
                 "(SELECT 1 FROM item i WHERE i.kind = c.kind AND i.sku = c.sku)");
  /* Derived by code, so never stored. */
  expect_no_rows("caveat the code derives",
                 "SELECT sku FROM caveat WHERE code IN ('UNVERIFIED', 'CONSUMER_LICENCE')");
}

/* Loading resolves every caveat to its item (kind and index), which is how
 * a quote matches caveats to its bill's lines. */
static void test_loaded_caveats_point_at_their_items(void **state) {
  (void)state;
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  assert_int_equal(gsz_catalog_open(&cat, NULL, &diag), GSZ_OK);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  assert_true(d->n_caveats >= 50); /* 098_caveat.sql */
  for (size_t i = 0; i < d->n_caveats; i++) {
    const gsz_caveat *k = &d->caveats[i];
    assert_true(k->resolved);
    assert_int_equal(k->item_kind, gsz_item_kind_find(k->kind));
    assert_true(k->item_index >= 0);
    gsz_item item = gsz_catalog_item(d, (gsz_item_kind)k->item_kind, (size_t)k->item_index);
    if (strcasecmp(item.sku, k->sku) != 0)
      fail_msg("caveat %s/%s resolved to %s", k->kind, k->sku, item.sku);
  }
  gsz_catalog_free(cat);
}

static void test_builtin_catalog_db_check_is_clean(void **state) {
  (void)state;
  gsz_problem_list problems;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  assert_int_equal(gsz_db_check(NULL, &problems, &diag), GSZ_OK);
  for (size_t i = 0; i < problems.count; i++)
    print_message("problem: %s\n", problems.lines[i]);
  assert_int_equal(problems.count, 0);
  gsz_problem_list_free(&problems);
}

/* --- reference facts --------------------------------------------------------- */

/* reference/gpus.csv rows of confidence H or M against the catalog. B300 is
 * an L row the 2026 research corrected (NVIDIA's HGX table: 270 GB, 7.7 TB/s). */
static void test_gpus_match_the_reference_table(void **state) {
  (void)state;
  static const struct {
    const char *id, *sku;
  } map[] = {{"h100_sxm5_80", "H100-SXM5-80GB"},
             {"h100_pcie_80", "H100-PCIE-80GB"},
             {"h100_nvl_94", "H100-NVL-94GB"},
             {"h200_sxm_141", "H200-SXM-141GB"},
             {"h200_nvl_141", "H200-NVL-141GB"},
             {"b200_hgx_180", "B200-SXM-180GB"},
             {"a100_sxm4_80", "A100-SXM4-80GB"},
             {"a100_sxm4_40", "A100-SXM4-40GB"},
             {"a100_pcie_80", "A100-PCIE-80GB"},
             {"a100_pcie_40", "A100-PCIE-40GB"},
             {"l40s", "L40S"},
             {"l40", "L40"},
             {"l4", "L4"},
             {"a10", "A10"},
             {"a30", "A30"},
             {"a40", "A40"},
             {"rtx_6000_ada", "RTX-6000-ADA"},
             {"rtx_pro_6000_bw", "RTX-PRO-6000-BW"},
             {"rtx_pro_6000_bw", "RTX-PRO-6000-BW-SE"},
             {"rtx_a6000", "RTX-A6000"},
             {"rtx_4090", "RTX-4090"},
             {"rtx_5090", "RTX-5090"},
             {"mi300x", "MI300X"},
             {"mi325x", "MI325X"},
             {"mi355x", "MI355X"},
             {"gaudi2", "GAUDI2"},
             {"gaudi3", "GAUDI3"}};
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/reference/gpus.csv");
  size_t c_id = tu_csv_col(&csv, "gpu_id"), c_mem = tu_csv_col(&csv, "mem_gb"),
         c_bw = tu_csv_col(&csv, "bw_tbs"), c_bf16 = tu_csv_col(&csv, "fp16_bf16_dense_tflops"),
         c_tdp = tu_csv_col(&csv, "tdp_w");
  /* Compared in SQL (CAST is exact and locale-free; the library bans strtod). */
  sqlite3_stmt *st = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(builtin,
                         "SELECT memory_mib = CAST(?1 AS INTEGER) * 1024 "
                         "AND bandwidth_gbs = CAST(round(CAST(?2 AS REAL) * 1000) AS INTEGER) "
                         "AND abs(tflops_bf16 - CAST(?3 AS REAL)) < 0.01 "
                         "AND tdp_w = CAST(?4 AS INTEGER), "
                         "memory_mib || ' MiB, ' || bandwidth_gbs || ' GB/s, ' || tflops_bf16 "
                         "|| ' TF, ' || tdp_w || ' W' FROM gpu WHERE sku = ?5",
                         -1, &st, NULL),
      SQLITE_OK);
  size_t checked = 0;
  for (size_t m = 0; m < sizeof map / sizeof map[0]; m++) {
    for (size_t r = 1; r < csv.nrows; r++) {
      if (strcmp(csv.rows[r][c_id], map[m].id) != 0)
        continue;
      sqlite3_reset(st);
      sqlite3_bind_text(st, 1, csv.rows[r][c_mem], -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, csv.rows[r][c_bw], -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, csv.rows[r][c_bf16], -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, csv.rows[r][c_tdp], -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 5, map[m].sku, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("%s is not in the catalog", map[m].sku);
      if (sqlite3_column_int(st, 0) != 1)
        fail_msg("%s differs from reference %s (%s GB, %s TB/s, %s TF, %s W): catalog %s",
                 map[m].sku, map[m].id, csv.rows[r][c_mem], csv.rows[r][c_bw], csv.rows[r][c_bf16],
                 csv.rows[r][c_tdp], sqlite3_column_text(st, 1));
      checked++;
    }
  }
  sqlite3_finalize(st);
  assert_int_equal(checked, sizeof map / sizeof map[0]);
  tu_csv_free(&csv);
}

static void test_servers_match_the_reference_and_the_research(void **state) {
  (void)state;
  /* reference/servers.csv (conf H): DGX power as N PSUs x 3.3 kW, base =
   * system max - 8 x TDP. */
  assert_int_equal(query_int("SELECT psu_w FROM server WHERE sku = 'DGX-H100'"), 4 * 3300);
  assert_int_equal(query_int("SELECT base_w FROM server WHERE sku = 'DGX-H100'"), 10200 - 8 * 700);
  assert_int_equal(query_int("SELECT psu_w FROM server WHERE sku = 'DGX-B200'"), 5 * 3300);
  assert_int_equal(query_int("SELECT base_w FROM server WHERE sku = 'DGX-B200'"), 14300 - 8 * 1000);
  assert_int_equal(query_int("SELECT rack_units FROM server WHERE sku = 'XE9680'"), 6);
  /* server_fixes.csv: ST650 V2 takes 4 double-width cards with 2x 2400 W. */
  assert_int_equal(query_int("SELECT max_gpus FROM server WHERE sku = 'ST650-V2'"), 4);
  /* B300 (HGX): 1100 W, 7.7 TB/s, INT8 cut to 150 TOPS, and now sold. */
  assert_int_equal(query_int("SELECT tdp_w * 10000 + bandwidth_gbs FROM gpu WHERE sku = "
                             "'B300-SXM-288GB' AND sellable = 1 AND tops_int8 = 150"),
                   1100 * 10000 + 7700);
}

/* --- quotes from the real binary --------------------------------------------- */

static json_t *quote_json(const char *const *args) {
  tu_result r;
  tu_run(&r, args, NULL);
  if (r.status != 0)
    fail_msg("status %d\nstdout: %.1500s\nstderr: %.1500s", r.status, r.out, r.err);
  json_error_t jerr;
  json_t *doc = json_loads(r.out, 0, &jerr);
  if (doc == NULL)
    fail_msg("not JSON: %s", jerr.text);
  tu_result_free(&r);
  return doc;
}

static bool server_is_oem_hgx_b200(const char *sku) {
  char sql[300];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM server s JOIN server_gpu sg ON sg.server_sku = s.sku "
           "WHERE s.sku = '%s' AND sg.gpu_sku = 'B200-SXM-180GB' AND s.gpus_included = 0 "
           "AND s.rack_scale = 0",
           sku);
  return query_int(sql) > 0;
}

static void test_quote_prices_an_oem_hgx_b200_server(void **state) {
  (void)state;
  const char *const args[] = {"quote",    "--model", "llama-3-70b", "--gpu", "B200",
                              "--format", "json",    "--top",       "20",    NULL};
  json_t *doc = quote_json(args);
  json_t *best = json_object_get(doc, "best");
  assert_string_equal(json_string_value(json_object_get(best, "gpu_sku")), "B200-SXM-180GB");
  /* The cheapest B200 answer is an OEM host plus 8 priced GPUs, not a DGX. */
  const char *server = json_string_value(json_object_get(best, "server_sku"));
  if (!server_is_oem_hgx_b200(server))
    fail_msg("best B200 server %s is not an OEM HGX B200 host", server);
  json_t *lines = json_object_get(json_object_get(best, "price"), "lines");
  bool host = false, gpus = false;
  for (size_t i = 0; i < json_array_size(lines); i++) {
    json_t *line = json_array_get(lines, i);
    const char *kind = json_string_value(json_object_get(line, "kind"));
    json_int_t qty = json_integer_value(json_object_get(line, "quantity"));
    host |= strcmp(kind, "server") == 0 && qty == 1 &&
            json_integer_value(json_object_get(line, "amount_minor")) > 0;
    gpus |= strcmp(kind, "gpu") == 0 && qty == 8;
  }
  assert_true(host && gpus);
  /* Several OEM hosts compete. */
  size_t oem = 0;
  json_t *alts = json_object_get(doc, "alternatives");
  for (size_t i = 0; i < json_array_size(alts); i++)
    oem += server_is_oem_hgx_b200(
        json_string_value(json_object_get(json_array_get(alts, i), "server_sku")));
  assert_true(oem >= 4);
  json_decref(doc);
}

static void test_quote_7b_on_one_rtx_5090_under_5000_usd(void **state) {
  (void)state;
  const char *const args[] = {"quote",    "--model",  "llama-2-7b", "--gpu",
                              "RTX-5090", "--format", "json",       NULL};
  json_t *doc = quote_json(args);
  json_t *best = json_object_get(doc, "best");
  json_t *price = json_object_get(best, "price");
  assert_string_equal(json_string_value(json_object_get(price, "currency")), "USD");
  json_int_t total = json_integer_value(json_object_get(price, "total_minor"));
  if (total >= 500000)
    fail_msg("7B on one RTX 5090 quotes %lld.%02lld USD, want under 5,000.00",
             (long long)(total / 100), (long long)(total % 100));
  assert_int_equal(json_integer_value(json_object_get(best, "total_gpus")), 1);
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT chassis FROM server WHERE sku = '%s'",
           json_string_value(json_object_get(best, "server_sku")));
  char *chassis = query_text(sql);
  assert_string_equal(chassis, "workstation");
  free(chassis);
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_sellable_gpu_is_priced_placed_and_described),
      cmocka_unit_test(test_lifecycle_matches_the_research),
      cmocka_unit_test(test_every_sellable_server_is_priced_cooled_and_networked),
      cmocka_unit_test(test_rack_scale_systems_are_whole_racks),
      cmocka_unit_test(test_cards_go_where_their_cooling_and_licence_allow),
      cmocka_unit_test(test_every_price_has_a_date_a_source_and_a_basis),
      cmocka_unit_test(test_prices_follow_the_review_rules),
      cmocka_unit_test(test_every_alias_resolves_to_exactly_one_gpu),
      cmocka_unit_test(test_ambiguous_names_are_not_aliases),
      cmocka_unit_test(test_every_sellable_nic_fabric_can_be_built),
      cmocka_unit_test(test_settings_hold_their_sourced_values),
      cmocka_unit_test(test_format_support_names_known_formats_and_runtimes),
      cmocka_unit_test(test_caveats_name_catalog_items),
      cmocka_unit_test(test_loaded_caveats_point_at_their_items),
      cmocka_unit_test(test_builtin_catalog_db_check_is_clean),
      cmocka_unit_test(test_gpus_match_the_reference_table),
      cmocka_unit_test(test_servers_match_the_reference_and_the_research),
      cmocka_unit_test(test_quote_prices_an_oem_hgx_b200_server),
      cmocka_unit_test(test_quote_7b_on_one_rtx_5090_under_5000_usd),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
