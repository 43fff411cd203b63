/* cmd_quote.c: `gpusizer quote`: the cheapest configuration that fits a
 * workload, priced, with alternatives and the reasons the others lost. */
#include "request.h"

#include <stdio.h>
#include <string.h>

static void help(void) {
  fputs("usage: gpusizer quote (--model NAME | --params N | --hf-config FILE) [OPTIONS]\n"
        "\n"
        "Searches every GPU x server x GPU count x node count in the catalog for the\n"
        "cheapest configuration whose per-GPU need fits the GPU's usable memory (times\n"
        "the runtime's share), whose power fits the server, and that meets every\n"
        "constraint; prints it with its price, the next alternatives, and the reason\n"
        "every other GPU lost. Exit status 1 when nothing fits.\n"
        "\n"
        "workload and constraints:\n",
        stdout);
  req_help(stdout, REQ_QUOTE);
  fputs("\n"
        "output:\n"
        "  --format F               table (default), json, csv or markdown\n" CLI_CSV_RAW_HELP
        "  --db FILE                catalog file (default: $GPUSIZER_DB, else built-in)\n"
        "  -h, --help               this help\n"
        "\n"
        "Prices are the catalog's indicative list prices, in the currency most of them\n"
        "use, unless pricing overlays (--pricing, $GPUSIZER_PRICING; docs/pricing.md)\n"
        "set the currency, exchange rates, overrides, discounts, markup, adders and tax.\n"
        "Power rule: GPUs x TDP + the server's base power <= its PSU power.\n"
        "\n"
        "A count or byte size above 9,223,372,036,854,775,807 is an error in every\n"
        "format (exit 2). Table and Markdown show control characters in names escaped\n"
        "(\\x1b).\n" CLI_CSV_GUARD_HELP "\n"
        "examples:\n"
        "  gpusizer quote --model llama-3-70b --precision bf16 --context 8192 --concurrency 8\n"
        "  gpusizer quote --model qwen2.5-72b --mode train --batch 1 --max-nodes 4\n"
        "  gpusizer quote --model llama-3-8b --stock only --format markdown\n"
        "  gpusizer quote --model llama-3-70b --explain L40S\n",
        stdout);
}

/* --pp or --dp (with or without "=N"): size flags the search decides. */
static bool layout_flag(const char *arg) {
  bool named = strncmp(arg, "--pp", 4) == 0 || strncmp(arg, "--dp", 4) == 0;
  return named && (arg[4] == '\0' || arg[4] == '=');
}

int cmd_quote(int argc, char **argv) {
  const char *cmd = "quote";
  static const struct option extra[] = {{"format", required_argument, NULL, CLI_OPT_FORMAT},
                                        {"csv-raw", no_argument, NULL, CLI_OPT_CSV_RAW},
                                        {"db", required_argument, NULL, CLI_OPT_DB},
                                        {"help", no_argument, NULL, CLI_OPT_HELP},
                                        {NULL, 0, NULL, 0}};
  struct option options[REQ_COUNT + 8];
  req_options(options, sizeof options / sizeof options[0], REQ_QUOTE, extra);
  cli_request req;
  memset(&req, 0, sizeof req);
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  bool csv_raw = false;
  const char *db = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    if (opt >= REQ_OPT_BASE && opt < REQ_OPT_BASE + REQ_COUNT) {
      const char *why = NULL;
      req_key key = (req_key)(opt - REQ_OPT_BASE);
      if (!req_set(&req, key, optarg ? optarg : "true", &why))
        return cli_usage_error(cmd, "--%s %s", req_keys[key].name, why);
      continue;
    }
    switch (opt) {
    case CLI_OPT_FORMAT:
      if (gsz_output_format_parse(&format, optarg, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--format: %s", diag.message);
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
      if (opt == '?' && optopt == 0 && layout_flag(argv[optind - 1]))
        return cli_usage_error(cmd,
                               "%.4s: quote chooses the layout itself (tensor parallel inside a "
                               "node, pipeline stages across nodes, data parallel over the GPUs "
                               "for training); use 'gpusizer size %.4s N' to size a given layout",
                               argv[optind - 1], argv[optind - 1]);
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  int status = cli_csv_raw(cmd, &format, csv_raw);
  if (status != EXIT_OK)
    return status;

  gsz_catalog *catalog = NULL;
  status = cli_open_catalog(&catalog, cmd, db);
  if (status != EXIT_OK)
    return status;
  const gsz_catalog_data *data = gsz_catalog_get(catalog);
  cli_resolved r;
  gsz_err err = req_resolve(&r, &req, data, false, &diag);
  if (err != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    gsz_catalog_free(catalog);
    return status;
  }
  gsz_overlay *overlay = NULL;
  gsz_pricer pricer;
  gsz_match_options opts;
  gsz_match_result *result = NULL;
  char *text = NULL;
  size_t len = 0;
  if ((status = req_load_overlay(&overlay, &req, data, cmd)) != EXIT_OK)
    goto done;
  gsz_overlay_pricer(&pricer, overlay);
  if ((err = req_match_options(&opts, &req, &r, data, &pricer, false, &diag)) != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  err = gsz_match_run(&result, data, &r.model, &r.workload, &opts, &pricer, &diag);
  if (err != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  gsz_quote_request qreq = {
      {&r.model, r.model_source, req.value[REQ_HF_CONFIG], &r.workload, r.layout, NULL},
      &opts,
      overlay};
  err = gsz_report_quote(&text, &len, &qreq, result, format, &diag);
  if (err != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  else if (!result->found) {
    cli_error(cmd, "no configuration fits; each GPU's reasons are in the output");
    status = EXIT_NO_FIT;
  }
done:
  gsz_free(text);
  gsz_match_result_free(result);
  gsz_overlay_free(overlay);
  req_resolved_free(&r);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
