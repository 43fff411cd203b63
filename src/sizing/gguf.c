/* gguf.c: reads the header of a GGUF file (checkpoint.h), versions 2 and
 * 3, little-endian (ggml/docs/gguf.md): the magic "GGUF", a uint32
 * version, uint64 tensor and metadata counts, the metadata key-values,
 * then one info per tensor (name, dimensions, ggml type, offset into the
 * aligned data). Tensor data is never read; its size is each tensor's
 * blocks x block bytes (llama.cpp's type table), checked against the
 * file's size and alignment. The metadata gives the architecture for the
 * families model.h knows. A parser of hostile input: the header is read
 * through one bounded cursor (at most GSZ_GGUF_MAX_HEADER bytes), counts
 * are capped, arithmetic is checked, and every error names the file and
 * the byte. */
#include "sizing/checkpoint_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_KV 1000000u
#define MAX_KEY 65536u
#define MAX_STRING (64u << 20)
#define MAX_NAME 4096u
#define MAX_DIMS 4u /* GGML_MAX_DIMS */
#define MAX_NUMBERS 512u

enum {
  V_U8,
  V_I8,
  V_U16,
  V_I16,
  V_U32,
  V_I32,
  V_F32,
  V_BOOL,
  V_STRING,
  V_ARRAY,
  V_U64,
  V_I64,
  V_F64,
  V_COUNT
};

/* --- The cursor ------------------------------------------------------------- */

typedef struct cursor {
  FILE *f;                  /* a file, or NULL: memory */
  const unsigned char *mem; /* the whole file in memory */
  uint64_t pos, size;       /* bytes consumed, file size */
  const char *label;
  gsz_diag *diag;
  gsz_err err; /* sticky: the first failure */
} cursor;

static bool ok(const cursor *c) {
  return c->err == GSZ_OK;
}

/* Fail at the current byte (first failure wins). */
static void fail(cursor *c, gsz_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(cursor *c, gsz_err code, const char *fmt, ...) {
  if (!ok(c))
    return;
  char what[GSZ_DIAG_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  if (vsnprintf(what, sizeof what, fmt, ap) < 0)
    what[0] = '\0';
  va_end(ap);
  c->err = gsz__checkpoint_bad(c->diag, code, c->label, c->pos, "%s", what);
}

/* Whether n more bytes are in the header's reach. */
static bool room(cursor *c, uint64_t n) {
  if (!ok(c))
    return false;
  if (n > GSZ_GGUF_MAX_HEADER || c->pos + n > GSZ_GGUF_MAX_HEADER) {
    fail(c, GSZ_ELIMIT, "the header runs past %u MiB", GSZ_GGUF_MAX_HEADER >> 20);
    return false;
  }
  if (c->pos + n > c->size) {
    fail(c, GSZ_EPARSE, "the file ends inside the header (%llu bytes)",
         (unsigned long long)c->size);
    return false;
  }
  return true;
}

static bool take(cursor *c, void *buf, size_t n) {
  if (!room(c, n))
    return false;
  if (c->f == NULL) {
    memcpy(buf, c->mem + c->pos, n);
  } else if (fread(buf, 1, n, c->f) != n) {
    if (ok(c))
      c->err = gsz__diag_set(c->diag, GSZ_EIO, "cannot read '%s'", c->label);
    return false;
  }
  c->pos += n;
  return true;
}

static bool skip(cursor *c, uint64_t n) {
  if (!room(c, n))
    return false;
  if (c->f != NULL && fseeko(c->f, (off_t)n, SEEK_CUR) != 0) {
    c->err = gsz__diag_set(c->diag, GSZ_EIO, "cannot read '%s'", c->label);
    return false;
  }
  c->pos += n;
  return true;
}

static uint64_t le(const unsigned char *b, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = v << 8 | b[i];
  return v;
}

static uint32_t u32(cursor *c) {
  unsigned char b[4];
  return take(c, b, 4) ? (uint32_t)le(b, 4) : 0;
}

static uint64_t u64(cursor *c) {
  unsigned char b[8];
  return take(c, b, 8) ? le(b, 8) : 0;
}

/* A GGUF string: uint64 length and bytes. Kept (NUL-terminated, owned)
 * when out is not NULL, else skipped. */
static bool string(cursor *c, char **out, uint64_t max, const char *what) {
  uint64_t at = c->pos;
  uint64_t n = u64(c);
  if (!ok(c))
    return false;
  if (n > max) {
    c->pos = at;
    fail(c, GSZ_ELIMIT, "%s of %llu bytes exceeds the limit", what, (unsigned long long)n);
    return false;
  }
  if (out == NULL)
    return skip(c, n);
  if (!room(c, n))
    return false;
  char *s = gsz__malloc((size_t)n + 1);
  if (s == NULL) {
    c->err = gsz__diag_nomem(c->diag);
    return false;
  }
  if (!take(c, s, (size_t)n)) {
    gsz__free(s);
    return false;
  }
  s[n] = '\0';
  *out = s;
  return true;
}

/* --- Metadata --------------------------------------------------------------- */

/* The scalar metadata kept for the architecture: integer values by key. */
typedef struct numbers {
  char *key[MAX_NUMBERS];
  uint64_t value[MAX_NUMBERS];
  size_t n;
} numbers;

static void numbers_free(numbers *nb) {
  for (size_t i = 0; i < nb->n; i++)
    gsz__free(nb->key[i]);
  nb->n = 0;
}

static bool number(const numbers *nb, const char *key, uint64_t *out) {
  for (size_t i = 0; i < nb->n; i++)
    if (strcmp(nb->key[i], key) == 0) {
      *out = nb->value[i];
      return true;
    }
  return false;
}

static uint64_t value_size(uint32_t type) {
  static const uint8_t sizes[V_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
  return type < V_COUNT ? sizes[type] : 0;
}

typedef struct meta {
  numbers nb;
  char *arch, *name;
  uint64_t alignment;
  uint64_t vocab_from_tokens; /* tokenizer.ggml.tokens' length */
  bool has_file_type;
  uint64_t file_type;
} meta;

/* Read one value of type; integers of interesting keys are kept. */
static void value(cursor *c, meta *m, const char *key, uint32_t type) {
  if (type == V_STRING) {
    char **keep = NULL;
    if (strcmp(key, "general.architecture") == 0 && m->arch == NULL)
      keep = &m->arch;
    else if (strcmp(key, "general.name") == 0 && m->name == NULL)
      keep = &m->name;
    string(c, keep, MAX_STRING, "a metadata string");
    return;
  }
  if (type == V_ARRAY) {
    uint32_t elem = u32(c);
    uint64_t at = c->pos;
    uint64_t count = u64(c);
    if (!ok(c))
      return;
    if (strcmp(key, "tokenizer.ggml.tokens") == 0)
      m->vocab_from_tokens = count;
    if (elem == V_STRING) {
      for (uint64_t i = 0; i < count && ok(c); i++)
        string(c, NULL, MAX_STRING, "a metadata string");
      return;
    }
    if (elem == V_ARRAY) {
      fail(c, GSZ_EUNSUPPORTED,
           "metadata key '%.64s' holds nested arrays, which GGUF readers "
           "do not support",
           key);
      return;
    }
    uint64_t size = value_size(elem), total;
    if (size == 0) {
      c->pos = at - 4;
      fail(c, GSZ_EPARSE, "unknown metadata array type %u", elem);
      return;
    }
    if (gsz__mul_u64(&total, count, size)) {
      fail(c, GSZ_ELIMIT, "a metadata array of %llu values", (unsigned long long)count);
      return;
    }
    skip(c, total);
    return;
  }
  uint64_t size = value_size(type);
  if (size == 0) {
    c->pos -= 4;
    fail(c, GSZ_EPARSE, "unknown metadata value type %u", type);
    return;
  }
  unsigned char b[8];
  if (!take(c, b, (size_t)size))
    return;
  if (type == V_F32 || type == V_F64 || type == V_BOOL)
    return;
  uint64_t v = le(b, (int)size);
  bool is_signed = type == V_I8 || type == V_I16 || type == V_I32 || type == V_I64;
  if (is_signed && (b[size - 1] & 0x80))
    return; /* a negative count means nothing here */
  if (strcmp(key, "general.alignment") == 0)
    m->alignment = v;
  if (strcmp(key, "general.file_type") == 0) {
    m->has_file_type = true;
    m->file_type = v;
  }
  if (m->nb.n < MAX_NUMBERS && strlen(key) < 128) {
    char *copy = gsz__strdup(key);
    if (copy == NULL) {
      c->err = gsz__diag_nomem(c->diag);
      return;
    }
    m->nb.key[m->nb.n] = copy;
    m->nb.value[m->nb.n++] = v;
  }
}

/* llama.cpp's llama_ftype names, for what the file says it is. */
static const char *file_type_name(uint64_t t) {
  static const struct {
    uint64_t id;
    const char *name;
  } names[] = {{0, "F32"},      {1, "F16"},      {2, "Q4_0"},      {3, "Q4_1"},    {7, "Q8_0"},
               {8, "Q5_0"},     {9, "Q5_1"},     {10, "Q2_K"},     {11, "Q3_K_S"}, {12, "Q3_K_M"},
               {13, "Q3_K_L"},  {14, "Q4_K_S"},  {15, "Q4_K_M"},   {16, "Q5_K_S"}, {17, "Q5_K_M"},
               {18, "Q6_K"},    {19, "IQ2_XXS"}, {20, "IQ2_XS"},   {21, "Q2_K_S"}, {22, "IQ3_XS"},
               {23, "IQ3_XXS"}, {24, "IQ1_S"},   {25, "IQ4_NL"},   {26, "IQ3_S"},  {27, "IQ3_M"},
               {28, "IQ2_S"},   {29, "IQ2_M"},   {30, "IQ4_XS"},   {31, "IQ1_M"},  {32, "BF16"},
               {36, "TQ1_0"},   {37, "TQ2_0"},   {38, "MXFP4_MOE"}};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(names); i++)
    if (names[i].id == t)
      return names[i].name;
  return "unknown";
}

/* --- Tensors ------------------------------------------------------------------ */

typedef struct extent {
  uint64_t begin, end, at; /* data bytes; at: the info's file byte */
} extent;

static int compare_extent(const void *pa, const void *pb) {
  const extent *a = pa, *b = pb;
  return (a->begin > b->begin) - (a->begin < b->begin);
}

/* What the tensors say about the architecture. */
typedef struct seen {
  bool output, q_bias;
  uint64_t embd_rows;
} seen;

/* Read the tensor infos; check them against the data after the header. */
static void tensors(cursor *c, gsz_checkpoint *ck, uint64_t count, const meta *m, seen *sn) {
  extent *ext = gsz__calloc(count ? (size_t)count : 1, sizeof *ext);
  if (ext == NULL) {
    c->err = gsz__diag_nomem(c->diag);
    return;
  }
  for (uint64_t i = 0; i < count && ok(c); i++) {
    uint64_t at = c->pos;
    char *name = NULL;
    if (!string(c, &name, MAX_NAME, "a tensor name"))
      break;
    uint32_t dims = u32(c);
    if (ok(c) && (dims == 0 || dims > MAX_DIMS)) {
      c->pos -= 4;
      fail(c, GSZ_EPARSE, "tensor with %u dimensions (1 to 4)", dims);
    }
    uint64_t ne[MAX_DIMS] = {1, 1, 1, 1}, elements = 1;
    for (uint32_t d = 0; d < dims && ok(c); d++) {
      ne[d] = u64(c);
      if (ok(c) && gsz__mul_u64(&elements, elements, ne[d]))
        fail(c, GSZ_EOVERFLOW, "a tensor of more than 2^64 values");
    }
    uint64_t type_at = c->pos;
    uint32_t type = u32(c);
    uint32_t block = 0, block_bytes = 0;
    if (ok(c) && !gsz_ggml_type_block(type, &block, &block_bytes)) {
      c->pos = type_at;
      fail(c, GSZ_EPARSE, "unknown ggml type %u", type);
    }
    if (ok(c) && ne[0] % block != 0) {
      c->pos = type_at;
      fail(c, GSZ_EPARSE, "a row of %llu values does not fill whole blocks of its type",
           (unsigned long long)ne[0]);
    }
    uint64_t offset = u64(c);
    uint64_t bytes = 0;
    if (ok(c)) {
      /* Rows of whole blocks, times the other dimensions. */
      uint64_t rows = elements / (ne[0] ? ne[0] : 1);
      if (ne[0] == 0)
        rows = 0;
      if (gsz__mul_u64(&bytes, ne[0] / block, block_bytes) || gsz__mul_u64(&bytes, bytes, rows)) {
        c->pos = at;
        fail(c, GSZ_EOVERFLOW, "a tensor of more than 2^64 bytes");
      }
    }
    if (ok(c) && offset % m->alignment != 0) {
      c->pos -= 8;
      fail(c, GSZ_EPARSE, "tensor offset %llu is not a multiple of the alignment",
           (unsigned long long)offset);
    }
    if (ok(c)) {
      if (strcmp(name, "output.weight") == 0)
        sn->output = true;
      if (strcmp(name, "blk.0.attn_q.bias") == 0)
        sn->q_bias = true;
      if (strcmp(name, "token_embd.weight") == 0 && dims >= 2)
        sn->embd_rows = ne[1];
      ext[i] = (extent){offset, 0, at};
      if (gsz__add_u64(&ext[i].end, offset, bytes)) {
        c->pos = at;
        fail(c, GSZ_EOVERFLOW, "tensor offset past 2^64 bytes");
      }
    }
    if (ok(c)) {
      gsz_err err = gsz__checkpoint_add(ck, name, bytes, elements, c->label, at, c->diag);
      if (err != GSZ_OK)
        c->err = err;
    }
    gsz__free(name);
  }
  if (ok(c)) {
    /* The data starts at the next multiple of the alignment. */
    uint64_t start = c->pos + (m->alignment - c->pos % m->alignment) % m->alignment;
    uint64_t data = start <= c->size ? c->size - start : 0;
    if (start > c->size && count > 0)
      fail(c, GSZ_EPARSE, "the file ends before its tensor data (%llu bytes)",
           (unsigned long long)c->size);
    qsort(ext, (size_t)count, sizeof *ext, compare_extent);
    for (uint64_t i = 0; i < count && ok(c); i++) {
      if (ext[i].end > data) {
        c->pos = ext[i].at;
        fail(c, GSZ_EPARSE, "tensor data runs past the end of the file (%llu bytes of data)",
             (unsigned long long)data);
      } else if (i > 0 && ext[i].begin < ext[i - 1].end) {
        c->pos = ext[i].at;
        fail(c, GSZ_EPARSE, "tensor data overlaps the tensor before it (offset %llu)",
             (unsigned long long)ext[i].begin);
      }
    }
  }
  gsz__free(ext);
}

/* --- The architecture ------------------------------------------------------- */

static uint32_t key_u32(const numbers *nb, const char *arch, const char *suffix) {
  char key[192];
  uint64_t v = 0;
  snprintf(key, sizeof key, "%s.%s", arch, suffix);
  return number(nb, key, &v) && v <= UINT32_MAX ? (uint32_t)v : 0;
}

/* An architecture from the metadata of the families model.h counts; else
 * a note saying why not. */
static gsz_err architecture(gsz_checkpoint *ck, const meta *m, const seen *sn, gsz_diag *diag) {
  static const struct {
    const char *gguf, *family;
  } families[] = {{"llama", "llama"},
                  {"qwen2", "qwen2"},
                  {"qwen3", "qwen3"},
                  {"gemma2", "gemma2"},
                  {"phi3", "phi3"}};
  const char *family = NULL;
  for (size_t i = 0; m->arch != NULL && i < GSZ_ARRAY_LEN(families); i++)
    if (strcmp(m->arch, families[i].gguf) == 0)
      family = families[i].family;
  if (family == NULL) {
    char note[160];
    snprintf(note, sizeof note, "GGUF architecture '%.32s' is not one gpusizer counts",
             m->arch ? m->arch : "(none)");
    return gsz__checkpoint_note(ck, note, diag);
  }
  gsz_arch *a = &ck->gguf_arch;
  memset(a, 0, sizeof *a);
  const numbers *nb = &m->nb;
  a->hidden_size = key_u32(nb, m->arch, "embedding_length");
  a->intermediate_size = key_u32(nb, m->arch, "feed_forward_length");
  a->num_hidden_layers = key_u32(nb, m->arch, "block_count");
  a->num_attention_heads = key_u32(nb, m->arch, "attention.head_count");
  a->num_key_value_heads = key_u32(nb, m->arch, "attention.head_count_kv");
  uint32_t key_length = key_u32(nb, m->arch, "attention.key_length");
  if (a->num_attention_heads && key_length && key_length * a->num_attention_heads != a->hidden_size)
    a->head_dim = key_length;
  a->vocab_size = key_u32(nb, m->arch, "vocab_size");
  if (a->vocab_size == 0)
    a->vocab_size = m->vocab_from_tokens <= UINT32_MAX ? (uint32_t)m->vocab_from_tokens : 0;
  if (a->vocab_size == 0 && sn->embd_rows <= UINT32_MAX)
    a->vocab_size = (uint32_t)sn->embd_rows;
  a->max_position_embeddings = key_u32(nb, m->arch, "context_length");
  a->tie_word_embeddings = !sn->output;
  a->qkv_bias = sn->q_bias || strcmp(family, "qwen2") == 0;
  a->num_local_experts = key_u32(nb, m->arch, "expert_count");
  a->num_experts_per_tok = key_u32(nb, m->arch, "expert_used_count");
  if (strcmp(family, "llama") == 0 && a->num_local_experts > 0)
    family = "mixtral";
  if (strcmp(family, "gemma2") == 0) {
    a->sliding_window = key_u32(nb, m->arch, "attention.sliding_window");
    a->sliding_window_pattern = 2;
  }
  a->model_type = family;
  const char *base = strrchr(ck->path, '/');
  ck->gguf_name = gsz__strdup(m->name ? m->name : (base ? base + 1 : ck->path));
  if (ck->gguf_name == NULL)
    return gsz__diag_nomem(diag);
  a->name = ck->gguf_name;
  a->source = ck->path;
  gsz_param_count pc;
  gsz_diag inner;
  gsz_diag_clear(&inner);
  if (gsz_model_count(&pc, a, &inner) != GSZ_OK) {
    char note[GSZ_DIAG_MESSAGE_MAX + 32];
    snprintf(note, sizeof note, "GGUF metadata: %s", inner.message);
    return gsz__checkpoint_note(ck, note, diag);
  }
  ck->info.arch = a;
  return GSZ_OK;
}

/* --- The file --------------------------------------------------------------- */

static gsz_err parse(gsz_checkpoint **out, cursor *c, const char *label, gsz_diag *diag) {
  gsz_checkpoint *ck = NULL;
  meta m;
  memset(&m, 0, sizeof m);
  m.alignment = 32;
  seen sn = {false, false, 0};
  unsigned char magic[4];
  if (take(c, magic, 4) && memcmp(magic, "GGUF", 4) != 0) {
    c->pos = 0;
    fail(c, GSZ_EPARSE, "not a GGUF file (no \"GGUF\" magic)");
  }
  uint32_t version = u32(c);
  if (ok(c) && (version == 0x02000000u || version == 0x03000000u)) {
    c->pos -= 4;
    fail(c, GSZ_EUNSUPPORTED, "big-endian GGUF (version %llu byte-swapped) is not supported",
         (unsigned long long)(version >> 24));
  } else if (ok(c) && version != 2 && version != 3) {
    c->pos -= 4;
    fail(c, GSZ_EUNSUPPORTED, "GGUF version %u is not supported (2 and 3 are)", version);
  }
  uint64_t n_tensors = u64(c);
  if (ok(c) && n_tensors > GSZ_CHECKPOINT_MAX_TENSORS) {
    c->pos -= 8;
    fail(c, GSZ_ELIMIT, "tensor count %llu exceeds 1000000", (unsigned long long)n_tensors);
  }
  uint64_t n_kv = u64(c);
  if (ok(c) && n_kv > MAX_KV) {
    c->pos -= 8;
    fail(c, GSZ_ELIMIT, "metadata count %llu exceeds 1000000", (unsigned long long)n_kv);
  }
  if (ok(c)) {
    gsz_err err = gsz__checkpoint_new(&ck, GSZ_CHECKPOINT_GGUF, label, diag);
    if (err != GSZ_OK)
      c->err = err;
  }
  for (uint64_t i = 0; i < n_kv && ok(c); i++) {
    char *key = NULL;
    if (!string(c, &key, MAX_KEY, "a metadata key"))
      break;
    uint64_t type_at = c->pos;
    uint32_t type = u32(c);
    if (ok(c) && type >= V_COUNT) {
      c->pos = type_at;
      fail(c, GSZ_EPARSE, "unknown metadata value type %u", type);
    }
    if (ok(c))
      value(c, &m, key, type);
    gsz__free(key);
  }
  if (ok(c) &&
      (m.alignment == 0 || (m.alignment & (m.alignment - 1)) != 0 || m.alignment > (1u << 20)))
    fail(c, GSZ_EPARSE, "general.alignment %llu is not a power of two up to 1 MiB",
         (unsigned long long)m.alignment);
  if (ok(c))
    tensors(c, ck, n_tensors, &m, &sn);
  gsz_err err = c->err;
  if (err == GSZ_OK && m.has_file_type)
    err = gsz__checkpoint_quant(ck, file_type_name(m.file_type), 0, 0, diag);
  if (err == GSZ_OK) {
    ck->info.files = 1;
    err = architecture(ck, &m, &sn, diag);
  }
  numbers_free(&m.nb);
  gsz__free(m.arch);
  gsz__free(m.name);
  if (err != GSZ_OK) {
    gsz_checkpoint_free(ck);
    return err;
  }
  *out = ck;
  return GSZ_OK;
}

gsz_err gsz_gguf_parse(gsz_checkpoint **out, const void *data, size_t size, const char *label,
                       gsz_diag *diag) {
  cursor c = {NULL, data, 0, size, label, diag, GSZ_OK};
  return parse(out, &c, label, diag);
}

gsz_err gsz_checkpoint_load_gguf(gsz_checkpoint **out, const char *path, gsz_diag *diag) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open '%s': %s", path,
                         strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fclose(f);
    return gsz__diag_set(diag, GSZ_EIO, "cannot read '%s': %s", path, strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    fclose(f);
    return gsz__not_a_file(diag, path, (unsigned)st.st_mode);
  }
  cursor c = {f, NULL, 0, (uint64_t)st.st_size, path, diag, GSZ_OK};
  gsz_err err = parse(out, &c, path, diag);
  fclose(f);
  return err;
}
