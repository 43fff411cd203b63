/* overlay_load.c: reading a pricing overlay (pricing.h): reads and merges
 * the YAML files, checks every key and value against the catalog with
 * file:line:col messages, and precomputes each item's effective unit price
 * in the quote currency. Pricing with it is overlay_price.c. */
#include "gpusizer/catalog.h"
#include "gpusizer/money.h"
#include "gpusizer/parse.h"
#include "gpusizer/suggest.h"
#include "pricing/overlay_int.h"
#include "util/common_int.h"
#include "util/fmt_int.h"
#include "util/yaml_tree_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *keep(gsz_overlay *ov, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Format a string owned by the overlay (labels, origins); NULL on ENOMEM. */
static const char *keep(gsz_overlay *ov, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (ov->n_strings == ov->cap_strings) {
    size_t cap = ov->cap_strings ? ov->cap_strings * 2 : 64;
    char **p = gsz__realloc(ov->strings, cap * sizeof *p);
    if (p == NULL) {
      ov->lost_string = true;
      return NULL;
    }
    ov->strings = p;
    ov->cap_strings = cap;
  }
  char *s = gsz__strdup(buf);
  if (s != NULL)
    ov->strings[ov->n_strings++] = s;
  else
    ov->lost_string = true; /* callers may not check: the load checks once */
  return s;
}

void gsz_overlay_free(gsz_overlay *ov) {
  if (ov == NULL)
    return;
  for (size_t i = 0; i < ov->n_strings; i++)
    gsz__free(ov->strings[i]);
  gsz__free(ov->strings);
  for (size_t i = 0; i < ov->n_files; i++)
    gsz__free(ov->files[i]);
  gsz__free(ov->files);
  for (size_t i = 0; i < ov->n_warnings; i++)
    gsz__free(ov->warnings[i]);
  gsz__free(ov->describe);
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++)
    gsz__free(ov->items[k]);
  gsz__free(ov);
}

/* --- Checking the tree ------------------------------------------------------------- */

typedef struct loader {
  gsz_overlay *ov;
  const gsz_catalog_data *d;
  gsz_diag *diag;
  gsz_err err;
} loader;

__attribute__((format(printf, 4, 5))) static gsz_err
bad(loader *l, gsz_err code, const gsz__yaml_node *at, const char *fmt, ...) {
  if (l->err != GSZ_OK)
    return l->err;
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  l->err = gsz__diag_set(l->diag, code, "%s:%u:%u: %s", at->file, at->line, at->col, msg);
  return l->err;
}

static const char *origin(loader *l, const gsz__yaml_node *n) {
  const char *s = keep(l->ov, "%s:%u:%u", n->file, n->line, n->col);
  if (s == NULL && l->err == GSZ_OK)
    l->err = gsz__diag_nomem(l->diag);
  return s ? s : "";
}

static bool expect_kind(loader *l, const gsz__yaml_node *n, gsz__yaml_kind kind, const char *key) {
  if (n->kind == kind)
    return true;
  bad(l, GSZ_EINVAL, n, "'%s' must be %s, not %s", key, gsz__yaml_kind_name(kind),
      gsz__yaml_kind_name(n->kind));
  return false;
}

/* Refuse keys outside `allowed`, suggesting the nearest. */
static bool known_keys(loader *l, const gsz__yaml_node *map, const char *const *allowed, size_t n,
                       const char *where) {
  for (size_t i = 0; i < map->n; i++) {
    const gsz__yaml_node *key = map->keys[i];
    bool ok = false;
    for (size_t j = 0; j < n && !ok; j++)
      ok = strcmp(key->value, allowed[j]) == 0;
    if (ok)
      continue;
    const char *best = gsz_suggest_nearest(key->value, allowed, n);
    char list[256] = "";
    for (size_t j = 0; j < n; j++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "", allowed[j]);
    if (best != NULL)
      bad(l, GSZ_EINVAL, key, "unknown key '%s'%s%s; did you mean '%s'?", key->value,
          where ? " in " : "", where ? where : "", best);
    else
      bad(l, GSZ_EINVAL, key, "unknown key '%s'%s%s (expected one of: %s)", key->value,
          where ? " in " : "", where ? where : "", list);
    return false;
  }
  return true;
}

/* A decimal value at the node: money, percentage or rate. */
static bool decimal(loader *l, const gsz__yaml_node *n, const char *key, unsigned scale,
                    int64_t *out, const char *what) {
  if (!expect_kind(l, n, GSZ_YAML_SCALAR, key))
    return false;
  gsz_diag inner;
  gsz_err err = gsz_parse_fixed(out, n->value, scale, false, &inner);
  if (err == GSZ_OK)
    return true;
  bad(l, err == GSZ_EOVERFLOW ? GSZ_EOVERFLOW : GSZ_EPARSE, n, "'%s': %s (expected %s)", key,
      inner.message, what);
  return false;
}

static const gsz_currency *currency_at(loader *l, const gsz__yaml_node *n, const char *key) {
  if (!expect_kind(l, n, GSZ_YAML_SCALAR, key))
    return NULL;
  const gsz_currency *c = gsz_catalog_find_currency(l->d, n->value);
  if (c == NULL)
    bad(l, GSZ_EINVAL, n,
        "'%s': unknown currency '%s' (an ISO 4217 code from the catalog's "
        "currency table, such as USD or EUR)",
        key, n->value);
  return c;
}

/* Units of the quote currency per unit of code: the overlay's fx, else
 * the catalog's exchange rate in force (table exchange_rate); false (with
 * a message at `at`) when neither has one. */
static bool rate_for(loader *l, const char *code, const gsz__yaml_node *at, int64_t *rate,
                     const char **rate_origin) {
  if (strcmp(code, l->ov->currency) == 0) {
    *rate = GSZ_FX_SCALE;
    *rate_origin = NULL;
    return true;
  }
  for (size_t i = 0; i < l->ov->n_fx; i++)
    if (strcmp(l->ov->fx[i].code, code) == 0) {
      *rate = l->ov->fx[i].rate;
      *rate_origin = l->ov->fx[i].origin;
      return true;
    }
  const gsz_fx_rate *fx = gsz_catalog_find_fx_rate(l->d, code, l->ov->currency);
  if (fx != NULL) {
    *rate = fx->rate;
    *rate_origin = keep(l->ov, "the catalog's exchange_rate of %s", fx->as_of);
    if (*rate_origin == NULL && l->err == GSZ_OK)
      l->err = gsz__diag_nomem(l->diag);
    return *rate_origin != NULL;
  }
  if (at != NULL)
    bad(l, GSZ_EINVAL, at,
        "currency %s has no exchange rate to the quote currency %s, in fx or in the "
        "catalog's exchange_rate table (add 'fx: {%s: \"...\"}': 1 %s = how many %s)",
        code, l->ov->currency, code, code, l->ov->currency);
  return false;
}

/* Convert minor units of `from` (digits df) to the quote currency. */
static gsz_err convert(const gsz_overlay *ov, int64_t amount, unsigned from_digits, int64_t rate,
                       int64_t *out, gsz_diag *diag) {
  /* amount / 10^df x rate / 10^9 x 10^dq, rounded once. */
  int64_t num = rate, den = GSZ_FX_SCALE;
  for (unsigned i = 0; i < ov->digits; i++)
    if (gsz__mul_i64(&num, num, 10))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "an exchange rate overflows");
  for (unsigned i = 0; i < from_digits; i++)
    if (gsz__mul_i64(&den, den, 10))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "an exchange rate overflows");
  return gsz_money_scale(out, amount, num, den, diag);
}

/* A rate x 10^9 as short decimal text: 900000000 -> "0.9". */
static void rate_text(char *buf, size_t size, int64_t rate) {
  gsz_money_format(buf, size, rate, 9, false);
  size_t n = strlen(buf);
  while (n > 0 && buf[n - 1] == '0')
    buf[--n] = '\0';
  if (n > 0 && buf[n - 1] == '.')
    buf[--n] = '\0';
}

static bool real_date(const char *s) {
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

/* --- Sections ------------------------------------------------------------------------ */

static void read_fx(loader *l, const gsz__yaml_node *fx) {
  if (!expect_kind(l, fx, GSZ_YAML_MAP, "fx"))
    return;
  for (size_t i = 0; i < fx->n && l->err == GSZ_OK; i++) {
    const gsz__yaml_node *key = fx->keys[i], *value = fx->values[i];
    const gsz_currency *c = gsz_catalog_find_currency(l->d, key->value);
    if (c == NULL) {
      bad(l, GSZ_EINVAL, key, "fx: unknown currency '%s'", key->value);
      return;
    }
    if (strcmp(c->code, l->ov->currency) == 0)
      continue; /* the quote currency's rate is 1: an earlier file's rate for it is moot */
    int64_t rate;
    if (!decimal(l, value, "fx", 9, &rate,
                 "a positive rate such as \"0.90\": 1 unit of the key = "
                 "this many of the quote currency"))
      return;
    if (rate == 0) {
      bad(l, GSZ_EINVAL, value, "fx: the rate for %s must be greater than 0", c->code);
      return;
    }
    if (l->ov->n_fx >= GSZ_ARRAY_LEN(l->ov->fx)) {
      bad(l, GSZ_ELIMIT, key, "fx: more than %zu rates", GSZ_ARRAY_LEN(l->ov->fx));
      return;
    }
    fx_rate *r = &l->ov->fx[l->ov->n_fx++];
    memcpy(r->code, c->code, 4);
    r->rate = rate;
    r->origin = origin(l, value);
  }
}

/* Resolve the SKU of an item of want (GSZ_ITEM_KIND_COUNT: any kind with
 * catalog records; GPUs by alias too) into its kind and index. */
static bool find_item(const gsz_catalog_data *d, const char *name, gsz_item_kind want,
                      gsz_item_kind *kind, size_t *index) {
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++) {
    if (want != GSZ_ITEM_KIND_COUNT && k != (int)want)
      continue;
    long i = gsz_catalog_find_item(d, (gsz_item_kind)k, name);
    if (i >= 0) {
      *kind = (gsz_item_kind)k;
      *index = (size_t)i;
      return true;
    }
  }
  return false;
}

/* kind GSZ_ITEM_KIND_COUNT: an item of any kind was wanted. */
static void unknown_sku(loader *l, const gsz__yaml_node *at, const char *key, gsz_item_kind kind) {
  bool any = kind == GSZ_ITEM_KIND_COUNT;
  const char *near = any || kind == GSZ_ITEM_GPU ? gsz_catalog_suggest_gpu(l->d, at->value) : NULL;
  bad(l, GSZ_EINVAL, at, "%s: unknown %s SKU '%s' (see 'gpusizer catalog %ss')%s%s%s", key,
      any ? "GPU or server" : gsz_item_kind_name(kind), at->value,
      any ? "gpu" : gsz_item_kind_name(kind), near ? "; did you mean '" : "", near ? near : "",
      near ? "'?" : "");
}

/* "gpu or server": the kinds the catalog has items of, for messages. */
static const char *kinds_in(const gsz_catalog_data *d, char *buf, size_t size) {
  int have[GSZ_ITEM_KIND_COUNT], n = 0;
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++)
    if (gsz_catalog_item_count(d, (gsz_item_kind)k) > 0)
      have[n++] = k;
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s",
                             i == 0       ? ""
                             : i + 1 == n ? " or "
                                          : ", ",
                             gsz_item_kind_name((gsz_item_kind)have[i]));
  return buf;
}

/* The names of every item kind, for the keys of prices and match.kind. */
static const char *const *kind_names(void) {
  static const char *names[GSZ_ITEM_KIND_COUNT];
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++)
    names[k] = gsz_item_kind_name((gsz_item_kind)k);
  return names;
}

static void read_prices(loader *l, const gsz__yaml_node *prices) {
  if (!expect_kind(l, prices, GSZ_YAML_MAP, "prices") ||
      !known_keys(l, prices, kind_names(), GSZ_ITEM_KIND_COUNT, "prices"))
    return;
  for (size_t k = 0; k < prices->n && l->err == GSZ_OK; k++) {
    const char *kind = prices->keys[k]->value;
    gsz_item_kind want = gsz_item_kind_find(kind);
    const gsz__yaml_node *items = prices->values[k];
    if (!expect_kind(l, items, GSZ_YAML_MAP, kind))
      return;
    for (size_t i = 0; i < items->n && l->err == GSZ_OK; i++) {
      const gsz__yaml_node *sku = items->keys[i], *spec = items->values[i];
      gsz_item_kind found_kind;
      size_t index;
      if (!find_item(l->d, sku->value, want, &found_kind, &index)) {
        unknown_sku(l, sku, "prices", want);
        return;
      }
      static const char *const fields[] = {"amount", "currency"};
      if (!expect_kind(l, spec, GSZ_YAML_MAP, sku->value) ||
          !known_keys(l, spec, fields, 2, sku->value))
        return;
      const gsz__yaml_node *amount = gsz__yaml_get(spec, "amount");
      if (amount == NULL) {
        bad(l, GSZ_EINVAL, spec, "%s: missing 'amount' (a price such as \"27500.00\")", sku->value);
        return;
      }
      const gsz__yaml_node *cur = gsz__yaml_get(spec, "currency");
      const gsz_currency *c =
          cur ? currency_at(l, cur, "currency") : gsz_catalog_find_currency(l->d, l->ov->currency);
      if (c == NULL)
        return;
      int64_t minor;
      char what[96];
      snprintf(what, sizeof what, "a non-negative amount in %s with at most %u decimals", c->code,
               c->minor_digits);
      if (!decimal(l, amount, "amount", c->minor_digits, &minor, what))
        return;
      int64_t rate;
      const char *rate_origin;
      if (!rate_for(l, c->code, cur ? cur : amount, &rate, &rate_origin))
        return;
      item_price *ip = &l->ov->items[found_kind][index];
      gsz_effective_price *e = &ip->eff;
      if (e->priced) {
        bad(l, GSZ_EINVAL, sku, "prices: '%s' is priced twice (also as %s)", sku->value, e->origin);
        return;
      }
      e->priced = true;
      e->source_minor = minor;
      memcpy(e->source_currency, c->code, 4);
      e->origin =
          keep(l->ov, "prices.%s in %s:%u:%u", kind, amount->file, amount->line, amount->col);
      if (convert(l->ov, minor, c->minor_digits, rate, &e->unit_minor, NULL) != GSZ_OK) {
        bad(l, GSZ_EOVERFLOW, amount,
            "'amount': converted to %s it does not fit 64-bit minor "
            "units; check the amount and the fx rate",
            l->ov->currency);
        return;
      }
      char rate_s[48];
      rate_text(rate_s, sizeof rate_s, rate);
      e->conversion = rate_origin ? keep(l->ov, "x %s %s->%s (fx at %s)", rate_s, c->code,
                                         l->ov->currency, rate_origin)
                                  : NULL;
    }
  }
}

static void read_discounts(loader *l, const gsz__yaml_node *list) {
  if (!expect_kind(l, list, GSZ_YAML_SEQ, "discounts"))
    return;
  if (list->n > GSZ_OVERLAY_MAX_DISCOUNTS) {
    bad(l, GSZ_ELIMIT, list, "discounts: at most %d rules", GSZ_OVERLAY_MAX_DISCOUNTS);
    return;
  }
  for (size_t i = 0; i < list->n && l->err == GSZ_OK; i++) {
    const gsz__yaml_node *rule = list->values[i];
    static const char *const fields[] = {"match", "percent", "min_qty"};
    if (!expect_kind(l, rule, GSZ_YAML_MAP, "discounts") ||
        !known_keys(l, rule, fields, 3, "a discount"))
      return;
    discount_rule *dr = &l->ov->discounts[l->ov->n_discounts];
    memset(dr, 0, sizeof *dr);
    const gsz__yaml_node *match = gsz__yaml_get(rule, "match");
    if (match == NULL) {
      bad(l, GSZ_EINVAL, rule, "a discount needs 'match: {vendor | sku | kind: ...}'");
      return;
    }
    static const char *const match_fields[] = {"vendor", "sku", "kind"};
    if (!expect_kind(l, match, GSZ_YAML_MAP, "match") ||
        !known_keys(l, match, match_fields, 3, "match"))
      return;
    if (match->n == 0) {
      bad(l, GSZ_EINVAL, match, "match needs at least one of vendor, sku, kind");
      return;
    }
    char what[160] = "";
    for (size_t k = 0; k < match->n; k++) {
      const char *field = match->keys[k]->value;
      const gsz__yaml_node *v = match->values[k];
      if (!expect_kind(l, v, GSZ_YAML_SCALAR, field))
        return;
      if (strcmp(field, "vendor") == 0) {
        bool known = false;
        for (int kd = 0; kd < GSZ_ITEM_KIND_COUNT && !known; kd++)
          for (size_t it = 0; it < gsz_catalog_item_count(l->d, (gsz_item_kind)kd) && !known;
               it++) {
            gsz_item item = gsz_catalog_item(l->d, (gsz_item_kind)kd, it);
            if (gsz__str_ieq(item.vendor, v->value)) {
              known = true;
              dr->vendor = item.vendor;
            }
          }
        if (!known) {
          bad(l, GSZ_EINVAL, v, "match: unknown vendor '%s' (see 'gpusizer catalog gpus')",
              v->value);
          return;
        }
      } else if (strcmp(field, "sku") == 0) {
        gsz_item_kind kind;
        size_t index;
        if (!find_item(l->d, v->value, GSZ_ITEM_KIND_COUNT, &kind, &index)) {
          unknown_sku(l, v, "match", GSZ_ITEM_KIND_COUNT);
          return;
        }
        dr->sku = gsz_catalog_item(l->d, kind, index).sku;
      } else {
        gsz_item_kind kind = gsz_item_kind_find(v->value);
        if (kind == GSZ_ITEM_KIND_COUNT || gsz_catalog_item_count(l->d, kind) == 0) {
          char kinds[160];
          bad(l, GSZ_EINVAL, v, "match: kind must be %s, not '%s'",
              kinds_in(l->d, kinds, sizeof kinds), v->value);
          return;
        }
        dr->kind = gsz_item_kind_name(kind);
      }
      snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s %s", k ? ", " : "", field,
               v->value);
    }
    const gsz__yaml_node *pct = gsz__yaml_get(rule, "percent");
    if (pct == NULL) {
      bad(l, GSZ_EINVAL, rule, "a discount needs 'percent' (such as \"5\")");
      return;
    }
    if (!decimal(l, pct, "percent", 4, &dr->percent, "a percentage from 0 to 100, such as \"5\""))
      return;
    if (dr->percent > 100 * GSZ_PERCENT_SCALE) {
      bad(l, GSZ_EINVAL, pct, "percent: a discount above 100%% would make a price negative");
      return;
    }
    dr->min_qty = 1;
    const gsz__yaml_node *min_qty = gsz__yaml_get(rule, "min_qty");
    if (min_qty != NULL) {
      gsz_diag inner;
      if (!expect_kind(l, min_qty, GSZ_YAML_SCALAR, "min_qty"))
        return;
      if (gsz_parse_uint(&dr->min_qty, min_qty->value, 1, 1000000, &inner) != GSZ_OK) {
        bad(l, GSZ_EINVAL, min_qty, "min_qty: %s", inner.message);
        return;
      }
    }
    dr->origin = origin(l, rule);
    if (dr->min_qty > 1)
      dr->label = keep(l->ov, "discount %s%% (%s, from %llu units)", pct->value, what,
                       (unsigned long long)dr->min_qty);
    else
      dr->label = keep(l->ov, "discount %s%% (%s)", pct->value, what);
    l->ov->n_discounts++;
  }
}

static void read_adders(loader *l, const gsz__yaml_node *list) {
  if (!expect_kind(l, list, GSZ_YAML_SEQ, "adders"))
    return;
  if (list->n > GSZ_OVERLAY_MAX_ADDERS) {
    bad(l, GSZ_ELIMIT, list, "adders: at most %d", GSZ_OVERLAY_MAX_ADDERS);
    return;
  }
  for (size_t i = 0; i < list->n && l->err == GSZ_OK; i++) {
    const gsz__yaml_node *a = list->values[i];
    static const char *const fields[] = {"name", "per", "amount", "currency"};
    if (!expect_kind(l, a, GSZ_YAML_MAP, "adders") || !known_keys(l, a, fields, 4, "an adder"))
      return;
    const gsz__yaml_node *name = gsz__yaml_get(a, "name"), *per = gsz__yaml_get(a, "per"),
                         *amount = gsz__yaml_get(a, "amount"), *cur = gsz__yaml_get(a, "currency");
    if (name == NULL || per == NULL || amount == NULL) {
      bad(l, GSZ_EINVAL, a, "an adder needs name, per (node, gpu or quote) and amount");
      return;
    }
    if (!expect_kind(l, name, GSZ_YAML_SCALAR, "name") ||
        !expect_kind(l, per, GSZ_YAML_SCALAR, "per"))
      return;
    if (name->value[0] == '\0' || strlen(name->value) > 64) {
      bad(l, GSZ_EINVAL, name, "name: 1 to 64 characters");
      return;
    }
    adder *ad = &l->ov->adders[l->ov->n_adders];
    if (strcmp(per->value, "node") == 0)
      ad->per = PER_NODE;
    else if (strcmp(per->value, "gpu") == 0)
      ad->per = PER_GPU;
    else if (strcmp(per->value, "quote") == 0)
      ad->per = PER_QUOTE;
    else {
      bad(l, GSZ_EINVAL, per, "per: expected node, gpu or quote, not '%s'", per->value);
      return;
    }
    const gsz_currency *c =
        cur ? currency_at(l, cur, "currency") : gsz_catalog_find_currency(l->d, l->ov->currency);
    if (c == NULL)
      return;
    int64_t minor, rate;
    const char *rate_origin;
    char what[96];
    snprintf(what, sizeof what, "a non-negative amount in %s with at most %u decimals", c->code,
             c->minor_digits);
    if (!decimal(l, amount, "amount", c->minor_digits, &minor, what) ||
        !rate_for(l, c->code, cur ? cur : amount, &rate, &rate_origin))
      return;
    if (convert(l->ov, minor, c->minor_digits, rate, &ad->unit_minor, NULL) != GSZ_OK) {
      bad(l, GSZ_EOVERFLOW, amount,
          "'amount': converted to %s it does not fit 64-bit minor "
          "units; check the amount and the fx rate",
          l->ov->currency);
      return;
    }
    ad->name = keep(l->ov, "%s", name->value);
    ad->origin = keep(l->ov, "per %s, %s:%u:%u", per->value, a->file, a->line, a->col);
    l->ov->n_adders++;
  }
}

static void read_exclude(loader *l, const gsz__yaml_node *list) {
  if (!expect_kind(l, list, GSZ_YAML_SEQ, "exclude"))
    return;
  for (size_t i = 0; i < list->n && l->err == GSZ_OK; i++) {
    const gsz__yaml_node *v = list->values[i];
    gsz_item_kind kind;
    size_t index;
    if (!expect_kind(l, v, GSZ_YAML_SCALAR, "exclude"))
      return;
    if (!find_item(l->d, v->value, GSZ_ITEM_KIND_COUNT, &kind, &index)) {
      unknown_sku(l, v, "exclude", GSZ_ITEM_KIND_COUNT);
      return;
    }
    l->ov->items[kind][index].eff.excluded = true;
  }
}

static void read_percent(loader *l, const gsz__yaml_node *n, const char *key, int64_t max,
                         int64_t *out, const char **label, const char **at, const char *word) {
  if (!decimal(l, n, key, 4, out, "a percentage such as \"12.5\""))
    return;
  if (*out > max) {
    bad(l, GSZ_EINVAL, n, "%s: above %lld%%", key, (long long)(max / GSZ_PERCENT_SCALE));
    return;
  }
  *label = keep(l->ov, "%s %s%%", word, n->value);
  *at = origin(l, n);
}

/* --- Effective prices of catalog items ------------------------------------------------------- */

static void catalog_prices(loader *l, const gsz__yaml_node *root) {
  const gsz_catalog_data *d = l->d;
  for (int kind = 0; kind < GSZ_ITEM_KIND_COUNT && l->err == GSZ_OK; kind++) {
    size_t n = gsz_catalog_item_count(d, (gsz_item_kind)kind);
    for (size_t i = 0; i < n && l->err == GSZ_OK; i++) {
      item_price *ip = &l->ov->items[kind][i];
      if (ip->eff.priced)
        continue; /* an override */
      gsz_item item = gsz_catalog_item(d, (gsz_item_kind)kind, i);
      const gsz_unit_price *p = item.price;
      bool sellable = item.sellable;
      if (!p->present) {
        ip->eff.why = "no price in the catalog";
        continue;
      }
      const gsz_currency *c = gsz_catalog_find_currency(d, p->currency);
      int64_t rate;
      const char *rate_origin;
      if (c == NULL || !rate_for(l, p->currency, NULL, &rate, &rate_origin)) {
        if (sellable && root != NULL) {
          const gsz__yaml_node *at = gsz__yaml_get(root, "currency");
          bad(l, GSZ_EINVAL, at ? at : root,
              "catalog prices are in %s but the quote is in %s and fx has no %s rate (add "
              "'fx: {%s: \"...\"}', or a %s->%s row to the catalog's exchange_rate table)",
              p->currency, l->ov->currency, p->currency, p->currency, p->currency, l->ov->currency);
          return;
        }
        ip->eff.why =
            keep(l->ov, "priced in %s, with no exchange rate to %s", p->currency, l->ov->currency);
        continue;
      }
      ip->eff.source_minor = p->amount_minor;
      memcpy(ip->eff.source_currency, p->currency, 4);
      if (convert(l->ov, p->amount_minor, c->minor_digits, rate, &ip->eff.unit_minor, NULL) !=
          GSZ_OK) {
        const gsz__yaml_node *at =
            root ? gsz__yaml_get(gsz__yaml_get(root, "fx"), p->currency) : NULL;
        if (at != NULL)
          bad(l, GSZ_EOVERFLOW, at,
              "fx: at this rate the catalog price of %s does not fit "
              "64-bit minor units of %s",
              item.sku, l->ov->currency);
        else
          l->err = gsz__diag_set(l->diag, GSZ_EOVERFLOW,
                                 "the catalog price of %s overflows "
                                 "when converted to %s",
                                 item.sku, l->ov->currency);
        return;
      }
      ip->eff.priced = true;
      ip->eff.origin = p->basis ? keep(l->ov, "catalog (%s, as of %s)", p->basis, p->as_of)
                                : keep(l->ov, "catalog (as of %s)", p->as_of);
      char rate_s[48];
      rate_text(rate_s, sizeof rate_s, rate);
      ip->eff.conversion = rate_origin ? keep(l->ov, "x %s %s->%s (fx at %s)", rate_s, p->currency,
                                              l->ov->currency, rate_origin)
                                       : NULL;
    }
  }
}

/* Quote lines show where a unit price came from and, when converted, the
 * amount as stated and the rate: "prices.gpu in a.yaml:7:5; 27,500.00 USD
 * x 0.9 USD->EUR (fx at a.yaml:3:8)". */
static void line_details(loader *l) {
  const gsz_catalog_data *d = l->d;
  for (int kind = 0; kind < GSZ_ITEM_KIND_COUNT && l->err == GSZ_OK; kind++) {
    size_t n = gsz_catalog_item_count(d, (gsz_item_kind)kind);
    for (size_t i = 0; i < n; i++) {
      item_price *ip = &l->ov->items[kind][i];
      const gsz_effective_price *e = &ip->eff;
      if (!e->priced)
        continue;
      if (e->conversion == NULL) {
        ip->line_detail = e->origin;
        continue;
      }
      const gsz_currency *c = gsz_catalog_find_currency(d, e->source_currency);
      char stated[GSZ_FMT_MAX];
      gsz__fmt_money(stated, e->source_minor, c ? c->minor_digits : 2, e->source_currency);
      ip->line_detail = keep(l->ov, "%s; %s %s", e->origin, stated, e->conversion);
      if (ip->line_detail == NULL) {
        l->err = gsz__diag_nomem(l->diag);
        return;
      }
    }
  }
}

/* The currency most catalog prices are in: the empty overlay's currency. */
static const char *main_currency(const gsz_catalog_data *d) {
  gsz_pricer p;
  gsz_catalog_pricer(&p, d);
  const gsz_currency *c = gsz_catalog_find_currency(d, p.currency);
  return c ? c->code : "USD";
}

static gsz_err interpret(gsz_overlay *ov, const gsz__yaml_node *root, gsz_diag *diag) {
  loader l = {ov, ov->data, diag, GSZ_OK};
  static const char *const top[] = {"currency", "fx",        "valid_until",
                                    "prices",   "discounts", "markup_percent",
                                    "adders",   "exclude",   "tax_percent"};
  memcpy(ov->currency, main_currency(ov->data), 4);
  if (root != NULL) {
    if (!expect_kind(&l, root, GSZ_YAML_MAP, "the overlay") ||
        !known_keys(&l, root, top, GSZ_ARRAY_LEN(top), NULL))
      return l.err;
    const gsz__yaml_node *n;
    if ((n = gsz__yaml_get(root, "currency")) != NULL) {
      const gsz_currency *c = currency_at(&l, n, "currency");
      if (c == NULL)
        return l.err;
      memcpy(ov->currency, c->code, 4);
    }
  }
  const gsz_currency *q = gsz_catalog_find_currency(ov->data, ov->currency);
  ov->digits = q ? q->minor_digits : 2;
  if (root != NULL) {
    const gsz__yaml_node *n;
    if ((n = gsz__yaml_get(root, "fx")) != NULL)
      read_fx(&l, n);
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "prices")) != NULL)
      read_prices(&l, n);
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "discounts")) != NULL)
      read_discounts(&l, n);
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "markup_percent")) != NULL)
      read_percent(&l, n, "markup_percent", 1000 * GSZ_PERCENT_SCALE, &ov->markup,
                   &ov->markup_label, &ov->markup_origin, "markup");
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "adders")) != NULL)
      read_adders(&l, n);
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "exclude")) != NULL)
      read_exclude(&l, n);
    if (l.err == GSZ_OK && (n = gsz__yaml_get(root, "tax_percent")) != NULL)
      read_percent(&l, n, "tax_percent", 100 * GSZ_PERCENT_SCALE, &ov->tax, &ov->tax_label,
                   &ov->tax_origin, "tax");
  }
  if (l.err == GSZ_OK)
    catalog_prices(&l, root);
  if (l.err == GSZ_OK)
    line_details(&l);
  return l.err;
}

/* Each file answers for its own validity, before merging: a later file
 * must not revive an expired one. The overlay is valid until the earliest
 * date any of its files gives. */
static gsz_err check_validity(gsz_overlay *ov, const gsz__yaml_node *root,
                              const gsz_overlay_options *opts, gsz_diag *diag) {
  loader l = {ov, ov->data, diag, GSZ_OK};
  const gsz__yaml_node *n = gsz__yaml_get(root, "valid_until");
  if (n == NULL)
    return GSZ_OK;
  if (!expect_kind(&l, n, GSZ_YAML_SCALAR, "valid_until"))
    return l.err;
  if (!real_date(n->value))
    return bad(&l, GSZ_EPARSE, n, "valid_until: '%s' is not a date (YYYY-MM-DD)", n->value);
  if (ov->valid_until[0] == '\0' || strcmp(n->value, ov->valid_until) < 0)
    memcpy(ov->valid_until, n->value, 11);
  if (opts == NULL || opts->today == NULL || strcmp(opts->today, n->value) <= 0)
    return GSZ_OK;
  if (!opts->allow_expired)
    return bad(&l, GSZ_EEXPIRED, n,
               "the overlay expired on %s (today is %s); renew it, or pass " GSZ_FIELD(
                   "allow_expired") " to "
                                    "quote with it anyway",
               n->value, opts->today);
  char w[300];
  snprintf(w, sizeof w,
           "%s:%u:%u: the overlay expired on %s (today is %s); prices may be out "
           "of date",
           n->file, n->line, n->col, n->value, opts->today);
  if (ov->n_warnings < GSZ_ARRAY_LEN(ov->warnings) &&
      (ov->warnings[ov->n_warnings] = gsz__strdup(w)) != NULL)
    ov->n_warnings++;
  return GSZ_OK;
}

static gsz_err describe(gsz_overlay *ov, gsz_diag *diag) {
  char buf[1024];
  if (ov->n_files == 0) {
    snprintf(buf, sizeof buf, "catalog prices (indicative list prices), %s", ov->currency);
  } else {
    size_t used = (size_t)snprintf(buf, sizeof buf, "pricing overlay ");
    for (size_t i = 0; i < ov->n_files && used < sizeof buf; i++)
      used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "", ov->files[i]);
    if (used < sizeof buf)
      snprintf(buf + used, sizeof buf - used, " (%s, %s%s)", ov->currency,
               ov->valid_until[0] ? "valid until " : "no validity date",
               ov->valid_until[0] ? ov->valid_until : "");
  }
  ov->describe = gsz__strdup(buf);
  return ov->describe ? GSZ_OK : gsz__diag_nomem(diag);
}

gsz_err gsz_overlay_parse(gsz_overlay **out, const char *const *texts, const size_t *lens,
                          const char *const *labels, size_t n, const gsz_catalog_data *data,
                          const gsz_overlay_options *opts, gsz_diag *diag) {
  gsz_err err = GSZ_OK;
  gsz__yaml_tree *trees = gsz__calloc(n ? n : 1, sizeof *trees);
  gsz_overlay *ov = gsz__calloc(1, sizeof *ov);
  if (trees == NULL || ov == NULL) {
    gsz__free(trees);
    gsz__free(ov);
    return gsz__diag_nomem(diag);
  }
  ov->data = data;
  bool lost = false;
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++) {
    size_t count = gsz_catalog_item_count(data, (gsz_item_kind)k);
    lost |= (ov->items[k] = gsz__calloc(count ? count : 1, sizeof *ov->items[k])) == NULL;
  }
  ov->files = gsz__calloc(n ? n : 1, sizeof *ov->files);
  if (lost || ov->files == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if ((err = gsz__yaml_parse(&trees[i], texts[i], lens[i], labels[i], diag)) != GSZ_OK)
      goto done;
    if (trees[i].root == NULL) {
      err = gsz__diag_set(diag, GSZ_EPARSE,
                          "%s:1:1: the file is empty (expected pricing keys "
                          "such as currency, prices, discounts)",
                          labels[i]);
      goto done;
    }
    if (trees[i].root->kind != GSZ_YAML_MAP) {
      err = gsz__diag_set(diag, GSZ_EPARSE,
                          "%s:%u:%u: expected a mapping of pricing keys "
                          "(currency, prices, discounts, ...), not %s",
                          labels[i], trees[i].root->line, trees[i].root->col,
                          gsz__yaml_kind_name(trees[i].root->kind));
      goto done;
    }
    if ((err = check_validity(ov, trees[i].root, opts, diag)) != GSZ_OK)
      goto done;
    if ((ov->files[i] = gsz__strdup(labels[i])) == NULL) {
      err = gsz__diag_nomem(diag);
      goto done;
    }
    ov->n_files++;
    if (i > 0 && (err = gsz__yaml_merge(&trees[0], &trees[i], diag)) != GSZ_OK)
      goto done;
  }
  if ((err = interpret(ov, n > 0 ? trees[0].root : NULL, diag)) != GSZ_OK)
    goto done;
  err = describe(ov, diag);
  if (err == GSZ_OK && ov->lost_string)
    err = gsz__diag_nomem(diag); /* a label or origin is missing: never a partial overlay */
done:
  for (size_t i = 0; i < n; i++)
    gsz__yaml_free(&trees[i]);
  gsz__free(trees);
  if (err != GSZ_OK) {
    gsz_overlay_free(ov);
    return err;
  }
  *out = ov;
  return GSZ_OK;
}

gsz_err gsz_overlay_load(gsz_overlay **out, const char *const *paths, size_t n,
                         const gsz_catalog_data *data, const gsz_overlay_options *opts,
                         gsz_diag *diag) {
  char **texts = gsz__calloc(n ? n : 1, sizeof *texts);
  size_t *lens = gsz__calloc(n ? n : 1, sizeof *lens);
  gsz_err err = GSZ_OK;
  if (texts == NULL || lens == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t i = 0; i < n && err == GSZ_OK; i++) {
    FILE *f = fopen(paths[i], "rb");
    if (f == NULL) {
      err = gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open pricing overlay '%s': %s",
                          paths[i], strerror(errno));
      break;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
      err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s': %s", paths[i], strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
      err = gsz__not_a_file(diag, paths[i], (unsigned)st.st_mode);
    } else if (st.st_size > (off_t)GSZ_YAML_MAX_BYTES) {
      err = gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %u KiB; not a pricing overlay",
                          paths[i], GSZ_YAML_MAX_BYTES >> 10);
    } else if ((texts[i] = gsz__malloc((size_t)st.st_size + 1)) == NULL) {
      err = gsz__diag_nomem(diag);
    } else {
      lens[i] = fread(texts[i], 1, (size_t)st.st_size, f);
      if (ferror(f) || lens[i] != (size_t)st.st_size)
        err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s'", paths[i]);
    }
    fclose(f);
  }
  if (err == GSZ_OK)
    err = gsz_overlay_parse(out, (const char *const *)texts, lens, paths, n, data, opts, diag);
done:
  for (size_t i = 0; texts != NULL && i < n; i++)
    gsz__free(texts[i]);
  gsz__free(texts);
  gsz__free(lens);
  return err;
}
