/* cmd_catalog.c: `gpusizer catalog LISTING`: what the catalog holds. */
#include "request.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: gpusizer catalog gpus|servers|network|models|formats|stock|runtimes|prices "
    "[OPTIONS]\n"
    "\n"
    "Lists what the catalog holds: GPUs (architecture, memory, usable memory,\n"
    "bandwidth, power, price, stock, end of sale), servers (chassis, cooling, the\n"
    "GPUs and counts each accepts), the network parts multi-node quotes use (NICs,\n"
    "switches, transceivers, fibers), model architectures (with their exact\n"
    "parameter counts), number formats, stock per location, runtime profiles, and\n"
    "prices: each item's effective unit price under the pricing overlays, with its\n"
    "origin, conversion and the discounts that apply.\n"
    "\n"
    "options:\n"
    "  --vendor V         only this vendor (gpus, servers, stock)\n"
    "  --form-factor F    only this form factor: SXM, OAM or PCIe (gpus, servers)\n"
    "  --pricing FILE     (prices) pricing overlay; repeatable; default $GPUSIZER_PRICING\n"
    "  --allow-expired    (prices) accept an overlay past its valid_until\n"
    "  --format F         table (default), json, csv or markdown\n"
    "  --csv-raw          with --format csv: write text fields exactly, without the\n"
    "                     guard described below (for programs, not spreadsheets)\n"
    "  --db FILE          catalog file (default: $GPUSIZER_DB, else built-in)\n"
    "  -h, --help         this help\n"
    "\n"
    "Table and Markdown show sizes in GiB (2^30 bytes) and prices with their\n"
    "currency, and control characters in names escaped (\\x1b); JSON and CSV give\n"
    "exact integers (MiB, minor units of currency).\n" CLI_CSV_GUARD_HELP;

enum { OPT_VENDOR = 2000, OPT_FORM, OPT_PRICING, OPT_ALLOW_EXPIRED };

/* Add value to the comma-separated list in buf unless it is there. */
static void note_value(char *buf, size_t size, const char *value) {
  if (value == NULL)
    return;
  size_t vlen = strlen(value);
  for (const char *p = buf; (p = strstr(p, value)) != NULL; p += vlen)
    if ((p == buf || p[-1] == ' ') && (p[vlen] == ',' || p[vlen] == '\0'))
      return;
  size_t used = strlen(buf);
  snprintf(buf + used, size - used, "%s%s", used ? ", " : "", value);
}

/* Whether the catalog has a GPU (or, for servers and stock, a server) of
 * the filter's vendor and form factor; a usage error naming the values
 * that exist when not. */
static int check_filter(const char *cmd, const gsz_catalog_data *d, gsz_listing listing,
                        const gsz_listing_filter *f) {
  bool gpus = listing != GSZ_LIST_SERVERS, servers = listing != GSZ_LIST_GPUS;
  char seen[512] = "";
  if (f->vendor != NULL) {
    bool known = false;
    for (size_t i = 0; gpus && i < d->n_gpus; i++) {
      known |= cli_ieq(d->gpus[i].vendor, f->vendor);
      note_value(seen, sizeof seen, d->gpus[i].vendor);
    }
    for (size_t i = 0; servers && i < d->n_servers; i++) {
      known |= cli_ieq(d->servers[i].vendor, f->vendor);
      note_value(seen, sizeof seen, d->servers[i].vendor);
    }
    if (!known)
      return cli_usage_error(cmd, "--vendor: no %s of vendor '%s' in the catalog (vendors: %s)",
                             listing == GSZ_LIST_GPUS      ? "GPU"
                             : listing == GSZ_LIST_SERVERS ? "server"
                                                           : "GPU or server",
                             f->vendor, seen);
  }
  seen[0] = '\0';
  if (f->form_factor != NULL) {
    bool known = false;
    for (size_t i = 0; gpus && i < d->n_gpus; i++) {
      known |= cli_ieq(d->gpus[i].form_factor, f->form_factor);
      note_value(seen, sizeof seen, d->gpus[i].form_factor);
    }
    for (size_t i = 0; servers && i < d->n_servers; i++) {
      known |= cli_ieq(d->servers[i].gpu_form_factor, f->form_factor);
      note_value(seen, sizeof seen, d->servers[i].gpu_form_factor);
    }
    if (!known)
      return cli_usage_error(cmd, "--form-factor: no '%s' in the catalog (form factors: %s)",
                             f->form_factor, seen);
  }
  return EXIT_OK;
}

int cmd_catalog(int argc, char **argv) {
  const char *cmd = "catalog";
  static const struct option options[] = {{"vendor", required_argument, NULL, OPT_VENDOR},
                                          {"form-factor", required_argument, NULL, OPT_FORM},
                                          {"pricing", required_argument, NULL, OPT_PRICING},
                                          {"allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED},
                                          {"format", required_argument, NULL, CLI_OPT_FORMAT},
                                          {"csv-raw", no_argument, NULL, CLI_OPT_CSV_RAW},
                                          {"db", required_argument, NULL, CLI_OPT_DB},
                                          {"help", no_argument, NULL, CLI_OPT_HELP},
                                          {NULL, 0, NULL, 0}};
  gsz_listing_filter filter = {NULL, NULL};
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  bool csv_raw = false;
  const char *db = NULL;
  gsz_request pricing; /* the prices listing's overlays */
  gsz_request_init(&pricing);
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
      if (!cli_field_set(cmd, &pricing, CLI_FIELD_OPT + GSZ_FIELD_PRICING, optarg))
        return EXIT_USAGE;
      break;
    case OPT_ALLOW_EXPIRED:
      if (!cli_field_set(cmd, &pricing, CLI_FIELD_OPT + GSZ_FIELD_ALLOW_EXPIRED, NULL))
        return EXIT_USAGE;
      break;
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
      fputs(HELP, stdout);
      return cli_finish(cmd, EXIT_OK);
    default:
      return cli_bad_option(cmd, opt, argv);
    }
  }
  if (optind >= argc)
    return cli_usage_error(cmd, "which listing? gpus, servers, network, models, formats, stock, "
                                "runtimes or prices");
  if (optind + 1 < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
  bool prices = strcmp(argv[optind], "prices") == 0;
  gsz_listing listing = GSZ_LIST_GPUS;
  if (!prices && gsz_listing_parse(&listing, argv[optind], &diag) != GSZ_OK)
    return cli_usage_error(cmd, "%s (or prices)", CLI_SAID(&diag));
  if (!prices && (pricing.n_list[GSZ_FIELD_PRICING] > 0 || pricing.value[GSZ_FIELD_ALLOW_EXPIRED]))
    return cli_usage_error(cmd, "--pricing and --allow-expired go with 'catalog prices'");

  bool vendors_apply = !prices && (listing == GSZ_LIST_GPUS || listing == GSZ_LIST_SERVERS ||
                                   listing == GSZ_LIST_STOCK);
  bool forms_apply = !prices && (listing == GSZ_LIST_GPUS || listing == GSZ_LIST_SERVERS);
  if (filter.vendor != NULL && !vendors_apply)
    return cli_usage_error(cmd, "--vendor goes with 'catalog gpus', 'servers' or 'stock'");
  if (filter.form_factor != NULL && !forms_apply)
    return cli_usage_error(cmd, "--form-factor goes with 'catalog gpus' or 'servers'");
  int status = cli_csv_raw(cmd, &format, csv_raw);
  if (status != EXIT_OK)
    return status;

  gsz_catalog *catalog = NULL;
  status = cli_open_catalog(&catalog, cmd, db);
  if (status != EXIT_OK)
    return status;
  /* A filter that matches nothing in the whole catalog is a typo, not an
   * empty answer (as for quote's --vendor). */
  if ((status = check_filter(cmd, gsz_catalog_get(catalog), listing, &filter)) != EXIT_OK) {
    gsz_catalog_free(catalog);
    return status;
  }
  char *text = NULL;
  size_t len = 0;
  gsz_err err;
  if (prices) {
    gsz_overlay *overlay = NULL;
    char *env = NULL;
    if ((status = cli_request_environment(cmd, &pricing, &env)) == EXIT_OK)
      status = cli_request_overlay(cmd, &overlay, gsz_catalog_get(catalog), &pricing);
    free(env);
    if (status != EXIT_OK) {
      gsz_catalog_free(catalog);
      return status;
    }
    err = gsz_report_prices(&text, &len, gsz_catalog_get(catalog), overlay, format, &diag);
    gsz_overlay_free(overlay);
  } else {
    err =
        gsz_report_listing(&text, &len, gsz_catalog_get(catalog), listing, &filter, format, &diag);
  }
  if (err != GSZ_OK)
    status = cli_fail(cmd, err, &diag);
  else if (!cli_write(cmd, text, len))
    status = EXIT_SYSTEM;
  gsz_free(text);
  gsz_catalog_free(catalog);
  return cli_finish(cmd, status);
}
