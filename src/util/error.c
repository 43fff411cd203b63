/* error.c: the texts of the error table and the diagnostic setters.
 * Formatting of messages happens here once, so every module reports the
 * same way (truncated safely, never longer than GSZ_DIAG_MESSAGE_MAX). */
#include "gpusizer/version.h"
#include "util/common_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
  diag->field = NULL;
  diag->message[0] = '\0';
}

gsz_err gsz__diag_set(gsz_diag *diag, gsz_err code, const char *fmt, ...) {
  if (diag == NULL)
    return code;
  diag->code = code;
  diag->field = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(diag->message, sizeof diag->message, fmt, ap);
  va_end(ap);
  if (n < 0)
    diag->message[0] = '\0';
  return code;
}

gsz_err gsz__diag_field(gsz_diag *diag, const char *field) {
  if (diag == NULL)
    return GSZ_OK;
  diag->field = field;
  return diag->code;
}

/* Append n bytes of s to buf[*used..size), keeping room for the NUL. */
static void append(char *buf, size_t size, size_t *used, const char *s, size_t n) {
  if (*used + 1 >= size)
    return;
  if (n > size - 1 - *used)
    n = size - 1 - *used;
  memcpy(buf + *used, s, n);
  *used += n;
  buf[*used] = '\0';
}

static void append_field(char *buf, size_t size, size_t *used, const char *name, size_t n,
                         bool subject, const gsz_field_words *words) {
  char field[64], said[128];
  if (n >= sizeof field || words == NULL || words->name == NULL) {
    append(buf, size, used, name, n);
    return;
  }
  memcpy(field, name, n);
  field[n] = '\0';
  const char *w = words->name(words->ctx, field, subject, said, sizeof said);
  append(buf, size, used, w, strlen(w));
}

static void render_into(char *buf, size_t size, size_t *used, const char *text,
                        const gsz_field_words *words) {
  for (const char *p = text; *p != '\0';) {
    const char *mark = strchr(p, GSZ_FIELD_MARK);
    const char *end = mark ? strchr(mark + 1, GSZ_FIELD_MARK) : NULL;
    if (end == NULL) { /* no (complete) reference left */
      append(buf, size, used, p, strlen(p));
      return;
    }
    append(buf, size, used, p, (size_t)(mark - p));
    append_field(buf, size, used, mark + 1, (size_t)(end - mark - 1), false, words);
    p = end + 1;
  }
}

const char *gsz_text_render(char *buf, size_t size, const char *text,
                            const gsz_field_words *words) {
  if (size == 0)
    return buf;
  size_t used = 0;
  buf[0] = '\0';
  render_into(buf, size, &used, text, words);
  return buf;
}

const char *gsz_diag_render(char *buf, size_t size, const gsz_diag *diag,
                            const gsz_field_words *words) {
  if (size == 0)
    return buf;
  size_t used = 0;
  buf[0] = '\0';
  if (diag->field != NULL) {
    append_field(buf, size, &used, diag->field, strlen(diag->field), true, words);
    append(buf, size, &used, ": ", 2);
  }
  render_into(buf, size, &used, diag->message[0] ? diag->message : gsz_strerror(diag->code), words);
  return buf;
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
