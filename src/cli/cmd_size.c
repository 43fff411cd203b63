/* cmd_size.c: `gpusizer size`: the memory a model needs for a workload on
 * one GPU of a layout, component by component. */
#include "request.h"

#include <stdio.h>
#include <string.h>

static void help(void) {
  fputs("usage: gpusizer size (--model NAME | --params N | --hf-config FILE) [OPTIONS]\n"
        "\n"
        "Prints the GPU memory the model needs: weights, KV cache, activations,\n"
        "gradients, optimizer states, master weights and runtime overhead, each in\n"
        "bytes, GB (10^9) and GiB (2^30), for one GPU of the layout --tp x --pp x --dp,\n"
        "and the usable memory a GPU must expose for it (the runtime uses only a\n"
        "share of GPU memory: vLLM 0.90).\n"
        "\n"
        "workload:\n",
        stdout);
  req_help(stdout, REQ_SIZE);
  fputs("\n"
        "output:\n"
        "  --format F               table (default), json, csv or markdown\n"
        CLI_CSV_RAW_HELP
        "  --db FILE                catalog file (default: $GPUSIZER_DB, else built-in)\n"
        "  -h, --help               this help\n"
        "\n"
        "A count or byte size above 9,223,372,036,854,775,807 is an error in every\n"
        "format (exit 2). Table and Markdown show control characters in names escaped\n"
        "(\\x1b).\n"
        CLI_CSV_GUARD_HELP
        "\n"
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
  struct option options[REQ_COUNT + 8];
  req_options(options, sizeof options / sizeof options[0], REQ_SIZE, extra);
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
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  int status = cli_csv_raw(cmd, &format, csv_raw);
  if (status != EXIT_OK)
    return status;
  if (req.n_list[REQ_GPU] > 1)
    return cli_usage_error(cmd, "--gpu: size shows the fit on one GPU; give it once");

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
  gsz_size_request sreq = {&r.model, r.model_source, req.value[REQ_HF_CONFIG], &r.workload,
                           r.layout, NULL};
  if (req.value[REQ_GPU] != NULL) {
    sreq.gpu = gsz_catalog_find_gpu(data, req.value[REQ_GPU]);
    if (sreq.gpu == NULL) {
      const char *near = gsz_catalog_suggest_gpu(data, req.value[REQ_GPU]);
      cli_error(cmd, "--gpu: unknown GPU '%s' (see 'gpusizer catalog gpus')%s%s%s",
                req.value[REQ_GPU], near ? "; did you mean '" : "", near ? near : "",
                near ? "'?" : "");
      status = EXIT_USAGE;
      goto done;
    }
  }
  gsz_estimate estimate;
  err = gsz_memory_estimate(&estimate, &r.model, &r.workload, r.layout, &diag);
  if (err != GSZ_OK) {
    status = cli_fail(cmd, err, &diag);
    goto done;
  }
  char *text = NULL;
  size_t len = 0;
  err = gsz_report_size(&text, &len, &sreq, &estimate, format, &diag);
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  gsz_free(text);
done:
  req_resolved_free(&r);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
