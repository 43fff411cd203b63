/* cli.h: what the subcommands of the gpusizer program share: exit codes,
 * error printing, opening the catalog named by --db or GPUSIZER_DB, and
 * writing output so that a failed write is noticed. The program includes
 * only the library's public headers. */
#ifndef GSZ_CLI_H
#define GSZ_CLI_H

#include "gpusizer/gpusizer.h"

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses (README "Exit codes"). */
enum {
  EXIT_OK = 0,
  EXIT_NO_FIT = 1,  /* quote: no configuration fits */
  EXIT_USAGE = 2,   /* bad flag, bad input file, bad value */
  EXIT_CATALOG = 3, /* catalog/database problem */
  EXIT_SYSTEM = 4   /* out of memory, could not write the output */
};

/* A subcommand: argv[0] is its name. Returns an exit status. */
typedef int (*cli_command_fn)(int argc, char **argv);

int cmd_catalog(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_size(int argc, char **argv);
int cmd_quote(int argc, char **argv);
int cmd_batch(int argc, char **argv);

/* "gpusizer <cmd>: <message>" on stderr, as one line: the message is
 * escaped as the table format escapes data (gsz_report_escape), since it
 * may quote names from a catalog, an overlay or a batch file. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: the message, then a pointer to --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The command line's words for request fields: "--max-nodes". */
extern const gsz_field_words cli_flag_words;
/* A library diag as the command line says it (fields as flags). */
#define CLI_SAID_MAX (GSZ_DIAG_MESSAGE_MAX + 256)
const char *cli_said(char buf[CLI_SAID_MAX], const gsz_diag *diag);
/* The same into a buffer that lives to the end of the enclosing block,
 * for an argument: cli_error(cmd, "%s", CLI_SAID(&diag)). */
#define CLI_SAID(diag) cli_said((char[CLI_SAID_MAX]){0}, (diag))

/* Report a library failure (fields as flags) and return the exit status for it. */
int cli_fail(const char *cmd, gsz_err err, const gsz_diag *diag);
/* The exit status for a library error code outside catalog opening. */
int cli_exit_for(gsz_err err);

/* The catalog path to use: --db value, else $GPUSIZER_DB, else NULL for
 * the built-in catalog. */
const char *cli_catalog_path(const char *db_flag);
/* Open the catalog (see cli_catalog_path); on failure prints the error
 * and returns EXIT_CATALOG (or EXIT_SYSTEM for ENOMEM). */
int cli_open_catalog(gsz_catalog **out, const char *cmd, const char *db_flag);

/* Write text to stdout. Returns false (after printing why) on error. */
bool cli_write(const char *cmd, const char *text, size_t len);
/* Flush stdout and report a failed write: EXIT_SYSTEM, else status. */
int cli_finish(const char *cmd, int status);

/* Fill diag with a fixed message; returns code. */
gsz_err cli_diag_set(gsz_diag *diag, gsz_err code, const char *message);
/* ASCII case-insensitive equality. */
bool cli_ieq(const char *a, const char *b);

/* Options common to every command's getopt_long table. */
#define CLI_OPT_HELP 'h'
#define CLI_OPT_DB 1000
#define CLI_OPT_FORMAT 1001
#define CLI_OPT_CSV_RAW 1002

/* The --help lines of --csv-raw and of the formula guard it switches off,
 * the same for every command that writes CSV. */
#define CLI_CSV_RAW_HELP                                                                           \
  "  --csv-raw                with --format csv: write text fields exactly, without the\n"         \
  "                           guard described below (for programs, not spreadsheets)\n"
#define CLI_CSV_GUARD_HELP                                                                         \
  "CSV guards spreadsheets against formulas in data (OWASP \"CSV Injection\"): a text\n"           \
  "field (SKU, name, id, message) that starts with =, +, -, @, TAB or CR is written\n"             \
  "with a leading ' and in quotes; numbers are never changed (-12345 stays a number).\n"           \
  "--csv-raw turns the guard off.\n"

/* After option parsing: --csv-raw given (csv_raw) with *format. Turns CSV
 * into GSZ_OUTPUT_CSV_RAW; any other format is a usage error. Returns an
 * exit status. */
int cli_csv_raw(const char *cmd, gsz_output_format *format, bool csv_raw);

/* Print "unknown option"/"missing value" for the getopt result; EXIT_USAGE. */
int cli_bad_option(const char *cmd, int opt, char **argv);

#endif
