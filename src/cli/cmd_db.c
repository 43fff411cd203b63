/* cmd_db.c: `gpusizer db init|migrate|check`: catalog files for the people
 * who maintain them with sqlite3. */
#include "cli.h"
#include "today.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HELP =
    "usage: gpusizer db init FILE [--force]\n"
    "       gpusizer db migrate FILE\n"
    "       gpusizer db check [FILE] [--max-price-age-days N]\n"
    "\n"
    "  init     write the built-in catalog to a new SQLite file, to edit with\n"
    "           sqlite3 (the file appears complete or not at all); --force\n"
    "           replaces an existing file. Refused (exit 3) while FILE-journal\n"
    "           or FILE-wal holds an unfinished transaction: SQLite would apply\n"
    "           it to the new file\n"
    "  migrate  upgrade a catalog file written by an older gpusizer to this\n"
    "           version's schema, one migration per transaction, and list them;\n"
    "           gpusizer never migrates a file on its own. Opening FILE to write\n"
    "           also rolls back a transaction a killed program left unfinished\n"
    "  check    integrity check; every row against this version's schema (NOT\n"
    "           NULL, column types, CHECK constraints, foreign keys) and the\n"
    "           values gpusizer reads, whatever the file's own schema says; and\n"
    "           catalog sanity (every view named catalog_issue*: sellable items\n"
    "           without a price, GPUs no server takes, power over the PSU, zero\n"
    "           prices, prices in a currency with no exchange rate, ...). One\n"
    "           problem per line, naming the table, the row's key and the\n"
    "           column; exit 3 if there is any. Then warnings, which do not\n"
    "           change the exit status: prices in force older than\n"
    "           --max-price-age-days, rows dated after today (not in force\n"
    "           until their day), sellable items priced only from a later day.\n"
    "           Opens FILE read-only. Without FILE: --db, $GPUSIZER_DB, else the\n"
    "           built-in catalog\n"
    "\n"
    "options:\n"
    "  --force                  (init) replace FILE if it exists\n"
    "  --db FILE                (check) the catalog to check when FILE is not given\n"
    "  --max-price-age-days N   (check) warn about a price in force older than N\n"
    "                           days (default 365; 0: never)\n"
    "  -h, --help               this help\n"
    "\n"
    "environment: GPUSIZER_TODAY=YYYY-MM-DD (check) judge dates as of that day\n"
    "instead of today (a testing aid, announced on stderr).\n";

/* Exit status of a failed db command: the system's fault (memory, a full
 * disk, an unwritable path) is 4, a refused argument 2, the rest is the
 * catalog's (3). */
static int db_exit_for(gsz_err err) {
  switch (err) {
  case GSZ_ENOMEM:
  case GSZ_EIO:
    return EXIT_SYSTEM;
  case GSZ_EEXIST:
  case GSZ_EINVAL:
    return EXIT_USAGE;
  default:
    return EXIT_CATALOG;
  }
}

static int db_init(const char *path, bool force) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_db_init(path, force, &diag);
  if (err != GSZ_OK) {
    cli_error("db init", "%s", CLI_SAID(&diag));
    return db_exit_for(err);
  }
  printf("wrote the built-in catalog (schema %d) to '%s'\n", gsz_catalog_schema_version(), path);
  return cli_finish("db init", EXIT_OK);
}

static int db_migrate(const char *path) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_migration_step steps[64];
  size_t n = 0;
  int from = 0, to = 0;
  gsz_err err = gsz_db_migrate(path, &from, &to, steps, 64, &n, &diag);
  for (size_t i = 0; i < n && i < 64; i++)
    printf("applied %s (schema %d)\n", steps[i].name, steps[i].version);
  if (err != GSZ_OK) {
    cli_error("db migrate", "%s", CLI_SAID(&diag));
    return cli_finish("db migrate", db_exit_for(err));
  }
  if (n == 0)
    printf("'%s' is already at schema %d; nothing to do\n", path, to);
  else
    printf("'%s' migrated from schema %d to %d\n", path, from, to);
  return cli_finish("db migrate", EXIT_OK);
}

static int db_check(const char *path, uint32_t max_age) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  bool bad = false;
  gsz_check_options options = {cli_today("db check", true, &bad), max_age};
  if (bad)
    return EXIT_USAGE;
  gsz_problem_list problems = {NULL, 0}, warnings = {NULL, 0};
  gsz_err err = gsz_db_check_with(path, &options, &problems, &warnings, &diag);
  if (err != GSZ_OK) {
    cli_error("db check", "%s", CLI_SAID(&diag));
    return db_exit_for(err);
  }
  const char *label = path ? path : "built-in catalog";
  for (size_t i = 0; i < problems.count; i++)
    printf("%s\n", problems.lines[i]);
  for (size_t i = 0; i < warnings.count; i++)
    printf("warning: %s\n", warnings.lines[i]);
  int status = EXIT_OK;
  if (problems.count == 0) {
    printf("%s: ok (integrity, foreign keys, catalog sanity)", label);
    if (warnings.count > 0)
      printf(", %zu warning%s", warnings.count, warnings.count == 1 ? "" : "s");
    printf("\n");
  } else {
    fprintf(stderr, "gpusizer db check: %zu problem%s in %s\n", problems.count,
            problems.count == 1 ? "" : "s", label);
    status = EXIT_CATALOG;
  }
  gsz_problem_list_free(&problems);
  gsz_problem_list_free(&warnings);
  return cli_finish("db check", status);
}

int cmd_db(int argc, char **argv) {
  const char *cmd = "db";
  enum { OPT_MAX_AGE = 2000 };
  static const struct option options[] = {
      {"force", no_argument, NULL, 'f'},
      {"db", required_argument, NULL, CLI_OPT_DB},
      {"max-price-age-days", required_argument, NULL, OPT_MAX_AGE},
      {"help", no_argument, NULL, CLI_OPT_HELP},
      {NULL, 0, NULL, 0}};
  bool force = false, age_given = false;
  const char *db = NULL;
  uint64_t max_age = GSZ_CHECK_MAX_PRICE_AGE_DAYS;
  gsz_diag diag;
  int opt;
  while ((opt = getopt_long(argc, argv, ":hf", options, NULL)) != -1) {
    switch (opt) {
    case 'f':
      force = true;
      break;
    case OPT_MAX_AGE:
      if (gsz_parse_uint(&max_age, optarg, 0, 36500, &diag) != GSZ_OK)
        return cli_usage_error(cmd, "--max-price-age-days: %s (days, from 0 to 36500)",
                               CLI_SAID(&diag));
      age_given = true;
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
    return cli_usage_error(cmd, "which action? init, migrate or check");
  const char *action = argv[optind];
  int nargs = argc - optind - 1;
  const char *file = nargs >= 1 ? argv[optind + 1] : NULL;
  if (nargs > 1)
    return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind + 2]);
  if (age_given && strcmp(action, "check") != 0)
    return cli_usage_error(cmd, "--max-price-age-days applies only to 'db check'");
  if (strcmp(action, "init") == 0 || strcmp(action, "migrate") == 0) {
    if (file == NULL)
      return cli_usage_error(cmd, "'db %s' needs a FILE", action);
    if (db != NULL)
      return cli_usage_error(cmd, "--db does not apply to 'db %s'; give the FILE", action);
    if (force && strcmp(action, "init") != 0)
      return cli_usage_error(cmd, "--force applies only to 'db init'");
    return action[0] == 'i' ? db_init(file, force) : db_migrate(file);
  }
  if (strcmp(action, "check") == 0) {
    if (force)
      return cli_usage_error(cmd, "--force applies only to 'db init'");
    return db_check(file ? file : cli_catalog_path(db), (uint32_t)max_age);
  }
  return cli_usage_error(cmd, "unknown action '%s' (expected init, migrate or check)", action);
}
