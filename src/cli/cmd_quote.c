/* cmd_quote.c: `gpusizer quote`: the cheapest configuration that fits a
 * workload, priced, with alternatives and the reasons the others lost. */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void) {
  fputs("usage: gpusizer quote (--model NAME | --params N | --hf-config FILE |\n"
        "                      --safetensors PATH | --gguf FILE) [OPTIONS]\n"
        "\n"
        "Searches every GPU x server x GPU count x node count in the catalog for the\n"
        "cheapest configuration whose per-GPU need fits the GPU's usable memory (times\n"
        "the runtime's share), whose power fits the server, and that meets every\n"
        "constraint; prints it with its price, the next alternatives, and the reason\n"
        "every other GPU lost. Exit status 1 when nothing fits.\n"
        "\n"
        "workload and constraints:\n",
        stdout);
  cli_field_help(stdout, GSZ_SCOPE_QUOTE);
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
  struct option options[GSZ_FIELD_COUNT + 8];
  cli_field_options(options, sizeof options / sizeof options[0], GSZ_SCOPE_QUOTE, extra);
  gsz_request req;
  gsz_request_init(&req);
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  bool csv_raw = false;
  const char *db = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    if (opt > CLI_FIELD_OPT && opt < CLI_FIELD_OPT + GSZ_FIELD_COUNT) {
      if (!cli_field_set(cmd, &req, opt, optarg))
        return EXIT_USAGE;
      continue;
    }
    switch (opt) {
    case CLI_OPT_FORMAT:
      if (gsz_output_format_parse(&format, optarg, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--format: %s", CLI_SAID(&diag));
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
  if ((status = cli_open_catalog(&catalog, cmd, db)) != EXIT_OK)
    return status;
  const gsz_catalog_data *data = gsz_catalog_get(catalog);
  char *env = NULL, *text = NULL;
  size_t len = 0;
  gsz_overlay *overlay = NULL;
  gsz_quote_answer *answer = NULL;
  if ((status = cli_request_environment(cmd, &req, &env)) != EXIT_OK ||
      (status = cli_request_overlay(cmd, &overlay, data, &req)) != EXIT_OK)
    goto done;
  gsz_err err = gsz_quote(&answer, data, overlay, &req, &diag);
  if (err == GSZ_OK) {
    answer->request.size.words = &cli_flag_words;
    err = gsz_report_quote(&text, &len, &answer->request, answer->result, format, &diag);
  }
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  else if (!answer->result->found) {
    cli_error(cmd, "no configuration fits; each GPU's reasons are in the output");
    status = EXIT_NO_FIT;
  }
done:
  gsz_free(text);
  gsz_quote_answer_free(answer);
  gsz_overlay_free(overlay);
  free(env);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
