/* cmd_batch.c: `gpusizer batch FILE`: many quote requests, one row each,
 * for procurement planning. The catalog and the overlay are loaded once;
 * each row is answered exactly as `gpusizer quote` would answer its flags;
 * a bad row is reported in its own row and the others go on; the output
 * file appears whole or not at all. */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void help(void) {
  fputs("usage: gpusizer batch FILE.csv|FILE.yaml [-o OUT] [OPTIONS]\n"
        "\n"
        "Answers many quote requests at once. FILE is CSV with a header row, or YAML (a\n"
        "list of mappings); each column or key is the long name of a quote flag (model,\n"
        "params, hf_config, precision, mode, method, context, concurrency, batch,\n"
        "optimizer, max_nodes, stock, budget, gpu, ...; '_' or '-'), and an 'id' column\n"
        "is echoed. Repeatable flags take several values separated by ';' (gpu:\n"
        "H100;L40S), or in YAML a list (gpu: [H100, L40S]). Switches (allow_consumer)\n"
        "take true or false. An unknown column stops the batch before any work.\n"
        "\n"
        "Output, one row per request in input order: id, status (ok|no_fit|error),\n"
        "gpu_sku, server_sku, gpus_per_node, nodes, total_gpus, per_gpu_bytes,\n"
        "usable_bytes, total_minor, currency, buildable_from_stock, error. A bad row\n"
        "gets status error with its row number and does not stop the others.\n"
        "\n"
        "options:\n"
        "  -o, --output OUT         write here (whole or not at all) instead of stdout\n"
        "  --format F               csv (default) or json\n" CLI_CSV_RAW_HELP
        "  --summary FILE           write the summary there instead of stderr (first:\n"
        "                           when it cannot be written, nothing else is)\n"
        "  --pricing FILE           pricing overlay for every row (repeatable)\n"
        "  --allow-expired          accept an overlay past its valid_until\n"
        "  --db FILE                catalog file (default: $GPUSIZER_DB, else built-in)\n"
        "  -h, --help               this help\n"
        "\n"
        "The summary (rows ok / no_fit / error, cost by GPU, GPUs needed vs in stock)\n"
        "goes to stderr; a progress line too when stderr is a terminal. Exit 0 when\n"
        "every row was processed (even no_fit and error rows), 2 when the input itself\n"
        "is unusable, 4 when --summary or the output could not be written (the message\n"
        "says which, and whether the other was written).\n"
        "\n" CLI_CSV_GUARD_HELP,
        stdout);
}

/* The request key a column names ('_' and '-' alike); -1 for "id", -2 for
 * a column that is not a quote flag. */
static int column_key(const char *column) {
  char name[64];
  snprintf(name, sizeof name, "%s", column);
  for (char *p = name; *p; p++)
    if (*p == '_')
      *p = '-';
  if (strcmp(name, "id") == 0)
    return -1;
  for (int k = 0; k < REQ_COUNT; k++)
    if ((req_keys[k].scope & REQ_QUOTE) && k != REQ_PRICING && k != REQ_ALLOW_EXPIRED &&
        k != REQ_EXPLAIN && strcmp(req_keys[k].name, name) == 0)
      return k;
  return -2;
}

static int check_columns(const gsz_batch_input *in, const char *file, int *keys) {
  for (size_t c = 0; c < in->n_columns; c++) {
    keys[c] = column_key(in->columns[c]);
    if (keys[c] != -2)
      continue;
    const char *name = in->columns[c];
    const char *names[REQ_COUNT];
    size_t n = 0;
    for (int k = 0; k < REQ_COUNT; k++)
      if (req_keys[k].scope & REQ_QUOTE)
        names[n++] = req_keys[k].name;
    const char *best = gsz_suggest_nearest(name, names, n);
    if (strcmp(name, "pricing") == 0)
      cli_error("batch",
                "%s: column 'pricing': the overlay applies to the whole batch; give "
                "--pricing FILE instead",
                file);
    else
      cli_error("batch",
                "%s: unknown column '%s'%s%s%s (columns are quote flags such as model, "
                "precision, context; see 'gpusizer quote --help')",
                file, name, best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* A row's values as a request. Repeatable keys split on ';'; switches
 * are set by true/yes/1 and left unset by false/no/0. */
static gsz_err row_request(cli_request *req, char *scratch, size_t scratch_size,
                           const gsz_batch_input *in, const gsz_batch_row *row, const int *keys,
                           gsz_diag *diag) {
  memset(req, 0, sizeof *req);
  size_t used = 0;
  for (size_t c = 0; c < in->n_columns; c++) {
    const char *v = row->values[c];
    if (v == NULL || keys[c] < 0)
      continue;
    req_key key = (req_key)keys[c];
    if (req_keys[key].arg == NULL) {
      if (cli_ieq(v, "false") || cli_ieq(v, "no") || strcmp(v, "0") == 0)
        continue;
      if (!cli_ieq(v, "true") && !cli_ieq(v, "yes") && strcmp(v, "1") != 0) {
        diag->code = GSZ_EINVAL;
        snprintf(diag->message, sizeof diag->message,
                 "column '%s': expected true or false, got '%s'", in->columns[c], v);
        return GSZ_EINVAL;
      }
      req->value[key] = "true";
      continue;
    }
    const char *why = NULL;
    if (!req_keys[key].repeatable) {
      req_set(req, key, v, &why);
      continue;
    }
    /* Copy so the ';' can be cut into separate values. */
    size_t len = strlen(v);
    if (used + len + 1 > scratch_size) {
      diag->code = GSZ_ELIMIT;
      snprintf(diag->message, sizeof diag->message, "row too long");
      return GSZ_ELIMIT;
    }
    char *copy = scratch + used;
    memcpy(copy, v, len + 1);
    used += len + 1;
    for (char *p = copy; p != NULL;) {
      char *semi = strchr(p, ';');
      if (semi != NULL)
        *semi = '\0';
      while (*p == ' ')
        p++;
      if (*p != '\0' && !req_set(req, key, p, &why)) {
        diag->code = GSZ_EINVAL;
        snprintf(diag->message, sizeof diag->message, "column '%s': %s", in->columns[c], why);
        return GSZ_EINVAL;
      }
      p = semi ? semi + 1 : NULL;
    }
  }
  return GSZ_OK;
}

/* "MEMORY x12, MAX_NODES x5": why nothing fit, most frequent first. */
static void no_fit_reasons(char *buf, size_t size, const gsz_match_result *res) {
  size_t counts[GSZ_REASON_COUNT] = {0};
  for (size_t i = 0; i < res->n_rejected; i++)
    for (unsigned k = 0; k < res->rejected[i].n_reasons && !res->rejected[i].filtered; k++)
      counts[res->rejected[i].reasons[k].code]++;
  size_t used = (size_t)snprintf(buf, size, "no configuration fits:");
  for (int round = 0; round < GSZ_REASON_COUNT && used < size; round++) {
    int best = -1;
    for (int c = 0; c < GSZ_REASON_COUNT; c++)
      if (counts[c] > 0 && (best < 0 || counts[c] > counts[best]))
        best = c;
    if (best < 0)
      break;
    used += (size_t)snprintf(buf + used, size - used, "%s %s x%zu", round ? "," : "",
                             gsz_reason_name((gsz_reason_code)best), counts[best]);
    counts[best] = 0;
  }
}

static void progress(size_t done, size_t total, const struct timespec *start, bool final) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double secs = (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
  double rate = secs > 0 ? done / secs : 0;
  double eta = rate > 0 ? (total - done) / rate : 0;
  int width = 30, filled = total ? (int)(width * done / total) : width;
  fprintf(stderr, "\r[%.*s%.*s] %zu/%zu rows, %.0f rows/s, ETA %.0f s ", filled,
          "##############################", width - filled, "..............................", done,
          total, rate, eta);
  if (final)
    fputc('\n', stderr);
  fflush(stderr);
}

/* Write the summary file (when asked for), then the rows to output or
 * stdout, else the summary to stderr. The summary goes first because the
 * rows are what a planner acts on: they must not appear, as if the batch
 * had gone through, beside a summary that could not be written. So when
 * --summary fails nothing is written and an older output file stays as it
 * was; when the rows fail after it, the message says the summary was.
 * Returns an exit status. */
static int write_results(const char *cmd, const char *output, const char *text, size_t len,
                         const char *summary_path, const char *summary, size_t summary_len) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (summary_path != NULL &&
      gsz_write_file_atomic(summary_path, summary, summary_len, true, &diag) != GSZ_OK) {
    cli_error(cmd, "--summary: %s; the %s not written", diag.message,
              output ? "output file was" : "rows were");
    return EXIT_SYSTEM;
  }
  fflush(stdout); /* the summary may have gone to the same place (/dev/stdout) */
  bool written;
  if (output != NULL) {
    written = gsz_write_file_atomic(output, text, len, true, &diag) == GSZ_OK;
    if (!written)
      cli_error(cmd, "-o: %s%s%s%s", diag.message,
                summary_path ? "; the summary was written to '" : "",
                summary_path ? summary_path : "", summary_path ? "'" : "");
  } else {
    written = cli_write(cmd, text, len); /* says why itself */
  }
  if (!written)
    return EXIT_SYSTEM;
  if (summary_path == NULL)
    fputs(summary, stderr);
  return EXIT_OK;
}

typedef struct row_text {
  char id[128];
  char gpu[72], server[72];
  char error[GSZ_DIAG_MESSAGE_MAX + 32];
} row_text;

int cmd_batch(int argc, char **argv) {
  const char *cmd = "batch";
  enum { OPT_SUMMARY = 4000, OPT_PRICING, OPT_ALLOW_EXPIRED };
  static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                          {"format", required_argument, NULL, CLI_OPT_FORMAT},
                                          {"csv-raw", no_argument, NULL, CLI_OPT_CSV_RAW},
                                          {"summary", required_argument, NULL, OPT_SUMMARY},
                                          {"pricing", required_argument, NULL, OPT_PRICING},
                                          {"allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED},
                                          {"db", required_argument, NULL, CLI_OPT_DB},
                                          {"help", no_argument, NULL, CLI_OPT_HELP},
                                          {NULL, 0, NULL, 0}};
  const char *output = NULL, *summary_path = NULL, *db = NULL;
  gsz_output_format format = GSZ_OUTPUT_CSV;
  bool csv_raw = false;
  cli_request batch_flags;
  memset(&batch_flags, 0, sizeof batch_flags);
  gsz_diag diag;
  gsz_diag_clear(&diag);
  const char *why = NULL;
  int opt;
  while ((opt = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
    switch (opt) {
    case 'o':
      output = optarg;
      break;
    case CLI_OPT_FORMAT:
      if (gsz_output_format_parse(&format, optarg, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--format: %s", diag.message);
      if (format != GSZ_OUTPUT_CSV && format != GSZ_OUTPUT_JSON)
        return cli_usage_error(cmd, "--format: batch writes csv or json");
      break;
    case OPT_SUMMARY:
      summary_path = optarg;
      break;
    case OPT_PRICING:
      if (!req_set(&batch_flags, REQ_PRICING, optarg, &why))
        return cli_usage_error(cmd, "--pricing %s", why);
      break;
    case OPT_ALLOW_EXPIRED:
      batch_flags.value[REQ_ALLOW_EXPIRED] = "true";
      break;
    case CLI_OPT_CSV_RAW:
      csv_raw = true;
      break;
    case CLI_OPT_DB:
      db = optarg;
      break;
    case CLI_OPT_HELP:
      help();
      return cli_finish(cmd, EXIT_OK);
    default:
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind >= argc)
    return cli_usage_error(cmd, "which batch file? give FILE.csv or FILE.yaml");
  if (optind + 1 < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
  int csv_status = cli_csv_raw(cmd, &format, csv_raw);
  if (csv_status != EXIT_OK)
    return csv_status;
  const char *file = argv[optind];

  gsz_batch_input *in = NULL;
  gsz_err err = gsz_batch_read(&in, file, &diag);
  if (err != GSZ_OK) {
    cli_error(cmd, "%s", diag.message);
    return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
  }
  int *keys = calloc(in->n_columns ? in->n_columns : 1, sizeof *keys);
  gsz_batch_result *results = calloc(in->n_rows ? in->n_rows : 1, sizeof *results);
  row_text *texts = calloc(in->n_rows ? in->n_rows : 1, sizeof *texts);
  gsz_catalog *catalog = NULL;
  gsz_overlay *overlay = NULL;
  char *text = NULL, *summary = NULL;
  size_t len = 0, summary_len = 0;
  int status = EXIT_OK;
  if (keys == NULL || results == NULL || texts == NULL) {
    cli_error(cmd, "out of memory");
    status = EXIT_SYSTEM;
    goto done;
  }
  if ((status = check_columns(in, file, keys)) != EXIT_OK)
    goto done;
  if ((status = cli_open_catalog(&catalog, cmd, db)) != EXIT_OK)
    goto done;
  const gsz_catalog_data *data = gsz_catalog_get(catalog);
  if ((status = req_load_overlay(&overlay, &batch_flags, data, cmd)) != EXIT_OK)
    goto done;
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, overlay);

  bool show_progress = isatty(STDERR_FILENO) && in->n_rows > 1;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  size_t id_col = (size_t)-1;
  for (size_t c = 0; c < in->n_columns; c++)
    if (keys[c] == -1)
      id_col = c;
  char scratch[64 * 1024];
  for (size_t i = 0; i < in->n_rows; i++) {
    const gsz_batch_row *row = &in->rows[i];
    gsz_batch_result *res = &results[i];
    row_text *t = &texts[i];
    if (id_col != (size_t)-1 && row->values[id_col] != NULL) {
      snprintf(t->id, sizeof t->id, "%s", row->values[id_col]);
      res->id = t->id;
    }
    memcpy(res->currency, pricer.currency, 4);
    cli_request req;
    cli_resolved r;
    bool resolved = false;
    gsz_match_options opts;
    gsz_match_result *match = NULL;
    gsz_diag_clear(&diag);
    if (row->error != NULL) {
      err = GSZ_EPARSE;
      snprintf(diag.message, sizeof diag.message, "%s", row->error);
    } else {
      err = row_request(&req, scratch, sizeof scratch, in, row, keys, &diag);
    }
    if (err == GSZ_OK && (err = req_resolve(&r, &req, data, true, &diag)) == GSZ_OK)
      resolved = true;
    if (err == GSZ_OK)
      err = req_match_options(&opts, &req, &r, data, &pricer, true, &diag);
    if (err == GSZ_OK)
      err = gsz_match_run(&match, data, &r.model, &r.workload, &opts, &pricer, &diag);
    if (err == GSZ_ENOMEM) {
      cli_error(cmd, "row %zu: out of memory", row->number);
      status = EXIT_SYSTEM;
      if (resolved)
        req_resolved_free(&r);
      goto done;
    }
    if (err != GSZ_OK) {
      res->status = GSZ_BATCH_ERROR;
      snprintf(t->error, sizeof t->error, "row %zu: %s", row->number, diag.message);
      res->error = t->error;
    } else if (!match->found) {
      res->status = GSZ_BATCH_NO_FIT;
      no_fit_reasons(t->error, sizeof t->error, match);
      res->error = t->error;
    } else {
      const gsz_candidate *b = &match->best;
      res->status = GSZ_BATCH_OK;
      snprintf(t->gpu, sizeof t->gpu, "%s", b->gpu->sku);
      snprintf(t->server, sizeof t->server, "%s", b->server->sku);
      res->gpu_sku = t->gpu;
      res->server_sku = t->server;
      res->gpus_per_node = b->gpus_per_node;
      res->nodes = b->nodes;
      res->total_gpus = b->total_gpus;
      res->per_gpu_bytes = b->per_gpu_bytes;
      res->usable_bytes = b->usable_bytes;
      res->gpus_included = b->server->gpus_included;
      res->total_minor = b->price.total_minor;
      res->buildable_from_stock = b->stock.buildable;
    }
    gsz_match_result_free(match);
    if (resolved)
      req_resolved_free(&r);
    if (show_progress && (i % 50 == 0 || i + 1 == in->n_rows))
      progress(i + 1, in->n_rows, &start, i + 1 == in->n_rows);
  }

  if ((err = gsz_report_batch(&text, &len, results, in->n_rows, format, &diag)) != GSZ_OK ||
      (err = gsz_report_batch_summary(&summary, &summary_len, results, in->n_rows, data,
                                      pricer.minor_digits, &diag)) != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  status = write_results(cmd, output, text, len, summary_path, summary, summary_len);
done:
  gsz_free(text);
  gsz_free(summary);
  gsz_overlay_free(overlay);
  gsz_catalog_free(catalog);
  free(texts);
  free(results);
  free(keys);
  gsz_batch_input_free(in);
  return cli_finish(cmd, status);
}
