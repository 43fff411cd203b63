/* bom.c: the bill of materials of a configuration: everything it is made
 * of, item by item, as pricing, stock and reports read it. */
#include "gpusizer/match.h"

void gsz_bom_configuration(gsz_bom *out, const gsz_catalog_data *d, const gsz_gpu *gpu,
                           const gsz_server *server, uint32_t gpus_per_node, uint32_t nodes) {
  out->gpus_per_node = gpus_per_node;
  out->nodes = nodes;
  out->gpus = (uint64_t)gpus_per_node * nodes;
  out->n_lines = 2;
  out->lines[0] = (gsz_bom_line){GSZ_ITEM_SERVER,
                                 (uint32_t)(server - d->servers),
                                 server->sku,
                                 GSZ_BOM_PER_NODE,
                                 1,
                                 nodes,
                                 false,
                                 NULL};
  out->lines[1] =
      (gsz_bom_line){GSZ_ITEM_GPU, (uint32_t)(gpu - d->gpus), gpu->sku, GSZ_BOM_PER_GPU, 1,
                     out->gpus,    server->gpus_included,     NULL};
}
