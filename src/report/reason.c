/* reason.c: the words for a reason (gsz_reason_describe): the matcher
 * keeps reasons as numbers; people read them as one sentence with those
 * numbers, naming request fields in the front end's words. */
#include "gpusizer/report.h"
#include "util/fmt_int.h"

#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation" /* a cut sentence is acceptable */

/* The sentence with field references, into buf. */
static void describe(char *buf, size_t size, const gsz_reason *r, const gsz_gpu *g,
                     const gsz_match_result *res) {
  char a[GSZ_FMT_MAX], b[GSZ_FMT_MAX], c[GSZ_FMT_MAX];
  const char *server = r->server ? r->server->sku : "?";
  const char *cur = res ? res->currency : "";
  unsigned digits = res ? res->minor_digits : 2;
  switch (r->code) {
  case GSZ_REASON_MEMORY:
    if (r->outside_bytes != 0)
      snprintf(buf, size,
               "needs %s per GPU outside the runtime's budget (CUDA context, NCCL, CUDA graphs) "
               "on %u x %s in %s; the budget leaves %s",
               gsz__fmt_gib(a, r->outside_bytes), r->gpus_per_node, g->sku, server,
               gsz__fmt_gib(b, r->outside_room_bytes));
    else if (r->need_at_limit == 0 && r->limit != 0) /* quick method: no node count is enough */
      snprintf(buf, size,
               "the quick total needs more than %s per GPU on every node count of "
               "%u x %s in %s",
               gsz__fmt_gib(a, r->budget_bytes), r->gpus_per_node, g->sku, server);
    else if (r->need == UINT64_MAX)
      snprintf(buf, size, "the size of this request overflows on %u x %s", r->gpus_per_node,
               g->sku);
    else if (r->limit > 1)
      snprintf(buf, size,
               "needs %s per GPU on 1 node of %u x %s in %s, still %s on %u nodes; "
               "budget %s per GPU",
               gsz__fmt_gib(a, r->need), r->gpus_per_node, g->sku, server,
               gsz__fmt_gib(b, r->need_at_limit), r->limit, gsz__fmt_gib(c, r->budget_bytes));
    else
      snprintf(buf, size, "needs %s per GPU on 1 node of %u x %s in %s; budget %s per GPU",
               gsz__fmt_gib(a, r->need), r->gpus_per_node, g->sku, server,
               gsz__fmt_gib(c, r->budget_bytes));
    break;
  case GSZ_REASON_MAX_NODES:
    snprintf(buf, size, "needs %u nodes of %u x %s in %s; " GSZ_FIELD("max_nodes") " is %u",
             r->nodes, r->gpus_per_node, g->sku, server, r->limit);
    break;
  case GSZ_REASON_MAX_GPUS:
    snprintf(buf, size,
             "needs %llu GPUs (%u node%s of %u x %s in %s); " GSZ_FIELD("max_gpus") " is %llu",
             (unsigned long long)r->total_gpus, r->nodes, r->nodes == 1 ? "" : "s",
             r->gpus_per_node, g->sku, server, (unsigned long long)r->max_gpus);
    break;
  case GSZ_REASON_POWER:
    if (r->outlet)
      snprintf(buf, size,
               "%u x %s with the workstation's base draw is %u W, more than the %u W a wall "
               "outlet gives continuously (" GSZ_FIELD("outlet_watts") " changes it)",
               r->gpus_per_node, g->sku, r->draw_w, r->limit_w);
    else if (r->limit_w != 0 && r->limit_w < r->psu_w)
      snprintf(buf, size,
               "%u x %s with the server's base draw is %u W, over the %u W it may draw "
               "continuously: %s of the %u W of %s's PSUs",
               r->gpus_per_node, g->sku, r->draw_w, r->limit_w,
               gsz__fmt_percent_bp(a, (int32_t)((uint64_t)r->limit_w * GSZ_BP_SCALE / r->psu_w)),
               r->psu_w, server);
    else
      snprintf(buf, size, "%u x %s with the server's base draw %u W, over the %u W of %s's PSUs",
               r->gpus_per_node, g->sku, r->draw_w, r->psu_w, server);
    break;
  case GSZ_REASON_HEADROOM:
    snprintf(buf, size,
             "fits on %u node%s of %u x %s in %s with %s headroom; the least accepted is "
             "%s (" GSZ_FIELD("min_headroom") ")",
             r->nodes, r->nodes == 1 ? "" : "s", r->gpus_per_node, g->sku, server,
             gsz__fmt_percent_bp(a, r->headroom_bp), gsz__fmt_percent_bp(b, r->min_headroom_bp));
    break;
  case GSZ_REASON_TP_DIVISIBILITY:
  case GSZ_REASON_NO_PRICE:
  case GSZ_REASON_OVERFLOW:
  case GSZ_REASON_NETWORK:
  case GSZ_REASON_FORMAT:
  case GSZ_REASON_EOL:
  case GSZ_REASON_SLA:
    snprintf(buf, size, "%s", r->text);
    break;
  case GSZ_REASON_NO_SERVER:
    snprintf(buf, size, "no server in the catalog takes %s (see server_gpu)", g->sku);
    break;
  case GSZ_REASON_NOT_SOLD:
    if (r->server != NULL)
      snprintf(buf, size, "server %s is not sold", server);
    else
      snprintf(buf, size, "%s is kept in the catalog for reference only", g->sku);
    break;
  case GSZ_REASON_EXCLUDED:
    if (strcmp(r->text, "chassis") == 0)
      snprintf(buf, size, "%s is not a chassis asked for with " GSZ_FIELD("chassis"), server);
    else if (strcmp(r->text, "server") == 0)
      snprintf(buf, size, "server %s is not among those asked for with " GSZ_FIELD("server"),
               server);
    else if (strcmp(r->text, "server_vendor") == 0)
      snprintf(buf, size, "server %s is not of a vendor asked for with " GSZ_FIELD("server_vendor"),
               server);
    else if (strcmp(r->text, "cooling") == 0)
      snprintf(buf, size, "server %s is not cooled as asked for with " GSZ_FIELD("cooling"),
               server);
    else if (strcmp(r->text, "gpu") == 0)
      snprintf(buf, size, "not among the GPUs asked for with " GSZ_FIELD("gpu"));
    else if (strcmp(r->text, "vendor") == 0)
      snprintf(buf, size, "vendor %s is not among those asked for with " GSZ_FIELD("vendor"),
               g->vendor);
    else if (strcmp(r->text, "form_factor") == 0)
      snprintf(buf, size,
               "form factor %s is not among those asked for with " GSZ_FIELD("form_factor"),
               g->form_factor);
    else if (r->server != NULL)
      snprintf(buf, size, "server %s is excluded", server);
    else
      snprintf(buf, size, "%s is excluded", g->sku);
    break;
  case GSZ_REASON_LICENSE:
    snprintf(
        buf, size,
        "%s is a consumer card; %s is not a workstation (" GSZ_FIELD("allow_consumer") " "
                                                                                       "overrides)",
        g->sku, server);
    break;
  case GSZ_REASON_STOCK:
    if (r->total_gpus == 0) /* the server's price includes its GPUs */
      snprintf(buf, size, "needs %u x %s (GPUs included); %lld available", r->nodes, server,
               (long long)r->servers_available);
    else
      snprintf(buf, size, "needs %llu x %s and %u x %s; %lld and %lld available",
               (unsigned long long)r->total_gpus, g->sku, r->nodes, server,
               (long long)r->gpus_available, (long long)r->servers_available);
    break;
  case GSZ_REASON_BUDGET:
    snprintf(buf, size, "%u x %u x %s in %s costs %s; the budget is %s", r->nodes, r->gpus_per_node,
             g->sku, server, gsz__fmt_money(a, r->price_minor, digits, cur),
             gsz__fmt_money(b, r->limit_minor, digits, cur));
    break;
  case GSZ_REASON_PRICE:
    if (r->gpus_short > 0)
      snprintf(buf, size, "fits as %u x %u x %s in %s for %s, but is not buildable from stock",
               r->nodes, r->gpus_per_node, g->sku, server,
               gsz__fmt_money(a, r->price_minor, digits, cur));
    else if (r->text[0] != '\0') /* ranked by another objective than price */
      snprintf(buf, size, "fits as %u x %u x %s in %s for %s, but ranks lower by %s", r->nodes,
               r->gpus_per_node, g->sku, server, gsz__fmt_money(a, r->price_minor, digits, cur),
               r->text);
    else
      snprintf(buf, size, "fits as %u x %u x %s in %s for %s, %s more", r->nodes, r->gpus_per_node,
               g->sku, server, gsz__fmt_money(a, r->price_minor, digits, cur),
               gsz__fmt_money(b, r->limit_minor, digits, cur));
    break;
  case GSZ_REASON_COUNT:
    snprintf(buf, size, "?");
    break;
  }
}

const char *gsz_reason_describe(char *buf, size_t size, const gsz_reason *r, const gsz_gpu *g,
                                const gsz_match_result *res, const gsz_field_words *words) {
  char marked[GSZ_REASON_TEXT_MAX + 512];
  describe(marked, sizeof marked, r, g, res);
  return gsz_text_render(buf, size, marked, words);
}
