/* error.h: gpusizer's error codes and the caller-owned diagnostic that
 * carries the detail (message, file:line:col, SQLite's words).
 *
 * Every library action returns a gsz_err: GSZ_OK (0) or a negative code.
 * The code says what kind of failure; the gsz_diag, when the caller passes
 * one, says exactly what went wrong, in one lower-case line meant for a
 * person. The library never prints and never exits.
 *
 * Threads: a gsz_diag belongs to its caller; the functions here are pure. */
#ifndef GPUSIZER_ERROR_H
#define GPUSIZER_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one table of error codes: name, value, short text. Append only: the
 * values are part of the API. */
#define GSZ_ERRNO_MAP(XX)                                                                          \
  XX(OK, 0, "success")                                                                             \
  XX(ENOMEM, -1, "out of memory")                                                                  \
  XX(EINVAL, -2, "invalid argument")                                                               \
  XX(EPARSE, -3, "malformed input")                                                                \
  XX(EDB, -4, "database error")                                                                    \
  XX(ESCHEMA, -5, "catalog schema mismatch")                                                       \
  XX(EOVERFLOW, -6, "number too large")                                                            \
  XX(ENOTFOUND, -7, "not found")                                                                   \
  XX(ENOMATCH, -8, "no configuration fits")                                                        \
  XX(EIO, -9, "input/output error")                                                                \
  XX(EEXIST, -10, "file already exists")                                                           \
  XX(EUNSUPPORTED, -11, "not supported")                                                           \
  XX(ELIMIT, -12, "input exceeds a limit")                                                         \
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
 * reports the code only.
 *
 * The library names no command-line flags: a message refers to request
 * fields (request.h: "max_nodes", "precision") by their names between two
 * GSZ_FIELD_MARK bytes, and `field` names the field the whole message is
 * about (NULL when none). Each front end says them in its own words with
 * gsz_diag_render: the command line "--max-nodes", a batch file "column
 * 'max_nodes'". Read message directly only for logs or tests. */
typedef struct gsz_diag {
  gsz_err code;
  const char *field; /* static request field name, or NULL */
  char message[GSZ_DIAG_MESSAGE_MAX];
} gsz_diag;

/* Reset to GSZ_OK, no field and an empty message. */
void gsz_diag_clear(gsz_diag *diag);

/* The byte around a field reference in library text, and a literal for
 * writing one: "use " GSZ_FIELD("precision") " bf16". */
#define GSZ_FIELD_MARK '\x1f'
#define GSZ_FIELD(name) "\x1f" name "\x1f"

/* A front end's words for request fields. name writes into buf (size
 * bytes) how this front end calls field (its request name, "max_nodes"):
 * as the subject that prefixes a message when subject is true ("--max-nodes",
 * "column 'max_nodes'"), else inside a sentence ("--max-nodes", "max_nodes"),
 * and returns buf. */
typedef struct gsz_field_words {
  const char *(*name)(void *ctx, const char *field, bool subject, char *buf, size_t size);
  void *ctx;
} gsz_field_words;

/* text with every field reference in words (NULL words: the field names
 * as they are), into buf (always NUL-terminated when size > 0); returns
 * buf. For notes and reasons that the library writes with references. */
const char *gsz_text_render(char *buf, size_t size, const char *text, const gsz_field_words *words);

/* The diag's message in words, after "SUBJECT: " when diag->field is set;
 * gsz_strerror(diag->code) when the message is empty. Returns buf. */
const char *gsz_diag_render(char *buf, size_t size, const gsz_diag *diag,
                            const gsz_field_words *words);

#ifdef __cplusplus
}
#endif
#endif
