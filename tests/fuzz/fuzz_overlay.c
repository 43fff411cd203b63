/* fuzz_overlay.c: fuzz target for the YAML pricing overlay loader
 * (gsz_overlay_parse, with the YAML tree reader under it) against the
 * built-in catalog. The input is split at NUL bytes (which YAML never
 * contains) into up to four files merged in order, so the key-by-key merge
 * is fuzzed too. An overlay that loads is then used: description and
 * accessors, every catalog item's effective price and discounts, and
 * priced configurations for a sample (one in 16, chosen by the input's
 * length) of the catalog's server/GPU fits at 1 and 3 nodes, where the
 * lines must add up to the total and the total must not depend on whether
 * lines were asked for. The line count must be a true count after every
 * call, failed ones included (a totals-only call that failed once left a
 * marker there that a copy then read as a count). Last, a quote of one
 * model on one GPU with that GPU explained, as `quote --explain` runs it:
 * totals-only pricing while ranking, full lines for what is shown. */
#include "fuzz.h"

#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/money.h"
#include "gpusizer/pricing.h"

#include <stdbool.h>

#define MAX_FILES 4

static const gsz_catalog_data *builtin(void) {
  static gsz_catalog *catalog; /* kept for the whole run */
  if (catalog == NULL) {
    gsz_diag diag;
    if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK) {
      fprintf(stderr, "fuzz_overlay: built-in catalog: %s\n", diag.message);
      abort();
    }
  }
  return gsz_catalog_get(catalog);
}

static void check_price(const gsz_pricer *pricer, const gsz_catalog_data *d, const gsz_fit *fit,
                        uint32_t nodes) {
  static gsz_price with, without;
  gsz_diag diag;
  const gsz_gpu *gpu = &d->gpus[fit->gpu];
  const gsz_server *server = &d->servers[fit->server];
  memcpy(with.currency, pricer->currency, 4); /* as the matcher does */
  memcpy(without.currency, pricer->currency, 4);
  /* Totals first, into a struct that held lines before: the matcher's
   * order (rank on totals, then ask the shown ones for lines). */
  gsz_err e2 = fuzz_price(pricer, d, gpu, server, fit->count, nodes, false, &without, &diag);
  FUZZ_CHECK(without.n_lines == 0);
  gsz_err e1 = fuzz_price(pricer, d, gpu, server, fit->count, nodes, true, &with, &diag);
  FUZZ_CHECK(with.n_lines <= GSZ_PRICE_MAX_LINES);
  FUZZ_CHECK(e1 == GSZ_OK || e1 == GSZ_ENOTFOUND || e1 == GSZ_EOVERFLOW || e1 == GSZ_ELIMIT);
  FUZZ_CHECK(e1 == GSZ_OK || diag.message[0] != '\0');
  FUZZ_CHECK(e1 == e2);
  if (e1 != GSZ_OK)
    return;
  FUZZ_CHECK(with.total_minor == without.total_minor);
  FUZZ_CHECK(with.n_lines >= 2 && with.n_lines <= GSZ_PRICE_MAX_LINES);
  __int128 sum = 0;
  for (unsigned i = 0; i < with.n_lines; i++) {
    const gsz_price_line *l = &with.lines[i];
    FUZZ_CHECK(l->item != NULL);
    sum += l->amount_minor;
    if (l->kind == GSZ_LINE_SERVER || l->kind == GSZ_LINE_GPU || l->kind == GSZ_LINE_ADDER)
      FUZZ_CHECK((__int128)l->unit_minor * (__int128)l->quantity == l->amount_minor);
    if (l->kind == GSZ_LINE_DISCOUNT)
      FUZZ_CHECK(l->amount_minor <= 0 && -(__int128)l->amount_minor <= l->unit_minor);
  }
  FUZZ_CHECK(sum == with.total_minor);
  char text[96];
  size_t n = gsz_money_format(text, sizeof text, with.total_minor, pricer->minor_digits, true);
  FUZZ_CHECK(n < sizeof text && strlen(text) == n);
  if (pricer->excluded != NULL) {
    (void)pricer->excluded(pricer->ctx, GSZ_ITEM_GPU, fit->gpu);
    (void)pricer->excluded(pricer->ctx, GSZ_ITEM_SERVER, fit->server);
  }
}

/* `quote --model llama-3-8b --gpu G --explain G` under the overlay: every
 * explained candidate's lines are a true count, and a priced one's lines
 * add up to its total. */
static void check_explained_quote(const gsz_pricer *pricer, const gsz_catalog_data *d,
                                  size_t sample) {
  static gsz_model_ref model;
  static gsz_workload workload;
  static bool ready;
  gsz_diag diag;
  if (!ready) {
    const gsz_arch *arch = gsz_catalog_find_model(d, "llama-3-8b");
    FUZZ_CHECK(arch != NULL);
    FUZZ_CHECK(gsz_model_ref_from_arch(&model, arch, &diag) == GSZ_OK);
    FUZZ_CHECK(gsz_workload_defaults(&workload, d, GSZ_MODE_INFERENCE, &diag) == GSZ_OK);
    ready = true;
  }
  gsz_match_options opts;
  gsz_match_options_init(&opts);
  opts.gpus[0] = &d->gpus[sample % d->n_gpus];
  opts.n_gpus = 1;
  opts.explain = opts.gpus[0];
  gsz_match_result *res = NULL;
  gsz_err err = gsz_match_run(&res, d, &model, &workload, &opts, pricer, &diag);
  FUZZ_CHECK(err == GSZ_OK || err == GSZ_EOVERFLOW);
  if (err != GSZ_OK)
    return;
  for (size_t i = 0; i < res->n_explained; i++) {
    const gsz_price *p = &res->explained[i].price;
    FUZZ_CHECK(p->n_lines <= GSZ_PRICE_MAX_LINES);
    __int128 sum = 0;
    for (unsigned k = 0; k < p->n_lines; k++)
      sum += p->lines[k].amount_minor;
    FUZZ_CHECK(p->n_lines == 0 || sum == p->total_minor);
  }
  gsz_match_result_free(res);
}

static void use(const gsz_overlay *ov, const gsz_catalog_data *d, size_t sample) {
  FUZZ_CHECK(gsz_overlay_describe(ov) != NULL);
  FUZZ_CHECK(strlen(gsz_overlay_currency(ov)) == 3);
  const char *until = gsz_overlay_valid_until(ov);
  FUZZ_CHECK(until == NULL || strlen(until) == 10);
  for (size_t i = 0; i < gsz_overlay_file_count(ov); i++)
    FUZZ_CHECK(gsz_overlay_file(ov, i) != NULL);
  for (size_t i = 0; i < gsz_overlay_warning_count(ov); i++)
    FUZZ_CHECK(gsz_overlay_warning(ov, i) != NULL);
  char buf[512];
  for (int kind = 0; kind < 2; kind++) {
    const char *name = kind == 0 ? "gpu" : "server";
    size_t n = kind == 0 ? d->n_gpus : d->n_servers;
    for (size_t i = 0; i < n; i++) {
      gsz_effective_price e;
      gsz_overlay_unit_price(&e, ov, name, i);
      if (e.priced)
        FUZZ_CHECK(e.unit_minor >= 0 && e.origin != NULL);
      else
        FUZZ_CHECK(e.why != NULL);
      gsz_overlay_discounts_for(buf, sizeof buf, ov, name, i);
      FUZZ_CHECK(strlen(buf) < sizeof buf);
    }
  }
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, ov);
  /* A sample of the fits, different for different inputs: all of them
   * cost more than the parse itself. */
  for (size_t i = sample % 16; i < d->n_fits; i += 16) {
    check_price(&pricer, d, &d->fits[i], 1);
    check_price(&pricer, d, &d->fits[i], 3);
  }
  check_explained_quote(&pricer, d, sample);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const gsz_catalog_data *d = builtin();
  const char *texts[MAX_FILES];
  size_t lens[MAX_FILES];
  static const char *const labels[MAX_FILES] = {"a.yaml", "b.yaml", "c.yaml", "d.yaml"};
  size_t n = 0, start = 0;
  while (n < MAX_FILES) {
    const uint8_t *nul =
        n + 1 < MAX_FILES && start < size ? memchr(data + start, '\0', size - start) : NULL;
    size_t end = nul ? (size_t)(nul - data) : size;
    texts[n] = (const char *)data + start;
    lens[n] = end - start;
    n++;
    if (nul == NULL)
      break;
    start = end + 1;
  }
  gsz_overlay_options opts = {"2026-06-30", false};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_overlay_parse(&ov, texts, lens, labels, n, d, &opts, &diag);
  if (err == GSZ_EEXPIRED) {
    FUZZ_CHECK(strstr(diag.message, "expired") != NULL);
    opts.allow_expired = true;
    err = gsz_overlay_parse(&ov, texts, lens, labels, n, d, &opts, &diag);
    FUZZ_CHECK(err != GSZ_EEXPIRED);
    if (err == GSZ_OK)
      FUZZ_CHECK(gsz_overlay_warning_count(ov) > 0);
  }
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EPARSE || err == GSZ_EINVAL || err == GSZ_ELIMIT || err == GSZ_EOVERFLOW);
    FUZZ_CHECK(diag.code == err && diag.message[0] != '\0');
    return 0;
  }
  use(ov, d, size);
  gsz_overlay_free(ov);
  return 0;
}
