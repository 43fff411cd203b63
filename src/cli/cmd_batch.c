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

typedef struct progress_state {
  struct timespec start;
} progress_state;

/* The progress line on a terminal: every 50 rows and at the end. */
static void progress(void *ctx, size_t done, size_t total) {
  if (done % 50 != 1 && done != total)
    return;
  const struct timespec *start = &((const progress_state *)ctx)->start;
  bool final = done == total;
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
    cli_error(cmd, "--summary: %s; the %s not written", CLI_SAID(&diag),
              output ? "output file was" : "rows were");
    return EXIT_SYSTEM;
  }
  fflush(stdout); /* the summary may have gone to the same place (/dev/stdout) */
  bool written;
  if (output != NULL) {
    written = gsz_write_file_atomic(output, text, len, true, &diag) == GSZ_OK;
    if (!written)
      cli_error(cmd, "-o: %s%s%s%s", CLI_SAID(&diag),
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
  gsz_request batch_flags; /* what applies to every row: the pricing overlays */
  gsz_request_init(&batch_flags);
  gsz_diag diag;
  gsz_diag_clear(&diag);
  int opt;
  while ((opt = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
    switch (opt) {
    case 'o':
      output = optarg;
      break;
    case CLI_OPT_FORMAT:
      if (gsz_output_format_parse(&format, optarg, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--format: %s", CLI_SAID(&diag));
      if (format != GSZ_OUTPUT_CSV && format != GSZ_OUTPUT_JSON)
        return cli_usage_error(cmd, "--format: batch writes csv or json");
      break;
    case OPT_SUMMARY:
      summary_path = optarg;
      break;
    case OPT_PRICING:
      if (!cli_field_set(cmd, &batch_flags, CLI_FIELD_OPT + GSZ_FIELD_PRICING, optarg))
        return EXIT_USAGE;
      break;
    case OPT_ALLOW_EXPIRED:
      if (!cli_field_set(cmd, &batch_flags, CLI_FIELD_OPT + GSZ_FIELD_ALLOW_EXPIRED, NULL))
        return EXIT_USAGE;
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
    cli_error(cmd, "%s", CLI_SAID(&diag));
    return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
  }
  gsz_catalog *catalog = NULL;
  gsz_overlay *overlay = NULL;
  gsz_batch_answer *answer = NULL;
  char *env = NULL, *text = NULL, *summary = NULL;
  size_t len = 0, summary_len = 0;
  int status = EXIT_OK;
  if (gsz_batch_check_columns(in, &diag) != GSZ_OK) {
    char said[GSZ_DIAG_MESSAGE_MAX + 256];
    gsz_diag_render(said, sizeof said, &diag, &cli_flag_words);
    cli_error(cmd, "%s: %s%s", file, said,
              strncmp(said, "unknown column", 14) == 0 ? "; see 'gpusizer quote --help'" : "");
    status = EXIT_USAGE;
    goto done;
  }
  if ((status = cli_open_catalog(&catalog, cmd, db)) != EXIT_OK)
    goto done;
  const gsz_catalog_data *data = gsz_catalog_get(catalog);
  if ((status = cli_request_environment(cmd, &batch_flags, &env)) != EXIT_OK ||
      (status = cli_request_overlay(cmd, &overlay, data, &batch_flags)) != EXIT_OK)
    goto done;
  progress_state ps;
  clock_gettime(CLOCK_MONOTONIC, &ps.start);
  bool show_progress = isatty(STDERR_FILENO) && in->n_rows > 1;
  err = gsz_batch_run(&answer, data, overlay, in, &cli_column_words,
                      show_progress ? progress : NULL, &ps, &diag);
  if (err == GSZ_OK &&
      (err = gsz_report_batch(&text, &len, answer->rows, answer->n_rows, format, &diag)) == GSZ_OK)
    err = gsz_report_batch_summary(&summary, &summary_len, answer->rows, answer->n_rows, data,
                                   answer->minor_digits, &diag);
  if (err != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  status = write_results(cmd, output, text, len, summary_path, summary, summary_len);
done:
  gsz_free(text);
  gsz_free(summary);
  gsz_batch_answer_free(answer);
  gsz_overlay_free(overlay);
  free(env);
  gsz_catalog_free(catalog);
  gsz_batch_input_free(in);
  return cli_finish(cmd, status);
}
