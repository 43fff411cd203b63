/* yaml_tree.c: libyaml events to a positioned tree (yaml_tree_int.h), with
 * the refusals and bounds that make hostile input fail fast, and the
 * key-by-key merge of overlay files. */
#include "util/yaml_tree_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

/* Every node, array and string of a tree lives in its arena. */
static void *arena_alloc(gsz__yaml_tree *t, size_t size) {
  return gsz__arena_alloc(&t->arena, size);
}

void gsz__yaml_free(gsz__yaml_tree *t) {
  gsz__arena_free(&t->arena);
  t->root = NULL;
}

const char *gsz__yaml_kind_name(gsz__yaml_kind kind) {
  switch (kind) {
  case GSZ_YAML_SCALAR:
    return "a value";
  case GSZ_YAML_MAP:
    return "a mapping (key: value lines)";
  case GSZ_YAML_SEQ:
    return "a list";
  }
  return "something else";
}

/* --- Key index ------------------------------------------------------------
 * Searching a map's keys one by one made parsing quadratic: 10,000 keys in
 * one map took 0.6 s (seconds under the sanitizers: a fuzzing timeout) in
 * the duplicate check alone, and merging two such files as long again. Maps
 * with INDEX_FROM keys or more get a hash index, rebuilt whenever their
 * arrays grow (at most twice as many slots as keys: short probes). */

#define INDEX_FROM 16

static size_t hash_key(const char *s) {
  uint64_t h = 14695981039346656037u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (size_t)h;
}

static void index_insert(gsz__yaml_node *map, size_t pos) {
  size_t mask = map->index_cap - 1;
  size_t i = hash_key(map->keys[pos]->value) & mask;
  while (map->index[i] != 0)
    i = (i + 1) & mask;
  map->index[i] = (uint32_t)pos + 1;
}

/* The position of key in map, or -1. */
static long find_key(const gsz__yaml_node *map, const char *key) {
  if (map->index == NULL) {
    for (size_t i = 0; i < map->n; i++)
      if (strcmp(map->keys[i]->value, key) == 0)
        return (long)i;
    return -1;
  }
  size_t mask = map->index_cap - 1;
  for (size_t i = hash_key(key) & mask; map->index[i] != 0; i = (i + 1) & mask)
    if (strcmp(map->keys[map->index[i] - 1]->value, key) == 0)
      return (long)map->index[i] - 1;
  return -1;
}

/* Append to a map or sequence, growing its arrays (and a map's index) in
 * the arena. */
static bool append(gsz__yaml_tree *t, gsz__yaml_node *parent, gsz__yaml_node *key,
                   gsz__yaml_node *value) {
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 8;
    gsz__yaml_node **values = arena_alloc(t, cap * sizeof *values);
    gsz__yaml_node **keys =
        parent->kind == GSZ_YAML_MAP ? arena_alloc(t, cap * sizeof *keys) : NULL;
    bool indexed = parent->kind == GSZ_YAML_MAP && cap >= INDEX_FROM;
    uint32_t *index = indexed ? arena_alloc(t, 2 * cap * sizeof *index) : NULL;
    if (values == NULL || (parent->kind == GSZ_YAML_MAP && keys == NULL) ||
        (indexed && index == NULL))
      return false; /* parent untouched */
    if (parent->n > 0) {
      memcpy(values, parent->values, parent->n * sizeof *values);
      if (keys != NULL)
        memcpy(keys, parent->keys, parent->n * sizeof *keys);
    }
    parent->values = values;
    parent->keys = keys;
    parent->cap = cap;
    if (indexed) {
      memset(index, 0, 2 * cap * sizeof *index);
      parent->index = index;
      parent->index_cap = 2 * cap;
      for (size_t i = 0; i < parent->n; i++)
        index_insert(parent, i);
    }
  }
  if (parent->keys != NULL)
    parent->keys[parent->n] = key;
  parent->values[parent->n] = value;
  if (parent->index != NULL)
    index_insert(parent, parent->n);
  parent->n++;
  return true;
}

gsz__yaml_node *gsz__yaml_get(const gsz__yaml_node *map, const char *key) {
  if (map == NULL || map->kind != GSZ_YAML_MAP)
    return NULL;
  long i = find_key(map, key);
  return i >= 0 ? map->values[i] : NULL;
}

/* --- Parsing ---------------------------------------------------------------- */

typedef struct parse_state {
  gsz__yaml_tree *tree;
  const char *file;
  gsz_diag *diag;
  gsz__yaml_node *stack[GSZ_YAML_MAX_DEPTH + 1];
  gsz__yaml_node *pending_key[GSZ_YAML_MAX_DEPTH + 1]; /* maps: key awaiting its value */
  unsigned depth;
  unsigned nodes;
} parse_state;

__attribute__((format(printf, 4, 5))) static gsz_err
fail_at(parse_state *ps, gsz_err code, yaml_mark_t mark, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return gsz__diag_set(ps->diag, code, "%s:%zu:%zu: %s", ps->file, mark.line + 1, mark.column + 1,
                       msg);
}

/* The line and column (counted from 0, as libyaml marks are) of a byte
 * offset into the text; the column counts bytes. */
static yaml_mark_t mark_at_offset(const char *text, size_t len, size_t offset) {
  yaml_mark_t mark = {offset, 0, 0};
  for (size_t i = 0; i < offset && i < len; i++) {
    if (text[i] == '\n') {
      mark.line++;
      mark.column = 0;
    } else {
      mark.column++;
    }
  }
  return mark;
}

static gsz__yaml_node *new_node(parse_state *ps, gsz__yaml_kind kind, yaml_mark_t mark) {
  gsz__yaml_node *n = arena_alloc(ps->tree, sizeof *n);
  if (n == NULL)
    return NULL;
  memset(n, 0, sizeof *n);
  n->kind = kind;
  n->file = ps->file;
  n->line = (unsigned)mark.line + 1;
  n->col = (unsigned)mark.column + 1;
  return n;
}

/* Attach a finished node to whatever is open above it. */
static gsz_err attach(parse_state *ps, gsz__yaml_node *node, yaml_mark_t mark) {
  if (ps->depth == 0) {
    ps->tree->root = node;
    return GSZ_OK;
  }
  gsz__yaml_node *parent = ps->stack[ps->depth - 1];
  if (parent->kind == GSZ_YAML_SEQ)
    return append(ps->tree, parent, NULL, node) ? GSZ_OK : gsz__diag_nomem(ps->diag);
  gsz__yaml_node *key = ps->pending_key[ps->depth - 1];
  if (key == NULL) {
    /* A key's errors point where the key starts: for a list or map used as
     * a key, mark is where it ended. */
    yaml_mark_t at = mark;
    at.line = node->line - 1;
    at.column = node->col - 1;
    if (node->kind != GSZ_YAML_SCALAR)
      return fail_at(ps, GSZ_EPARSE, at, "a key must be a plain word, not %s",
                     gsz__yaml_kind_name(node->kind));
    long first = find_key(parent, node->value);
    if (first >= 0)
      return fail_at(ps, GSZ_EPARSE, at, "duplicate key '%s' (first at line %u)", node->value,
                     parent->keys[first]->line);
    ps->pending_key[ps->depth - 1] = node;
    return GSZ_OK;
  }
  ps->pending_key[ps->depth - 1] = NULL;
  return append(ps->tree, parent, key, node) ? GSZ_OK : gsz__diag_nomem(ps->diag);
}

static gsz_err open_collection(parse_state *ps, gsz__yaml_kind kind, yaml_mark_t mark,
                               const yaml_char_t *anchor, const yaml_char_t *tag, bool implicit) {
  if (anchor != NULL)
    return fail_at(ps, GSZ_EPARSE, mark, "anchors (&%s) are not accepted in gpusizer files",
                   (const char *)anchor);
  if (tag != NULL && !implicit)
    return fail_at(ps, GSZ_EPARSE, mark, "tags (%s) are not accepted in gpusizer files",
                   (const char *)tag);
  if (ps->depth >= GSZ_YAML_MAX_DEPTH)
    return fail_at(ps, GSZ_ELIMIT, mark, "nested deeper than %d levels", GSZ_YAML_MAX_DEPTH);
  if (++ps->nodes > GSZ_YAML_MAX_NODES)
    return fail_at(ps, GSZ_ELIMIT, mark, "more than %d values", GSZ_YAML_MAX_NODES);
  gsz__yaml_node *n = new_node(ps, kind, mark);
  if (n == NULL)
    return gsz__diag_nomem(ps->diag);
  ps->stack[ps->depth] = n;
  ps->pending_key[ps->depth] = NULL;
  ps->depth++;
  return GSZ_OK;
}

static gsz_err close_collection(parse_state *ps, yaml_mark_t mark) {
  gsz__yaml_node *n = ps->stack[--ps->depth];
  return attach(ps, n, mark);
}

static gsz_err scalar(parse_state *ps, const yaml_event_t *ev) {
  yaml_mark_t mark = ev->start_mark;
  if (ev->data.scalar.anchor != NULL)
    return fail_at(ps, GSZ_EPARSE, mark, "anchors (&%s) are not accepted in gpusizer files",
                   (const char *)ev->data.scalar.anchor);
  if (ev->data.scalar.tag != NULL && !ev->data.scalar.plain_implicit &&
      !ev->data.scalar.quoted_implicit)
    return fail_at(ps, GSZ_EPARSE, mark, "tags (%s) are not accepted in gpusizer files",
                   (const char *)ev->data.scalar.tag);
  if (ev->data.scalar.length > GSZ_YAML_MAX_SCALAR)
    return fail_at(ps, GSZ_ELIMIT, mark, "a value longer than %d bytes", GSZ_YAML_MAX_SCALAR);
  if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length)
    return fail_at(ps, GSZ_EPARSE, mark, "a value contains a NUL byte");
  if (++ps->nodes > GSZ_YAML_MAX_NODES)
    return fail_at(ps, GSZ_ELIMIT, mark, "more than %d values", GSZ_YAML_MAX_NODES);
  gsz__yaml_node *n = new_node(ps, GSZ_YAML_SCALAR, mark);
  char *value = arena_alloc(ps->tree, ev->data.scalar.length + 1);
  if (n == NULL || value == NULL)
    return gsz__diag_nomem(ps->diag);
  memcpy(value, ev->data.scalar.value, ev->data.scalar.length + 1);
  n->value = value;
  n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  return attach(ps, n, mark);
}

gsz_err gsz__yaml_parse(gsz__yaml_tree *tree, const char *text, size_t len, const char *file,
                        gsz_diag *diag) {
  memset(tree, 0, sizeof *tree);
  tree->arena.block_size = 16384;
  if (len > GSZ_YAML_MAX_BYTES)
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %u KiB; not a gpusizer file", file,
                         GSZ_YAML_MAX_BYTES >> 10);
  parse_state ps;
  memset(&ps, 0, sizeof ps);
  ps.tree = tree;
  ps.diag = diag;
  /* The file name lives in the arena so nodes can borrow it after the
   * caller's string is gone. */
  char *name = arena_alloc(tree, strlen(file) + 1);
  if (name == NULL)
    return gsz__diag_nomem(diag);
  memcpy(name, file, strlen(file) + 1);
  ps.file = name;

  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    gsz__yaml_free(tree);
    return gsz__diag_nomem(diag);
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  gsz_err err = GSZ_OK;
  unsigned documents = 0;
  bool done = false;
  while (!done && err == GSZ_OK) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      /* libyaml's reader (bad bytes: control characters, NUL, invalid
       * UTF-8) gives its position only as problem_offset. */
      yaml_mark_t at = parser.error == YAML_READER_ERROR
                           ? mark_at_offset(text, len, parser.problem_offset)
                           : parser.problem_mark;
      err = parser.error == YAML_MEMORY_ERROR
                ? gsz__diag_nomem(diag)
                : fail_at(&ps, GSZ_EPARSE, at, "not valid YAML: %s%s%s",
                          parser.problem ? parser.problem : "syntax error",
                          parser.context ? " " : "", parser.context ? parser.context : "");
      break;
    }
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++documents > 1)
        err = fail_at(&ps, GSZ_EPARSE, ev.start_mark, "only one YAML document is accepted");
      break;
    case YAML_MAPPING_START_EVENT:
      err = open_collection(&ps, GSZ_YAML_MAP, ev.start_mark, ev.data.mapping_start.anchor,
                            ev.data.mapping_start.tag, ev.data.mapping_start.implicit);
      break;
    case YAML_SEQUENCE_START_EVENT:
      err = open_collection(&ps, GSZ_YAML_SEQ, ev.start_mark, ev.data.sequence_start.anchor,
                            ev.data.sequence_start.tag, ev.data.sequence_start.implicit);
      break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      err = close_collection(&ps, ev.start_mark);
      break;
    case YAML_SCALAR_EVENT:
      err = scalar(&ps, &ev);
      break;
    case YAML_ALIAS_EVENT:
      err = fail_at(&ps, GSZ_EPARSE, ev.start_mark,
                    "aliases (*%s) are not accepted in gpusizer files",
                    (const char *)ev.data.alias.anchor);
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  if (err != GSZ_OK)
    gsz__yaml_free(tree);
  return err;
}

/* --- Merge ------------------------------------------------------------------- */

static gsz_err merge_map(gsz__yaml_tree *t, gsz__yaml_node *dst, gsz__yaml_node *src,
                         gsz_diag *diag) {
  for (size_t i = 0; i < src->n; i++) {
    gsz__yaml_node *key = src->keys[i], *value = src->values[i];
    long j = find_key(dst, key->value);
    if (j < 0) {
      if (!append(t, dst, key, value))
        return gsz__diag_nomem(diag);
    } else if (dst->values[j]->kind == GSZ_YAML_MAP && value->kind == GSZ_YAML_MAP) {
      gsz_err err = merge_map(t, dst->values[j], value, diag);
      if (err != GSZ_OK)
        return err;
    } else {
      dst->values[j] = value; /* lists and values replace */
      dst->keys[j] = key;     /* the same text: the index stays right */
    }
  }
  return GSZ_OK;
}

gsz_err gsz__yaml_merge(gsz__yaml_tree *dst, gsz__yaml_tree *src, gsz_diag *diag) {
  if (src->root == NULL)
    return GSZ_OK;
  if (dst->root == NULL || dst->root->kind != GSZ_YAML_MAP || src->root->kind != GSZ_YAML_MAP) {
    dst->root = src->root;
    return GSZ_OK;
  }
  return merge_map(dst, dst->root, src->root, diag);
}
