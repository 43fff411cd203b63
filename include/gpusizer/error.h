/* error.h: gpusizer's error codes and the caller-owned diagnostic that
 * carries the detail (message, file:line:col, SQLite's words).
 *
 * Every library action returns a gsz_err: GSZ_OK (0) or a negative code.
 * The code says what kind of failure; the gsz_diag, when the caller passes
 * one, says exactly what went wrong, in one lower-case line meant for a
 * person. The library never prints and never exits. */
#ifndef GPUSIZER_ERROR_H
#define GPUSIZER_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* The one table of error codes: name, value, short text. Append only: the
 * values are part of the API. */
#define GSZ_ERRNO_MAP(XX)                                                  \
  XX(OK, 0, "success")                                                     \
  XX(ENOMEM, -1, "out of memory")                                          \
  XX(EINVAL, -2, "invalid argument")                                       \
  XX(EPARSE, -3, "malformed input")                                        \
  XX(EDB, -4, "database error")                                            \
  XX(ESCHEMA, -5, "catalog schema mismatch")                               \
  XX(EOVERFLOW, -6, "number too large")                                    \
  XX(ENOTFOUND, -7, "not found")                                           \
  XX(ENOMATCH, -8, "no configuration fits")                                \
  XX(EIO, -9, "input/output error")                                        \
  XX(EEXIST, -10, "file already exists")                                   \
  XX(EUNSUPPORTED, -11, "not supported")                                   \
  XX(ELIMIT, -12, "input exceeds a limit")                                 \
  XX(EEXPIRED, -13, "expired")

typedef enum gsz_err {
#define GSZ_ERR_ENUM(name, value, text) GSZ_##name = (value),
  GSZ_ERRNO_MAP(GSZ_ERR_ENUM)
#undef GSZ_ERR_ENUM
} gsz_err;

/* Short, static description of a code ("out of memory"); never NULL. */
const char *gsz_strerror(gsz_err err);

/* The code's name as in this header without the prefix ("ENOMEM"). */
const char *gsz_err_name(gsz_err err);

#define GSZ_DIAG_MESSAGE_MAX 1024

/* Detail of the last failure, filled by the function that failed.
 * Owned by the caller; may live on the stack. A function given NULL
 * reports the code only. */
typedef struct gsz_diag {
  gsz_err code;
  char message[GSZ_DIAG_MESSAGE_MAX];
} gsz_diag;

/* Reset to GSZ_OK and an empty message. */
void gsz_diag_clear(gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
