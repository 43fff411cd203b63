/* lookup_int.h: binary searches over the catalog's sorted record arrays
 * (SKU and alias order, ASCII case ignored), for the loader and the
 * lookups. Internal. */
#ifndef GSZ_LOOKUP_INT_H
#define GSZ_LOOKUP_INT_H

#include "gpusizer/catalog.h"

/* Index of the record whose key equals name, or -1. */
long gsz__gpu_index(const gsz_gpu *items, size_t n, const char *name);
long gsz__server_index(const gsz_server *items, size_t n, const char *name);
long gsz__alias_index(const gsz_alias *items, size_t n, const char *name);
long gsz__network_index(const gsz_network_item *items, size_t n, const char *name);

/* The catalog's words for its enumerations, in enum order (lookup.c). */
extern const char *const gsz__lifecycle_words[3];
extern const char *const gsz__cooling_words[2];
extern const char *const gsz__scale_out_words[3];
extern const char *const gsz__fabric_words[GSZ_FABRIC_COUNT];
extern const char *const gsz__cable_role_words[4];

#endif
