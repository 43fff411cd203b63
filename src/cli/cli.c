/* cli.c: shared plumbing of the gpusizer subcommands: error messages, exit
 * statuses, catalog opening, and output that notices failed writes. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void vreport(const char *cmd, const char *fmt, va_list ap) {
  char message[GSZ_DIAG_MESSAGE_MAX + 1024], shown[4 * sizeof message];
  vsnprintf(message, sizeof message, fmt, ap);
  fprintf(stderr, "gpusizer%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "",
          gsz_report_escape(shown, sizeof shown, message));
}

void cli_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cmd, fmt, ap);
  va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cmd, fmt, ap);
  va_end(ap);
  fprintf(stderr, "(see 'gpusizer %s --help')\n", cmd ? cmd : "");
  return EXIT_USAGE;
}

int cli_exit_for(gsz_err err) {
  switch (err) {
  case GSZ_OK:
    return EXIT_OK;
  case GSZ_ENOMATCH:
    return EXIT_NO_FIT;
  case GSZ_EDB:
  case GSZ_ESCHEMA:
    return EXIT_CATALOG;
  case GSZ_ENOMEM:
  case GSZ_EIO:
    return EXIT_SYSTEM;
  default:
    return EXIT_USAGE;
  }
}

/* "max_nodes" -> "--max-nodes". */
static const char *flag_word(void *ctx, const char *field, bool subject, char *buf, size_t size) {
  (void)ctx;
  (void)subject;
  snprintf(buf, size, "--%s", field);
  for (char *p = buf + 2; *p; p++)
    if (*p == '_')
      *p = '-';
  return buf;
}

const gsz_field_words cli_flag_words = {flag_word, NULL};

const char *cli_said(char buf[CLI_SAID_MAX], const gsz_diag *diag) {
  return gsz_diag_render(buf, CLI_SAID_MAX, diag, &cli_flag_words);
}

int cli_fail(const char *cmd, gsz_err err, const gsz_diag *diag) {
  char said[CLI_SAID_MAX];
  if (diag != NULL && (diag->message[0] != '\0' || diag->field != NULL))
    cli_error(cmd, "%s", cli_said(said, diag));
  else
    cli_error(cmd, "%s", gsz_strerror(err));
  return cli_exit_for(err);
}

const char *cli_catalog_path(const char *db_flag) {
  if (db_flag != NULL)
    return db_flag;
  const char *env = getenv("GPUSIZER_DB");
  return env != NULL && env[0] != '\0' ? env : NULL;
}

int cli_open_catalog(gsz_catalog **out, const char *cmd, const char *db_flag) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  /* $GPUSIZER_TODAY (a testing aid) is also the day catalog prices are in
   * force on; the request's environment checks and announces it, so a bad
   * date here falls back to today and is reported there. */
  const char *today = getenv("GPUSIZER_TODAY");
  gsz_err err = gsz_catalog_open_at(out, cli_catalog_path(db_flag),
                                    today != NULL && today[0] != '\0' ? today : NULL, &diag);
  if (err == GSZ_EINVAL)
    err = gsz_catalog_open(out, cli_catalog_path(db_flag), &diag);
  if (err == GSZ_OK)
    return EXIT_OK;
  char said[CLI_SAID_MAX];
  cli_error(cmd, "%s", cli_said(said, &diag));
  return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_CATALOG;
}

/* Whether a failed write to stdout was already reported: it is said once,
 * by whichever of cli_write and cli_finish meets it first. */
static bool write_failure_said;

bool cli_write(const char *cmd, const char *text, size_t len) {
  if (len > 0 && fwrite(text, 1, len, stdout) != len) {
    if (!write_failure_said)
      cli_error(cmd, "could not write the output: %s", strerror(errno));
    write_failure_said = true;
    return false;
  }
  return true;
}

int cli_finish(const char *cmd, int status) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (!write_failure_said)
      cli_error(cmd, "could not write the output: %s", strerror(errno ? errno : EIO));
    write_failure_said = true;
    return EXIT_SYSTEM;
  }
  return status;
}

int cli_csv_raw(const char *cmd, gsz_output_format *format, bool csv_raw) {
  if (!csv_raw)
    return EXIT_OK;
  if (*format != GSZ_OUTPUT_CSV)
    return cli_usage_error(cmd, "--csv-raw goes with --format csv, not %s",
                           gsz_output_format_name(*format));
  *format = GSZ_OUTPUT_CSV_RAW;
  return EXIT_OK;
}

int cli_bad_option(const char *cmd, int opt, char **argv) {
  const char *arg = argv[optind - 1];
  if (opt == ':')
    return cli_usage_error(cmd, "option '%s' needs a value", arg);
  if (optopt != 0)
    return cli_usage_error(cmd, "unknown option '-%c'", optopt);
  return cli_usage_error(cmd, "unknown option '%s'", arg);
}

gsz_err cli_diag_set(gsz_diag *diag, gsz_err code, const char *message) {
  diag->code = code;
  diag->field = NULL;
  snprintf(diag->message, sizeof diag->message, "%s", message);
  return code;
}

bool cli_ieq(const char *a, const char *b) {
  return gsz_name_equal(a, b);
}
