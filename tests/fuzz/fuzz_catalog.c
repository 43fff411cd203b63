/* fuzz_catalog.c: fuzz target for the catalog loader on a mutated
 * database image. The input is a whole SQLite file (the seeds are images
 * written by 'gpusizer db init'); it is written to a temporary file (in
 * /dev/shm when there is one, else $TMPDIR or /tmp; one fixed name per
 * process) and opened through the public API, gsz_catalog_open, exactly as
 * 'gpusizer --db FILE' would. (sqlite3_deserialize would skip the file, but
 * the library only opens catalogs by path, and the path is what users
 * give it.) Anything that is not a usable catalog must be a clean error. A
 * catalog that loads is then used: lookups, parameter counts and KV bytes
 * of every model (checked in 128-bit arithmetic, as in fuzz_hf_config),
 * effective prices and priced configurations of a sample of the fits (one
 * in 16, chosen by the input). 'db check'
 * (integrity, foreign keys, sanity view) runs on inputs whose byte 72 is
 * odd: a byte of the header's reserved area, zero in real files, so
 * mutations turn the slower check on for a share of the inputs only. */
#include "fuzz.h"

#include "gpusizer/catalog.h"
#include "gpusizer/match.h"
#include "gpusizer/model.h"
#include "gpusizer/pricing.h"

#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

typedef unsigned __int128 u128;

static char db_path[512];

static void remove_files(void) {
  static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
  char path[600];
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
    unlink(path);
  }
}

static const char *temp_path(void) {
  if (db_path[0] == '\0') {
    const char *dir = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0)
      dir = "/dev/shm";
    else if (dir == NULL || dir[0] == '\0')
      dir = "/tmp";
    snprintf(db_path, sizeof db_path, "%s/gsz-fuzz-catalog-%ld.db", dir, (long)getpid());
    atexit(remove_files);
  }
  return db_path;
}

static bool write_image(const uint8_t *data, size_t size) {
  remove_files(); /* no journal or WAL file of an earlier input may apply */
  int fd = open(temp_path(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return false;
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  close(fd);
  return done == size;
}

static u128 kv_values(const gsz_arch *a, uint32_t tp) {
  if (a->kv_lora_rank > 0)
    return (u128)a->kv_lora_rank + a->qk_rope_head_dim;
  u128 kv = gsz_model_kv_heads(a), t = tp ? tp : 1;
  u128 per_rank = kv >= t ? (kv + t - 1) / t : 1;
  return 2 * per_rank * gsz_model_head_dim(a);
}

/* Models straight from a file have had no config.json checks: counting
 * refuses what is inconsistent, and nothing may wrap. */
static void use_models(const gsz_catalog_data *d) {
  for (size_t i = 0; i < d->n_models; i++) {
    const gsz_arch *a = &d->models[i];
    FUZZ_CHECK(a->name != NULL && a->model_type != NULL);
    FUZZ_CHECK(gsz_catalog_find_model(d, a->name) != NULL);
    gsz_param_count pc;
    gsz_diag diag;
    gsz_err err = gsz_model_count(&pc, a, &diag);
    FUZZ_CHECK(err == GSZ_OK || err == GSZ_EINVAL || err == GSZ_EOVERFLOW ||
               err == GSZ_EUNSUPPORTED);
    if (err != GSZ_OK)
      continue;
    FUZZ_CHECK(pc.active <= pc.total);
    for (size_t f = 0; f < d->n_formats && f < 4; f++) {
      uint64_t got = 0;
      err = gsz_model_kv_bytes_per_token(&got, a, 1, &d->formats[f], NULL);
      u128 values = kv_values(a, 1) * a->num_hidden_layers;
      u128 bytes = (values * d->formats[f].block_bytes + d->formats[f].block_elems - 1) /
                   d->formats[f].block_elems;
      if (bytes > UINT64_MAX)
        FUZZ_CHECK(err == GSZ_EOVERFLOW);
      else
        FUZZ_CHECK(err == GSZ_OK && got == bytes);
    }
  }
}

static void use_prices(const gsz_catalog_data *d, size_t sample) {
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_err err = gsz_overlay_parse(&ov, NULL, NULL, NULL, 0, d, NULL, &diag);
  FUZZ_CHECK(err == GSZ_OK || err == GSZ_EOVERFLOW || err == GSZ_EINVAL);
  gsz_pricer pricers[2];
  size_t n_pricers = 0;
  gsz_catalog_pricer(&pricers[n_pricers++], d);
  if (err == GSZ_OK)
    gsz_overlay_pricer(&pricers[n_pricers++], ov);
  static gsz_price with, without;
  for (size_t p = 0; p < n_pricers; p++)
    for (size_t i = sample % 16; i < d->n_fits; i += 16) { /* a sample: all cost too much */
      const gsz_fit *fit = &d->fits[i];
      FUZZ_CHECK(fit->gpu < d->n_gpus && fit->server < d->n_servers);
      const gsz_gpu *gpu = &d->gpus[fit->gpu];
      const gsz_server *server = &d->servers[fit->server];
      /* As the matcher does: the quote currency is stamped first. */
      memcpy(with.currency, pricers[p].currency, 4);
      memcpy(without.currency, pricers[p].currency, 4);
      gsz_err e1 = fuzz_price(&pricers[p], d, gpu, server, fit->count, 2, true, &with, &diag);
      gsz_err e2 = fuzz_price(&pricers[p], d, gpu, server, fit->count, 2, false, &without, &diag);
      FUZZ_CHECK(e1 == e2);
      if (e1 != GSZ_OK)
        continue;
      FUZZ_CHECK(with.total_minor == without.total_minor);
      FUZZ_CHECK(with.n_lines >= 2);
      __int128 sum = 0;
      for (unsigned k = 0; k < with.n_lines; k++) {
        const gsz_price_line *l = &with.lines[k];
        sum += l->amount_minor;
        if (l->kind == GSZ_LINE_SERVER || l->kind == GSZ_LINE_GPU)
          FUZZ_CHECK((__int128)l->unit_minor * (__int128)l->quantity == l->amount_minor);
      }
      FUZZ_CHECK(sum == with.total_minor);
    }
  gsz_overlay_free(ov);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!write_image(data, size))
    return 0;
  gsz_catalog *catalog = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_catalog_open(&catalog, temp_path(), &diag);
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EDB || err == GSZ_ESCHEMA || err == GSZ_ELIMIT);
    FUZZ_CHECK(diag.code == err && diag.message[0] != '\0');
  } else {
    const gsz_catalog_data *d = gsz_catalog_get(catalog);
    for (size_t i = 0; i < d->n_gpus; i++) {
      FUZZ_CHECK(d->gpus[i].sku != NULL && d->gpus[i].usable_mib <= d->gpus[i].memory_mib);
      (void)gsz_catalog_find_gpu(d, d->gpus[i].sku);
    }
    for (size_t i = 0; i < d->n_servers; i++)
      (void)gsz_catalog_find_server(d, d->servers[i].sku);
    for (size_t i = 0; i < d->n_currencies; i++)
      FUZZ_CHECK(strlen(d->currencies[i].code) == 3 && d->currencies[i].minor_digits <= 4);
    (void)gsz_catalog_suggest_gpu(d, "H100-SXM5-80GB");
    (void)gsz_catalog_suggest_model(d, "llama-3-8");
    use_models(d);
    use_prices(d, size / 4096 + (size > 0 ? data[size / 2] : 0));
    gsz_catalog_free(catalog);
  }
  if (size > 72 && (data[72] & 1)) {
    gsz_problem_list problems = {NULL, 0};
    err = gsz_db_check(temp_path(), &problems, &diag);
    FUZZ_CHECK(err == GSZ_OK || err == GSZ_EDB || err == GSZ_ESCHEMA || err == GSZ_ENOMEM);
    gsz_problem_list_free(&problems);
  }
  return 0;
}
