/* catalog_image_int.h: the built-in catalog as a ready SQLite database
 * image, generated at build time (src/gen_catalog_image.c) from the
 * embedded SQL by the library's own builder. Empty (length 0) in the
 * generator itself, which then builds the catalog from the SQL. */
#ifndef GSZ_CATALOG_IMAGE_INT_H
#define GSZ_CATALOG_IMAGE_INT_H

#include <stddef.h>

extern const unsigned char gsz__catalog_image[];
extern const size_t gsz__catalog_image_len;

#endif
