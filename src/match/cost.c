/* cost.c: the cost of ownership of a priced candidate (docs/cost.md):
 * capital expense (its total price), energy over the years at the
 * configuration's power, a utilisation and the facility's PUE, TCO = the
 * two, and TCO per million output tokens at the estimated throughput.
 * Integers only (the money path has no floating point): money in minor
 * units, energy in Wh, every product in 128 bits and checked. */
#include "match/match_int.h"

#include <string.h>

/* 365.25 days a year. */
#define HOURS_PER_YEAR 8766u
#define SECONDS_PER_YEAR 31557600u

/* n / d rounded to nearest (d > 0). */
static unsigned __int128 div_round(unsigned __int128 n, unsigned __int128 d) {
  return (n + d / 2) / d;
}

void gsz__match_cost(const run *r, gsz_candidate *c) {
  const gsz_cost_options *o = &r->o->cost;
  gsz_candidate_cost *k = &c->cost;
  memset(k, 0, sizeof *k);
  k->known = true;
  k->capex_minor = c->price.total_minor;
  uint32_t years = o->years ? o->years : 3;
  uint32_t pue = o->pue_centi ? o->pue_centi : 130;
  uint32_t util = o->utilisation_bp ? o->utilisation_bp : GSZ_BP_SCALE;
  /* Wh = W x hours x PUE x utilisation. */
  unsigned __int128 wh =
      div_round((unsigned __int128)c->power_w * HOURS_PER_YEAR * years * pue * util,
                (unsigned __int128)100 * GSZ_BP_SCALE);
  /* minor = Wh / 1000 x (thousandths of a minor unit per kWh) / 1000. */
  unsigned __int128 energy =
      o->power_price_milli > 0
          ? div_round(wh * (unsigned __int128)o->power_price_milli, (unsigned __int128)1000000)
          : 0;
  if (wh > UINT64_MAX || energy > INT64_MAX || k->capex_minor < 0 ||
      (unsigned __int128)k->capex_minor + energy > INT64_MAX) {
    k->overflow = true;
    return;
  }
  k->energy_wh = (uint64_t)wh;
  k->energy_minor = (int64_t)energy;
  k->tco_minor = k->capex_minor + k->energy_minor;
  if (c->perf.known && c->perf.est.output_mtps > 0) {
    /* TCO x 10^6 tokens / (milli-tokens/s / 1000 x seconds). */
    unsigned __int128 tokens_milli =
        (unsigned __int128)c->perf.est.output_mtps * SECONDS_PER_YEAR * years;
    unsigned __int128 per =
        div_round((unsigned __int128)k->tco_minor * 1000000u * 1000u, tokens_milli);
    if (per > INT64_MAX) {
      k->overflow = true;
      return;
    }
    k->has_per_million = true;
    k->per_million_minor = (int64_t)per;
  }
}
