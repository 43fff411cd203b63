/* error.c: the texts of the error table and the diagnostic setters.
 * Formatting of messages happens here once, so every module reports the
 * same way (truncated safely, never longer than GSZ_DIAG_MESSAGE_MAX). */
#include "util/common_int.h"
#include "gpusizer/version.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

const char *gsz_strerror(gsz_err err) {
  switch (err) {
#define GSZ_ERR_TEXT(name, value, text)                                                            \
  case GSZ_##name:                                                                                 \
    return text;
    GSZ_ERRNO_MAP(GSZ_ERR_TEXT)
#undef GSZ_ERR_TEXT
  }
  return "unknown error";
}

const char *gsz_err_name(gsz_err err) {
  switch (err) {
#define GSZ_ERR_NAME(name, value, text)                                                            \
  case GSZ_##name:                                                                                 \
    return #name;
    GSZ_ERRNO_MAP(GSZ_ERR_NAME)
#undef GSZ_ERR_NAME
  }
  return "EUNKNOWN";
}

void gsz_diag_clear(gsz_diag *diag) {
  if (diag == NULL)
    return;
  diag->code = GSZ_OK;
  diag->message[0] = '\0';
}

gsz_err gsz__diag_set(gsz_diag *diag, gsz_err code, const char *fmt, ...) {
  if (diag == NULL)
    return code;
  diag->code = code;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(diag->message, sizeof diag->message, fmt, ap);
  va_end(ap);
  if (n < 0)
    diag->message[0] = '\0';
  return code;
}

gsz_err gsz__diag_nomem(gsz_diag *diag) {
  return gsz__diag_set(diag, GSZ_ENOMEM, "out of memory");
}

gsz_err gsz__open_error_code(int errno_value) {
  switch (errno_value) {
  case ENOENT:
    return GSZ_ENOTFOUND;
  case ENOTDIR:
  case EISDIR:
  case ENAMETOOLONG:
  case ELOOP:
    return GSZ_EINVAL;
  default:
    return GSZ_EIO;
  }
}

gsz_err gsz__not_a_file(gsz_diag *diag, const char *path, unsigned mode) {
  return gsz__diag_set(diag, GSZ_EINVAL, "'%s' is %s, not a file", path,
                       S_ISDIR(mode) ? "a directory" : "not a regular file");
}

const char *gsz_version(void) {
  return GSZ_VERSION;
}
