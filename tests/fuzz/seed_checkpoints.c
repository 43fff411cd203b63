/* seed_checkpoints.c: writes the seed corpora of the checkpoint fuzz
 * targets, small whole files (data included, as zeros) built with
 * tests/support/checkpoint_files.h: DIR/safetensors/ and DIR/gguf/. The
 * committed seeds in corpus/ are this program's output; the ctest test
 * fuzz_seeds_are_current checks that they still are.
 *   seed_checkpoints DIR */
#include "checkpoint_files.h"

#include <errno.h>
#include <sys/stat.h>

static int failed;

static void save(const char *dir, const char *sub, const char *name, ck_buf *b, uint64_t data) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, sub);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    failed = 1;
  snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
  ck_zeros(b, data);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
    fprintf(stderr, "seed_checkpoints: cannot write %s\n", path);
    failed = 1;
  }
  ck_free(b);
}

#define T(n, dt, bits, ...)                                                                        \
  {                                                                                                \
    n, dt, bits, 0, 0, 0, sizeof((uint64_t[]){__VA_ARGS__}) / 8, {                                 \
      __VA_ARGS__                                                                                  \
    }                                                                                              \
  }
#define G(n, type, block, bytes, ...)                                                              \
  {                                                                                                \
    n, NULL, 0, type, block, bytes, sizeof((uint64_t[]){__VA_ARGS__}) / 8, {                       \
      __VA_ARGS__                                                                                  \
    }                                                                                              \
  }

static void safetensors(const char *dir) {
  static const ck_tensor llama[] = {
      T("model.embed_tokens.weight", "BF16", 16, 50, 16),
      T("model.layers.0.self_attn.q_proj.weight", "BF16", 16, 16, 16),
      T("model.layers.0.mlp.down_proj.weight", "BF16", 16, 16, 32),
      T("model.layers.0.input_layernorm.weight", "F32", 32, 16),
      T("model.norm.weight", "F32", 32, 16),
      T("lm_head.weight", "BF16", 16, 50, 16),
  };
  ck_buf b = {NULL, 0, 0};
  uint64_t data = ck_safetensors(&b, llama, 6, "\"__metadata__\":{\"format\":\"pt\"}");
  save(dir, "safetensors", "llama-shard.safetensors", &b, data);
  static const ck_tensor awq[] = {
      T("model.layers.3.mlp.up_proj.qweight", "I32", 32, 32, 4),
      T("model.layers.3.mlp.up_proj.qzeros", "I32", 32, 1, 4),
      T("model.layers.3.mlp.up_proj.scales", "F16", 16, 1, 32),
      T("model.layers.3.mlp.up_proj.weight_scale", "F8_E4M3", 8, 32, 1),
      T("model.layers.3.mlp.experts.gate_up_proj_blocks", "U8", 8, 2, 4, 16),
      T("model.layers.3.mlp.gate.weight", "F4", 4, 4, 8),
  };
  data = ck_safetensors(&b, awq, 6, NULL);
  save(dir, "safetensors", "quantised.safetensors", &b, data);
  data = ck_safetensors(&b, NULL, 0, NULL);
  save(dir, "safetensors", "empty.safetensors", &b, data);
  static const ck_tensor scalar[] = {T("scale", "F32", 32, 1), T("zero_dim", "BF16", 16, 0, 7)};
  data = ck_safetensors(&b, scalar, 2, NULL);
  save(dir, "safetensors", "scalar-and-empty-dims.safetensors", &b, data);
}

static void gguf(const char *dir) {
  /* A small Llama in Q8_0 and F16: h 64, f 128, 1 layer, 4 heads, 2 KV
   * heads, vocabulary 50. */
  static const ck_tensor llama[] = {
      G("token_embd.weight", 8, 32, 34, 64, 50),
      G("output.weight", 1, 1, 2, 64, 50),
      G("output_norm.weight", 0, 1, 4, 64),
      G("blk.0.attn_q.weight", 8, 32, 34, 64, 64),
      G("blk.0.attn_k.weight", 8, 32, 34, 64, 32),
      G("blk.0.attn_v.weight", 8, 32, 34, 64, 32),
      G("blk.0.attn_output.weight", 8, 32, 34, 64, 64),
      G("blk.0.ffn_gate.weight", 8, 32, 34, 64, 128),
      G("blk.0.ffn_up.weight", 8, 32, 34, 64, 128),
      G("blk.0.ffn_down.weight", 8, 32, 34, 128, 64),
      G("blk.0.attn_norm.weight", 0, 1, 4, 64),
      G("blk.0.ffn_norm.weight", 0, 1, 4, 64),
  };
  ck_buf kv = {NULL, 0, 0}, b = {NULL, 0, 0};
  ck_gguf_kv_str(&kv, "general.architecture", "llama");
  ck_gguf_kv_str(&kv, "general.name", "seed");
  ck_gguf_kv_u32(&kv, "general.file_type", 7);
  ck_gguf_kv_u32(&kv, "general.alignment", 32);
  ck_gguf_kv_u32(&kv, "llama.embedding_length", 64);
  ck_gguf_kv_u32(&kv, "llama.feed_forward_length", 128);
  ck_gguf_kv_u32(&kv, "llama.block_count", 1);
  ck_gguf_kv_u32(&kv, "llama.attention.head_count", 4);
  ck_gguf_kv_u32(&kv, "llama.attention.head_count_kv", 2);
  ck_gguf_kv_u32(&kv, "llama.context_length", 256);
  /* tokenizer.ggml.tokens: an array of 3 strings (the vocabulary's length). */
  ck_gguf_str(&kv, "tokenizer.ggml.tokens");
  ck_le(&kv, 9, 4);
  ck_le(&kv, 8, 4);
  ck_le(&kv, 3, 8);
  ck_gguf_str(&kv, "a");
  ck_gguf_str(&kv, "bc");
  ck_gguf_str(&kv, "");
  /* An array of floats, skipped. */
  ck_gguf_str(&kv, "tokenizer.ggml.scores");
  ck_le(&kv, 9, 4);
  ck_le(&kv, 6, 4);
  ck_le(&kv, 2, 8);
  ck_le(&kv, 0, 8);
  uint64_t data = ck_gguf(&b, &kv, 12, llama, sizeof llama / sizeof *llama);
  save(dir, "gguf", "llama-q8_0.gguf", &b, data);
  /* The same tied (no output tensor) and as qwen2. */
  ck_free(&kv);
  ck_gguf_kv_str(&kv, "general.architecture", "qwen2");
  ck_gguf_kv_u32(&kv, "qwen2.embedding_length", 64);
  ck_gguf_kv_u32(&kv, "qwen2.feed_forward_length", 128);
  ck_gguf_kv_u32(&kv, "qwen2.block_count", 1);
  ck_gguf_kv_u32(&kv, "qwen2.attention.head_count", 4);
  ck_gguf_kv_u32(&kv, "qwen2.attention.head_count_kv", 2);
  ck_gguf_kv_u32(&kv, "qwen2.vocab_size", 50);
  static const ck_tensor tied[] = {
      G("token_embd.weight", 1, 1, 2, 64, 50),
      G("blk.0.attn_q.weight", 30, 1, 2, 64, 64),
      G("blk.0.attn_q.bias", 0, 1, 4, 64),
      G("blk.0.ffn_down.weight", 39, 32, 17, 128, 64),
  };
  data = ck_gguf(&b, &kv, 7, tied, sizeof tied / sizeof *tied);
  save(dir, "gguf", "qwen2-tied.gguf", &b, data);
  ck_free(&kv);
  ck_gguf_kv_str(&kv, "general.architecture", "mamba");
  static const ck_tensor other[] = {G("blk.0.ssm_a", 0, 1, 4, 16, 4)};
  data = ck_gguf(&b, &kv, 1, other, 1);
  save(dir, "gguf", "unknown-architecture.gguf", &b, data);
  ck_free(&kv);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: seed_checkpoints DIR\n");
    return 2;
  }
  safetensors(argv[1]);
  gguf(argv[1]);
  return failed;
}
