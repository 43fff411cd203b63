/* cmd_size.c: `gpusizer size`: the memory a model needs for a workload on
 * one GPU of a layout, component by component. */
#include "request.h"

#include <stdio.h>
#include <string.h>

static void help(void) {
  fputs("usage: gpusizer size (--model NAME | --params N | --hf-config FILE |\n"
        "                      --safetensors PATH | --gguf FILE) [OPTIONS]\n"
        "\n"
        "Prints the GPU memory the model needs: weights, KV cache, activations,\n"
        "gradients, optimizer states, master weights, buffers, CUDA graphs, runtime\n"
        "overhead and fragmentation, each in bytes, GB (10^9) and GiB (2^30), for one\n"
        "GPU of the layout --tp x --pp x --dp, and the usable memory a GPU must expose\n"
        "for it (the runtime uses only a share of GPU memory: vLLM 0.90). With --gpu,\n"
        "the fit on that GPU and, for inference, its KV cache pool as vLLM reports it\n"
        "at start-up (tokens, maximum concurrency).\n"
        "\n"
        "workload:\n",
        stdout);
  cli_field_help(stdout, GSZ_SCOPE_SIZE);
  fputs("\n"
        "output:\n"
        "  --format F               table (default), json, csv or markdown\n" CLI_CSV_RAW_HELP
        "  --db FILE                catalog file (default: $GPUSIZER_DB, else built-in)\n"
        "  -h, --help               this help\n"
        "\n"
        "A count or byte size above 9,223,372,036,854,775,807 is an error in every\n"
        "format (exit 2). Table and Markdown show control characters in names escaped\n"
        "(\\x1b).\n" CLI_CSV_GUARD_HELP "\n"
        "examples:\n"
        "  gpusizer size --model llama-3-70b --precision bf16 --context 8192 --concurrency 8\n"
        "  gpusizer size --model llama-3-8b --mode train --zero 3 --dp 8 --batch 4\n"
        "  gpusizer size --model qwen2.5-72b --mode qlora --context 2048\n"
        "  gpusizer size --params 7B --method quick --precision int4\n",
        stdout);
}

int cmd_size(int argc, char **argv) {
  const char *cmd = "size";
  static const struct option extra[] = {{"format", required_argument, NULL, CLI_OPT_FORMAT},
                                        {"csv-raw", no_argument, NULL, CLI_OPT_CSV_RAW},
                                        {"db", required_argument, NULL, CLI_OPT_DB},
                                        {"help", no_argument, NULL, CLI_OPT_HELP},
                                        {NULL, 0, NULL, 0}};
  struct option options[GSZ_FIELD_COUNT + 8];
  cli_field_options(options, sizeof options / sizeof options[0], GSZ_SCOPE_SIZE, extra);
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
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  int status = cli_csv_raw(cmd, &format, csv_raw);
  if (status != EXIT_OK)
    return status;
  if (req.n_list[GSZ_FIELD_GPU] > 1)
    return cli_usage_error(cmd, "--gpu: size shows the fit on one GPU; give it once");

  gsz_catalog *catalog = NULL;
  if ((status = cli_open_catalog(&catalog, cmd, db)) != EXIT_OK)
    return status;
  gsz_size_answer *answer = NULL;
  char *text = NULL;
  size_t len = 0;
  gsz_err err = gsz_size(&answer, gsz_catalog_get(catalog), &req, &diag);
  if (err == GSZ_OK) {
    answer->request.words = &cli_flag_words;
    err = gsz_report_size(&text, &len, &answer->request, &answer->estimate, format, &diag);
  }
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  gsz_free(text);
  gsz_size_answer_free(answer);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
