/* replay.c: a main() for a fuzz target without libFuzzer, so any compiler
 * (gcc, the -Werror and sanitizer CI builds) can run it: calls
 * LLVMFuzzerTestOneInput once on every file named on the command line and
 * on every file in the directories named (the seed corpus, the regression
 * inputs), in name order. A missing directory is skipped; no input at all
 * is a failure, so a misnamed path cannot make the test pass empty. A crash
 * or a broken invariant aborts, which fails the ctest test. The slowest
 * input is named (the fuzzers allow 1 s per input; timing is not a test
 * failure here, where valgrind or -O0 may run). */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>

static double slowest_ms;
static char slowest[4096];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  while (buf != NULL) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap)
      break;
    uint8_t *bigger = realloc(buf, cap * 2);
    if (bigger == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  int failed = buf == NULL || ferror(f);
  fclose(f);
  if (failed) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return -1;
  }
  /* An exact-size copy, so AddressSanitizer sees a read past the end. */
  uint8_t *exact = malloc(len ? len : 1);
  if (exact == NULL) {
    free(buf);
    return -1;
  }
  if (len > 0)
    memcpy(exact, buf, len);
  free(buf);
  double start = now_ms();
  LLVMFuzzerTestOneInput(exact, len);
  double ms = now_ms() - start;
  if (ms > slowest_ms) {
    slowest_ms = ms;
    snprintf(slowest, sizeof slowest, "%s", path);
  }
  free(exact);
  return 0;
}

static int skip_dot(const struct dirent *e) {
  return e->d_name[0] != '.';
}

int main(int argc, char **argv) {
  size_t inputs = 0;
  int status = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      if (errno == ENOENT)
        continue; /* e.g. no regression inputs yet */
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (run_file(argv[i]) != 0)
        status = 1;
      inputs++;
      continue;
    }
    struct dirent **names;
    int n = scandir(argv[i], &names, skip_dot, alphasort);
    if (n < 0) {
      fprintf(stderr, "replay: cannot list %s: %s\n", argv[i], strerror(errno));
      return 1;
    }
    for (int k = 0; k < n; k++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(path) != 0)
          status = 1;
        inputs++;
      }
      free(names[k]);
    }
    free(names);
  }
  if (inputs == 0) {
    fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  printf("replayed %zu input%s; slowest %.1f ms: %s\n", inputs, inputs == 1 ? "" : "s", slowest_ms,
         slowest);
  return status;
}
