/* cmd_catalog.c: `gpusizer catalog LISTING`: what the catalog holds. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static const char *const HELP =
    "usage: gpusizer catalog gpus|servers|models|formats|stock|runtimes [OPTIONS]\n"
    "\n"
    "Lists what the catalog holds: GPUs (memory, usable memory, bandwidth, power,\n"
    "price, stock), servers (the GPUs and counts each accepts), model architectures\n"
    "(with their exact parameter counts), number formats, stock per location, and\n"
    "runtime profiles.\n"
    "\n"
    "options:\n"
    "  --vendor V         only this vendor (gpus, servers, stock)\n"
    "  --form-factor F    only this form factor: SXM, OAM or PCIe (gpus, servers)\n"
    "  --format F         table (default), json, csv or markdown\n"
    "  --db FILE          catalog file (default: $GPUSIZER_DB, else built-in)\n"
    "  -h, --help         this help\n"
    "\n"
    "Table and Markdown show sizes in GiB (2^30 bytes) and prices with their\n"
    "currency; JSON and CSV give exact integers (MiB, minor units of currency).\n";

enum { OPT_VENDOR = 2000, OPT_FORM };

int cmd_catalog(int argc, char **argv) {
  const char *cmd = "catalog";
  static const struct option options[] = {
      {"vendor", required_argument, NULL, OPT_VENDOR},
      {"form-factor", required_argument, NULL, OPT_FORM},
      {"format", required_argument, NULL, CLI_OPT_FORMAT},
      {"db", required_argument, NULL, CLI_OPT_DB},
      {"help", no_argument, NULL, CLI_OPT_HELP},
      {NULL, 0, NULL, 0}};
  gsz_listing_filter filter = {NULL, NULL};
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  const char *db = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    switch (opt) {
    case OPT_VENDOR:
      filter.vendor = optarg;
      break;
    case OPT_FORM:
      filter.form_factor = optarg;
      break;
    case CLI_OPT_FORMAT:
      if (gsz_output_format_parse(&format, optarg, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--format: %s", diag.message);
      break;
    case CLI_OPT_DB:
      db = optarg;
      break;
    case CLI_OPT_HELP:
      fputs(HELP, stdout);
      return cli_finish(cmd, EXIT_OK);
    default:
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind >= argc)
    return cli_usage_error(cmd, "which listing? gpus, servers, models, formats, stock or runtimes");
  if (optind + 1 < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
  gsz_listing listing;
  if (gsz_listing_parse(&listing, argv[optind], &diag) != GSZ_OK)
    return cli_usage_error(cmd, "%s", diag.message);

  gsz_catalog *catalog = NULL;
  int status = cli_open_catalog(&catalog, cmd, db);
  if (status != EXIT_OK)
    return status;
  char *text = NULL;
  size_t len = 0;
  gsz_err err = gsz_report_listing(&text, &len, gsz_catalog_get(catalog), listing, &filter,
                                   format, &diag);
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  gsz_free(text);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
