/* request.h: the command line's side of a request: the library's request
 * fields as long options (max_nodes is --max-nodes), their --help lines,
 * the environment variables that fill a request, and the words the
 * command line uses for fields in messages. */
#ifndef GSZ_CLI_REQUEST_H
#define GSZ_CLI_REQUEST_H

#include "cli.h"

#include <getopt.h>
#include <stdio.h>

/* getopt_long values of request fields: CLI_FIELD_OPT + field. */
#define CLI_FIELD_OPT 3000

/* A getopt_long table: every request field of scope (GSZ_SCOPE_*), then
 * extra (terminated), into out (capacity cap). */
void cli_field_options(struct option *out, size_t cap, unsigned scope, const struct option *extra);

/* The --help lines of the fields of scope. */
void cli_field_help(FILE *out, unsigned scope);

/* Record the value of a field option (getopt's opt and optarg); a usage
 * error (printed) returns false. */
bool cli_field_set(const char *cmd, gsz_request *req, int opt, const char *optarg_value);

/* A batch file's: "column 'max_nodes'" as a message's subject, "--max-nodes"
 * inside a sentence (the batch is run from the command line). */
extern const gsz_field_words cli_column_words;

/* Fill what the environment adds to a request: the pricing overlays of
 * $GPUSIZER_PRICING (paths separated by ':') when no pricing field was
 * given, and today's date from $GPUSIZER_TODAY (a testing aid, announced on
 * stderr). env_storage keeps the split copy: free it after the request.
 * Prints errors; returns an exit status. */
int cli_request_environment(const char *cmd, gsz_request *req, char **env_storage);

/* The overlay for req (cli_request_environment first): prints errors and
 * the overlay's warnings; returns an exit status. */
int cli_request_overlay(const char *cmd, gsz_overlay **out, const gsz_catalog_data *data,
                        const gsz_request *req);

#endif
