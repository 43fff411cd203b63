/* checkpoint_files.h: small safetensors and GGUF files built in memory,
 * for the checkpoint tests (tests/test_checkpoint.c) and the fuzz seeds
 * (tests/fuzz/seed_checkpoints.c). A file's tensor data is zeros: written
 * whole for the in-memory parsers, or left as a hole (ftruncate) for
 * "header-only" files on disk, which have their real size but no data
 * blocks. Header-only, static functions: no library of its own. */
#ifndef GSZ_CHECKPOINT_FILES_H
#define GSZ_CHECKPOINT_FILES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct ck_buf {
  unsigned char *data;
  size_t len, cap;
} ck_buf;

static inline void ck_put(ck_buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
      cap *= 2;
    unsigned char *grown = realloc(b->data, cap);
    if (grown == NULL)
      abort();
    b->data = grown;
    b->cap = cap;
  }
  if (n > 0)
    memcpy(b->data + b->len, p, n);
  b->len += n;
}

static inline void ck_le(ck_buf *b, uint64_t v, int bytes) {
  unsigned char x[8];
  for (int i = 0; i < bytes; i++)
    x[i] = (unsigned char)(v >> (8 * i));
  ck_put(b, x, (size_t)bytes);
}

static inline void ck_free(ck_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* One tensor: a name, a safetensors dtype (with its bits) or a ggml type
 * (with its block), and up to 4 dimensions (safetensors order: outermost
 * first; GGUF order: ne[0], the row, first). */
typedef struct ck_tensor {
  const char *name;
  const char *dtype;                      /* safetensors */
  unsigned bits;                          /* safetensors: bits per value */
  uint32_t ggml_type, block, block_bytes; /* GGUF */
  int ndims;
  uint64_t shape[4];
} ck_tensor;

static inline uint64_t ck_values(const ck_tensor *t) {
  uint64_t n = 1;
  for (int i = 0; i < t->ndims; i++)
    n *= t->shape[i];
  return n;
}

static inline uint64_t ck_st_bytes(const ck_tensor *t) {
  return (ck_values(t) * t->bits + 7) / 8;
}

/* A safetensors file: 8-byte length, the JSON header (extra, when not
 * NULL, is inserted as more members, raw), no data. Returns the data size
 * the header claims. */
static inline uint64_t ck_safetensors(ck_buf *out, const ck_tensor *t, size_t n,
                                      const char *extra) {
  ck_buf h = {NULL, 0, 0};
  uint64_t offset = 0;
  char part[512];
  ck_put(&h, "{", 1);
  for (size_t i = 0; i < n; i++) {
    int len = snprintf(part, sizeof part, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", i ? "," : "",
                       t[i].name, t[i].dtype);
    ck_put(&h, part, (size_t)len);
    for (int d = 0; d < t[i].ndims; d++) {
      len = snprintf(part, sizeof part, "%s%llu", d ? "," : "", (unsigned long long)t[i].shape[d]);
      ck_put(&h, part, (size_t)len);
    }
    uint64_t bytes = ck_st_bytes(&t[i]);
    len = snprintf(part, sizeof part, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)offset,
                   (unsigned long long)(offset + bytes));
    ck_put(&h, part, (size_t)len);
    offset += bytes;
  }
  if (extra != NULL) {
    if (n > 0)
      ck_put(&h, ",", 1);
    ck_put(&h, extra, strlen(extra));
  }
  ck_put(&h, "}", 1);
  ck_le(out, h.len, 8);
  ck_put(out, h.data, h.len);
  ck_free(&h);
  return offset;
}

static inline void ck_gguf_str(ck_buf *b, const char *s) {
  ck_le(b, strlen(s), 8);
  ck_put(b, s, strlen(s));
}

static inline void ck_gguf_kv_u32(ck_buf *b, const char *key, uint32_t v) {
  ck_gguf_str(b, key);
  ck_le(b, 4, 4); /* UINT32 */
  ck_le(b, v, 4);
}

static inline void ck_gguf_kv_str(ck_buf *b, const char *key, const char *v) {
  ck_gguf_str(b, key);
  ck_le(b, 8, 4); /* STRING */
  ck_gguf_str(b, v);
}

static inline uint64_t ck_ggml_bytes(const ck_tensor *t) {
  uint64_t rows = 1;
  for (int i = 1; i < t->ndims; i++)
    rows *= t->shape[i];
  return t->shape[0] / t->block * t->block_bytes * rows;
}

/* A GGUF v3 file: magic, version, counts, the n_kv metadata already in kv
 * (built with ck_gguf_kv_*), the tensor infos with offsets aligned to 32,
 * padding to 32; no data. Returns the data size. */
static inline uint64_t ck_gguf(ck_buf *out, const ck_buf *kv, uint64_t n_kv, const ck_tensor *t,
                               size_t n) {
  ck_put(out, "GGUF", 4);
  ck_le(out, 3, 4);
  ck_le(out, n, 8);
  ck_le(out, n_kv, 8);
  ck_put(out, kv->data, kv->len);
  uint64_t offset = 0;
  for (size_t i = 0; i < n; i++) {
    ck_gguf_str(out, t[i].name);
    ck_le(out, (uint64_t)t[i].ndims, 4);
    for (int d = 0; d < t[i].ndims; d++)
      ck_le(out, t[i].shape[d], 8);
    ck_le(out, t[i].ggml_type, 4);
    ck_le(out, offset, 8);
    offset += ck_ggml_bytes(&t[i]);
    offset = (offset + 31) / 32 * 32;
  }
  while (out->len % 32 != 0)
    ck_put(out, "", 1);
  return offset;
}

/* The header plus data_size zero bytes, in memory (for the parsers that
 * take a whole file). */
static inline void ck_zeros(ck_buf *b, uint64_t data_size) {
  static const unsigned char zero[4096];
  while (data_size > 0) {
    size_t n = data_size > sizeof zero ? sizeof zero : (size_t)data_size;
    ck_put(b, zero, n);
    data_size -= n;
  }
}

/* Write the header and make the file header + data_size bytes long
 * without writing the data (a hole). False on failure. */
static inline int ck_write(const char *path, const ck_buf *b, uint64_t data_size) {
  FILE *f = fopen(path, "wb");
  if (f == NULL)
    return 0;
  int ok = fwrite(b->data, 1, b->len, f) == b->len && fflush(f) == 0 &&
           ftruncate(fileno(f), (off_t)(b->len + data_size)) == 0;
  return fclose(f) == 0 && ok;
}

#endif
