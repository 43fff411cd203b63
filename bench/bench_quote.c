/* bench_quote.c: measures quotes on one catalog and prints `name value
 * unit` lines: quick and full quotes per second on one core, per-quote
 * latency p50/p99, catalog load time, the start-to-answer time of the
 * gpusizer program (median of 20), peak RSS, and a baseline: the same
 * quick-method question answered by one SQL query over the same database,
 * checked to give the same answers on a sample, with the speed ratio.
 *
 * usage: bench_quote --label NAME [--db FILE] [--binary PATH] [--seconds S]
 *                    [--only quick|full|sla]   (one method only, for profiling) */
#define _GNU_SOURCE
#include "gpusizer/gpusizer.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double percentile(double *v, size_t n, double p) {
  qsort(v, n, sizeof *v, compare_double);
  size_t i = (size_t)(p * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

/* The workloads quoted in turn: a sample of sizes and shapes. */
static const char *const sample_models[] = {"llama-3-8b",     "llama-3-70b",  "qwen2.5-7b",
                                            "qwen2.5-72b",    "mixtral-8x7b", "gemma-2-27b",
                                            "llama-3.1-405b", "deepseek-v3"};
#define N_SAMPLES (sizeof sample_models / sizeof sample_models[0])

typedef struct setup {
  const gsz_catalog_data *data;
  gsz_overlay *overlay; /* the empty overlay: catalog prices, as the CLI prices them */
  gsz_model_ref models[N_SAMPLES];
  gsz_workload quick[N_SAMPLES], full[N_SAMPLES];
  gsz_pricer pricer;
  gsz_match_options options;
  gsz_match_options sla; /* service-level targets: 20 tokens/s per user, first token in 2 s */
} setup;

enum { QUICK, FULL, SLA };

static int prepare(setup *s, const gsz_catalog_data *d) {
  s->data = d;
  if (gsz_overlay_load(&s->overlay, NULL, 0, d, NULL, NULL) != GSZ_OK)
    return -1;
  gsz_overlay_pricer(&s->pricer, s->overlay);
  gsz_match_options_init(&s->options);
  s->sla = s->options;
  s->sla.sla.min_user_mtps = 20000;
  s->sla.sla.max_ttft_ms = 2000;
  for (size_t i = 0; i < N_SAMPLES; i++) {
    const gsz_arch *a = gsz_catalog_find_model(d, sample_models[i]);
    if (a == NULL || gsz_model_ref_from_arch(&s->models[i], a, NULL) != GSZ_OK ||
        gsz_workload_defaults(&s->full[i], d, GSZ_MODE_INFERENCE, NULL) != GSZ_OK)
      return -1;
    s->full[i].context = 8192;
    s->full[i].concurrency = 8;
    /* As the CLI sets them: the speed estimate of every fitting candidate. */
    s->full[i].input_tokens = 7168;
    s->full[i].output_tokens = 1024;
    s->quick[i] = s->full[i];
    s->quick[i].method = GSZ_METHOD_QUICK;
  }
  return 0;
}

/* Quotes per second over about `seconds`, cycling through the sample. */
static double rate(const setup *s, int mode, double seconds, double *latencies, size_t cap,
                   size_t *n_lat) {
  size_t done = 0;
  double start = now_s(), end = start + seconds;
  *n_lat = 0;
  for (;;) {
    size_t i = done % N_SAMPLES;
    double t0 = now_s();
    gsz_match_result *res = NULL;
    if (gsz_match_run(&res, s->data, &s->models[i], mode == QUICK ? &s->quick[i] : &s->full[i],
                      mode == SLA ? &s->sla : &s->options, &s->pricer, NULL) != GSZ_OK) {
      fprintf(stderr, "bench_quote: a quote failed\n");
      exit(1);
    }
    gsz_match_result_free(res);
    double t1 = now_s();
    if (*n_lat < cap)
      latencies[(*n_lat)++] = (t1 - t0) * 1e6;
    done++;
    if (t1 >= end)
      break;
  }
  return (double)done / (now_s() - start);
}

/* The baseline a maintainer might write: every GPU x server x count in one
 * query over the catalog's own views (server_gpu_count expands count
 * ranges), with the rules the matcher applies to a quick quote: sellable
 * and not end of sale, the consumer licence, the node's draw within its
 * power supplies' sustained share (psu_load_max_bp) and a workstation's
 * wall outlet, the memory the runtime sees (gpu_visible_memory); ranked
 * as the matcher ranks (catalog prices, default constraints). One node
 * only: the network gear that several nodes need is more than one query
 * can price, so a workload whose cheapest answer spans nodes is a
 * disagreement (bench/README.md). */
static const char *const baseline_sql =
    "WITH st AS (SELECT "
    "  (SELECT CAST(value AS INTEGER) FROM setting WHERE name = 'psu_load_max_bp') AS psu_bp, "
    "  (SELECT CAST(value AS INTEGER) FROM setting WHERE name = 'wall_outlet_w') AS outlet_w), "
    "c AS (SELECT g.sku AS gpu, s.sku AS server, sg.gpu_count AS n, "
    "  s.chassis = 'workstation' AS ws, "
    "  sg.gpu_count * g.tdp_w + s.base_w AS draw, "
    "  s.psu_w * coalesce(s.psu_load_max_bp, st.psu_bp, 10000) / 10000 AS psu_limit, "
    "  st.outlet_w AS outlet_w, "
    "  coalesce(v.visible_mib, g.usable_mib) * 1048576 AS visible, "
    "  sp.amount_minor + CASE WHEN s.gpus_included THEN 0 "
    "                    ELSE sg.gpu_count * gp.amount_minor END AS total "
    "  FROM server_gpu_count sg "
    "  JOIN gpu g ON g.sku = sg.gpu_sku "
    "  JOIN server s ON s.sku = sg.server_sku "
    "  JOIN price_current sp ON sp.kind = 'server' AND sp.sku = s.sku "
    "  LEFT JOIN price_current gp ON gp.kind = 'gpu' AND gp.sku = g.sku "
    "  LEFT JOIN gpu_visible_memory v ON v.gpu_sku = g.sku "
    "  CROSS JOIN st "
    "  WHERE g.sellable = 1 AND s.sellable = 1 "
    "    AND g.lifecycle <> 'end_of_sale' AND s.lifecycle <> 'end_of_sale' "
    "    AND (g.datacenter_ok = 1 OR s.chassis = 'workstation') "
    "    AND (s.gpus_included = 1 OR gp.amount_minor IS NOT NULL)) "
    "SELECT gpu, server, n, 1, total, "
    "  (visible - (?1 + n - 1) / n) * 10000 / visible AS headroom, draw "
    "FROM c "
    "WHERE draw <= psu_limit AND (NOT ws OR outlet_w IS NULL OR draw <= outlet_w) "
    "  AND n * visible >= ?1 "
    "ORDER BY total, n, headroom DESC, draw, gpu, server "
    "LIMIT 1";

typedef struct answer {
  char gpu[64], server[64];
  int count, nodes;
  long long total;
} answer;

static int sql_answer(sqlite3_stmt *st, uint64_t total_bytes, answer *a) {
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, (sqlite3_int64)total_bytes);
  memset(a, 0, sizeof *a);
  if (sqlite3_step(st) != SQLITE_ROW)
    return 0;
  snprintf(a->gpu, sizeof a->gpu, "%s", (const char *)sqlite3_column_text(st, 0));
  snprintf(a->server, sizeof a->server, "%s", (const char *)sqlite3_column_text(st, 1));
  a->count = sqlite3_column_int(st, 2);
  a->nodes = sqlite3_column_int(st, 3);
  a->total = sqlite3_column_int64(st, 4);
  return 1;
}

static void baseline(const setup *s, const char *db_path, const char *label, double quick_rate) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  if (db_path == NULL) {
    /* The built-in catalog, written out so SQLite can query it. */
    static char tmp[] = "/tmp/gsz-bench-XXXXXX";
    int fd = mkstemp(tmp);
    close(fd);
    unlink(tmp);
    if (gsz_db_init(tmp, false, NULL) != GSZ_OK)
      return;
    db_path = tmp;
  }
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, baseline_sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "bench_quote: baseline: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return;
  }
  /* Agreement on the sample. */
  size_t agree = 0;
  uint64_t totals[N_SAMPLES];
  for (size_t i = 0; i < N_SAMPLES; i++) {
    gsz_estimate e;
    gsz_memory_estimate(&e, &s->models[i], &s->quick[i], (gsz_layout){1, 1, 1}, NULL);
    totals[i] = e.total_bytes;
    answer sql;
    int found = sql_answer(st, totals[i], &sql);
    gsz_match_result *res = NULL;
    gsz_match_run(&res, s->data, &s->models[i], &s->quick[i], &s->options, &s->pricer, NULL);
    bool same = found == res->found;
    if (same && found)
      same = strcmp(sql.gpu, res->best.gpu->sku) == 0 &&
             strcmp(sql.server, res->best.server->sku) == 0 &&
             sql.count == (int)res->best.gpus_per_node && sql.nodes == (int)res->best.nodes &&
             sql.total == res->best.price.total_minor;
    if (!same)
      fprintf(
          stderr,
          "bench_quote: %s disagrees on %s: sql %s/%s x%d n%d %lld, gpusizer %s/%s x%u n%u %lld\n",
          label, sample_models[i], sql.gpu, sql.server, sql.count, sql.nodes, sql.total,
          res->found ? res->best.gpu->sku : "-", res->found ? res->best.server->sku : "-",
          res->found ? res->best.gpus_per_node : 0, res->found ? res->best.nodes : 0,
          res->found ? (long long)res->best.price.total_minor : 0);
    agree += same;
    gsz_match_result_free(res);
  }
  printf("%s.sql_agreement %zu of %zu\n", label, agree, (size_t)N_SAMPLES);
  /* Speed: at least 3 queries, at most ~2 s. */
  size_t done = 0;
  double start = now_s();
  answer a;
  do {
    sql_answer(st, totals[done % N_SAMPLES], &a);
    done++;
  } while (done < 3 || (now_s() - start < 2.0 && done < 100000));
  double sql_rate = (double)done / (now_s() - start);
  printf("%s.sql_baseline_queries_per_sec %.1f per_s\n", label, sql_rate);
  printf("%s.speedup_vs_sql %.1f x\n", label, quick_rate / sql_rate);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* Start-to-answer time of one `gpusizer quote` process, median of 20. */
static void process_time(const char *binary, const char *db_path, const char *label) {
  double times[20];
  for (int i = 0; i < 20; i++) {
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", 1);
      dup2(null, 1);
      dup2(null, 2);
      if (db_path)
        execl(binary, binary, "quote", "--model", "llama-3-70b", "--context", "8192",
              "--concurrency", "8", "--db", db_path, (char *)NULL);
      else
        execl(binary, binary, "quote", "--model", "llama-3-70b", "--context", "8192",
              "--concurrency", "8", (char *)NULL);
      _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    times[i] = (now_s() - t0) * 1e3;
  }
  printf("%s.process_quote_median %.2f ms\n", label, percentile(times, 20, 0.5));
}

int main(int argc, char **argv) {
  const char *label = "builtin", *db_path = NULL, *binary = NULL, *only = NULL;
  double seconds = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--label") == 0)
      label = argv[i + 1];
    else if (strcmp(argv[i], "--db") == 0)
      db_path = argv[i + 1];
    else if (strcmp(argv[i], "--binary") == 0)
      binary = argv[i + 1];
    else if (strcmp(argv[i], "--seconds") == 0)
      seconds = strtod(argv[i + 1], NULL);
    else if (strcmp(argv[i], "--only") == 0)
      only = argv[i + 1];
  }
  double t0 = now_s();
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  if (gsz_catalog_open(&cat, db_path, &diag) != GSZ_OK) {
    fprintf(stderr, "bench_quote: %s\n", diag.message);
    return 1;
  }
  double load_ms = (now_s() - t0) * 1e3;
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  setup s;
  if (prepare(&s, d) != 0) {
    fprintf(stderr, "bench_quote: the sample models are not in the catalog\n");
    return 1;
  }
  printf("%s.gpus %zu count\n%s.servers %zu count\n%s.server_gpu_rows %zu count\n", label,
         d->n_gpus, label, d->n_servers, label, d->n_fits);
  printf("%s.catalog_load %.2f ms\n", label, load_ms);
  static double lat[1 << 20];
  size_t n_lat;
  if (only != NULL) { /* one method for `perf record`: quick, full or sla */
    if (strcmp(only, "quick") != 0 && strcmp(only, "full") != 0 && strcmp(only, "sla") != 0) {
      fprintf(stderr, "bench_quote: --only %s: expected quick, full or sla\n", only);
      return 2;
    }
    int mode = strcmp(only, "full") == 0 ? FULL : strcmp(only, "sla") == 0 ? SLA : QUICK;
    double r = rate(&s, mode, seconds, lat, sizeof lat / sizeof lat[0], &n_lat);
    printf("%s.%s_quotes_per_sec %.0f per_s\n", label, only, r);
    printf("%s.%s_latency_p50 %.1f us\n", label, only, percentile(lat, n_lat, 0.50));
    gsz_overlay_free(s.overlay);
    gsz_catalog_free(cat);
    return 0;
  }
  double quick = rate(&s, QUICK, seconds, lat, sizeof lat / sizeof lat[0], &n_lat);
  printf("%s.quick_quotes_per_sec %.0f per_s\n", label, quick);
  printf("%s.quick_latency_p50 %.1f us\n", label, percentile(lat, n_lat, 0.50));
  printf("%s.quick_latency_p99 %.1f us\n", label, percentile(lat, n_lat, 0.99));
  double full = rate(&s, FULL, seconds, lat, sizeof lat / sizeof lat[0], &n_lat);
  printf("%s.full_quotes_per_sec %.0f per_s\n", label, full);
  printf("%s.full_latency_p50 %.1f us\n", label, percentile(lat, n_lat, 0.50));
  printf("%s.full_latency_p99 %.1f us\n", label, percentile(lat, n_lat, 0.99));
  double sla = rate(&s, SLA, seconds, lat, sizeof lat / sizeof lat[0], &n_lat);
  printf("%s.sla_quotes_per_sec %.0f per_s\n", label, sla);
  printf("%s.sla_latency_p50 %.1f us\n", label, percentile(lat, n_lat, 0.50));
  printf("%s.sla_latency_p99 %.1f us\n", label, percentile(lat, n_lat, 0.99));
  baseline(&s, db_path, label, quick);
  if (binary != NULL)
    process_time(binary, db_path, label);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%s.peak_rss %ld KiB\n", label, ru.ru_maxrss);
  gsz_overlay_free(s.overlay);
  gsz_catalog_free(cat);
  return 0;
}
