/* test_output_escape.c: names that come from other people (catalog rows,
 * pricing overlay adders and file names, batch ids) in every output
 * format. Table, Markdown and plain text show control characters and
 * invalid UTF-8 escaped and keep their columns aligned; CSV guards text
 * fields against spreadsheet formulas and leaves numbers alone (and
 * --csv-raw writes text exactly); JSON stays exact. Unit tests render
 * hand-made data through the library; end-to-end tests run the binary on
 * a poisoned catalog file, overlay file and batch file. */
#include "testutil.h"

#include "gpusizer/gpusizer.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name with everything a terminal would act on: an SGR colour and a
 * window-title OSC (ESC ... BEL), a CSI as the C1 byte U+009B, a carriage
 * return that would overwrite the line, a line feed, DEL, a pipe, a byte
 * that is not UTF-8, and text that is (é, 中) and must survive. */
#define EVIL                                                                                       \
  "\x1b[31mred\x1b]0;pwned\x07 \xc2\x9b"                                                           \
  "2J|cr\rlf\ndel\x7f bad\xff \xc3\xa9\xe4\xb8\xad"
#define EVIL_SHOWN                                                                                 \
  "\\x1b[31mred\\x1b]0;pwned\\x07 \\u009b2J|cr\\rlf\\ndel\\x7f bad\\xff \xc3\xa9\xe4\xb8\xad"

static gsz_catalog *catalog;
static const gsz_catalog_data *data;

/* A copy of the built-in catalog whose names are all EVIL. */
static gsz_catalog_data poisoned;
static gsz_gpu *p_gpus;
static gsz_server *p_servers;
static gsz_runtime *p_runtimes;
static gsz_arch *p_models;
static gsz_stock_row *p_stock;

static int setup(void **state) {
  (void)state;
  if (gsz_catalog_open(&catalog, NULL, NULL) != GSZ_OK)
    return -1;
  data = gsz_catalog_get(catalog);
  poisoned = *data;
  p_gpus = malloc(data->n_gpus * sizeof *p_gpus);
  p_servers = malloc(data->n_servers * sizeof *p_servers);
  p_runtimes = malloc(data->n_runtimes * sizeof *p_runtimes);
  p_models = malloc(data->n_models * sizeof *p_models);
  p_stock = malloc((data->n_stock + 1) * sizeof *p_stock);
  memcpy(p_gpus, data->gpus, data->n_gpus * sizeof *p_gpus);
  memcpy(p_servers, data->servers, data->n_servers * sizeof *p_servers);
  memcpy(p_runtimes, data->runtimes, data->n_runtimes * sizeof *p_runtimes);
  memcpy(p_models, data->models, data->n_models * sizeof *p_models);
  memcpy(p_stock, data->stock, data->n_stock * sizeof *p_stock);
  for (size_t i = 0; i < data->n_gpus; i++) {
    p_gpus[i].name = EVIL;
    p_gpus[i].vendor = "=HYPERLINK(\"http://evil\")" EVIL;
    p_gpus[i].source = EVIL;
  }
  for (size_t i = 0; i < data->n_servers; i++)
    p_servers[i].name = p_servers[i].vendor = EVIL;
  for (size_t i = 0; i < data->n_runtimes; i++)
    p_runtimes[i].engine = p_runtimes[i].engine_version = EVIL;
  for (size_t i = 0; i < data->n_models; i++)
    p_models[i].name = EVIL;
  for (size_t i = 0; i < data->n_stock; i++)
    p_stock[i].note = p_stock[i].location = EVIL;
  poisoned.gpus = p_gpus;
  poisoned.servers = p_servers;
  poisoned.runtimes = p_runtimes;
  poisoned.models = p_models;
  poisoned.stock = p_stock;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(p_gpus);
  free(p_servers);
  free(p_runtimes);
  free(p_models);
  free(p_stock);
  gsz_catalog_free(catalog);
  return 0;
}

/* --- What "safe for a terminal" means, checked without the library ----- */

/* Fails the test at the first byte a terminal would act on: a C0 control
 * other than the line feed, DEL, a C1 control in UTF-8, invalid UTF-8. */
static void assert_terminal_safe(const char *what, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; s[i] != '\0';) {
    unsigned char c = s[i];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    bool bad = (c < 0x20 && c != '\n') || c == 0x7F || len == 0 ||
               (c == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F);
    for (size_t k = 1; k < len && !bad; k++)
      bad = (s[i + k] & 0xC0) != 0x80;
    if (bad)
      fail_msg("%s: byte 0x%02x at %zu would reach the terminal raw: ...%.40s", what, c, i,
               text + (i > 40 ? i - 40 : 0));
    i += len;
  }
}

/* Display width in code points of the first n bytes of s. */
static size_t columns(const char *s, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    w += ((unsigned char)s[i] & 0xC0) != 0x80;
  return w;
}

static const char *line_with(const char *text, const char *needle) {
  const char *p = strstr(text, needle);
  if (p == NULL)
    fail_msg("'%s' not in:\n%s", needle, text);
  while (p > text && p[-1] != '\n')
    p--;
  return p;
}

/* --- The escape itself ---------------------------------------------------- */

static void test_escape_table_of_cases(void **state) {
  (void)state;
  static const struct {
    const char *in;
    unsigned flags;
    const char *out;
  } cases[] = {
      {"plain H100-SXM5-80GB", 0, "plain H100-SXM5-80GB"},
      {"a\x1b[31mb", 0, "a\\x1b[31mb"},
      {"bell\x07", 0, "bell\\x07"},
      {"nul-free \x01\x1f", 0, "nul-free \\x01\\x1f"},
      {"cr\rlf\n", 0, "cr\\rlf\n"}, /* whole-output pass: line breaks are the renderer's */
      {"cr\rlf\n", GSZ_ESC_NEWLINE, "cr\\rlf\\n"},
      {"tab\t", 0, "tab\\t"},
      {"del\x7f", 0, "del\\x7f"},
      {"csi\xc2\x9b"
       "2J",
       0, "csi\\u009b2J"},
      {"c1 first \xc2\x80 last \xc2\x9f", 0, "c1 first \\u0080 last \\u009f"},
      {"nbsp\xc2\xa0 e\xcc\x81 \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", 0,
       "nbsp\xc2\xa0 e\xcc\x81 \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"},
      {"bad\xff", 0, "bad\\xff"},
      {"cut\xe4\xb8", 0, "cut\\xe4\\xb8"},
      {"stray\x80", 0, "stray\\x80"},
      {"overlong\xc0\xaf", 0, "overlong\\xc0\\xaf"},
      {"overlong3\xe0\x80\xaf", 0, "overlong3\\xe0\\x80\\xaf"},
      {"surrogate\xed\xa0\x80", 0, "surrogate\\xed\\xa0\\x80"},
      {"too high\xf4\x90\x80\x80", 0, "too high\\xf4\\x90\\x80\\x80"},
      {"a|b", 0, "a|b"},
      {"a|b", GSZ_ESC_PIPE, "a\\|b"},
      {"back\\slash", GSZ_ESC_NEWLINE | GSZ_ESC_PIPE, "back\\slash"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz__buf b;
    gsz__buf_init(&b);
    gsz__text_escape(&b, cases[i].in, strlen(cases[i].in), cases[i].flags);
    assert_int_equal(b.err, GSZ_OK);
    if (strcmp(b.data ? b.data : "", cases[i].out) != 0)
      fail_msg("case %zu: got '%s', want '%s'", i, b.data, cases[i].out);
    assert_int_equal(gsz__text_needs_escape(cases[i].in, strlen(cases[i].in), cases[i].flags),
                     strcmp(cases[i].in, cases[i].out) != 0);
    gsz__buf_release(&b);
  }
}

static void test_report_escape_cuts_whole_characters(void **state) {
  (void)state;
  char dst[64];
  assert_string_equal(gsz_report_escape(dst, sizeof dst, "ok\x1b[1m\nx"), "ok\\x1b[1m\\nx");
  assert_string_equal(gsz_report_escape(dst, 6, "ab\x1b"), "ab"); /* "\x1b" does not fit */
  assert_string_equal(gsz_report_escape(dst, 7, "ab\x1b"), "ab\\x1b");
  assert_string_equal(gsz_report_escape(dst, 4, "a\xe4\xb8\xad"), "a");
  assert_string_equal(gsz_report_escape(dst, 1, "abc"), "");
}

static void test_text_printf_escapes_arguments_not_the_format(void **state) {
  (void)state;
  gsz__buf b;
  gsz__buf_init(&b);
  gsz__text_printf(&b, "%s\n[%-6s][%4s][%.3s][%*s][%.*s]\n", "a\nb\x1b", "\xc3\xa9", "ab", "abcdef",
                   3, "x", 2, "xyz");
  gsz__text_printf(&b, "%d %5.2u %zu %lld %llu %x %X %o %c%c %% %-4d| %04d %+d %i %hu %ld\n", -5,
                   7u, (size_t)9, -12345678901LL, 18446744073709551615ULL, 255u, 255u, 8u, 'q',
                   '\a', 3, 7, 1, 42, (unsigned short)65535, -1L);
  assert_int_equal(b.err, GSZ_OK);
  assert_string_equal(b.data, "a\\nb\\x1b\n[\xc3\xa9     ][  ab][abc][  x][xy]\n"
                              "-5    07 9 -12345678901 18446744073709551615 ff FF 10 q\\x07 % 3   "
                              "| 0007 +1 42 65535 -1\n");
  gsz__buf_release(&b);
}

/* --- Table and Markdown, through the report functions ----------------------- */

static char *listing(const gsz_catalog_data *d, gsz_listing what, gsz_output_format fmt) {
  char *text = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_report_listing(&text, NULL, d, what, NULL, fmt, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return text;
}

static void test_table_escapes_names_and_keeps_columns_aligned(void **state) {
  (void)state;
  char *table = listing(&poisoned, GSZ_LIST_GPUS, GSZ_OUTPUT_TABLE);
  assert_terminal_safe("catalog gpus table", table);
  assert_true(tu_contains(table, EVIL_SHOWN));
  /* The column after the name starts at the same display column in the
   * header and in a row whose name is full of escapes and UTF-8. */
  const char *header = line_with(table, "SKU  ");
  const char *row = line_with(table, "H100-SXM5-80GB ");
  const char *form_h = strstr(header, "Form");
  const char *form_r = strstr(row, "SXM  ");
  assert_non_null(form_h);
  assert_non_null(form_r);
  assert_int_equal(columns(header, (size_t)(form_h - header)),
                   columns(row, (size_t)(form_r - row)));
  /* One line per GPU, plus the header and the rule: no name broke a line. */
  size_t lines = 0;
  for (const char *p = table; *p; p++)
    lines += *p == '\n';
  assert_int_equal(lines, data->n_gpus + 2);
  gsz_free(table);
}

/* The '|' that are not escaped: the cell borders. */
static size_t borders(const char *line) {
  size_t n = 0;
  for (const char *p = line; *p && *p != '\n'; p++)
    n += *p == '|' && (p == line || p[-1] != '\\');
  return n;
}

static void test_markdown_escapes_pipes_and_line_breaks_in_cells(void **state) {
  (void)state;
  char *md = listing(&poisoned, GSZ_LIST_GPUS, GSZ_OUTPUT_MARKDOWN);
  assert_terminal_safe("catalog gpus markdown", md);
  assert_true(tu_contains(md, "\\x1b[31mred\\x1b]0;pwned\\x07 \\u009b2J\\|cr\\rlf\\ndel\\x7f"));
  size_t lines = 0, want = borders(md);
  for (const char *p = md; *p; p = strchr(p, '\n') + 1) {
    assert_int_equal(borders(p), want);
    lines++;
  }
  assert_int_equal(lines, data->n_gpus + 2);
  gsz_free(md);
}

/* A workload, its estimate and its quote on the poisoned catalog, under an
 * overlay whose adder name and file name are EVIL too. */
typedef struct poisoned_quote {
  gsz_model_ref model;
  gsz_workload workload;
  gsz_estimate estimate;
  gsz_overlay *overlay;
  gsz_match_options options;
  gsz_match_result *result;
} poisoned_quote;

static void quote_setup(poisoned_quote *q, const char *explain_sku) {
  memset(q, 0, sizeof *q);
  gsz_diag diag;
  gsz_diag_clear(&diag);
  const gsz_arch *found = gsz_catalog_find_model(data, "llama-3-8b"); /* by its real name */
  assert_non_null(found);
  const gsz_arch *arch = &p_models[found - data->models];
  assert_int_equal(gsz_model_ref_from_arch(&q->model, arch, NULL), GSZ_OK);
  q->model.label = EVIL;
  assert_int_equal(gsz_workload_defaults(&q->workload, &poisoned, GSZ_MODE_INFERENCE, NULL),
                   GSZ_OK);
  gsz_layout one = {1, 1, 1};
  assert_int_equal(gsz_memory_estimate(&q->estimate, &q->model, &q->workload, one, NULL), GSZ_OK);
  static const char yaml[] = "adders:\n  - {name: \"\\e[31mred\\nline|pipe\\u009b\", per: node, "
                             "amount: \"100.00\"}\n";
  const char *texts[] = {yaml};
  size_t lens[] = {sizeof yaml - 1};
  const char *labels[] = {"o\x1b[2Jv.yaml"};
  gsz_overlay_options oo = {"2026-01-01", false};
  if (gsz_overlay_parse(&q->overlay, texts, lens, labels, 1, &poisoned, &oo, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, q->overlay);
  gsz_match_options_init(&q->options);
  q->options.explain = explain_sku ? gsz_catalog_find_gpu(&poisoned, explain_sku) : NULL;
  if (gsz_match_run(&q->result, &poisoned, &q->model, &q->workload, &q->options, &pricer, &diag) !=
      GSZ_OK)
    fail_msg("%s", diag.message);
}

static void quote_teardown(poisoned_quote *q) {
  gsz_match_result_free(q->result);
  gsz_overlay_free(q->overlay);
}

/* Every report function, in both formats for people: nothing reaches a
 * terminal raw, whichever renderer wrote the text (cells, the free-text
 * lines, the reasons, the pricing line, the batch summary). */
static void test_every_human_output_is_terminal_safe(void **state) {
  (void)state;
  static const gsz_output_format human[] = {GSZ_OUTPUT_TABLE, GSZ_OUTPUT_MARKDOWN};
  poisoned_quote q;
  quote_setup(&q, "L4");
  assert_true(q.result->found);
  gsz_size_request sreq = {&q.model,
                           "catalog",
                           "h\x1b"
                           "f.json",
                           &q.workload,
                           {1, 1, 1},
                           gsz_catalog_find_gpu(&poisoned, "L4"),
                           &tu_flag_words,
                           NULL,
                           NULL,
                           NULL,
                           NULL,
                           NULL,
                           0};
  gsz_quote_request qreq = {sreq, &q.options, q.overlay};
  gsz_batch_result rows[2] = {{.id = EVIL, .status = GSZ_BATCH_ERROR, .error = EVIL},
                              {.id = "ok",
                               .status = GSZ_BATCH_OK,
                               .gpu_sku = "L4",
                               .server_sku = "R760XA",
                               .gpus_per_node = 1,
                               .nodes = 1,
                               .total_gpus = 1,
                               .total_minor = 100,
                               .currency = "USD"}};
  for (size_t f = 0; f < 2; f++) {
    for (int l = GSZ_LIST_GPUS; l <= GSZ_LIST_RUNTIMES; l++) {
      char *text = listing(&poisoned, (gsz_listing)l, human[f]);
      assert_terminal_safe("listing", text);
      gsz_free(text);
    }
    char *text = NULL;
    assert_int_equal(gsz_report_prices(&text, NULL, &poisoned, q.overlay, human[f], NULL), GSZ_OK);
    assert_terminal_safe("prices", text);
    assert_true(tu_contains(text, "o\\x1b[2Jv.yaml"));
    gsz_free(text);
    assert_int_equal(gsz_report_size(&text, NULL, &sreq, &q.estimate, human[f], NULL), GSZ_OK);
    assert_terminal_safe("size", text);
    assert_true(tu_contains(text, EVIL_SHOWN)); /* the model line, escaped whole */
    gsz_free(text);
    assert_int_equal(gsz_report_quote(&text, NULL, &qreq, q.result, human[f], NULL), GSZ_OK);
    assert_terminal_safe("quote", text);
    assert_true(tu_contains(text, human[f] == GSZ_OUTPUT_TABLE
                                      ? "\\x1b[31mred\\nline|pipe\\u009b"
                                      : "\\x1b[31mred\\nline\\|pipe\\u009b"));
    assert_true(tu_contains(text, "o\\x1b[2Jv.yaml"));
    gsz_free(text);
    assert_int_equal(gsz_report_batch(&text, NULL, rows, 2, human[f], NULL), GSZ_OK);
    assert_terminal_safe("batch", text);
    gsz_free(text);
  }
  char *summary = NULL;
  assert_int_equal(gsz_report_batch_summary(&summary, NULL, rows, 2, &poisoned, 2, NULL), GSZ_OK);
  assert_terminal_safe("batch summary", summary);
  gsz_free(summary);
  quote_teardown(&q);
}

/* --- CSV ------------------------------------------------------------------- */

static void test_csv_guards_text_fields_and_leaves_numbers(void **state) {
  (void)state;
  gsz_batch_result rows[] = {
      {.id = "=HYPERLINK(\"http://evil\",\"x\")", .status = GSZ_BATCH_ERROR, .error = "e"},
      {.id = "\x07"
             "bell",
       .status = GSZ_BATCH_ERROR,
       .error = "+1 more"},
      {.id = "-2+3", .status = GSZ_BATCH_ERROR, .error = "@SUM(A1)"},
      {.id = "\ttab", .status = GSZ_BATCH_ERROR, .error = "\rcr"},
      {.id = "a=b",
       .status = GSZ_BATCH_OK,
       .gpu_sku = "-L4",
       .server_sku = "R760XA",
       .gpus_per_node = 1,
       .nodes = 1,
       .total_gpus = 1,
       .per_gpu_bytes = 5,
       .usable_bytes = 6,
       .total_minor = -12345,
       .currency = "USD"},
  };
  char *csv = NULL;
  assert_int_equal(gsz_report_batch(&csv, NULL, rows, 5, GSZ_OUTPUT_CSV, NULL), GSZ_OK);
  assert_true(tu_contains(csv, "\r\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",error,"));
  assert_true(tu_contains(csv, "\r\n\x07"
                               "bell,error,,,,,,,,,,,\"'+1 more\"\r\n"));
  assert_true(tu_contains(csv, "\r\n\"'-2+3\",error,,,,,,,,,,,\"'@SUM(A1)\"\r\n"));
  assert_true(tu_contains(csv, "\r\n\"'\ttab\",error,,,,,,,,,,,\"'\rcr\"\r\n"));
  /* A negative amount is a number the program wrote: never touched. */
  assert_true(tu_contains(csv, "\r\na=b,ok,\"'-L4\",R760XA,1,1,1,5,6,-12345,USD,false,\r\n"));
  gsz_free(csv);
  /* CSV_RAW: RFC 4180 only, the text exactly. */
  assert_int_equal(gsz_report_batch(&csv, NULL, rows, 5, GSZ_OUTPUT_CSV_RAW, NULL), GSZ_OK);
  assert_true(tu_contains(csv, "\r\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",error,"));
  assert_true(tu_contains(csv, "\r\n-2+3,error,,,,,,,,,,,@SUM(A1)\r\n"));
  assert_true(tu_contains(csv, "\r\n\ttab,error,,,,,,,,,,,\"\rcr\"\r\n"));
  assert_true(tu_contains(csv, "\r\na=b,ok,-L4,R760XA,1,1,1,5,6,-12345,USD,false,\r\n"));
  assert_false(tu_contains(csv, "'"));
  gsz_free(csv);
}

static void test_csv_of_a_poisoned_listing_and_quote(void **state) {
  (void)state;
  char *csv = listing(&poisoned, GSZ_LIST_GPUS, GSZ_OUTPUT_CSV);
  assert_true(tu_contains(csv, "\r\nH100-SXM5-80GB,\"'=HYPERLINK(\"\"http://evil\"\")\x1b[31m"));
  gsz_free(csv);
  csv = listing(&poisoned, GSZ_LIST_GPUS, GSZ_OUTPUT_CSV_RAW);
  assert_true(tu_contains(csv, "\r\nH100-SXM5-80GB,\"=HYPERLINK(\"\"http://evil\"\")\x1b[31m"));
  gsz_free(csv);
  poisoned_quote q;
  quote_setup(&q, NULL);
  gsz_quote_request qreq = {{&q.model,
                             "catalog",
                             NULL,
                             &q.workload,
                             {1, 1, 1},
                             NULL,
                             &tu_flag_words,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             NULL,
                             0},
                            &q.options,
                            q.overlay};
  assert_int_equal(gsz_report_quote(&csv, NULL, &qreq, q.result, GSZ_OUTPUT_CSV, NULL), GSZ_OK);
  assert_true(tu_contains(csv, ",\"pricing overlay o\x1b[2Jv.yaml")); /* data, exact */
  gsz_free(csv);
  quote_teardown(&q);
}

/* --- JSON ---------------------------------------------------------------- */

static void test_json_keeps_names_exact(void **state) {
  (void)state;
  char *json = listing(&poisoned, GSZ_LIST_GPUS, GSZ_OUTPUT_JSON);
  assert_true(tu_contains(json, "\"name\": \"\\u001B[31mred\\u001B]0;pwned\\u0007 "));
  json_t *doc = json_loads(json, 0, NULL);
  assert_non_null(doc);
  const char *name = json_string_value(json_object_get(json_array_get(doc, 0), "name"));
  /* Exact but for the one byte that is not UTF-8, which JSON cannot carry:
   * U+FFFD stands in for it. */
  assert_string_equal(name, "\x1b[31mred\x1b]0;pwned\x07 \xc2\x9b"
                            "2J|cr\rlf\ndel\x7f bad\xef\xbf\xbd \xc3\xa9\xe4\xb8\xad");
  json_decref(doc);
  gsz_free(json);

  gsz_batch_result row = {.id = "\x1b[31mred", .status = GSZ_BATCH_ERROR, .error = "x\xff"};
  assert_int_equal(gsz_report_batch(&json, NULL, &row, 1, GSZ_OUTPUT_JSON, NULL), GSZ_OK);
  assert_true(tu_contains(json, "\"id\": \"\\u001B[31mred\""));
  assert_true(tu_contains(json, "\"error\": \"x\xef\xbf\xbd\""));
  gsz_free(json);
}

/* --- Counts too large for an output ---------------------------------------- */

static void test_counts_beyond_int64_are_refused_in_every_format(void **state) {
  (void)state;
  static const gsz_output_format all[] = {GSZ_OUTPUT_TABLE, GSZ_OUTPUT_JSON, GSZ_OUTPUT_CSV,
                                          GSZ_OUTPUT_MARKDOWN, GSZ_OUTPUT_CSV_RAW};
  poisoned_quote q;
  quote_setup(&q, NULL);
  gsz_estimate big = q.estimate;
  big.component[GSZ_COMP_WEIGHTS] = 10000000000000000000ull; /* 1e19 > 2^63 - 1 */
  gsz_size_request sreq = {&q.model, "catalog", NULL, &q.workload, {1, 1, 1}, NULL, &tu_flag_words,
                           NULL,     NULL,      NULL, NULL,        NULL,      0};
  gsz_quote_request qreq = {sreq, &q.options, q.overlay};
  q.result->best_estimate = big;
  for (size_t f = 0; f < sizeof all / sizeof all[0]; f++) {
    char *text = NULL, want[160];
    gsz_diag diag;
    gsz_diag_clear(&diag);
    snprintf(want, sizeof want,
             "weights (10,000,000,000,000,000,000 bytes) is too large for the %s output",
             gsz_output_format_name(all[f]));
    assert_int_equal(gsz_report_size(&text, NULL, &sreq, &big, all[f], &diag), GSZ_EOVERFLOW);
    assert_null(text);
    if (!tu_contains(diag.message, want))
      fail_msg("size: '%s' lacks '%s'", diag.message, want);
    assert_int_equal(gsz_report_quote(&text, NULL, &qreq, q.result, all[f], &diag), GSZ_EOVERFLOW);
    assert_true(tu_contains(diag.message, want));
  }
  /* A parameter count above the limit, with a small byte count. */
  gsz_estimate params = q.estimate;
  params.total_params = (uint64_t)INT64_MAX + 1;
  gsz_diag diag;
  char *text = NULL;
  assert_int_equal(gsz_report_size(&text, NULL, &sreq, &params, GSZ_OUTPUT_CSV, &diag),
                   GSZ_EOVERFLOW);
  assert_true(tu_contains(diag.message, "total_params (9,223,372,036,854,775,808) is too large"));
  quote_teardown(&q);

  /* Any table cell: the same refusal, never a wrapped negative number. */
  static const gsz__col cols[] = {{"bytes", "Bytes", true, GSZ_COL_BOTH}};
  for (size_t f = 0; f < sizeof all / sizeof all[0]; f++) {
    gsz__table t;
    gsz__table_init(&t, cols, 1);
    gsz__table_row(&t);
    gsz__table_u64(&t, 0, (uint64_t)INT64_MAX, NULL);
    gsz__table_row(&t);
    gsz__table_u64(&t, 0, (uint64_t)INT64_MAX + 1, NULL);
    gsz__buf b;
    gsz__buf_init(&b);
    gsz__table_render(&t, all[f], &b);
    gsz__table_free(&t);
    assert_int_equal(gsz__report_finish(&b, all[f], &text, NULL, &diag), GSZ_EOVERFLOW);
    assert_true(tu_contains(diag.message, "is too large for the"));
  }
}

/* --- End to end: the binary on poisoned files ------------------------------ */

static void exec_sql(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
    fail_msg("%s: %s", sql, err);
}

/* A catalog file (db init) whose L4 has an EVIL name and a formula for a
 * vendor. Triggers that refuse control characters in new rows (migrations
 * may add them, named no_control...) are dropped in this copy: the test is
 * about what output does with such rows, wherever they come from. */
static char *poisoned_catalog_file(const char *dir) {
  char *path = tu_path(dir, "evil.db");
  tu_result r;
  const char *const init[] = {"db", "init", path, NULL};
  tu_run(&r, init, NULL);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                      "name LIKE 'no\\_control%' ESCAPE '\\'",
                                      -1, &st, NULL),
                   SQLITE_OK);
  char drops[4096] = "";
  while (sqlite3_step(st) == SQLITE_ROW)
    snprintf(drops + strlen(drops), sizeof drops - strlen(drops), "DROP TRIGGER \"%s\";",
             (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  exec_sql(db, drops);
  exec_sql(db, "PRAGMA ignore_check_constraints = ON");
  assert_int_equal(sqlite3_prepare_v2(db, "UPDATE gpu SET name = ?1, vendor = ?2 WHERE sku = 'L4'",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, EVIL, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, "=HYPERLINK(\"http://evil\",\"x\")", -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return path;
}

static void run(tu_result *r, const char *const *args) {
  tu_run(r, args, NULL);
  if (r->status != 0)
    fail_msg("exit %d: %s", r->status, r->err);
}

static void test_poisoned_catalog_file_through_the_cli(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *db = poisoned_catalog_file(dir);
  tu_result r;
  const char *const table[] = {"catalog", "gpus", "--db", db, NULL};
  run(&r, table);
  assert_terminal_safe("catalog gpus", r.out);
  assert_true(tu_contains(r.out, EVIL_SHOWN));
  tu_result_free(&r);
  const char *const md[] = {"catalog", "gpus", "--db", db, "--format", "md", NULL};
  run(&r, md);
  assert_terminal_safe("catalog gpus --format md", r.out);
  assert_int_equal(borders(line_with(r.out, "| L4 |")), borders(r.out));
  tu_result_free(&r);
  const char *const csv[] = {"catalog", "gpus", "--db", db, "--format", "csv", NULL};
  run(&r, csv);
  assert_true(tu_contains(r.out, "\r\nL4,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\"" EVIL));
  tu_result_free(&r);
  const char *const raw[] = {"catalog", "gpus", "--db", db, "--format", "csv", "--csv-raw", NULL};
  run(&r, raw);
  assert_true(tu_contains(r.out, "\r\nL4,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\"" EVIL));
  tu_result_free(&r);
  const char *const json[] = {"catalog", "gpus", "--db", db, "--format", "json", NULL};
  run(&r, json);
  assert_true(tu_contains(r.out, "\"name\": \"\\u001B[31mred"));
  tu_result_free(&r);
  const char *const quote[] = {"quote", "--model", "llama-3-8b", "--gpu", "L4", "--db", db, NULL};
  run(&r, quote);
  assert_terminal_safe("quote", r.out);
  assert_true(tu_contains(r.out, "with 1 x =HYPERLINK(\"http://evil\",\"x\") " EVIL_SHOWN " (L4)"));
  tu_result_free(&r);
  free(db);
  tu_rmdir_all(dir);
}

static void test_overlay_names_through_the_cli(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *overlay = tu_path(dir, "o\x1b[2Jv.yaml");
  const char yaml[] = "adders:\n  - {name: \"\\e[31mred\", per: quote, amount: \"500.00\"}\n";
  tu_write_file(overlay, yaml, sizeof yaml - 1);
  tu_result r;
  const char *const quote[] = {"quote", "--model",   "llama-3-8b", "--gpu",
                               "L4",    "--pricing", overlay,      NULL};
  run(&r, quote);
  assert_terminal_safe("quote --pricing", r.out);
  /* Shown escaped, in the Item column, with its kind after it. */
  static const char shown[] = "  \\x1b[31mred ";
  const char *red = strstr(r.out, shown);
  assert_non_null(red);
  red += sizeof shown - 1;
  assert_int_equal(strncmp(red + strspn(red, " "), "adder ", 6), 0);
  assert_true(tu_contains(r.out, "o\\x1b[2Jv.yaml"));
  tu_result_free(&r);
  const char *const md[] = {"quote",     "--model", "llama-3-8b", "--gpu",    "L4",
                            "--pricing", overlay,   "--format",   "markdown", NULL};
  run(&r, md);
  assert_terminal_safe("quote --pricing --format markdown", r.out);
  tu_result_free(&r);
  const char *const prices[] = {"catalog", "prices", "--pricing", overlay, NULL};
  run(&r, prices);
  assert_terminal_safe("catalog prices --pricing", r.out);
  tu_result_free(&r);
  const char *const json[] = {"quote",     "--model", "llama-3-8b", "--gpu", "L4",
                              "--pricing", overlay,   "--format",   "json",  NULL};
  run(&r, json);
  assert_true(tu_contains(r.out, "\"item\": \"\\u001B[31mred\""));
  tu_result_free(&r);
  free(overlay);
  tu_rmdir_all(dir);
}

static void test_batch_ids_through_the_cli(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *in = tu_path(dir, "in.csv");
  const char csv[] = "id,params,method\n"
                     "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",7B,quick\n"
                     "\x07"
                     "bell,7B,quick\n";
  tu_write_file(in, csv, sizeof csv - 1);
  tu_result r;
  const char *const guarded[] = {"batch", in, NULL};
  run(&r, guarded);
  assert_true(tu_contains(r.out, "\r\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",ok,"));
  assert_true(tu_contains(r.out, "\r\n\x07"
                                 "bell,ok,"));
  assert_terminal_safe("batch summary", r.err);
  tu_result_free(&r);
  const char *const raw[] = {"batch", in, "--csv-raw", NULL};
  run(&r, raw);
  assert_true(tu_contains(r.out, "\r\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",ok,"));
  tu_result_free(&r);
  const char *const json[] = {"batch", in, "--format", "json", NULL};
  run(&r, json);
  assert_true(tu_contains(r.out, "\"id\": \"=HYPERLINK(\\\"http://evil\\\",\\\"x\\\")\""));
  assert_true(tu_contains(r.out, "\"id\": \"\\u0007bell\""));
  tu_result_free(&r);
  free(in);
  tu_rmdir_all(dir);
}

static void test_csv_raw_is_a_csv_switch_on_every_command(void **state) {
  (void)state;
  static const char *const commands[] = {"quote", "size", "catalog", "batch"};
  tu_result r;
  for (size_t i = 0; i < 4; i++) {
    const char *const help[] = {commands[i], "--help", NULL};
    run(&r, help);
    assert_true(tu_contains(r.out, "--csv-raw"));
    assert_true(tu_contains(r.out, "starts with =, +, -, @, TAB or CR"));
    tu_result_free(&r);
  }
  const char *const table[] = {"catalog", "gpus", "--csv-raw", NULL};
  tu_run(&r, table, NULL);
  assert_int_equal(r.status, 2);
  assert_string_equal(r.err, "gpusizer catalog: --csv-raw goes with --format csv, not table\n"
                             "(see 'gpusizer catalog --help')\n");
  tu_result_free(&r);
  const char *const json[] = {"size", "--model",   "llama-3-8b", "--format",
                              "json", "--csv-raw", NULL};
  tu_run(&r, json, NULL);
  assert_int_equal(r.status, 2);
  assert_true(tu_contains(r.err, "--csv-raw goes with --format csv, not json"));
  tu_result_free(&r);
  const char *const ok[] = {"size", "--model", "llama-3-8b", "--csv-raw", "--format", "csv", NULL};
  run(&r, ok);
  assert_true(tu_contains(r.out, "component,bytes,included\r\n"));
  tu_result_free(&r);
}

static void test_error_messages_show_data_escaped(void **state) {
  (void)state;
  tu_result r;
  const char *const args[] = {"quote", "--model", "llama-3-8b", "--gpu", "\x1b[31mX\nY", NULL};
  tu_run(&r, args, NULL);
  assert_int_equal(r.status, 2);
  assert_terminal_safe("stderr", r.err);
  assert_true(tu_contains(r.err, "'\\x1b[31mX\\nY'"));
  tu_result_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape_table_of_cases),
      cmocka_unit_test(test_report_escape_cuts_whole_characters),
      cmocka_unit_test(test_text_printf_escapes_arguments_not_the_format),
      cmocka_unit_test(test_table_escapes_names_and_keeps_columns_aligned),
      cmocka_unit_test(test_markdown_escapes_pipes_and_line_breaks_in_cells),
      cmocka_unit_test(test_every_human_output_is_terminal_safe),
      cmocka_unit_test(test_csv_guards_text_fields_and_leaves_numbers),
      cmocka_unit_test(test_csv_of_a_poisoned_listing_and_quote),
      cmocka_unit_test(test_json_keeps_names_exact),
      cmocka_unit_test(test_counts_beyond_int64_are_refused_in_every_format),
      cmocka_unit_test(test_poisoned_catalog_file_through_the_cli),
      cmocka_unit_test(test_overlay_names_through_the_cli),
      cmocka_unit_test(test_batch_ids_through_the_cli),
      cmocka_unit_test(test_csv_raw_is_a_csv_switch_on_every_command),
      cmocka_unit_test(test_error_messages_show_data_escaped),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
