/* test_catalog_import_faults.c: gpusizer catalog import with allocation
 * failures. Through the library's allocator hook (which carries SQLite's
 * and libcsv's allocations too) the Nth allocation fails, once or from N
 * on, across the reading of the list and the import (a real one, into a
 * fresh copy of the catalog file each time). Every failing run returns
 * GSZ_ENOMEM saying "out of memory" (or recovers and imports whole),
 * frees every block it took, and leaves the file as it was or wholly
 * imported, never in between. Points: every one of the first
 * EVERY_POINT_UP_TO, then a spread as wide again (GSZ_FAULT_ALL=1: all). */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct faults {
  size_t calls, fail_at, injected;
  bool persist;
  long live;
} faults;

static faults F;

static bool should_fail(void) {
  F.calls++;
  if (F.fail_at != 0 && (F.calls == F.fail_at || (F.persist && F.calls > F.fail_at))) {
    F.injected++;
    return true;
  }
  return false;
}

static void *f_malloc(void *ctx, size_t size) {
  (void)ctx;
  if (should_fail())
    return NULL;
  void *p = malloc(size);
  F.live += p != NULL;
  return p;
}

static void *f_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  if (should_fail())
    return NULL;
  void *p = realloc(ptr, size);
  F.live += p != NULL && ptr == NULL;
  return p;
}

static void f_free(void *ctx, void *ptr) {
  (void)ctx;
  if (ptr != NULL) {
    F.live--;
    free(ptr);
  }
}

static void arm(size_t fail_at, bool persist) {
  F.calls = 0;
  F.fail_at = fail_at;
  F.persist = persist;
  F.injected = 0;
}

#define EVERY_POINT_UP_TO 300

static char *dir, *pristine, *path;

/* The catalog prices L40S and L4 on 2026-11-30: L40S gains a history row and a
 * future one, L4's row of that day changes. */
static const char list[] = "kind;sku;amount_minor;currency;as_of;source;basis\n"
                           "gpu;L40S;820000;USD;2026-11-28;Vendor list;list price\n"
                           "gpu;L4;290000;USD;2026-11-30;gpus.csv;changed\n"
                           "gpu;L40S;810000;USD;2027-01-15;Vendor list;announced\n";

/* Read the list and import it into a fresh copy of the catalog. */
static gsz_err import_once(gsz_diag *diag, bool *applied) {
  gsz_batch_input *in = NULL;
  *applied = false;
  gsz_err err = gsz_batch_parse(&in, list, sizeof list - 1, "list.csv", GSZ_BATCH_CSV, diag);
  if (err != GSZ_OK)
    return err;
  gsz_import_options opts = {false, "2026-11-30"};
  gsz_import_result *res = NULL;
  err = gsz_catalog_import(&res, path, "price", in, "list.csv", &opts, diag);
  if (err == GSZ_OK) {
    *applied = res->applied;
    if (!res->applied || res->n_add != 2 || res->n_change != 1)
      err = GSZ_EINVAL; /* a verdict spoilt by a failure would be wrong, not short */
  }
  gsz_import_result_free(res);
  gsz_batch_input_free(in);
  return err;
}

static void sweep(bool persist) {
  gsz_diag diag;
  bool applied;
  tu_unlink_db(path);
  tu_copy_file(pristine, path);
  arm(0, false);
  assert_int_equal(import_once(&diag, &applied), GSZ_OK);
  size_t total = F.calls, stride = 1, tried = 0, enomem = 0, recovered = 0;
  if (total > EVERY_POINT_UP_TO && getenv("GSZ_FAULT_ALL") == NULL)
    stride = (total + EVERY_POINT_UP_TO - 1) / EVERY_POINT_UP_TO;
  for (size_t n = 1;; n += n < EVERY_POINT_UP_TO ? 1 : stride) {
    tu_unlink_db(path);
    tu_copy_file(pristine, path);
    gsz_diag_clear(&diag);
    long before = F.live;
    arm(n, persist);
    gsz_err err = import_once(&diag, &applied);
    size_t injected = F.injected;
    arm(0, false);
    if (F.live != before)
      fail_msg("import: allocation %zu failed (%s): %ld block(s) leaked (%s)", n,
               persist ? "persist" : "once", F.live - before, diag.message);
    /* The file: the old rows, or all the new ones. */
    long long l40s = tu_db_int(path, "SELECT count(*) FROM price WHERE sku = 'L40S'");
    if (injected == 0) {
      assert_int_equal(err, GSZ_OK);
      break;
    }
    tried++;
    if (err == GSZ_OK) {
      recovered++;
      assert_int_equal(l40s, 3);
    } else if (err == GSZ_ENOMEM && strstr(diag.message, "out of memory") != NULL) {
      enomem++;
      assert_int_equal(l40s, 1);
    } else {
      fail_msg("import: allocation %zu failed (%s): %s: %s", n, persist ? "persist" : "once",
               gsz_err_name(err), diag.message);
    }
  }
  printf("fault: catalog import %-8s %6zu of %6zu points: %zu out of memory, %zu recovered; "
         "the file old or whole each time\n",
         persist ? "persist" : "once", tried, total, enomem, recovered);
  assert_true(tried > 100);
}

static void test_import_with_failing_allocations(void **state) {
  (void)state;
  sweep(false);
  sweep(true);
}

static int setup(void **state) {
  (void)state;
  dir = tu_tmpdir();
  pristine = tu_path(dir, "pristine.db");
  path = tu_path(dir, "import.db");
  gsz_diag diag;
  if (gsz_db_init(pristine, false, &diag) != GSZ_OK)
    fail_msg("db init: %s", diag.message);
  gsz_allocator a = {f_malloc, f_realloc, f_free, NULL};
  gsz_set_allocator(&a);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  gsz_set_allocator(NULL);
  tu_unlink_db(path);
  free(path);
  free(pristine);
  tu_rmdir_all(dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_import_with_failing_allocations, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
