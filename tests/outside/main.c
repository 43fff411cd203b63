/* main.c: an outside program against the installed library: opens the
 * built-in catalog and sizes Llama-3-8B through a request, as a front end
 * would. Prints the weights in bytes; exit 1 on any failure. */
#include <gpusizer/gpusizer.h>

#include <inttypes.h>
#include <stdio.h>

int main(void) {
  gsz_catalog *catalog = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK) {
    fprintf(stderr, "outside: %s\n", diag.message);
    return 1;
  }
  gsz_request req;
  gsz_request_init(&req);
  gsz_size_answer *answer = NULL;
  int status = 1;
  if (gsz_request_set(&req, GSZ_FIELD_MODEL, "llama-3-8b", &diag) == GSZ_OK &&
      gsz_size(&answer, gsz_catalog_get(catalog), &req, &diag) == GSZ_OK) {
    printf("gpusizer %s: weights %" PRIu64 "\n", gsz_version(),
           answer->estimate.component[GSZ_COMP_WEIGHTS]);
    status = 0;
  } else {
    char said[GSZ_DIAG_MESSAGE_MAX + 256];
    fprintf(stderr, "outside: %s\n", gsz_diag_render(said, sizeof said, &diag, NULL));
  }
  gsz_size_answer_free(answer);
  gsz_catalog_free(catalog);
  return status;
}
