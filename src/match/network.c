/* network.c: the scale-out network a multi-node configuration needs, as
 * bill-of-materials lines: NICs, leaf and spine switches, transceivers and
 * fibers. The design rule is NVIDIA's DGX SuperPOD reference architecture:
 * rail-optimised (GPU i of every node on the same leaf), non-blocking
 * (each leaf has as many ports up as down), two tiers; one switch while
 * every NIC port fits on it (docs/deployability.md). Chosen items are the
 * cheapest sellable ones of the NIC's fabric at its port speed. */
#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "match/network_int.h"
#include "util/common_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The cheapest sellable priced item among items that satisfies keep; NULL
 * when none does. Ties go to the SKU that sorts first (items are in SKU
 * order). Catalog prices compare in their own currency: the design picks
 * the part, the pricer prices it. */
typedef bool (*keep_fn)(const gsz_network_item *item, const gsz_network_item *nic,
                        gsz_cable_role role);

static const gsz_network_item *cheapest(const gsz_network_item *items, size_t n, keep_fn keep,
                                        const gsz_network_item *nic, gsz_cable_role role,
                                        uint64_t units) {
  const gsz_network_item *best = NULL;
  unsigned __int128 best_cost = 0;
  for (size_t i = 0; i < n; i++) {
    const gsz_network_item *it = &items[i];
    if (!it->sellable || !it->price.present || !keep(it, nic, role))
      continue;
    unsigned __int128 cost = (unsigned __int128)(uint64_t)it->price.amount_minor * units;
    if (best == NULL || cost < best_cost) {
      best = it;
      best_cost = cost;
    }
  }
  return best;
}

static bool switch_for(const gsz_network_item *it, const gsz_network_item *nic, gsz_cable_role r) {
  (void)r;
  return it->fabric == nic->fabric && it->port_gbps == nic->port_gbps && it->ports >= 2;
}

static bool cable_for(const gsz_network_item *it, const gsz_network_item *nic, gsz_cable_role r) {
  return it->fabric == nic->fabric && it->cable_role == r;
}

static const char *const fabric_names[GSZ_FABRIC_COUNT] = {"InfiniBand NDR", "InfiniBand XDR",
                                                           "200 GbE", "400 GbE", "800 GbE"};

/* Switch counts of a non-blocking fabric for e NIC ports on radix-port
 * switches: one switch while e fits; else leaves of radix/2 ports down and
 * radix/2 up (rail-optimised: g NICs per node each on their own rail's
 * leaves) and spines taking every uplink. 0 leaves: beyond two tiers. */
static void switch_counts(uint64_t e, uint32_t radix, uint32_t g, uint32_t nodes, bool rail,
                          uint32_t *leaves, uint32_t *spines) {
  *spines = 0;
  if (e <= radix) {
    *leaves = 1;
    return;
  }
  uint32_t down = radix / 2;
  uint64_t l = rail ? (uint64_t)g * gsz__ceil_div_u64(nodes, down) : gsz__ceil_div_u64(e, down);
  uint64_t s = gsz__ceil_div_u64(e, radix);
  /* Two tiers hold at most radix x radix/2 ports (2,048 at 64-port switches). */
  if (e > (uint64_t)radix * down || l > UINT32_MAX || s > UINT32_MAX) {
    *leaves = 0;
    return;
  }
  *leaves = (uint32_t)l;
  *spines = (uint32_t)s;
}

/* why's words; none when why_size is 0 (the matcher asks for words only
 * when the reason is kept, see candidate.c). */
__attribute__((format(printf, 3, 4))) static void say(char *why, size_t why_size, const char *fmt,
                                                      ...) {
  if (why_size == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, why_size, fmt, ap);
  va_end(ap);
}

/* The three cable roles of a link, in the order of the plan's fields. */
static const struct {
  gsz_cable_role role;
  const char *name;
} cable_roles[] = {{GSZ_CABLE_NIC_TRANSCEIVER, "NIC transceiver"},
                   {GSZ_CABLE_SWITCH_TRANSCEIVER, "switch transceiver"},
                   {GSZ_CABLE_FIBER, "fiber"}};

static bool add_line(gsz_bom *bom, const gsz_catalog_data *d, const gsz_network_item *item,
                     gsz_item_kind kind, gsz_bom_scope scope, uint64_t per, uint64_t qty,
                     const char *role) {
  if (bom->n_lines >= GSZ_BOM_MAX_LINES)
    return false;
  /* item points into the catalog's array of its kind: its index is its
   * offset, no lookup by SKU (this runs for every multi-node candidate). */
  const gsz_network_item *items = kind == GSZ_ITEM_NIC      ? d->nics
                                  : kind == GSZ_ITEM_SWITCH ? d->switches
                                                            : d->cables;
  size_t n = kind == GSZ_ITEM_NIC      ? d->n_nics
             : kind == GSZ_ITEM_SWITCH ? d->n_switches
                                       : d->n_cables;
  long index = items != NULL && item >= items && item < items + n
                   ? (long)(item - items)
                   : gsz_catalog_find_item(d, kind, item->sku);
  if (index < 0)
    return false;
  bom->lines[bom->n_lines++] =
      (gsz_bom_line){kind, (uint32_t)index, item->sku, scope, per, qty, false, role};
  return true;
}

bool gsz__network_server_ok(const gsz_catalog_data *d, const gsz_server *s, uint32_t nics_per_node,
                            const gsz_network_item **nic, char *why, size_t why_size) {
  if (s->workstation || s->scale_out == GSZ_SCALE_OUT_NONE) {
    say(why, why_size, "%s is %s: one node only, with no scale-out network", s->sku,
        s->workstation ? "a workstation" : "a server without scale-out networking");
    return false;
  }
  if (s->nic_slots != 0 && nics_per_node > s->nic_slots) {
    say(why, why_size, "needs %u scale-out NICs per node; %s takes %u", nics_per_node, s->sku,
        s->nic_slots);
    return false;
  }
  *nic = s->nic ? s->nic : d->settings.default_nic;
  if (*nic == NULL) {
    say(why, why_size, "%s names no NIC and the catalog has no default NIC (setting default_nic)",
        s->sku);
    return false;
  }
  return true;
}

bool gsz__network_design(gsz_network_plan *plan, const gsz_catalog_data *d,
                         const gsz_network_item *nic, uint32_t nics_per_node, uint32_t nodes,
                         char *why, size_t why_size) {
  memset(plan, 0, sizeof *plan);
  plan->nic = nic;
  plan->nics_per_node = nics_per_node;
  plan->endpoints = (uint64_t)nics_per_node * nodes;
  uint64_t e = plan->endpoints;
  /* The switch: the cheapest in all for this many ports. */
  const gsz_network_item *best = NULL;
  unsigned __int128 best_cost = 0;
  uint32_t best_leaves = 0, best_spines = 0;
  bool rail = nics_per_node > 1;
  for (size_t i = 0; i < d->n_switches; i++) {
    const gsz_network_item *sw = &d->switches[i];
    if (!sw->sellable || !sw->price.present || !switch_for(sw, nic, GSZ_CABLE_NONE))
      continue;
    uint32_t leaves, spines;
    switch_counts(e, sw->ports, nics_per_node, nodes, rail, &leaves, &spines);
    if (leaves == 0)
      continue;
    unsigned __int128 cost =
        (unsigned __int128)(uint64_t)sw->price.amount_minor * (leaves + spines);
    if (best == NULL || cost < best_cost) {
      best = sw;
      best_cost = cost;
      best_leaves = leaves;
      best_spines = spines;
    }
  }
  if (best == NULL) {
    say(why, why_size,
        "no sellable %s switch at %u Gb/s in the catalog takes %llu ports in "
        "two tiers",
        fabric_names[nic->fabric], nic->port_gbps, (unsigned long long)e);
    return false;
  }
  plan->sw = best;
  plan->leaves = best_leaves;
  plan->spines = best_spines;
  /* Ports on switches: every NIC port at a leaf; with spines every leaf
   * port up and its spine port too. Links: one per NIC, one per uplink. */
  uint64_t switch_ports = plan->spines ? 3 * e : e, links = plan->spines ? 2 * e : e;
  const gsz_network_item *cable[3];
  uint64_t need[3] = {e, switch_ports, links};
  for (int k = 0; k < 3; k++) {
    cable[k] = cheapest(d->cables, d->n_cables, cable_for, nic, cable_roles[k].role, 1);
    if (cable[k] == NULL) {
      say(why, why_size, "no sellable %s for the %s fabric in the catalog", cable_roles[k].name,
          fabric_names[nic->fabric]);
      return false;
    }
    need[k] = gsz__ceil_div_u64(need[k], cable[k]->ports);
  }
  plan->nic_transceiver = cable[0];
  plan->switch_transceiver = cable[1];
  plan->fiber = cable[2];
  plan->nic_transceivers = need[0];
  plan->switch_transceivers = need[1];
  plan->fibers = need[2];
  uint32_t switches = plan->leaves + plan->spines;
  plan->rack_units = switches * best->rack_units;
  plan->power_w = (uint64_t)switches * best->power_w + need[0] * cable[0]->power_w +
                  need[1] * cable[1]->power_w + need[2] * cable[2]->power_w;
  return true;
}

bool gsz__network_lines(gsz_bom *bom, const gsz_catalog_data *d, const gsz_network_plan *plan,
                        char *why, size_t why_size) {
  bool ok = true;
  uint64_t e = plan->endpoints;
  if (!plan->onboard)
    ok &= add_line(bom, d, plan->nic, GSZ_ITEM_NIC, GSZ_BOM_PER_NODE, plan->nics_per_node, e,
                   "scale-out NIC");
  ok &= add_line(bom, d, plan->sw, GSZ_ITEM_SWITCH, GSZ_BOM_PER_CLUSTER, plan->leaves, plan->leaves,
                 plan->spines ? "leaf switch" : "switch");
  if (plan->spines)
    ok &= add_line(bom, d, plan->sw, GSZ_ITEM_SWITCH, GSZ_BOM_PER_CLUSTER, plan->spines,
                   plan->spines, "spine switch");
  const gsz_network_item *cable[3] = {plan->nic_transceiver, plan->switch_transceiver, plan->fiber};
  uint64_t need[3] = {plan->nic_transceivers, plan->switch_transceivers, plan->fibers};
  for (int k = 0; k < 3; k++)
    ok &= add_line(bom, d, cable[k], GSZ_ITEM_CABLE, GSZ_BOM_PER_CLUSTER, need[k], need[k],
                   cable_roles[k].name);
  if (!ok)
    say(why, why_size, "the bill of materials has more than %d lines", GSZ_BOM_MAX_LINES);
  return ok;
}

bool gsz_bom_network(gsz_bom *bom, gsz_network_plan *plan, const gsz_catalog_data *d,
                     const gsz_server *s, uint32_t nics_per_node, uint32_t nodes, char *why,
                     size_t why_size) {
  const gsz_network_item *nic = NULL;
  memset(plan, 0, sizeof *plan);
  if (!gsz__network_server_ok(d, s, nics_per_node, &nic, why, why_size))
    return false;
  bool designed = gsz__network_design(plan, d, nic, nics_per_node, nodes, why, why_size);
  plan->onboard = s->scale_out == GSZ_SCALE_OUT_ONBOARD;
  return designed && gsz__network_lines(bom, d, plan, why, why_size);
}
