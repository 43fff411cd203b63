/* gen_catalog.c: writes a synthetic catalog of N GPUs and N/2 servers (at
 * least 4), deterministic for a given N, for measuring how the cost of a
 * quote grows with the catalog. Models, formats, runtimes, network gear
 * and settings are the built-in ones; the GPUs (with a real architecture
 * each), servers, prices and stock are made up.
 *
 * usage: gen_catalog N OUT.db */
#include "gpusizer/gpusizer.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

/* xorshift64*: small, fast, and the same sequence everywhere. */
static uint64_t next(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static uint32_t between(uint32_t lo, uint32_t hi) {
  return lo + (uint32_t)(next() % (hi - lo + 1));
}

static const char *form_of(uint32_t roll) {
  return roll < 60 ? "PCIe" : roll < 85 ? "SXM" : "OAM";
}

static int die(sqlite3 *db, const char *what) {
  fprintf(stderr, "gen_catalog: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  sqlite3_close(db);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_catalog N OUT.db\n");
    return 2;
  }
  long n = strtol(argv[1], NULL, 10);
  if (n < 1 || n > 1000000) {
    fprintf(stderr, "gen_catalog: N must be 1 to 1000000\n");
    return 2;
  }
  gsz_diag diag;
  if (gsz_db_init(argv[2], true, &diag) != GSZ_OK) {
    fprintf(stderr, "gen_catalog: %s\n", diag.message);
    return 1;
  }
  rng_state = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
  sqlite3 *db = NULL;
  if (sqlite3_open(argv[2], &db) != SQLITE_OK)
    return die(db, "open");
  if (sqlite3_exec(
          db,
          "BEGIN; DELETE FROM inventory; DELETE FROM price; DELETE FROM server_gpu;"
          "DELETE FROM gpu_alias; DELETE FROM gpu_alias_ambiguous; DELETE FROM gpu_visible_memory;"
          "DELETE FROM caveat WHERE kind IN ('gpu', 'server');"
          "DELETE FROM gpu; DELETE FROM server;",
          NULL, NULL, NULL) != SQLITE_OK)
    return die(db, "clear");
  sqlite3_stmt *gpu, *server, *fit, *price, *stock;
  if (sqlite3_prepare_v2(
          db,
          "INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, "
          "bandwidth_gbs, tflops_bf16, tdp_w, datacenter_ok, architecture, source) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'synthetic (bench/gen_catalog)')",
          -1, &gpu, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO server (sku, vendor, name, gpu_form_factor, max_gpus, "
                         "rack_units, psu_w, chassis, base_w, source) "
                         "VALUES (?, 'Synthetic', ?, ?, ?, ?, ?, ?, ?, 'synthetic')",
                         -1, &server, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT OR IGNORE INTO server_gpu (server_sku, gpu_sku, gpu_count) "
                         "VALUES (?, ?, ?)",
                         -1, &fit, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
                         "VALUES (?, ?, ?, 'USD', '2026-11-26', 'synthetic')",
                         -1, &price, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO inventory (kind, sku, location, on_hand, reserved, "
                         "lead_time_days) VALUES ('gpu', ?, 'SYN', ?, 0, ?)",
                         -1, &stock, NULL) != SQLITE_OK)
    return die(db, "prepare");

  static const uint32_t memories_gib[] = {16, 24, 32, 40, 48, 64, 80, 96, 128, 141, 192, 256};
  static const char *const vendors[] = {"NVIDIA", "AMD", "Intel"};
  long n_servers = n / 2 < 4 ? 4 : n / 2;
  char sku[32], name[64];
  /* Servers first, so each GPU can pick among those of its form factor. */
  char(*server_form)[8] = calloc((size_t)n_servers, sizeof *server_form);
  uint32_t *server_max = calloc((size_t)n_servers, sizeof *server_max);
  for (long i = 0; i < n_servers; i++) {
    const char *form = i < 3 ? (i == 0 ? "PCIe" : i == 1 ? "SXM" : "OAM") : form_of(between(0, 99));
    uint32_t max = strcmp(form, "PCIe") == 0 ? between(1, 10) : (between(0, 1) ? 8 : 4);
    bool workstation = strcmp(form, "PCIe") == 0 && between(0, 9) == 0;
    snprintf(sku, sizeof sku, "SYN-S%06ld", i);
    snprintf(name, sizeof name, "Synthetic server %ld", i);
    snprintf(server_form[i], sizeof server_form[i], "%s", form);
    server_max[i] = max;
    sqlite3_bind_text(server, 1, sku, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(server, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(server, 3, form, -1, SQLITE_STATIC);
    sqlite3_bind_int(server, 4, (int)max);
    sqlite3_bind_int(server, 5, workstation ? 0 : (int)between(1, 10));
    sqlite3_bind_int(server, 6, (int)between(3000, 16000));
    sqlite3_bind_text(server, 7, workstation ? "workstation" : "rack", -1, SQLITE_STATIC);
    sqlite3_bind_int(server, 8, (int)between(300, 4600));
    if (sqlite3_step(server) != SQLITE_DONE)
      return die(db, "server");
    sqlite3_reset(server);
    sqlite3_bind_text(price, 1, "server", -1, SQLITE_STATIC);
    sqlite3_bind_text(price, 2, sku, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(price, 3, (sqlite3_int64)between(5000, 60000) * 100);
    if (sqlite3_step(price) != SQLITE_DONE)
      return die(db, "server price");
    sqlite3_reset(price);
  }
  for (long i = 0; i < n; i++) {
    const char *form = form_of(between(0, 99));
    uint32_t gib = memories_gib[between(0, sizeof memories_gib / sizeof memories_gib[0] - 1)];
    uint32_t tdp = strcmp(form, "PCIe") == 0  ? between(70, 600)
                   : strcmp(form, "SXM") == 0 ? between(400, 1000)
                                              : between(600, 1400);
    snprintf(sku, sizeof sku, "SYN-G%06ld", i);
    snprintf(name, sizeof name, "Synthetic GPU %ld (%u GB)", i, gib);
    sqlite3_bind_text(gpu, 1, sku, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(gpu, 2, vendors[between(0, 2)], -1, SQLITE_STATIC);
    sqlite3_bind_text(gpu, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(gpu, 4, form, -1, SQLITE_STATIC);
    sqlite3_bind_int(gpu, 5, (int)(gib * 1024));
    sqlite3_bind_int(gpu, 6, (int)(gib * 1024 - between(0, 1200)));
    sqlite3_bind_int(gpu, 7, (int)between(300, 8000));
    sqlite3_bind_double(gpu, 8, between(50, 2500));
    sqlite3_bind_int(gpu, 9, (int)tdp);
    sqlite3_bind_int(gpu, 10, between(0, 19) != 0);
    /* A real architecture of its form factor, so that format support and
     * the speed model apply; by position, not drawn, so that every other
     * value is what earlier versions of this program wrote. */
    static const char *const arch_pcie[] = {"ada", "ampere", "blackwell_rtx"},
                             *const arch_sxm[] = {"hopper", "blackwell", "ampere"},
                             *const arch_oam[] = {"cdna3", "cdna4", "gaudi3"};
    const char *const *arches = strcmp(form, "PCIe") == 0  ? arch_pcie
                                : strcmp(form, "SXM") == 0 ? arch_sxm
                                                           : arch_oam;
    sqlite3_bind_text(gpu, 11, arches[i % 3], -1, SQLITE_STATIC);
    if (sqlite3_step(gpu) != SQLITE_DONE)
      return die(db, "gpu");
    sqlite3_reset(gpu);
    sqlite3_bind_text(price, 1, "gpu", -1, SQLITE_STATIC);
    sqlite3_bind_text(price, 2, sku, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(price, 3, (sqlite3_int64)(gib * between(80, 300)) * 100);
    if (sqlite3_step(price) != SQLITE_DONE)
      return die(db, "gpu price");
    sqlite3_reset(price);
    if (between(0, 4) == 0) {
      sqlite3_bind_text(stock, 1, sku, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int(stock, 2, (int)between(0, 64));
      sqlite3_bind_int(stock, 3, (int)between(7, 90));
      if (sqlite3_step(stock) != SQLITE_DONE)
        return die(db, "stock");
      sqlite3_reset(stock);
    }
    /* Four servers of its form factor take it, in every count they allow
     * (boards: only their count). */
    for (int k = 0, tries = 0; k < 4 && tries < 1000; tries++) {
      long si = (long)(next() % (uint64_t)n_servers);
      if (strcmp(server_form[si], form) != 0)
        continue;
      k++;
      char server_sku[32];
      snprintf(server_sku, sizeof server_sku, "SYN-S%06ld", si);
      uint32_t lo = strcmp(form, "PCIe") == 0 ? 1 : server_max[si];
      for (uint32_t count = lo; count <= server_max[si]; count++) {
        sqlite3_bind_text(fit, 1, server_sku, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(fit, 2, sku, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(fit, 3, (int)count);
        if (sqlite3_step(fit) != SQLITE_DONE)
          return die(db, "server_gpu");
        sqlite3_reset(fit);
      }
    }
  }
  sqlite3_finalize(gpu);
  sqlite3_finalize(server);
  sqlite3_finalize(fit);
  sqlite3_finalize(price);
  sqlite3_finalize(stock);
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return die(db, "commit");
  sqlite3_close(db);
  free(server_form);
  free(server_max);
  return 0;
}
