/* file.h: writing a file so that it appears whole or not at all, for
 * every output gpusizer writes to a path (batch results, summaries,
 * catalog files). Thread-safe for different paths. */
#ifndef GPUSIZER_FILE_H
#define GPUSIZER_FILE_H

#include "gpusizer/error.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Write len bytes to path so that it appears complete or not at all: an
 * interrupted or failed write leaves no partial file and the old one, if
 * any, untouched. overwrite false refuses an existing file (GSZ_EEXIST). */
gsz_err gsz_write_file_atomic(const char *path, const void *data, size_t len, bool overwrite,
                              gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
