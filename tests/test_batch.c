/* test_batch.c: reading batch files: CSV through libcsv (quotes, embedded
 * commas and newlines, blank lines, empty values), YAML lists, and every
 * malformed input refused with the file and line. Writing whole files:
 * links are followed and kept, devices are written in place, never
 * replaced. */
#include "testutil.h"

#include "gpusizer/batch.h"
#include "gpusizer/file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gsz_batch_input *parse(const char *text, gsz_batch_format format) {
  gsz_batch_input *in = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_batch_parse(&in, text, strlen(text), "b.csv", format, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return in;
}

static void test_csv_rows_and_quoting(void **state) {
  (void)state;
  gsz_batch_input *in = parse("id,model,context\r\n"
                              "1,llama-3-8b,4096\r\n"
                              "\n"
                              "\"two, quoted\",\"qwen2.5-7b\",\n"
                              "3,\"multi\nline\",8192\n",
                              GSZ_BATCH_CSV);
  assert_int_equal(in->n_columns, 3);
  assert_string_equal(in->columns[2], "context");
  assert_int_equal(in->n_rows, 3);
  assert_string_equal(in->rows[0].values[1], "llama-3-8b");
  assert_string_equal(in->rows[1].values[0], "two, quoted");
  assert_null(in->rows[1].values[2]); /* empty: not given */
  assert_string_equal(in->rows[2].values[1], "multi\nline");
  assert_int_equal(in->rows[2].number, 3);
  assert_int_equal(in->rows[1].line, 4);
  assert_int_equal(in->rows[2].line, 5);
  gsz_batch_input_free(in);
  /* Short rows are fine: the missing values are not given. */
  in = parse("id,model,context\n1,llama-3-8b\n", GSZ_BATCH_CSV);
  assert_null(in->rows[0].values[2]);
  gsz_batch_input_free(in);
}

static void test_yaml_lists_of_mappings(void **state) {
  (void)state;
  gsz_batch_input *in = parse("- {id: a, model: llama-3-8b, context: 4096}\n"
                              "- id: b\n  params: 7B\n  gpu: H100\n",
                              GSZ_BATCH_YAML);
  assert_int_equal(in->n_rows, 2);
  assert_int_equal(in->n_columns, 5); /* id, model, context, params, gpu */
  assert_string_equal(in->rows[1].values[3], "7B");
  assert_null(in->rows[1].values[1]);
  assert_int_equal(in->rows[1].line, 2);
  gsz_batch_input_free(in);
}

/* A list of values is a repeated flag ("H100;L40S" in CSV); a value that
 * is no value spoils its own row only, with the place named. */
static void test_yaml_lists_and_bad_values_per_row(void **state) {
  (void)state;
  gsz_batch_input *in = parse("- {id: a, gpu: [H100, L40S]}\n"
                              "- {id: b, context: {x: 1}, gpu: []}\n"
                              "- {id: c, gpu: [[H100]]}\n"
                              "- {id: d, model: llama-3-8b}\n",
                              GSZ_BATCH_YAML);
  assert_int_equal(in->n_rows, 4);
  assert_string_equal(in->columns[1], "gpu");
  assert_string_equal(in->rows[0].values[1], "H100;L40S");
  assert_null(in->rows[0].error);
  assert_string_equal(in->rows[1].error,
                      "b.csv:2:20: 'context' must be a value, not a mapping (key: value lines)");
  assert_null(in->rows[1].values[1]); /* an empty list: not given */
  assert_string_equal(in->rows[2].error,
                      "b.csv:3:16: 'gpu' must be a value or a list of values, not a list");
  assert_null(in->rows[3].error);
  assert_string_equal(in->rows[3].values[3], "llama-3-8b");
  gsz_batch_input_free(in);

  /* A list that would make a value over 4 KiB spoils its row, as a long
   * CSV cell would the file. */
  char yaml[8192] = "- {id: long, gpu: [";
  for (int i = 0; i < 500; i++)
    strcat(yaml, i ? ", ABCDEFGHIJ" : "ABCDEFGHIJ");
  strcat(yaml, "]}\n- {id: fine, gpu: L4}\n");
  in = parse(yaml, GSZ_BATCH_YAML);
  assert_int_equal(in->n_rows, 2);
  assert_string_equal(in->rows[0].error, "b.csv:1:19: 'gpu': a list longer than 4096 bytes");
  assert_null(in->rows[0].values[1]);
  assert_null(in->rows[1].error);
  assert_string_equal(in->rows[1].values[1], "L4");
  gsz_batch_input_free(in);
}

static void test_malformed_batches_are_refused_with_the_line(void **state) {
  (void)state;
  static const struct {
    const char *text;
    gsz_batch_format format;
    gsz_err err;
    const char *says;
  } cases[] = {
      {"", GSZ_BATCH_CSV, GSZ_EPARSE, "empty file"},
      {"id,,context\n", GSZ_BATCH_CSV, GSZ_EPARSE, "b.csv:1: column 2 of the header is empty"},
      {"id,model,id\n", GSZ_BATCH_CSV, GSZ_EPARSE, "column 'id' appears twice"},
      {"id,model\n1,a,b\n", GSZ_BATCH_CSV, GSZ_EPARSE,
       "b.csv:2: row 1 has 3 fields but the header has 2"},
      {"id,model\n1,\"unclosed\n", GSZ_BATCH_CSV, GSZ_EPARSE, "malformed CSV"},
      {"id,model\n1,ab\"c\n", GSZ_BATCH_CSV, GSZ_EPARSE, "b.csv:2: malformed CSV"},
      {"{model: x}\n", GSZ_BATCH_YAML, GSZ_EPARSE, "expected a list of requests"},
      {"- [1, 2]\n", GSZ_BATCH_YAML, GSZ_EPARSE, "b.csv:1:3: request 1 must be a mapping"},
      {"- &a {model: x}\n", GSZ_BATCH_YAML, GSZ_EPARSE, "anchors"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_batch_input *in = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err =
        gsz_batch_parse(&in, cases[i].text, strlen(cases[i].text), "b.csv", cases[i].format, &diag);
    if (err != cases[i].err || !tu_contains(diag.message, cases[i].says))
      fail_msg("case %zu: %s '%s'", i, gsz_err_name(err), diag.message);
    assert_null(in);
  }
  gsz_batch_input *in = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_batch_read(&in, "/nonexistent.csv", &diag), GSZ_ENOTFOUND);
  assert_true(tu_contains(diag.message, "/nonexistent.csv"));
  /* A directory is the user's mistake (exit 2), not a system error. */
  assert_int_equal(gsz_batch_read(&in, "/", &diag), GSZ_EINVAL);
  assert_string_equal(diag.message, "'/' is a directory, not a file");
}

/* The limits a batch file is held to, each named in its message. */
static void test_batch_limits(void **state) {
  (void)state;
  gsz_diag diag;
  gsz_batch_input *in = NULL;
  /* 65 columns */
  char header[1024] = "";
  for (int i = 0; i < 65; i++)
    snprintf(header + strlen(header), sizeof header - strlen(header), "%sc%d", i ? "," : "", i);
  strcat(header, "\n");
  assert_int_equal(gsz_batch_parse(&in, header, strlen(header), "b.csv", GSZ_BATCH_CSV, &diag),
                   GSZ_ELIMIT);
  assert_true(tu_contains(diag.message, "b.csv:1: more than 64 columns"));
  /* a 4,097-byte value */
  size_t n = 4097 + 16;
  char *text = malloc(n + 16);
  strcpy(text, "id,model\n1,");
  memset(text + strlen(text), 'x', 4097);
  text[11 + 4097] = '\n';
  text[12 + 4097] = '\0';
  assert_int_equal(gsz_batch_parse(&in, text, strlen(text), "b.csv", GSZ_BATCH_CSV, &diag),
                   GSZ_ELIMIT);
  assert_true(tu_contains(diag.message, "b.csv:2: a value longer than 4096 bytes"));
  free(text);
  /* blank lines between rows are skipped; a row shorter than the header
   * leaves the rest not given */
  const char *ok = "id,model,context\n\n1,llama-3-8b\n\n2,x,4096\n";
  assert_int_equal(gsz_batch_parse(&in, ok, strlen(ok), "b.csv", GSZ_BATCH_CSV, &diag), GSZ_OK);
  assert_int_equal(in->n_rows, 2);
  assert_null(in->rows[0].values[2]);
  assert_int_equal(in->rows[1].line, 5);
  gsz_batch_input_free(in);
  /* YAML: the file's first line is counted for rows, and empty is empty */
  in = NULL;
  assert_int_equal(gsz_batch_parse(&in, "", 0, "b.yaml", GSZ_BATCH_YAML, &diag), GSZ_EPARSE);
  assert_null(in);
}

static size_t entries_in(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

static void test_atomic_write_keeps_links_and_devices(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *file = tu_path(dir, "real.csv"), *link = tu_path(dir, "link.csv");
  char *dev_link = tu_path(dir, "null.csv"), *sub = tu_path(dir, "sub");
  gsz_diag diag;
  gsz_diag_clear(&diag);

  /* A link to a regular file: the file gets the bytes, the link stays. */
  tu_write_file(file, "old", 3);
  assert_int_equal(symlink(file, link), 0);
  assert_int_equal(gsz_write_file_atomic(link, "new", 3, true, &diag), GSZ_OK);
  struct stat st;
  assert_int_equal(lstat(link, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  size_t len = 0;
  char *text = tu_read_file(file, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(text, "new", 3);
  free(text);

  /* A link to a device (as /dev/stdout is): written in place, the link and
   * the device survive. */
  assert_int_equal(symlink("/dev/null", dev_link), 0);
  assert_int_equal(gsz_write_file_atomic(dev_link, "x", 1, true, &diag), GSZ_OK);
  assert_int_equal(lstat(dev_link, &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  assert_int_equal(stat("/dev/null", &st), 0);
  assert_true(S_ISCHR(st.st_mode));

  /* Without overwrite, an existing name (even a dangling link) is refused. */
  assert_int_equal(gsz_write_file_atomic(link, "z", 1, false, &diag), GSZ_EEXIST);
  assert_true(tu_contains(diag.message, link));
  assert_int_equal(unlink(file), 0);
  assert_int_equal(gsz_write_file_atomic(link, "z", 1, false, &diag), GSZ_EEXIST);

  /* A directory is not replaced. */
  assert_int_equal(mkdir(sub, 0700), 0);
  assert_int_equal(gsz_write_file_atomic(sub, "z", 1, true, &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "is a directory"));
  /* No temporary files were left behind: link, dev link, sub. */
  assert_int_equal(entries_in(dir), 3);

  free(file);
  free(link);
  free(dev_link);
  free(sub);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_rows_and_quoting),
      cmocka_unit_test(test_yaml_lists_of_mappings),
      cmocka_unit_test(test_yaml_lists_and_bad_values_per_row),
      cmocka_unit_test(test_malformed_batches_are_refused_with_the_line),
      cmocka_unit_test(test_atomic_write_keeps_links_and_devices),
      cmocka_unit_test(test_batch_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
