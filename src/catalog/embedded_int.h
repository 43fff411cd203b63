/* embedded_int.h: the SQL files compiled into the binary. The arrays are
 * generated at build time by cmake/embed_sql.cmake from migrations/ and
 * catalog/ (sorted by file name); the text of each is NUL-terminated. */
#ifndef GSZ_EMBEDDED_INT_H
#define GSZ_EMBEDDED_INT_H

#include <stddef.h>

typedef struct gsz__sql_file {
  const char *name; /* file name, e.g. "0001_initial.sql" */
  const char *text;
  size_t len;
} gsz__sql_file;

extern const gsz__sql_file gsz__embedded_migrations[];
extern const size_t gsz__embedded_migrations_count;
extern const gsz__sql_file gsz__embedded_catalog[];
extern const size_t gsz__embedded_catalog_count;

#endif
