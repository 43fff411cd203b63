/* test_sla.c: service levels and cost of ownership in the search (issue
 * 16): the Done-when quotes through the real program (an inference quote
 * whose estimates meet its targets and name the bound, a training quote
 * with a deadline), the SLA rejection's words, the JSON performance and
 * cost objects, the objective changing the ranking on a hand-built
 * catalog with exact energy figures, size's estimate of a named
 * configuration, and bad values refused with exit 2 naming the flag. */
#include "testutil.h"

#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN(r, ...)                                                                                \
  do {                                                                                             \
    const char *const args_[] = {__VA_ARGS__, NULL};                                               \
    tu_run(r, args_, NULL);                                                                        \
  } while (0)

static void expect(const tu_result *r, int status, const char *in_out, const char *in_err) {
  if (r->status != status || (in_out && !tu_contains(r->out, in_out)) ||
      (in_err && !tu_contains(r->err, in_err)))
    fail_msg("status %d (want %d)\nstdout: %.3000s\nstderr: %.2000s\nwanted out '%s' err '%s'",
             r->status, status, r->out, r->err, in_out ? in_out : "", in_err ? in_err : "");
}

static json_t *get(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  if (v == NULL)
    fail_msg("no key '%s'", key);
  return v;
}

static bool is_bound(const char *s) {
  return strcmp(s, "memory_bandwidth") == 0 || strcmp(s, "compute") == 0 ||
         strcmp(s, "kv_capacity") == 0 || strcmp(s, "interconnect") == 0;
}

/* --- Done when ------------------------------------------------------------------- */

#define DONE_WHEN                                                                                  \
  "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "32",                  \
      "--input-tokens", "2000", "--output-tokens", "500", "--tokens-per-second", "20",             \
      "--ttft-ms", "1000"

static void test_inference_quote_meets_both_targets_and_names_the_bound(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, DONE_WHEN);
  expect(&r, 0, "BEST: ", NULL);
  expect(&r, 0, "  performance: ", NULL);
  expect(&r, 0, "at 32 concurrent (2000 input + 500 output tokens;", NULL);
  expect(&r, 0, "  cost: ", NULL);
  const char *line = strstr(r.out, "  performance: ");
  assert_non_null(line);
  assert_true(tu_contains(line, "; bound memory_bandwidth") ||
              tu_contains(line, "; bound compute") || tu_contains(line, "; bound kv_capacity") ||
              tu_contains(line, "; bound interconnect"));
  tu_result_free(&r);

  RUN(&r, DONE_WHEN, "--format", "json");
  expect(&r, 0, NULL, NULL);
  json_error_t jerr;
  json_t *doc = json_loads(r.out, 0, &jerr);
  if (doc == NULL)
    fail_msg("json: %s", jerr.text);
  assert_true(json_is_true(get(doc, "found")));
  json_t *best = get(doc, "best");
  json_t *perf = get(best, "performance");
  assert_true(json_is_object(perf));
  assert_true(json_number_value(get(perf, "decode_tokens_per_s_per_user")) >= 20.0);
  assert_true(json_integer_value(get(perf, "ttft_ms")) <= 1000);
  assert_true(json_number_value(get(perf, "output_tokens_per_s")) > 0.0);
  assert_true(is_bound(json_string_value(get(perf, "bound"))));
  json_int_t replicas = json_integer_value(get(perf, "replicas")),
             tp = json_integer_value(get(perf, "tp")), pp = json_integer_value(get(perf, "pp"));
  assert_true(replicas >= 1 && tp >= 1 && pp >= 1);
  assert_int_equal(replicas * tp * pp, json_integer_value(get(best, "total_gpus")));
  assert_true(json_is_null(get(perf, "train_days")));
  json_t *max_conc = get(perf, "max_concurrency");
  assert_true(json_is_null(max_conc) || json_integer_value(max_conc) > 0);
  json_t *cost = get(best, "cost");
  json_int_t capex = json_integer_value(get(cost, "capex_minor"));
  json_int_t energy = json_integer_value(get(cost, "energy_minor"));
  assert_int_equal(capex, json_integer_value(get(get(best, "price"), "total_minor")));
  assert_true(energy > 0);
  assert_int_equal(json_integer_value(get(cost, "tco_minor")), capex + energy);
  assert_true(json_integer_value(get(cost, "per_million_tokens_minor")) > 0);
  /* Every alternative carries the same objects, and meets the targets too. */
  json_t *alts = get(doc, "alternatives");
  for (size_t i = 0; i < json_array_size(alts); i++) {
    json_t *p = get(json_array_get(alts, i), "performance");
    assert_true(json_number_value(get(p, "decode_tokens_per_s_per_user")) >= 20.0);
    assert_true(json_integer_value(get(p, "ttft_ms")) <= 1000);
    assert_true(json_is_object(get(json_array_get(alts, i), "cost")));
  }
  json_t *sla = get(get(doc, "request"), "service_level");
  assert_true(json_number_value(get(sla, "tokens_per_second")) == 20.0);
  assert_int_equal(json_integer_value(get(sla, "ttft_ms")), 1000);
  assert_int_equal(json_integer_value(get(get(doc, "request"), "input_tokens")), 2000);
  assert_int_equal(json_integer_value(get(get(doc, "request"), "context")), 2500);
  json_decref(doc);
  tu_result_free(&r);

  /* CSV carries the estimate in columns. */
  RUN(&r, DONE_WHEN, "--format", "csv");
  expect(&r, 0, "decode_tokens_per_s_per_user,output_tokens_per_s,ttft_ms,replicas,bound,", NULL);
  tu_result_free(&r);
}

static void test_training_quote_meets_the_deadline(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--train-tokens", "1e12",
      "--deadline-days", "30", "--format", "json");
  expect(&r, 0, NULL, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_non_null(doc);
  assert_true(json_is_true(get(doc, "found")));
  json_t *best = get(doc, "best");
  json_t *perf = get(best, "performance");
  double days = json_number_value(get(perf, "train_days"));
  assert_true(days > 0.0 && days <= 30.0);
  assert_true(json_integer_value(get(best, "total_gpus")) > 1);
  assert_true(json_is_null(get(perf, "decode_tokens_per_s_per_user")));
  assert_true(json_is_null(get(get(best, "cost"), "per_million_tokens_minor")));
  json_decref(doc);
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--train-tokens", "1T",
      "--deadline-days", "30");
  expect(&r, 0, " days for 1,000,000,000,000 training tokens (", NULL);
  /* A GPU too slow for the deadline at eight nodes says by how much. */
  expect(&r, 0, " days > --deadline-days 30 on 8 x ", NULL);
  tu_result_free(&r);
}

/* An aggregate target: the GPUs split into data-parallel replicas. */
static void test_throughput_target_uses_replicas(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "256",
      "--input-tokens", "2000", "--output-tokens", "500", "--throughput", "8000", "--gpu",
      "H200-NVL-141GB", "--top", "1", "--format", "json");
  expect(&r, 0, NULL, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_non_null(doc);
  json_t *best = get(doc, "best");
  json_t *perf = get(best, "performance");
  assert_true(json_number_value(get(perf, "output_tokens_per_s")) >= 8000.0);
  assert_true(json_integer_value(get(perf, "replicas")) > 1);
  assert_int_equal(json_integer_value(get(get(best, "layout"), "dp")),
                   json_integer_value(get(perf, "replicas")));
  json_decref(doc);
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "256",
      "--input-tokens", "2000", "--output-tokens", "500", "--throughput", "8000", "--gpu",
      "H200-NVL-141GB", "--top", "1");
  expect(&r, 0, "replicas, each tensor parallel ", NULL);
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "256",
      "--input-tokens", "2000", "--output-tokens", "500", "--throughput", "80000", "--gpu",
      "H200-NVL-141GB");
  expect(&r, 1, "tokens/s < --throughput 80000 on 8 x 8 x H200-NVL-141GB (", NULL);
  tu_result_free(&r);
}

/* The rejection names the target, the estimate, the configuration tried
 * and the bound. */
static void test_sla_rejection_words(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, DONE_WHEN, "--gpu", "L40S", "--max-nodes", "1");
  expect(&r, 1,
         "SLA        decode 14.4 tokens/s per user < --tokens-per-second 20 on 1 x 8 x L40S (2 "
         "replicas of tp 4, pp 1); bound interconnect\n",
         "no configuration fits");
  tu_result_free(&r);
  /* The same as JSON, with the code. */
  RUN(&r, DONE_WHEN, "--gpu", "L40S", "--max-nodes", "1", "--format", "json");
  expect(&r, 1, "\"code\": \"SLA\"", NULL);
  expect(&r, 1,
         "\"detail\": \"decode 14.4 tokens/s per user < --tokens-per-second 20 on 1 x 8 x L40S (2 "
         "replicas of tp 4, pp 1); bound interconnect\"",
         NULL);
  tu_result_free(&r);
  /* A time-to-first-token target no configuration meets. */
  RUN(&r, DONE_WHEN, "--gpu", "L40S", "--max-nodes", "1", "--tokens-per-second", "1", "--ttft-ms",
      "1");
  expect(&r, 2, NULL, "--tokens-per-second: given twice with different values");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "32",
      "--input-tokens", "2000", "--output-tokens", "500", "--ttft-ms", "1", "--gpu",
      "H200-SXM-141GB", "--max-nodes", "2");
  expect(&r, 1, "time to first token ", NULL);
  expect(&r, 1, " ms > --ttft-ms 1 on ", NULL);
  tu_result_free(&r);
}

/* With no target, the answer is today's and the estimate is added. */
static void test_no_target_changes_nothing_but_adds_the_estimate(void **state) {
  (void)state;
  tu_result a, b;
  RUN(&a, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "32",
      "--context", "2500", "--format", "csv");
  RUN(&b, "quote", "--model", "llama-3-70b", "--precision", "fp8", "--concurrency", "32",
      "--input-tokens", "2000", "--output-tokens", "500", "--format", "csv");
  expect(&a, 0, NULL, NULL);
  expect(&b, 0, NULL, NULL);
  /* Same first row up to the estimate columns: configuration and price. */
  const char *ra = strchr(a.out, '\n'), *rb = strchr(b.out, '\n');
  assert_non_null(ra);
  assert_non_null(rb);
  ra++;
  rb++;
  size_t n = 0;
  while (ra[n] != '\0' && ra[n] == rb[n] && ra[n] != '\n')
    n++;
  assert_true(n > 150); /* the same configuration, price, power and cautions */
  tu_result_free(&a);
  tu_result_free(&b);
}

/* --- The objective on a hand-built catalog -------------------------------------------- */

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

static gsz_gpu gpu(const char *sku, uint32_t tdp, int64_t price_usd) {
  gsz_gpu g;
  memset(&g, 0, sizeof g);
  g.sku = g.name = sku;
  g.vendor = "V";
  g.form_factor = "PCIe";
  g.memory_mib = g.usable_mib = 80 * 1024;
  g.bandwidth_gbs = 1000;
  g.tdp_w = tdp;
  g.datacenter_ok = g.sellable = g.verified = true;
  g.price.present = true;
  g.price.amount_minor = price_usd * 100;
  memcpy(g.price.currency, "USD", 4);
  return g;
}

typedef struct fixture {
  gsz_gpu gpus[2];
  gsz_server servers[1];
  gsz_fit fits[2];
  gsz_catalog_data data;
  gsz_model_ref model;
  gsz_workload w;
  gsz_match_options o;
  gsz_pricer pricer;
} fixture;

/* A 1,000 W card for 10,000 USD and a 200 W card for 12,000 USD, one per
 * server of 1,000 USD that draws nothing itself; a 7B model fits either. */
static void setup(fixture *f) {
  memset(f, 0, sizeof *f);
  f->gpus[0] = gpu("HOT", 1000, 10000);
  f->gpus[1] = gpu("COOL", 200, 12000);
  gsz_server *s = &f->servers[0];
  s->sku = s->name = "BOX";
  s->vendor = "V";
  s->gpu_form_factor = "PCIe";
  s->max_gpus = 1;
  s->rack_units = 2;
  s->psu_w = 3000;
  s->sellable = s->verified = true;
  s->price.present = true;
  s->price.amount_minor = 1000 * 100;
  memcpy(s->price.currency, "USD", 4);
  f->fits[0] = (gsz_fit){0, 0, 1};
  f->fits[1] = (gsz_fit){1, 0, 1};
  f->data.gpus = f->gpus;
  f->data.n_gpus = 2;
  f->data.servers = f->servers;
  f->data.n_servers = 1;
  f->data.fits = f->fits;
  f->data.n_fits = 2;
  gsz_model_ref_from_params(&f->model, 7000000000ull, "test");
  f->w.method = GSZ_METHOD_FULL;
  f->w.mode = GSZ_MODE_INFERENCE;
  f->w.weight_format = f->w.kv_format = f->w.compute_format = &bf16;
  f->w.context = 1;
  f->w.concurrency = 1;
  f->w.micro_batch = 1;
  f->w.runtime = &bare;
  gsz_match_options_init(&f->o);
}

static gsz_match_result *run(fixture *f) {
  gsz_catalog_pricer(&f->pricer, &f->data);
  gsz_match_result *res = NULL;
  gsz_diag diag;
  if (gsz_match_run(&res, &f->data, &f->model, &f->w, &f->o, &f->pricer, &diag) != GSZ_OK)
    fail_msg("match: %s", diag.message);
  return res;
}

static void test_objective_tco_changes_the_ranking(void **state) {
  (void)state;
  fixture f;
  setup(&f);
  gsz_match_result *res = run(&f);
  assert_true(res->found);
  assert_string_equal(res->best.gpu->sku, "HOT"); /* price: 11,000 against 13,000 */
  /* 1,000 W x 8,766 h x 3 years x PUE 1.3 = 34,187,400 Wh; at 0.15 USD per
   * kWh 5,128.11 USD. */
  assert_int_equal(res->best.cost.energy_wh, 34187400);
  assert_int_equal(res->best.cost.energy_minor, 512811);
  assert_int_equal(res->best.cost.capex_minor, 1100000);
  assert_int_equal(res->best.cost.tco_minor, 1612811);
  assert_false(res->best.cost.has_per_million); /* no architecture: no speed */
  gsz_match_result_free(res);

  f.o.cost.objective = GSZ_OBJECTIVE_TCO;
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "COOL");
  /* 200 W: 6,837,480 Wh, 1,025.62 USD; 13,000 + 1,025.62 < 16,128.11. */
  assert_int_equal(res->best.cost.energy_wh, 6837480);
  assert_int_equal(res->best.cost.energy_minor, 102562);
  assert_int_equal(res->best.cost.tco_minor, 1402562);
  assert_int_equal(res->n_alternatives, 1);
  assert_string_equal(res->alternatives[0].gpu->sku, "HOT");
  gsz_match_result_free(res);

  /* Energy at nearly nothing: TCO ranks as price does. */
  f.o.cost.power_price_milli = 1; /* 0.00001 USD per kWh */
  res = run(&f);
  assert_string_equal(res->best.gpu->sku, "HOT");
  gsz_match_result_free(res);

  /* One year, PUE 1.0, 0.10 USD: 8,766,000 Wh, 876.60 USD. */
  f.o.cost.objective = GSZ_OBJECTIVE_PRICE;
  f.o.cost.years = 1;
  f.o.cost.pue_centi = 100;
  f.o.cost.power_price_milli = 10000;
  res = run(&f);
  assert_int_equal(res->best.cost.energy_wh, 8766000);
  assert_int_equal(res->best.cost.energy_minor, 87660);
  gsz_match_result_free(res);
}

static void test_objective_through_the_cli(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "quote", "--model", "llama-3-8b", "--objective", "tco", "--years", "5", "--power-price",
      "0.2", "--pue", "1.5", "--format", "json");
  expect(&r, 0, NULL, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_non_null(doc);
  json_t *cost = get(get(doc, "request"), "cost");
  assert_string_equal(json_string_value(get(cost, "objective")), "tco");
  assert_int_equal(json_integer_value(get(cost, "years")), 5);
  assert_int_equal(json_integer_value(get(cost, "power_price_milli_minor")), 20000);
  /* Alternatives come in TCO order. */
  json_int_t last = json_integer_value(get(get(get(doc, "best"), "cost"), "tco_minor"));
  json_t *alts = get(doc, "alternatives");
  for (size_t i = 0; i < json_array_size(alts); i++) {
    json_int_t t = json_integer_value(get(get(json_array_get(alts, i), "cost"), "tco_minor"));
    assert_true(t >= last);
    last = t;
  }
  json_decref(doc);
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--objective", "cost-per-token", "--input-tokens",
      "1000", "--output-tokens", "200", "--concurrency", "16");
  expect(&r, 0, " per million output tokens at the estimated throughput", NULL);
  tu_result_free(&r);
}

/* --- size on a named configuration ------------------------------------------------------ */

static void test_size_shows_the_estimate_of_a_named_configuration(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "size", "--model", "llama-3-70b", "--precision", "fp8", "--gpu", "H100-SXM5-80GB",
      "--gpus", "8", "--tp", "4", "--concurrency", "64", "--input-tokens", "2000",
      "--output-tokens", "500");
  expect(&r, 0, "performance on H100-SXM5-80GB: ", NULL);
  expect(&r, 0, "at 64 concurrent (2000 input + 500 output tokens; 2 replicas of tensor parallel 4",
         NULL);
  expect(&r, 0, "layout tp 4 x pp 1 x dp 2", NULL);
  tu_result_free(&r);
  /* More requests than fit: the largest batch that fits, said so. */
  RUN(&r, "size", "--model", "llama-3-70b", "--precision", "fp8", "--gpu", "H100-SXM5-80GB",
      "--gpus", "2", "--tp", "2", "--concurrency", "4000", "--input-tokens", "2000",
      "--output-tokens", "500", "--format", "json");
  expect(&r, 0, NULL, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_non_null(doc);
  json_t *perf = get(doc, "performance");
  assert_true(json_is_true(get(perf, "batch_capped")));
  assert_string_equal(json_string_value(get(perf, "bound")), "kv_capacity");
  assert_true(json_integer_value(get(perf, "max_concurrency")) < 4000);
  json_decref(doc);
  tu_result_free(&r);
  RUN(&r, "size", "--model", "llama-3-70b", "--precision", "fp8", "--gpu", "H100-SXM5-80GB",
      "--gpus", "2", "--tp", "2", "--concurrency", "4000", "--input-tokens", "2000",
      "--output-tokens", "500");
  expect(&r, 0, "the estimate uses the largest batch that fits", NULL);
  tu_result_free(&r);
  RUN(&r, "size", "--model", "llama-3-8b", "--mode", "train", "--gpu", "H100-SXM5-80GB", "--gpus",
      "8", "--zero", "3", "--train-tokens", "1e11");
  expect(&r, 0, "performance on H100-SXM5-80GB: ", NULL);
  expect(&r, 0, " days for 100,000,000,000 training tokens", NULL);
  tu_result_free(&r);
}

/* --- Bad values ----------------------------------------------------------------------- */

static void test_bad_values_exit_2_naming_the_flag(void **state) {
  (void)state;
  static const struct {
    const char *flag, *value, *err;
  } bad[] = {
      {"--tokens-per-second", "abc", "--tokens-per-second: expected tokens per second"},
      {"--tokens-per-second", "0", "--tokens-per-second: expected tokens per second"},
      {"--throughput", "-5", "--throughput: expected output tokens per second"},
      {"--ttft-ms", "0", "--ttft-ms: '0' is out of range"},
      {"--input-tokens", "0", "--input-tokens: '0' is out of range"},
      {"--output-tokens", "x", "--output-tokens: "},
      {"--deadline-days", "30", "--deadline-days: applies to training only"},
      {"--train-tokens", "1e12", "--train-tokens: applies to training only"},
      {"--objective", "cheap", "--objective: unknown objective 'cheap'"},
      {"--years", "0", "--years: '0' is out of range (1 to 30)"},
      {"--power-price", "-1", "--power-price: expected a price per kWh in USD"},
      {"--power-price", "0.1234567", "--power-price: expected a price per kWh in USD"},
      {"--pue", "0.5", "--pue: expected a power usage effectiveness"},
  };
  tu_result r;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    RUN(&r, "quote", "--model", "llama-3-8b", bad[i].flag, bad[i].value);
    expect(&r, 2, NULL, bad[i].err);
    assert_string_equal(r.out, "");
    tu_result_free(&r);
  }
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--deadline-days", "30");
  expect(&r, 2, NULL, "--deadline-days: needs --train-tokens");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--train-tokens", "1.5");
  expect(&r, 2, NULL, "--train-tokens: ");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--tokens-per-second", "20");
  expect(&r, 2, NULL, "--tokens-per-second: applies to inference only");
  tu_result_free(&r);
  RUN(&r, "quote", "--params", "7B", "--ttft-ms", "500");
  expect(&r, 2, NULL, "--ttft-ms: speed targets need the model's architecture");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--method", "quick", "--throughput", "100");
  expect(&r, 2, NULL, "--method: quick gives no speed estimate");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--context", "1000", "--input-tokens", "2000");
  expect(&r, 2, NULL, "--input-tokens: 2000 input + 256 output tokens do not fit the --context");
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--mode", "train", "--objective", "cost-per-token");
  expect(&r, 2, NULL, "--objective: cost-per-token ranks inference");
  tu_result_free(&r);
  RUN(&r, "size", "--model", "llama-3-8b", "--gpu", "H100-SXM5-80GB", "--gpus", "6", "--tp", "4");
  expect(&r, 2, NULL, "--gpus: 6 GPUs do not split into replicas of --tp 4 x --pp 1 GPUs");
  tu_result_free(&r);
  RUN(&r, "size", "--model", "llama-3-8b", "--gpus", "8", "--tp", "4", "--dp", "3");
  expect(&r, 2, NULL, "--gpus: 8 GPUs of --tp 4 x --pp 1 make 2 replicas, not --dp 3");
  tu_result_free(&r);
}

/* A batch file takes the new fields as columns. */
static void test_batch_columns(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *in = tu_path(dir, "in.csv");
  static const char csv[] =
      "id,model,precision,concurrency,input_tokens,output_tokens,tokens_per_second,objective\n"
      "a,llama-3-70b,fp8,32,2000,500,20,tco\n"
      "b,llama-3-70b,fp8,32,2000,500,0,price\n";
  tu_write_file(in, csv, sizeof csv - 1);
  tu_result r;
  RUN(&r, "batch", in, "--format", "csv");
  expect(&r, 0, "a,ok,", NULL);
  expect(&r, 0, "column 'tokens_per_second': expected tokens per second", NULL);
  tu_result_free(&r);
  tu_rmdir_all(dir);
  free(in);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inference_quote_meets_both_targets_and_names_the_bound),
      cmocka_unit_test(test_training_quote_meets_the_deadline),
      cmocka_unit_test(test_sla_rejection_words),
      cmocka_unit_test(test_throughput_target_uses_replicas),
      cmocka_unit_test(test_no_target_changes_nothing_but_adds_the_estimate),
      cmocka_unit_test(test_objective_tco_changes_the_ranking),
      cmocka_unit_test(test_objective_through_the_cli),
      cmocka_unit_test(test_size_shows_the_estimate_of_a_named_configuration),
      cmocka_unit_test(test_bad_values_exit_2_naming_the_flag),
      cmocka_unit_test(test_batch_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
