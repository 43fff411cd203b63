/* catalog_image_none.c: no built-in catalog image, for the program that
 * makes one (gen_catalog_image.c): its library builds the catalog from the
 * embedded SQL. */
#include "catalog/catalog_image_int.h"

const unsigned char gsz__catalog_image[1] = {0};
const size_t gsz__catalog_image_len = 0;
