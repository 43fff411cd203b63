/* cmd_catalog.c: `gpusizer catalog LISTING`: what the catalog holds. */
#include "request.h"
#include "today.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: gpusizer catalog gpus|servers|network|models|formats|stock|runtimes|prices "
    "[OPTIONS]\n"
    "       gpusizer catalog prices --history SKU [--db FILE]\n"
    "       gpusizer catalog import FILE --kind KIND [--dry-run] [--db FILE]\n"
    "\n"
    "Lists what the catalog holds: GPUs (architecture, memory, usable memory,\n"
    "bandwidth, power, price, stock, end of sale), servers (chassis, cooling, the\n"
    "GPUs and counts each accepts), the network parts multi-node quotes use (NICs,\n"
    "switches, transceivers, fibers), model architectures (with their exact\n"
    "parameter counts), number formats, stock per location, runtime profiles, and\n"
    "prices: each item's effective unit price under the pricing overlays, with its\n"
    "origin, conversion and the discounts that apply.\n"
    "Prices, stock and exchange rates dated after today are not in force yet.\n"
    "\n"
    "import reads a CSV file whose header names columns of one table (a vendor's\n"
    "price list; spreadsheet exports with a byte-order mark and ';' separators\n"
    "too), matches each row by the table's key, checks every row with the rules\n"
    "of the schema and of 'gpusizer db check', prints what it adds (+), changes\n"
    "(~) and leaves (=), and applies it all in one transaction, or nothing: any\n"
    "bad row is listed with its line and reason (exit 2). An empty cell is a\n"
    "value not given. It changes the catalog file of --db or $GPUSIZER_DB; the\n"
    "built-in catalog cannot be changed ('gpusizer db init FILE' writes it out).\n"
    "\n"
    "options:\n"
    "  --vendor V         only this vendor (gpus, servers, stock)\n"
    "  --form-factor F    only this form factor: SXM, OAM or PCIe (gpus, servers)\n"
    "  --pricing FILE     (prices) pricing overlay; repeatable; default $GPUSIZER_PRICING\n"
    "  --allow-expired    (prices) accept an overlay past its valid_until\n"
    "  --history SKU      (prices) every price row of one GPU or server (SKU or\n"
    "                     alias), oldest first: in force, replaced or still to come\n"
    "  --kind KIND        (import) the table FILE's rows go into: gpu, server,\n"
    "                     server_gpu, price, inventory or exchange_rate\n"
    "  --dry-run          (import) check and show the changes; write nothing\n"
    "  --format F         table (default), json, csv or markdown\n"
    "  --csv-raw          with --format csv: write text fields exactly, without the\n"
    "                     guard described below (for programs, not spreadsheets)\n"
    "  --db FILE          catalog file (default: $GPUSIZER_DB, else built-in)\n"
    "  -h, --help         this help\n"
    "\n"
    "Table and Markdown show sizes in GiB (2^30 bytes) and prices with their\n"
    "currency, and control characters in names escaped (\\x1b); JSON and CSV give\n"
    "exact integers (MiB, minor units of currency). --history prints a table.\n"
    "GPUSIZER_TODAY=YYYY-MM-DD judges dates as of that day (a testing aid).\n" CLI_CSV_GUARD_HELP;

enum {
  OPT_VENDOR = 2000,
  OPT_FORM,
  OPT_PRICING,
  OPT_ALLOW_EXPIRED,
  OPT_HISTORY,
  OPT_KIND,
  OPT_DRY_RUN
};

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

/* Open the catalog of --db or $GPUSIZER_DB (else the built-in one) as in
 * force on today (NULL: the clock's day). */
static int open_catalog_at(gsz_catalog **out, const char *cmd, const char *db, const char *today) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_catalog_open_at(out, cli_catalog_path(db), today, &diag);
  if (err == GSZ_OK)
    return EXIT_OK;
  cli_error(cmd, "%s", CLI_SAID(&diag));
  return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_CATALOG;
}

/* "A (note); B (not in this catalog: note)" for an ambiguous name. */
static void candidate_list(char *buf, size_t size, const gsz_alias_candidate *c, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s (%s%s%s)", i ? "; " : "",
                             c[i].candidate, c[i].in_catalog ? "" : "not in this catalog",
                             !c[i].in_catalog && c[i].note ? ": " : "", c[i].note ? c[i].note : "");
}

/* One line of output, escaped as the table format escapes data. */
static void put_line(const char *text) {
  char shown[4096];
  printf("%s\n", gsz_report_escape(shown, sizeof shown, text));
}

static const char *const status_names[] = {"current", "replaced", "future"};

/* gpusizer catalog prices --history NAME: every price row of one GPU or
 * server, oldest first, and which is in force on the catalog's day. */
static int price_history(const char *cmd, const gsz_catalog *catalog, const char *name) {
  const gsz_catalog_data *d = gsz_catalog_get(catalog);
  const gsz_gpu *g = gsz_catalog_find_gpu(d, name);
  const gsz_server *sv = g ? NULL : gsz_catalog_find_server(d, name);
  if (g == NULL && sv == NULL) {
    const gsz_alias_candidate *c = NULL;
    size_t n = gsz_catalog_gpu_candidates(d, name, &c);
    char list[1024];
    if (n > 0) {
      candidate_list(list, sizeof list, c, n);
      return cli_usage_error(cmd, "--history: '%s' could mean %zu different GPUs: %s; give one SKU",
                             name, n, list);
    }
    const char *near = gsz_catalog_suggest_gpu(d, name);
    return cli_usage_error(cmd, "--history: no GPU or server '%s' in the catalog%s%s%s", name,
                           near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
  }
  gsz_item_kind kind = g ? GSZ_ITEM_GPU : GSZ_ITEM_SERVER;
  const char *sku = g ? g->sku : sv->sku, *item = g ? g->name : sv->name;
  const gsz_price_row *rows = NULL;
  size_t n = gsz_catalog_price_history(catalog, kind, sku, &rows);
  char line[2048];
  snprintf(line, sizeof line, "price history of %s %s (%s), as of %s: %zu row%s",
           g ? "GPU" : "server", sku, item, d->today ? d->today : "today", n, n == 1 ? "" : "s");
  put_line(line);
  if (n > 0)
    put_line("  as_of       status    unit price          basis");
  for (size_t i = 0; i < n; i++) {
    const gsz_price_row *r = &rows[i];
    const gsz_currency *c = gsz_catalog_find_currency(d, r->currency);
    char amount[64], money[80];
    gsz_money_format(amount, sizeof amount, r->amount_minor, c ? c->minor_digits : 2, true);
    snprintf(money, sizeof money, "%s %s", amount, r->currency);
    snprintf(line, sizeof line, "  %-10s  %-8s  %18s  %s", r->as_of, status_names[r->status], money,
             r->basis ? r->basis : "-");
    put_line(line);
    if (r->source != NULL) {
      snprintf(line, sizeof line, "  %10s  source: %s", "", r->source);
      put_line(line);
    }
  }
  return EXIT_OK;
}

static int import_exit_for(gsz_err err) {
  switch (err) {
  case GSZ_ENOMEM:
  case GSZ_EIO:
    return EXIT_SYSTEM;
  case GSZ_EINVAL:
  case GSZ_EPARSE:
  case GSZ_ELIMIT:
    return EXIT_USAGE;
  default:
    return EXIT_CATALOG;
  }
}

/* gpusizer catalog import FILE --kind KIND [--dry-run]. */
static int run_import(const char *cmd, const char *file, const char *kind, bool dry_run,
                      const char *db) {
  const char *path = cli_catalog_path(db);
  if (path == NULL)
    return cli_usage_error(cmd, "import changes a catalog file: give --db FILE or set "
                                "GPUSIZER_DB (the built-in catalog cannot be changed; 'gpusizer "
                                "db init FILE' writes it to a file)");
  bool bad = false;
  const char *today = cli_today(cmd, true, &bad);
  if (bad)
    return EXIT_USAGE;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_batch_input *in = NULL;
  gsz_err err = gsz_batch_read(&in, file, &diag);
  if (err != GSZ_OK) {
    cli_error(cmd, "%s", CLI_SAID(&diag));
    return cli_exit_for(err);
  }
  gsz_import_options options = {dry_run, today};
  gsz_import_result *res = NULL;
  err = gsz_catalog_import(&res, path, kind, in, file, &options, &diag);
  gsz_batch_input_free(in);
  if (err != GSZ_OK) {
    cli_error(cmd, "%s", CLI_SAID(&diag));
    return import_exit_for(err);
  }
  int status = EXIT_OK;
  char line[4096];
  if (res->n_refused > 0 || res->n_refusals > 0) {
    for (size_t i = 0; i < res->n_rows; i++) {
      const gsz_import_row *r = &res->rows[i];
      if (r->action == GSZ_IMPORT_REFUSED)
        cli_error(cmd, "%s:%zu: %s %s: %s", file, r->line, res->table, r->key, r->detail);
    }
    for (size_t i = 0; i < res->n_refusals; i++)
      cli_error(cmd, "%s: %s", file, res->refusals[i]);
    cli_error(cmd, "%zu of %zu rows refused%s; nothing written to '%s'", res->n_refused,
              res->n_rows, res->n_refusals ? ", and the import as a whole" : "", path);
    status = EXIT_USAGE;
  } else {
    snprintf(line, sizeof line, "import of '%s' into table %s of '%s'%s", file, res->table, path,
             dry_run ? " (dry run: nothing is written)" : "");
    put_line(line);
    static const char marks[] = {'+', '~', '=', '!'};
    for (size_t i = 0; i < res->n_rows; i++) {
      const gsz_import_row *r = &res->rows[i];
      snprintf(line, sizeof line, "%c line %zu: %s %s%s%s", marks[r->action], r->line, res->table,
               r->key, r->detail ? ": " : "", r->detail ? r->detail : "");
      put_line(line);
    }
    for (size_t i = 0; i < res->n_notes; i++) {
      snprintf(line, sizeof line, "note: %s", res->notes[i]);
      put_line(line);
    }
    snprintf(line, sizeof line, "%zu row%s: %zu %s, %zu %s, %zu unchanged; %s", res->n_rows,
             res->n_rows == 1 ? "" : "s", res->n_add, dry_run ? "to add" : "added", res->n_change,
             dry_run ? "to change" : "changed", res->n_same,
             !res->applied                     ? "nothing written (dry run)"
             : res->n_add + res->n_change == 0 ? "nothing to write"
                                               : "written in one transaction");
    put_line(line);
  }
  gsz_import_result_free(res);
  return cli_finish(cmd, status);
}

int cmd_catalog(int argc, char **argv) {
  const char *cmd = "catalog";
  static const struct option options[] = {{"vendor", required_argument, NULL, OPT_VENDOR},
                                          {"form-factor", required_argument, NULL, OPT_FORM},
                                          {"pricing", required_argument, NULL, OPT_PRICING},
                                          {"allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED},
                                          {"history", required_argument, NULL, OPT_HISTORY},
                                          {"kind", required_argument, NULL, OPT_KIND},
                                          {"dry-run", no_argument, NULL, OPT_DRY_RUN},
                                          {"format", required_argument, NULL, CLI_OPT_FORMAT},
                                          {"csv-raw", no_argument, NULL, CLI_OPT_CSV_RAW},
                                          {"db", required_argument, NULL, CLI_OPT_DB},
                                          {"help", no_argument, NULL, CLI_OPT_HELP},
                                          {NULL, 0, NULL, 0}};
  gsz_listing_filter filter = {NULL, NULL};
  gsz_output_format format = GSZ_OUTPUT_TABLE;
  bool csv_raw = false, dry_run = false, format_given = false;
  const char *db = NULL, *history = NULL, *kind = NULL;
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
      format_given = true;
      break;
    case OPT_HISTORY:
      history = optarg;
      break;
    case OPT_KIND:
      kind = optarg;
      break;
    case OPT_DRY_RUN:
      dry_run = true;
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
                                "runtimes or prices (or import FILE)");
  bool import = strcmp(argv[optind], "import") == 0;
  if (import) {
    if (optind + 1 >= argc)
      return cli_usage_error(cmd, "'catalog import' needs a FILE (CSV with a header of column "
                                  "names)");
    if (optind + 2 < argc)
      return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 2]);
    if (kind == NULL) {
      size_t n = 0;
      const char *const *tables = gsz_catalog_import_tables(&n);
      char list[256] = "";
      for (size_t i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", tables[i]);
      return cli_usage_error(cmd,
                             "'catalog import' needs --kind: which table the rows go into "
                             "(%s)",
                             list);
    }
    if (filter.vendor || filter.form_factor || history || format_given || csv_raw ||
        pricing.n_list[GSZ_FIELD_PRICING] > 0 || pricing.value[GSZ_FIELD_ALLOW_EXPIRED])
      return cli_usage_error(cmd, "'catalog import' takes only --kind, --dry-run and --db");
    return run_import("catalog import", argv[optind + 1], kind, dry_run, db);
  }
  if (kind != NULL || dry_run)
    return cli_usage_error(cmd, "--kind and --dry-run go with 'catalog import'");
  if (optind + 1 < argc)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
  bool prices = strcmp(argv[optind], "prices") == 0;
  if (history != NULL && !prices)
    return cli_usage_error(cmd, "--history goes with 'catalog prices'");
  if (history != NULL &&
      (pricing.n_list[GSZ_FIELD_PRICING] > 0 || pricing.value[GSZ_FIELD_ALLOW_EXPIRED]))
    return cli_usage_error(cmd, "--history lists the catalog's own price rows; --pricing and "
                                "--allow-expired do not apply");
  if (history != NULL && (format != GSZ_OUTPUT_TABLE || csv_raw))
    return cli_usage_error(cmd, "--history prints a table; --format does not apply");
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

  bool bad_today = false;
  const char *today = cli_today(cmd, !prices || history != NULL, &bad_today);
  if (bad_today)
    return EXIT_USAGE;
  gsz_catalog *catalog = NULL;
  status = open_catalog_at(&catalog, cmd, db, today);
  if (status != EXIT_OK)
    return status;
  if (history != NULL) {
    status = price_history(cmd, catalog, history);
    gsz_catalog_free(catalog);
    return cli_finish(cmd, status);
  }
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
