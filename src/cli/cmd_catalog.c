/* cmd_catalog.c: `gpusizer catalog LISTING`: what the catalog holds. */
#include "request.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *const HELP =
    "usage: gpusizer catalog gpus|servers|models|formats|stock|runtimes|prices [OPTIONS]\n"
    "\n"
    "Lists what the catalog holds: GPUs (memory, usable memory, bandwidth, power,\n"
    "price, stock), servers (the GPUs and counts each accepts), model architectures\n"
    "(with their exact parameter counts), number formats, stock per location,\n"
    "runtime profiles, and prices: each item's effective unit price under the\n"
    "pricing overlays, with its origin, conversion and the discounts that apply.\n"
    "\n"
    "options:\n"
    "  --vendor V         only this vendor (gpus, servers, stock)\n"
    "  --form-factor F    only this form factor: SXM, OAM or PCIe (gpus, servers)\n"
    "  --pricing FILE     (prices) pricing overlay; repeatable; default $GPUSIZER_PRICING\n"
    "  --allow-expired    (prices) accept an overlay past its valid_until\n"
    "  --format F         table (default), json, csv or markdown\n"
    "  --db FILE          catalog file (default: $GPUSIZER_DB, else built-in)\n"
    "  -h, --help         this help\n"
    "\n"
    "Table and Markdown show sizes in GiB (2^30 bytes) and prices with their\n"
    "currency; JSON and CSV give exact integers (MiB, minor units of currency).\n";

enum { OPT_VENDOR = 2000, OPT_FORM, OPT_PRICING, OPT_ALLOW_EXPIRED };

int cmd_catalog(int argc, char **argv) {
  const char *cmd = "catalog";
  static const struct option options[] = {
      {"vendor", required_argument, NULL, OPT_VENDOR},
      {"form-factor", required_argument, NULL, OPT_FORM},
      {"pricing", required_argument, NULL, OPT_PRICING},
      {"allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED},
      {"format", required_argument, NULL, CLI_OPT_FORMAT},
      {"db", required_argument, NULL, CLI_OPT_DB},
      {"help", no_argument, NULL, CLI_OPT_HELP},
      {NULL, 0, NULL, 0}};
  gsz_listing_filter filter = {NULL, NULL};
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  const char *db = NULL;
  cli_request pricing;
  memset(&pricing, 0, sizeof pricing);
  const char *why = NULL;
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
    case OPT_PRICING:
      if (!req_set(&pricing, REQ_PRICING, optarg, &why))
        return cli_usage_error(cmd, "--pricing %s", why);
      break;
    case OPT_ALLOW_EXPIRED:
      pricing.value[REQ_ALLOW_EXPIRED] = "true";
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
    return cli_usage_error(cmd, "which listing? gpus, servers, models, formats, stock, runtimes "
                                "or prices");
  if (optind + 1 < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
  bool prices = strcmp(argv[optind], "prices") == 0;
  gsz_listing listing = GSZ_LIST_GPUS;
  if (!prices && gsz_listing_parse(&listing, argv[optind], &diag) != GSZ_OK)
    return cli_usage_error(cmd, "%s (or prices)", diag.message);
  if (!prices && (pricing.n_list[REQ_PRICING] > 0 || pricing.value[REQ_ALLOW_EXPIRED]))
    return cli_usage_error(cmd, "--pricing and --allow-expired go with 'catalog prices'");

  gsz_catalog *catalog = NULL;
  int status = cli_open_catalog(&catalog, cmd, db);
  if (status != EXIT_OK)
    return status;
  char *text = NULL;
  size_t len = 0;
  gsz_err err;
  if (prices) {
    gsz_overlay *overlay = NULL;
    status = req_load_overlay(&overlay, &pricing, gsz_catalog_get(catalog), cmd);
    if (status != EXIT_OK) {
      gsz_catalog_free(catalog);
      return status;
    }
    err = gsz_report_prices(&text, &len, gsz_catalog_get(catalog), overlay, format, &diag);
    gsz_overlay_free(overlay);
  } else {
    err = gsz_report_listing(&text, &len, gsz_catalog_get(catalog), listing, &filter, format,
                             &diag);
  }
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  gsz_free(text);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
