/* main.c: the gpusizer program: picks the subcommand and returns its exit
 * status. Everything else lives in cmd_*.c and the library. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  cli_command_fn fn;
  const char *summary;
} commands[] = {
    {"size", cmd_size, "memory one model needs for a workload, component by component"},
    {"quote", cmd_quote, "the cheapest GPU configuration that fits, priced, with alternatives"},
    {"batch", cmd_batch, "many quote requests from a CSV or YAML file, one row each"},
    {"catalog", cmd_catalog, "list GPUs, servers, models, formats, stock, runtimes"},
    {"db", cmd_db, "catalog files: init, migrate, check"},
};

static void usage(FILE *out) {
  fprintf(out, "usage: gpusizer COMMAND [OPTIONS]\n"
               "\n"
               "Sizes the GPU memory a model needs and quotes the cheapest GPU configuration\n"
               "from a catalog of GPUs, servers, prices and stock.\n"
               "\n"
               "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\n"
          "Every command takes --help, --db FILE (default: $GPUSIZER_DB, else the built-in\n"
          "catalog) and, where it prints data, --format table|json|csv|markdown.\n"
          "\n"
          "exit status: 0 success, 1 no configuration fits, 2 bad usage or input,\n"
          "3 catalog or database problem, 4 system error (out of memory, output not written).\n");
}

int main(int argc, char **argv) {
  gsz_fault_injection_from_env(); /* a testing aid; see alloc.h */
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return cli_finish(NULL, EXIT_OK);
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("gpusizer %s (catalog schema %d)\n", gsz_version(), gsz_catalog_schema_version());
    return cli_finish(NULL, EXIT_OK);
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(cmd, commands[i].name) == 0)
      return commands[i].fn(argc - 1, argv + 1);
  cli_error(NULL, "unknown command '%s' (see 'gpusizer --help')", cmd);
  return EXIT_USAGE;
}
