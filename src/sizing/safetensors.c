/* safetensors.c: reads the headers of safetensors checkpoints
 * (checkpoint.h): one file, a sharded model's *.safetensors.index.json, or
 * a folder, with the config.json beside them. A file is an 8-byte
 * little-endian header length N, N bytes of JSON ({"name": {"dtype",
 * "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}), then
 * the tensor data, which is never read: only its size (from the file's
 * size) is checked against the header, as the safetensors library's own
 * validation does (every tensor's bytes = dtype x shape, the ranges
 * contiguous from 0 to the end of the data). A parser of hostile input:
 * bounded sizes, checked arithmetic, every error naming the file and the
 * byte. */
#include "sizing/checkpoint_int.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CONFIG_BYTES (16u << 20)
#define MAX_DIMS 8
#define MAX_NAME 4096

/* --- quantization_config: which tensors count as how many parameters --- */

typedef struct quant {
  char method[64];
  uint32_t bits, group_size;
} quant;

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Tensors that hold quantisation metadata, not parameters: scales, zero
 * points, indices (AWQ, GPTQ, compressed-tensors, ModelOpt, MXFP4,
 * bitsandbytes names). */
static bool is_quant_metadata(const char *name) {
  static const char *const suffixes[] = {"scales",
                                         "qzeros",
                                         "g_idx",
                                         "weight_scale",
                                         "weight_scale_2",
                                         "weight_scale_inv",
                                         "input_scale",
                                         "weight_zero_point",
                                         "weight_shape",
                                         "weight_global_scale",
                                         "input_global_scale",
                                         "absmax",
                                         "quant_map",
                                         "quant_state.bitsandbytes__nf4",
                                         "quant_state.bitsandbytes__fp4",
                                         "k_scale",
                                         "v_scale",
                                         "output_scale",
                                         "zeros"};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(suffixes); i++)
    if (ends_with(name, suffixes[i]))
      return true;
  return false;
}

/* Parameters a tensor of `elements` values of `bits` stands for. */
static uint64_t tensor_params(const quant *q, const char *name, uint64_t elements, unsigned bits) {
  if (q->method[0] == '\0')
    return elements;
  if (is_quant_metadata(name))
    return 0;
  uint32_t qbits = q->bits ? q->bits : 4;
  bool packed = ends_with(name, "qweight") || ends_with(name, "weight_packed") ||
                ends_with(name, "_blocks") ||
                ((bits == 8 || bits == 32) && qbits < 8 && ends_with(name, "weight"));
  if (packed && qbits > 0 && qbits < bits && bits % qbits == 0) {
    uint64_t n;
    if (!gsz__mul_u64(&n, elements, bits / qbits))
      return n;
  }
  return elements;
}

static uint32_t small_uint(json_t *v) {
  return json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= 65536
             ? (uint32_t)json_integer_value(v)
             : 0;
}

/* quantization_config of a config.json's text (absent: method ""). Bits
 * and group size from the HF keys, AutoAWQ's, or compressed-tensors'
 * first config group. A config that is not JSON was refused before. */
static void read_quant(quant *q, const char *text, size_t len) {
  memset(q, 0, sizeof *q);
  json_t *root = json_loadb(text, len, 0, NULL);
  json_t *qc = json_object_get(root, "quantization_config");
  if (json_is_object(qc)) {
    json_t *method = json_object_get(qc, "quant_method");
    snprintf(q->method, sizeof q->method, "%s",
             json_is_string(method) ? json_string_value(method) : "unknown");
    q->bits = small_uint(json_object_get(qc, "bits"));
    if (q->bits == 0)
      q->bits = small_uint(json_object_get(qc, "w_bit"));
    q->group_size = small_uint(json_object_get(qc, "group_size"));
    if (q->group_size == 0)
      q->group_size = small_uint(json_object_get(qc, "q_group_size"));
    json_t *groups = json_object_get(qc, "config_groups");
    const char *key;
    json_t *group;
    if (json_is_object(groups))
      json_object_foreach(groups, key, group) {
        json_t *weights = json_object_get(group, "weights");
        if (q->bits == 0)
          q->bits = small_uint(json_object_get(weights, "num_bits"));
        if (q->group_size == 0)
          q->group_size = small_uint(json_object_get(weights, "group_size"));
        break;
      }
  }
  json_decref(root);
}

/* --- One file's header -------------------------------------------------- */

typedef struct range {
  uint64_t begin, end;
  const char *name; /* a key of the parsed header */
} range;

static int compare_range(const void *pa, const void *pb) {
  const range *a = pa, *b = pb;
  return (a->begin > b->begin) - (a->begin < b->begin);
}

/* The file byte where a tensor's name is quoted in the header, else the
 * header's start: good enough to find it with a hex dump. A scan of the
 * header, so only for the message of an error. */
static uint64_t name_offset(const char *header, size_t len, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; n + 2 <= len && i + n + 2 <= len; i++)
    if (header[i] == '"' && memcmp(header + i + 1, name, n) == 0 && header[i + 1 + n] == '"')
      return 8 + i;
  return 8;
}

static bool nonneg_int(json_t *v, uint64_t *out) {
  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return false;
  *out = (uint64_t)json_integer_value(v);
  return true;
}

/* Parse one header (the JSON of len bytes) of a file of file_size bytes
 * and add its tensors to ck. */
static gsz_err parse_header(gsz_checkpoint *ck, const char *header, size_t len, uint64_t file_size,
                            const quant *q, const char *label, gsz_diag *diag) {
  uint64_t data_size = file_size - 8 - len; /* the caller checked 8 + len <= file_size */
  json_error_t jerr;
  size_t failed_before = gsz__alloc_failures();
  json_t *root = json_loadb(header, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL && (json_error_code(&jerr) == json_error_out_of_memory ||
                       gsz__alloc_failures() != failed_before))
    return gsz__diag_nomem(diag);
  if (root == NULL) {
    char *near = strstr(jerr.text, " near '");
    if (near != NULL)
      *near = '\0'; /* do not echo the file's bytes */
    return gsz__checkpoint_bad(diag, GSZ_EPARSE, label, 8 + (uint64_t)jerr.position,
                               "header is not valid JSON: %s", jerr.text);
  }
  gsz_err err = GSZ_OK;
  range *ranges = NULL;
  size_t n = 0;
  if (!json_is_object(root)) {
    err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, 8, "header is not a JSON object");
    goto done;
  }
  size_t count = json_object_size(root);
  if (count > GSZ_CHECKPOINT_MAX_TENSORS + 1) {
    err = gsz__checkpoint_bad(diag, GSZ_ELIMIT, label, 8, "header names more than %u tensors",
                              GSZ_CHECKPOINT_MAX_TENSORS);
    goto done;
  }
  ranges = gsz__calloc(count ? count : 1, sizeof *ranges);
  if (ranges == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  const char *name;
  json_t *t;
  json_object_foreach(root, name, t) {
    if (strcmp(name, "__metadata__") == 0) {
      if (!json_is_object(t)) {
        err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                  "__metadata__ is not an object");
        goto done;
      }
      continue;
    }
    if (strlen(name) == 0 || strlen(name) > MAX_NAME) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "a tensor name is empty or longer than %d bytes", MAX_NAME);
      goto done;
    }
    json_t *dtype = json_object_get(t, "dtype"), *shape = json_object_get(t, "shape"),
           *offsets = json_object_get(t, "data_offsets");
    if (!json_is_object(t) || !json_is_string(dtype) || !json_is_array(shape) ||
        !json_is_array(offsets) || json_array_size(offsets) != 2) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "tensor '%.64s' needs \"dtype\", \"shape\" and two "
                                "\"data_offsets\"",
                                name);
      goto done;
    }
    unsigned bits = gsz_safetensors_dtype_bits(json_string_value(dtype));
    if (bits == 0) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "tensor '%.64s': unknown dtype '%.32s'", name,
                                json_string_value(dtype));
      goto done;
    }
    if (json_array_size(shape) > MAX_DIMS) {
      err = gsz__checkpoint_bad(diag, GSZ_ELIMIT, label, name_offset(header, len, name),
                                "tensor '%.64s' has more than %d dimensions", name, MAX_DIMS);
      goto done;
    }
    uint64_t elements = 1, dim;
    for (size_t i = 0; i < json_array_size(shape); i++) {
      if (!nonneg_int(json_array_get(shape, i), &dim)) {
        err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                  "tensor '%.64s': shape holds something other than a "
                                  "non-negative integer",
                                  name);
        goto done;
      }
      if (gsz__mul_u64(&elements, elements, dim)) {
        err = gsz__checkpoint_bad(diag, GSZ_EOVERFLOW, label, name_offset(header, len, name),
                                  "tensor '%.64s': its shape holds more than 2^64 values", name);
        goto done;
      }
    }
    uint64_t bits_total, bytes, begin, end;
    if (gsz__mul_u64(&bits_total, elements, bits)) {
      err = gsz__checkpoint_bad(diag, GSZ_EOVERFLOW, label, name_offset(header, len, name),
                                "tensor '%.64s': its size passes 2^64 bytes", name);
      goto done;
    }
    bytes = bits_total / 8 + (bits_total % 8 != 0);
    if (!nonneg_int(json_array_get(offsets, 0), &begin) ||
        !nonneg_int(json_array_get(offsets, 1), &end) || begin > end) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "tensor '%.64s': data_offsets must be two integers, begin <= end",
                                name);
      goto done;
    }
    if (end - begin != bytes) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "tensor '%.64s': data_offsets span %llu bytes, but %s x its shape "
                                "is %llu",
                                name, (unsigned long long)(end - begin), json_string_value(dtype),
                                (unsigned long long)bytes);
      goto done;
    }
    if (end > data_size) {
      err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, name_offset(header, len, name),
                                "tensor '%.64s' ends at data byte %llu, past the %llu bytes of "
                                "data the file holds",
                                name, (unsigned long long)end, (unsigned long long)data_size);
      goto done;
    }
    ranges[n++] = (range){begin, end, name};
    err = gsz__checkpoint_add(ck, name, bytes, tensor_params(q, name, elements, bits), label, 8,
                              diag);
    if (err != GSZ_OK)
      goto done;
  }
  /* The ranges tile the data exactly (safetensors' own validation). */
  qsort(ranges, n, sizeof *ranges, compare_range);
  uint64_t expect = 0;
  for (size_t i = 0; i < n; i++) {
    if (ranges[i].begin != expect) {
      err = gsz__checkpoint_bad(
          diag, GSZ_EPARSE, label, name_offset(header, len, ranges[i].name),
          "tensor data ranges %s at data byte %llu (expected %llu): overlapping or a gap",
          ranges[i].begin < expect ? "overlap" : "leave a gap", (unsigned long long)ranges[i].begin,
          (unsigned long long)expect);
      goto done;
    }
    expect = ranges[i].end;
  }
  if (expect != data_size) {
    err = gsz__checkpoint_bad(diag, GSZ_EPARSE, label, 8 + len,
                              "the tensors cover %llu bytes of data, but the file holds %llu",
                              (unsigned long long)expect, (unsigned long long)data_size);
    goto done;
  }
  ck->info.files++;

done:
  gsz__free(ranges);
  json_decref(root);
  return err;
}

static uint64_t le64(const unsigned char b[8]) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | b[i];
  return v;
}

/* Check the 8-byte length against the file's size; *len gets it. */
static gsz_err header_length(size_t *len, const unsigned char prefix[8], uint64_t file_size,
                             const char *label, gsz_diag *diag) {
  uint64_t n = le64(prefix);
  if (n > GSZ_SAFETENSORS_MAX_HEADER)
    return gsz__checkpoint_bad(diag, GSZ_ELIMIT, label, 0,
                               "header length %llu exceeds %u MiB; not a safetensors file",
                               (unsigned long long)n, GSZ_SAFETENSORS_MAX_HEADER >> 20);
  if (n < 2 || n > file_size - 8)
    return gsz__checkpoint_bad(diag, GSZ_EPARSE, label, 0,
                               "header length %llu does not fit the file's %llu bytes",
                               (unsigned long long)n, (unsigned long long)file_size);
  *len = (size_t)n;
  return GSZ_OK;
}

gsz_err gsz_safetensors_parse(gsz_checkpoint **out, const void *data, size_t size,
                              const char *label, gsz_diag *diag) {
  if (size < 8)
    return gsz__checkpoint_bad(diag, GSZ_EPARSE, label, size,
                               "%zu bytes: shorter than the 8-byte header length", size);
  size_t len = 0; /* set by header_length on GSZ_OK; GCC -O2 cannot tell */
  gsz_err err = header_length(&len, data, size, label, diag);
  if (err != GSZ_OK)
    return err;
  gsz_checkpoint *ck;
  if ((err = gsz__checkpoint_new(&ck, GSZ_CHECKPOINT_SAFETENSORS, label, diag)) != GSZ_OK)
    return err;
  quant q;
  memset(&q, 0, sizeof q);
  err = parse_header(ck, (const char *)data + 8, len, size, &q, label, diag);
  if (err != GSZ_OK) {
    gsz_checkpoint_free(ck);
    return err;
  }
  *out = ck;
  return GSZ_OK;
}

/* --- Files and folders --------------------------------------------------------- */

static gsz_err open_regular(FILE **out, uint64_t *size, const char *path, gsz_diag *diag) {
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
  *out = f;
  *size = (uint64_t)st.st_size;
  return GSZ_OK;
}

static gsz_err read_file_header(gsz_checkpoint *ck, const char *path, const quant *q,
                                gsz_diag *diag) {
  FILE *f;
  uint64_t size;
  gsz_err err = open_regular(&f, &size, path, diag);
  if (err != GSZ_OK)
    return err;
  unsigned char prefix[8];
  char *header = NULL;
  size_t len = 0;
  if (size < 8 || fread(prefix, 1, 8, f) != 8) {
    err = gsz__checkpoint_bad(diag, ferror(f) ? GSZ_EIO : GSZ_EPARSE, path, size,
                              "%llu bytes: shorter than the 8-byte header length",
                              (unsigned long long)size);
    goto done;
  }
  if ((err = header_length(&len, prefix, size, path, diag)) != GSZ_OK)
    goto done;
  header = gsz__malloc(len);
  if (header == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  if (fread(header, 1, len, f) != len) {
    err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s'", path);
    goto done;
  }
  err = parse_header(ck, header, len, size, q, path, diag);

done:
  gsz__free(header);
  fclose(f);
  return err;
}

/* The whole of a small text file (config.json, an index), NUL-terminated. */
static gsz_err slurp(char **out, size_t *out_len, const char *path, size_t max, gsz_diag *diag) {
  FILE *f;
  uint64_t size;
  gsz_err err = open_regular(&f, &size, path, diag);
  if (err != GSZ_OK)
    return err;
  if (size > max) {
    fclose(f);
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %zu MiB", path, max >> 20);
  }
  char *text = gsz__malloc((size_t)size + 1);
  if (text == NULL) {
    fclose(f);
    return gsz__diag_nomem(diag);
  }
  size_t got = fread(text, 1, (size_t)size, f);
  bool bad = ferror(f) != 0 || got != size;
  fclose(f);
  if (bad) {
    gsz__free(text);
    return gsz__diag_set(diag, GSZ_EIO, "cannot read '%s'", path);
  }
  text[got] = '\0';
  *out = text;
  *out_len = got;
  return GSZ_OK;
}

static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = gsz__malloc(a + b + 2);
  if (p != NULL) {
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
  }
  return p;
}

/* The folder of a path ("." for a bare file name), owned. */
static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    return gsz__strdup(".");
  if (slash == path)
    return gsz__strdup("/");
  return gsz__strndup(path, (size_t)(slash - path));
}

/* config.json in dir, when there is one: the architecture (an unknown
 * model_type is a note, not an error) and quantization_config. */
static gsz_err read_config(gsz_checkpoint *ck, quant *q, const char *dir, gsz_diag *diag) {
  memset(q, 0, sizeof *q);
  char *path = join(dir, "config.json");
  if (path == NULL)
    return gsz__diag_nomem(diag);
  struct stat st;
  if (stat(path, &st) != 0) {
    gsz_err err = gsz__checkpoint_note(ck, "no config.json beside the checkpoint", diag);
    gsz__free(path);
    return err;
  }
  char *text = NULL;
  size_t len = 0;
  gsz_err err = slurp(&text, &len, path, MAX_CONFIG_BYTES, diag);
  if (err == GSZ_OK) {
    gsz_diag inner;
    gsz_diag_clear(&inner);
    err = gsz_hf_config_parse(&ck->hf, text, len, path, &inner);
    if (err == GSZ_OK) {
      ck->info.arch = gsz_hf_model_arch(ck->hf);
    } else if (err == GSZ_EUNSUPPORTED) {
      err = gsz__checkpoint_note(ck, inner.message, diag);
    } else {
      if (diag != NULL)
        *diag = inner;
    }
  }
  if (err == GSZ_OK) {
    read_quant(q, text, len);
    if (q->method[0] != '\0')
      err = gsz__checkpoint_quant(ck, q->method, q->bits, q->group_size, diag);
  }
  gsz__free(text);
  gsz__free(path);
  return err;
}

/* A shard name from an index: a plain file name in the index's folder. */
static bool plain_name(const char *s) {
  size_t n = strlen(s);
  return n > 0 && n <= 255 && strchr(s, '/') == NULL && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int compare_str(const void *pa, const void *pb) {
  return strcmp(*(char *const *)pa, *(char *const *)pb);
}

typedef struct shard_list {
  char **names;
  size_t n;
} shard_list;

static void shards_free(shard_list *s) {
  for (size_t i = 0; i < s->n; i++)
    gsz__free(s->names[i]);
  gsz__free(s->names);
  s->names = NULL;
  s->n = 0;
}

static gsz_err shards_add(shard_list *s, const char *name, const char *from, gsz_diag *diag) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->names[i], name) == 0)
      return GSZ_OK;
  if (s->n >= GSZ_SAFETENSORS_MAX_SHARDS)
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: more than %u shards", from,
                         GSZ_SAFETENSORS_MAX_SHARDS);
  char **grown = gsz__realloc(s->names, (s->n + 1) * sizeof *grown);
  if (grown == NULL)
    return gsz__diag_nomem(diag);
  s->names = grown;
  if ((s->names[s->n] = gsz__strdup(name)) == NULL)
    return gsz__diag_nomem(diag);
  s->n++;
  return GSZ_OK;
}

/* The shards an index's weight_map names. */
static gsz_err read_index(shard_list *s, const char *path, gsz_diag *diag) {
  char *text = NULL;
  size_t len = 0;
  gsz_err err = slurp(&text, &len, path, GSZ_SAFETENSORS_MAX_HEADER, diag);
  if (err != GSZ_OK)
    return err;
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  gsz__free(text);
  if (root == NULL) {
    char *near = strstr(jerr.text, " near '");
    if (near != NULL)
      *near = '\0';
    return gsz__checkpoint_bad(diag, GSZ_EPARSE, path, (uint64_t)jerr.position,
                               "not valid JSON: %s", jerr.text);
  }
  json_t *map = json_object_get(root, "weight_map");
  if (!json_is_object(map) || json_object_size(map) == 0) {
    json_decref(root);
    return gsz__diag_set(diag, GSZ_EPARSE,
                         "%s: no \"weight_map\" object naming the shards of each tensor", path);
  }
  const char *key;
  json_t *v;
  json_object_foreach(map, key, v) {
    if (!json_is_string(v) || !plain_name(json_string_value(v))) {
      err = gsz__diag_set(diag, GSZ_EPARSE,
                          "%s: weight_map['%.64s'] must name a file in the index's folder", path,
                          key);
      break;
    }
    if ((err = shards_add(s, json_string_value(v), path, diag)) != GSZ_OK)
      break;
  }
  json_decref(root);
  if (err == GSZ_OK && s->n > 1)
    qsort(s->names, s->n, sizeof *s->names, compare_str);
  return err;
}

/* A folder: its index when it has one, else every *.safetensors. */
static gsz_err list_folder(shard_list *s, char **index, const char *dir, gsz_diag *diag) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open '%s': %s", dir,
                         strerror(errno));
  gsz_err err = GSZ_OK;
  struct dirent *e;
  char *found_index = NULL;
  while ((e = readdir(d)) != NULL && err == GSZ_OK) {
    if (ends_with(e->d_name, ".safetensors.index.json")) {
      if (found_index == NULL || strcmp(e->d_name, "model.safetensors.index.json") == 0) {
        gsz__free(found_index);
        if ((found_index = gsz__strdup(e->d_name)) == NULL)
          err = gsz__diag_nomem(diag);
      }
    } else if (ends_with(e->d_name, ".safetensors") && e->d_name[0] != '.') {
      err = shards_add(s, e->d_name, dir, diag);
    }
  }
  closedir(d);
  if (err == GSZ_OK && found_index != NULL) {
    shards_free(s);
    *index = found_index;
    return GSZ_OK;
  }
  gsz__free(found_index);
  if (err == GSZ_OK && s->n == 0)
    err = gsz__diag_set(diag, GSZ_ENOTFOUND, "'%s' holds no .safetensors files", dir);
  if (err == GSZ_OK && s->n > 1)
    qsort(s->names, s->n, sizeof *s->names, compare_str);
  return err;
}

gsz_err gsz_checkpoint_load_safetensors(gsz_checkpoint **out, const char *path, gsz_diag *diag) {
  struct stat st;
  if (stat(path, &st) != 0)
    return gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open '%s': %s", path,
                         strerror(errno));
  gsz_checkpoint *ck;
  gsz_err err = gsz__checkpoint_new(&ck, GSZ_CHECKPOINT_SAFETENSORS, path, diag);
  if (err != GSZ_OK)
    return err;
  shard_list shards = {NULL, 0};
  char *dir = S_ISDIR(st.st_mode) ? gsz__strdup(path) : folder_of(path);
  char *index = NULL;
  quant q;
  if (dir == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  if ((err = read_config(ck, &q, dir, diag)) != GSZ_OK)
    goto done;
  if (S_ISDIR(st.st_mode)) {
    if ((err = list_folder(&shards, &index, dir, diag)) != GSZ_OK)
      goto done;
    if (index != NULL) {
      char *index_path = join(dir, index);
      if (index_path == NULL) {
        err = gsz__diag_nomem(diag);
        goto done;
      }
      err = read_index(&shards, index_path, diag);
      gsz__free(index_path);
    }
  } else if (ends_with(path, ".json")) {
    err = read_index(&shards, path, diag);
  } else {
    err = read_file_header(ck, path, &q, diag);
  }
  for (size_t i = 0; err == GSZ_OK && i < shards.n; i++) {
    char *shard = join(dir, shards.names[i]);
    if (shard == NULL) {
      err = gsz__diag_nomem(diag);
      break;
    }
    err = read_file_header(ck, shard, &q, diag);
    gsz__free(shard);
  }

done:
  shards_free(&shards);
  gsz__free(index);
  gsz__free(dir);
  if (err != GSZ_OK) {
    gsz_checkpoint_free(ck);
    return err;
  }
  *out = ck;
  return GSZ_OK;
}
