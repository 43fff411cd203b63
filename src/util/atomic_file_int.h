/* atomic_file_int.h: write a whole file so that it appears complete or not
 * at all (db init, batch -o). Internal to the library. */
#ifndef GSZ_ATOMIC_FILE_INT_H
#define GSZ_ATOMIC_FILE_INT_H

#include "util/common_int.h"

/* Write len bytes to path. An existing path is refused (GSZ_EEXIST) unless
 * overwrite, in which case it is replaced in one rename. On failure the
 * target is untouched and no temporary file remains. A symbolic link is
 * followed and kept; a device or pipe (/dev/stdout) is written in place. */
gsz_err gsz__atomic_write(const char *path, const void *data, size_t len, bool overwrite,
                          gsz_diag *diag);

#endif
