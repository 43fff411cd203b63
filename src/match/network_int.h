/* network_int.h: the steps of gsz_bom_network, for the matcher, which
 * designs the network of a (NIC, NICs per node, nodes) once per run and
 * reuses it for every server with that NIC (candidate.c). */
#ifndef GSZ_MATCH_NETWORK_INT_H
#define GSZ_MATCH_NETWORK_INT_H

#include "gpusizer/match.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each step writes why only when why_size is not 0. */

/* Whether server s can be networked with nics_per_node NICs per node, and
 * its NIC (the server's or the catalog's default). False with why. */
bool gsz__network_server_ok(const gsz_catalog_data *d, const gsz_server *s, uint32_t nics_per_node,
                            const gsz_network_item **nic, char *why, size_t why_size);

/* The switches and cables of nodes x nics_per_node NICs of nic (plan's
 * onboard is left false: it is the server's). False with why. Depends on
 * nothing else than its arguments and the catalog. */
bool gsz__network_design(gsz_network_plan *plan, const gsz_catalog_data *d,
                         const gsz_network_item *nic, uint32_t nics_per_node, uint32_t nodes,
                         char *why, size_t why_size);

/* Append plan's lines to bom (the NICs unless onboard). False with why
 * when bom is full. */
bool gsz__network_lines(gsz_bom *bom, const gsz_catalog_data *d, const gsz_network_plan *plan,
                        char *why, size_t why_size);

#endif
