/* test_checkpoint.c: the safetensors and GGUF header readers: exact bytes
 * from header-only files (a folder of shards with its index and
 * config.json, a single file, a GGUF file), parameters of packed
 * quantised tensors, the architecture beside or inside the files, every
 * malformed header refused with the file and the byte named, and the same
 * through the binary (exit 2). */
#include "testutil.h"

#include "checkpoint_files.h"
#include "gpusizer/catalog.h"
#include "gpusizer/checkpoint.h"
#include "gpusizer/memory.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A tiny Llama: h 64, f 128, 2 layers, 4 heads, 2 KV heads (d 16),
 * vocabulary 100: 86,848 parameters. */
static const char tiny_config[] =
    "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, "
    "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, "
    "\"vocab_size\": 100, \"_name_or_path\": \"tiny-llama\"}";

#define BF16(n, ...)                                                                               \
  {                                                                                                \
    n, "BF16", 16, 0, 0, 0, sizeof((uint64_t[]){__VA_ARGS__}) / 8, {                               \
      __VA_ARGS__                                                                                  \
    }                                                                                              \
  }
#define F32(n, ...)                                                                                \
  {                                                                                                \
    n, "F32", 32, 0, 0, 0, sizeof((uint64_t[]){__VA_ARGS__}) / 8, {                                \
      __VA_ARGS__                                                                                  \
    }                                                                                              \
  }

static const ck_tensor shard1[] = {
    BF16("model.embed_tokens.weight", 100, 64),
    BF16("model.layers.0.self_attn.q_proj.weight", 64, 64),
    BF16("model.layers.0.self_attn.k_proj.weight", 32, 64),
    BF16("model.layers.0.self_attn.v_proj.weight", 32, 64),
    BF16("model.layers.0.self_attn.o_proj.weight", 64, 64),
    BF16("model.layers.0.mlp.gate_proj.weight", 128, 64),
    BF16("model.layers.0.mlp.up_proj.weight", 128, 64),
    BF16("model.layers.0.mlp.down_proj.weight", 64, 128),
    BF16("model.layers.0.input_layernorm.weight", 64),
    BF16("model.layers.0.post_attention_layernorm.weight", 64),
};
static const ck_tensor shard2[] = {
    BF16("model.layers.1.self_attn.q_proj.weight", 64, 64),
    BF16("model.layers.1.self_attn.k_proj.weight", 32, 64),
    BF16("model.layers.1.self_attn.v_proj.weight", 32, 64),
    BF16("model.layers.1.self_attn.o_proj.weight", 64, 64),
    BF16("model.layers.1.mlp.gate_proj.weight", 128, 64),
    BF16("model.layers.1.mlp.up_proj.weight", 128, 64),
    BF16("model.layers.1.mlp.down_proj.weight", 64, 128),
    BF16("model.layers.1.input_layernorm.weight", 64),
    BF16("model.layers.1.post_attention_layernorm.weight", 64),
    F32("model.norm.weight", 64),
    BF16("lm_head.weight", 100, 64),
};

static uint64_t sum_bytes(const ck_tensor *t, size_t n) {
  uint64_t s = 0;
  for (size_t i = 0; i < n; i++)
    s += ck_st_bytes(&t[i]);
  return s;
}

/* The test folder: two header-only shards, their index, config.json. */
static char *make_folder(uint64_t *expected) {
  char *dir = tu_tmpdir();
  const char *names[] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
  const ck_tensor *sets[] = {shard1, shard2};
  size_t counts[] = {sizeof shard1 / sizeof *shard1, sizeof shard2 / sizeof *shard2};
  char index[4096];
  size_t len = (size_t)snprintf(index, sizeof index, "{\"metadata\": {}, \"weight_map\": {");
  for (int s = 0; s < 2; s++) {
    ck_buf b = {NULL, 0, 0};
    uint64_t data = ck_safetensors(&b, sets[s], counts[s], "\"__metadata__\":{\"format\":\"pt\"}");
    assert_int_equal(data, sum_bytes(sets[s], counts[s]));
    char *path = tu_path(dir, names[s]);
    assert_true(ck_write(path, &b, data));
    free(path);
    ck_free(&b);
    for (size_t i = 0; i < counts[s]; i++)
      len += (size_t)snprintf(index + len, sizeof index - len, "%s\"%s\": \"%s\"",
                              s + i ? ", " : "", sets[s][i].name, names[s]);
  }
  len += (size_t)snprintf(index + len, sizeof index - len, "}}");
  char *path = tu_path(dir, "model.safetensors.index.json");
  tu_write_file(path, index, len);
  free(path);
  path = tu_path(dir, "config.json");
  tu_write_file(path, tiny_config, strlen(tiny_config));
  free(path);
  *expected = sum_bytes(shard1, counts[0]) + sum_bytes(shard2, counts[1]);
  return dir;
}

static void test_safetensors_folder_of_header_only_shards_gives_exact_bytes(void **state) {
  (void)state;
  uint64_t expected;
  char *dir = make_folder(&expected);
  assert_int_equal(expected, 2 * 86848 - 64 * 2 + 64 * 4); /* bf16, the final norm in fp32 */
  const char *paths[3] = {dir, NULL, NULL};
  char *index = tu_path(dir, "model.safetensors.index.json");
  char *one = tu_path(dir, "model-00002-of-00002.safetensors");
  paths[1] = index;
  paths[2] = one;
  for (int i = 0; i < 3; i++) {
    gsz_checkpoint *ck = NULL;
    gsz_diag diag;
    if (gsz_checkpoint_load_safetensors(&ck, paths[i], &diag) != GSZ_OK)
      fail_msg("%s", diag.message);
    const gsz_checkpoint_info *in = gsz_checkpoint_get(ck);
    assert_non_null(in->arch); /* config.json beside it */
    assert_int_equal(in->arch->hidden_size, 64);
    if (i < 2) {
      assert_int_equal(in->bytes, expected);
      assert_int_equal(in->files, 2);
      assert_int_equal(in->tensors, 21);
      assert_int_equal(in->params, 86848);
      assert_int_equal(in->embedding_bytes, 100 * 64 * 2);
      assert_int_equal(in->lm_head_bytes, 100 * 64 * 2);
      assert_int_equal(in->other_bytes, 64 * 4);
      assert_int_equal(in->n_layers, 2);
      assert_int_equal(in->layer_bytes[0], in->layer_bytes[1]);
      assert_int_equal(in->layer_bytes[0], 36992 * 2);
    } else {
      assert_int_equal(in->bytes, sum_bytes(shard2, sizeof shard2 / sizeof *shard2));
      assert_int_equal(in->files, 1);
    }
    gsz_checkpoint_free(ck);
  }
  /* The binary says the same, and the weights come from the file. */
  tu_result r;
  const char *args[] = {"size", "--safetensors", dir, "--format", "json", NULL};
  tu_run(&r, args, NULL);
  assert_int_equal(r.status, 0);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_non_null(doc);
  json_t *mem = json_object_get(doc, "memory");
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(mem, "components"), "weights")),
      (json_int_t)expected);
  assert_string_equal(json_string_value(json_object_get(mem, "weights_source")), "safetensors");
  json_t *req = json_object_get(doc, "request");
  assert_string_equal(json_string_value(json_object_get(req, "model_source")), "safetensors");
  assert_string_equal(json_string_value(json_object_get(req, "safetensors")), dir);
  /* KV from the architecture in config.json: 2 layers x 2 x 2 heads x 16 x 2 B. */
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(doc, "model"), "kv_bytes_per_token")),
      256);
  json_decref(doc);
  tu_result_free(&r);
  /* Two GPUs of tensor parallelism: each holds its share of each layer. */
  const char *tp2[] = {"size", "--safetensors", dir, "--tp", "2", "--format", "json", NULL};
  tu_run(&r, tp2, NULL);
  assert_int_equal(r.status, 0);
  doc = json_loads(r.out, 0, NULL);
  json_int_t w2 = json_integer_value(
      json_object_get(json_object_get(json_object_get(doc, "memory"), "components"), "weights"));
  assert_true(w2 > (json_int_t)expected / 2 && w2 < (json_int_t)expected * 6 / 10);
  json_decref(doc);
  tu_result_free(&r);
  free(index);
  free(one);
  tu_rmdir_all(dir);
}

/* AWQ: qweight [in, out/8] int32 holds 8 parameters per element; qzeros
 * and scales are quantisation metadata, not parameters. */
static void test_safetensors_counts_packed_parameters_by_quantization_config(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  static const char config[] =
      "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, "
      "\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2, "
      "\"vocab_size\": 100, \"quantization_config\": {\"quant_method\": \"awq\", \"bits\": 4, "
      "\"group_size\": 32, \"zero_point\": true}}";
  static const ck_tensor t[] = {
      {"model.layers.0.mlp.up_proj.qweight", "I32", 32, 0, 0, 0, 2, {64, 16}},
      {"model.layers.0.mlp.up_proj.qzeros", "I32", 32, 0, 0, 0, 2, {2, 16}},
      {"model.layers.0.mlp.up_proj.scales", "F16", 16, 0, 0, 0, 2, {2, 128}},
      BF16("model.embed_tokens.weight", 100, 64),
  };
  ck_buf b = {NULL, 0, 0};
  uint64_t data = ck_safetensors(&b, t, 4, NULL);
  char *path = tu_path(dir, "model.safetensors");
  assert_true(ck_write(path, &b, data));
  ck_free(&b);
  char *cfg = tu_path(dir, "config.json");
  tu_write_file(cfg, config, strlen(config));
  gsz_checkpoint *ck = NULL;
  gsz_diag diag;
  if (gsz_checkpoint_load_safetensors(&ck, path, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  const gsz_checkpoint_info *in = gsz_checkpoint_get(ck);
  assert_int_equal(in->params, 64 * 128 + 6400);
  assert_int_equal(in->bytes, 64 * 16 * 4 + 2 * 16 * 4 + 2 * 128 * 2 + 6400 * 2);
  assert_string_equal(in->quant_method, "awq");
  assert_int_equal(in->quant_bits, 4);
  assert_int_equal(in->quant_group_size, 32);
  gsz_checkpoint_free(ck);
  /* An unknown model_type: the bytes still, no architecture, a note. */
  static const char unknown[] = "{\"model_type\": \"granite\", \"hidden_size\": 64}";
  tu_write_file(cfg, unknown, strlen(unknown));
  assert_int_equal(gsz_checkpoint_load_safetensors(&ck, path, &diag), GSZ_OK);
  assert_null(gsz_checkpoint_get(ck)->arch);
  assert_true(tu_contains(gsz_checkpoint_get(ck)->arch_note, "granite"));
  gsz_checkpoint_free(ck);
  free(cfg);
  free(path);
  tu_rmdir_all(dir);
}

/* Malformed files: the code and the byte each is refused at. */
static void test_safetensors_refuses_malformed_headers_naming_the_byte(void **state) {
  (void)state;
  static const struct {
    const char *header; /* NULL: a raw prefix */
    const char *raw;
    size_t raw_len;
    uint64_t data; /* data bytes after the header */
    gsz_err code;
    const char *says;
  } cases[] = {
      {NULL, "\x01\x02", 2, 0, GSZ_EPARSE, "byte 2: 2 bytes: shorter than the 8-byte"},
      {NULL, "\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10, 0, GSZ_ELIMIT, "byte 0: header length"},
      {NULL, "\x40\x00\x00\x00\x00\x00\x00\x00{}", 10, 0, GSZ_EPARSE,
       "byte 0: header length 64 does not fit"},
      {"{\"a\": ", NULL, 0, 0, GSZ_EPARSE, "byte 14: header is not valid JSON"},
      {"[1, 2]", NULL, 0, 0, GSZ_EPARSE, "byte 8: header is not a JSON object"},
      {"{\"w\": {\"dtype\": \"Q9\", \"shape\": [2], \"data_offsets\": [0, 2]}}", NULL, 0, 2,
       GSZ_EPARSE, "byte 9: tensor 'w': unknown dtype 'Q9'"},
      {"{\"w\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [0, 2]}}", NULL, 0, 2,
       GSZ_EPARSE, "data_offsets span 2 bytes, but BF16 x its shape is 4"},
      {"{\"w\": {\"dtype\": \"BF16\", \"shape\": [-2], \"data_offsets\": [0, 4]}}", NULL, 0, 4,
       GSZ_EPARSE, "shape holds something other than a non-negative integer"},
      {"{\"w\": {\"dtype\": \"BF16\", \"shape\": [4294967296, 4294967296], "
       "\"data_offsets\": [0, 4]}}",
       NULL, 0, 4, GSZ_EOVERFLOW, "more than 2^64 values"},
      {"{\"w\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [0, 4]}}", NULL, 0, 2,
       GSZ_EPARSE, "past the 2 bytes of data"},
      {"{\"w\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [4, 8]}}", NULL, 0, 8,
       GSZ_EPARSE, "leave a gap at data byte 4"},
      {"{\"a\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]}, \"b\": {\"dtype\": "
       "\"U8\", \"shape\": [4], \"data_offsets\": [2, 6]}}",
       NULL, 0, 6, GSZ_EPARSE, "overlap at data byte 2"},
      {"{\"w\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]}}", NULL, 0, 6,
       GSZ_EPARSE, "the tensors cover 4 bytes of data, but the file holds 6"},
      {"{\"w\": {\"dtype\": \"U8\", \"shape\": [4]}}", NULL, 0, 0, GSZ_EPARSE,
       "needs \"dtype\", \"shape\" and two \"data_offsets\""},
      {"{\"__metadata__\": 3}", NULL, 0, 0, GSZ_EPARSE, "__metadata__ is not an object"},
      {"{\"w\": {\"dtype\": \"U8\", \"shape\": [1,1,1,1,1,1,1,1,1], \"data_offsets\": [0, 1]}}",
       NULL, 0, 1, GSZ_ELIMIT, "more than 8 dimensions"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_buf b = {NULL, 0, 0};
    if (cases[i].header != NULL) {
      ck_le(&b, strlen(cases[i].header), 8);
      ck_put(&b, cases[i].header, strlen(cases[i].header));
    } else {
      ck_put(&b, cases[i].raw, cases[i].raw_len);
    }
    ck_zeros(&b, cases[i].data);
    gsz_checkpoint *ck = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_safetensors_parse(&ck, b.data, b.len, "bad.safetensors", &diag);
    if (err != cases[i].code || !tu_contains(diag.message, cases[i].says) ||
        strncmp(diag.message, "bad.safetensors: byte ", 22) != 0)
      fail_msg("case %zu: %s (%d), wanted '%s'", i, diag.message, err, cases[i].says);
    assert_null(ck);
    ck_free(&b);
  }
}

/* --- GGUF ----------------------------------------------------------------------- */

#define GG(n, type, block, bytes, ...)                                                             \
  {                                                                                                \
    n, NULL, 0, type, block, bytes, sizeof((uint64_t[]){__VA_ARGS__}) / 8, {                       \
      __VA_ARGS__                                                                                  \
    }                                                                                              \
  }

/* A tiny Llama as llama.cpp writes Q4_K_M: h 256, f 512, 2 layers, 4
 * heads, 2 KV heads (d 64), vocabulary 320. */
static void tiny_gguf(ck_buf *out, uint64_t *data, uint64_t *tensor_bytes) {
  static const ck_tensor t[] = {
      GG("token_embd.weight", 12, 256, 144, 256, 320),
      GG("output.weight", 14, 256, 210, 256, 320),
      GG("output_norm.weight", 0, 1, 4, 256),
      GG("blk.0.attn_q.weight", 12, 256, 144, 256, 256),
      GG("blk.0.attn_k.weight", 12, 256, 144, 256, 128),
      GG("blk.0.attn_v.weight", 12, 256, 144, 256, 128), /* use_more_bits(0, 2) is false */
      GG("blk.0.attn_output.weight", 12, 256, 144, 256, 256),
      GG("blk.0.ffn_gate.weight", 12, 256, 144, 256, 512),
      GG("blk.0.ffn_up.weight", 12, 256, 144, 256, 512),
      GG("blk.0.ffn_down.weight", 12, 256, 144, 512, 256),
      GG("blk.0.attn_norm.weight", 0, 1, 4, 256),
      GG("blk.0.ffn_norm.weight", 0, 1, 4, 256),
      GG("blk.1.attn_q.weight", 12, 256, 144, 256, 256),
      GG("blk.1.attn_k.weight", 12, 256, 144, 256, 128),
      GG("blk.1.attn_v.weight", 14, 256, 210, 256, 128),
      GG("blk.1.attn_output.weight", 12, 256, 144, 256, 256),
      GG("blk.1.ffn_gate.weight", 12, 256, 144, 256, 512),
      GG("blk.1.ffn_up.weight", 12, 256, 144, 256, 512),
      GG("blk.1.ffn_down.weight", 14, 256, 210, 512, 256),
      GG("blk.1.attn_norm.weight", 0, 1, 4, 256),
      GG("blk.1.ffn_norm.weight", 0, 1, 4, 256),
  };
  ck_buf kv = {NULL, 0, 0};
  ck_gguf_kv_str(&kv, "general.architecture", "llama");
  ck_gguf_kv_str(&kv, "general.name", "tiny");
  ck_gguf_kv_u32(&kv, "general.file_type", 15);
  ck_gguf_kv_u32(&kv, "llama.embedding_length", 256);
  ck_gguf_kv_u32(&kv, "llama.feed_forward_length", 512);
  ck_gguf_kv_u32(&kv, "llama.block_count", 2);
  ck_gguf_kv_u32(&kv, "llama.attention.head_count", 4);
  ck_gguf_kv_u32(&kv, "llama.attention.head_count_kv", 2);
  ck_gguf_kv_u32(&kv, "llama.vocab_size", 320);
  *data = ck_gguf(out, &kv, 9, t, sizeof t / sizeof *t);
  ck_free(&kv);
  *tensor_bytes = 0;
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    *tensor_bytes += ck_ggml_bytes(&t[i]);
}

static void test_gguf_header_gives_bytes_and_architecture(void **state) {
  (void)state;
  ck_buf b = {NULL, 0, 0};
  uint64_t data, bytes;
  tiny_gguf(&b, &data, &bytes);
  char *dir = tu_tmpdir();
  char *path = tu_path(dir, "tiny.gguf");
  assert_true(ck_write(path, &b, data));
  gsz_checkpoint *ck = NULL;
  gsz_diag diag;
  if (gsz_checkpoint_load_gguf(&ck, path, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  const gsz_checkpoint_info *in = gsz_checkpoint_get(ck);
  assert_int_equal(in->bytes, bytes);
  assert_int_equal(in->tensors, 21);
  assert_string_equal(in->quant_method, "Q4_K_M");
  assert_non_null(in->arch);
  assert_string_equal(in->arch->model_type, "llama");
  assert_int_equal(in->arch->num_key_value_heads, 2);
  assert_false(in->arch->tie_word_embeddings);
  /* gpusizer's own Q4_K_M rules give the same bytes for this shape. */
  gsz_catalog *cat;
  assert_int_equal(gsz_catalog_open(&cat, NULL, NULL), GSZ_OK);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  gsz_model_ref m;
  assert_int_equal(gsz_model_ref_from_arch(&m, in->arch, NULL), GSZ_OK);
  gsz_workload w;
  assert_int_equal(gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, NULL), GSZ_OK);
  w.weight_format = gsz_catalog_find_format(d, "q4_k_m");
  gsz_estimate e;
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, (gsz_layout){1, 1, 1}, NULL), GSZ_OK);
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], bytes);
  w.weight_format = gsz_catalog_find_format(d, "bf16");
  w.checkpoint = ck;
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, (gsz_layout){1, 1, 1}, NULL), GSZ_OK);
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], bytes);
  assert_string_equal(e.weights_source, "gguf");
  gsz_catalog_free(cat);
  gsz_checkpoint_free(ck);
  /* The binary: the model from the file's metadata. */
  tu_result r;
  const char *args[] = {"size", "--gguf", path, NULL};
  tu_run(&r, args, NULL);
  assert_int_equal(r.status, 0);
  assert_true(tu_contains(r.out, "model: tiny (gguf)"));
  assert_true(tu_contains(r.out, "quantisation Q4_K_M"));
  tu_result_free(&r);
  free(path);
  tu_rmdir_all(dir);
  ck_free(&b);
}

/* Patch bytes of a valid GGUF image at an offset. */
static void patch(ck_buf *b, size_t at, const void *bytes, size_t n) {
  assert_true(at + n <= b->len);
  memcpy(b->data + at, bytes, n);
}

static void test_gguf_refuses_malformed_headers_naming_the_byte(void **state) {
  (void)state;
  ck_buf good = {NULL, 0, 0};
  uint64_t data, bytes;
  tiny_gguf(&good, &data, &bytes);
  /* The first tensor info follows the metadata; find it by its name. */
  size_t info = 0;
  for (size_t i = 0; i + 17 < good.len; i++)
    if (memcmp(good.data + i, "token_embd.weight", 17) == 0) {
      info = i - 8;
      break;
    }
  assert_true(info > 24);
  size_t dims_at = info + 8 + 17, ne0_at = dims_at + 4, type_at = ne0_at + 16, off_at = type_at + 4;
  static const uint32_t v1 = 1, huge_dims = 9, bad_type = 4, odd_row = 100;
  static const uint64_t many = 4294967296ull, misaligned = 3, far = 1ull << 40;
  struct {
    size_t at;
    const void *bytes;
    size_t n;
    uint64_t data; /* data bytes after the header */
    gsz_err code;
    const char *says;
  } cases[] = {
      {0, "GGUG", 4, data, GSZ_EPARSE, "byte 0: not a GGUF file"},
      {4, &v1, 4, data, GSZ_EUNSUPPORTED, "byte 4: GGUF version 1 is not supported"},
      {8, &many, 8, data, GSZ_ELIMIT, "byte 8: tensor count 4294967296 exceeds 1000000"},
      {16, &many, 8, data, GSZ_ELIMIT, "byte 16: metadata count"},
      {dims_at, &huge_dims, 4, data, GSZ_EPARSE, "tensor with 9 dimensions"},
      {type_at, &bad_type, 4, data, GSZ_EPARSE, "unknown ggml type 4"},
      {ne0_at, &odd_row, 4, data, GSZ_EPARSE, "does not fill whole blocks"},
      {off_at, &misaligned, 8, data, GSZ_EPARSE, "not a multiple of the alignment"},
      {off_at, &far, 8, data, GSZ_EPARSE, "tensor data runs past the end of the file"},
      {0, "GGUF", 4, 0, GSZ_EPARSE, "tensor data runs past the end of the file"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ck_buf b = {NULL, 0, 0};
    ck_put(&b, good.data, good.len);
    patch(&b, cases[i].at, cases[i].bytes, cases[i].n);
    ck_zeros(&b, cases[i].data);
    gsz_checkpoint *ck = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_gguf_parse(&ck, b.data, b.len, "bad.gguf", &diag);
    if (err != cases[i].code || !tu_contains(diag.message, cases[i].says) ||
        strncmp(diag.message, "bad.gguf: byte ", 15) != 0)
      fail_msg("case %zu: %s (%d), wanted '%s'", i, diag.message, err, cases[i].says);
    assert_null(ck);
    ck_free(&b);
  }
  /* Cut short anywhere inside the header: refused at the end of the file. */
  for (size_t cut = 0; cut < good.len; cut += 7) {
    gsz_checkpoint *ck = NULL;
    gsz_diag diag;
    assert_int_equal(gsz_gguf_parse(&ck, good.data, cut, "cut.gguf", &diag), GSZ_EPARSE);
    assert_true(tu_contains(diag.message, "cut.gguf: byte "));
  }
  ck_free(&good);
}

/* The binary: exit 2, the file and the byte named. */
static void test_cli_names_the_file_and_byte_of_a_bad_checkpoint(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = tu_path(dir, "bad.safetensors");
  static const char bad[] = "\x09\x00\x00\x00\x00\x00\x00\x00{\"a\": [}";
  tu_write_file(path, bad, sizeof bad - 1);
  tu_result r;
  const char *args[] = {"size", "--safetensors", path, NULL};
  tu_run(&r, args, NULL);
  assert_int_equal(r.status, 2);
  assert_true(tu_contains(r.err, "--safetensors"));
  assert_true(tu_contains(r.err, "bad.safetensors: byte "));
  tu_result_free(&r);
  char *gguf = tu_path(dir, "bad.gguf");
  tu_write_file(gguf, "GGUF\x01\x00\x00\x00", 8);
  const char *args2[] = {"size", "--gguf", gguf, NULL};
  tu_run(&r, args2, NULL);
  assert_int_equal(r.status, 2);
  assert_true(tu_contains(r.err, "bad.gguf: byte 4: GGUF version 1"));
  tu_result_free(&r);
  const char *both[] = {"size", "--gguf", gguf, "--precision", "int4", NULL};
  tu_run(&r, both, NULL);
  assert_int_equal(r.status, 2);
  tu_result_free(&r);
  free(gguf);
  free(path);
  tu_rmdir_all(dir);
}

/* llama.cpp's type table against the reference block sizes. */
static void test_ggml_types_match_the_reference_blocks(void **state) {
  (void)state;
  static const struct {
    uint32_t type, block, bytes;
  } want[] = {{0, 1, 4},      {1, 1, 2},      {2, 32, 18},    {8, 32, 34},
              {10, 256, 84},  {11, 256, 110}, {12, 256, 144}, {13, 256, 176},
              {14, 256, 210}, {30, 1, 2},     {39, 32, 17},   {40, 64, 36}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint32_t block, bytes;
    assert_true(gsz_ggml_type_block(want[i].type, &block, &bytes));
    assert_int_equal(block, want[i].block);
    assert_int_equal(bytes, want[i].bytes);
  }
  uint32_t block, bytes;
  assert_false(gsz_ggml_type_block(4, &block, &bytes)); /* removed */
  assert_false(gsz_ggml_type_block(41, &block, &bytes));
  assert_int_equal(gsz_safetensors_dtype_bits("BF16"), 16);
  assert_int_equal(gsz_safetensors_dtype_bits("F4"), 4);
  assert_int_equal(gsz_safetensors_dtype_bits("bf16"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_safetensors_folder_of_header_only_shards_gives_exact_bytes),
      cmocka_unit_test(test_safetensors_counts_packed_parameters_by_quantization_config),
      cmocka_unit_test(test_safetensors_refuses_malformed_headers_naming_the_byte),
      cmocka_unit_test(test_gguf_header_gives_bytes_and_architecture),
      cmocka_unit_test(test_gguf_refuses_malformed_headers_naming_the_byte),
      cmocka_unit_test(test_cli_names_the_file_and_byte_of_a_bad_checkpoint),
      cmocka_unit_test(test_ggml_types_match_the_reference_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
