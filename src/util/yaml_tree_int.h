/* yaml_tree_int.h: a small, hostile-input-safe YAML reader: one document
 * of mappings, sequences and scalars, each node with its file, line and
 * column, built from libyaml's event stream. Anchors, aliases and tags are
 * refused (no alias bomb can expand), and depth, node count, scalar length
 * and input size are bounded, so a crafted file fails fast with a message.
 * Also the key-by-key merge of several files. Internal. */
#ifndef GSZ_YAML_TREE_INT_H
#define GSZ_YAML_TREE_INT_H

#include "util/arena_int.h"
#include "util/common_int.h"

#define GSZ_YAML_MAX_BYTES (1u << 20) /* 1 MiB of YAML */
#define GSZ_YAML_MAX_DEPTH 32
#define GSZ_YAML_MAX_NODES 20000
#define GSZ_YAML_MAX_SCALAR 4096

typedef enum gsz__yaml_kind { GSZ_YAML_SCALAR, GSZ_YAML_MAP, GSZ_YAML_SEQ } gsz__yaml_kind;

typedef struct gsz__yaml_node gsz__yaml_node;

struct gsz__yaml_node {
  gsz__yaml_kind kind;
  const char *file;   /* borrowed from the tree's arena */
  unsigned line, col; /* 1-based */
  /* scalar */
  char *value;
  bool quoted; /* written in quotes: never null or a number by accident */
  /* map: keys[i] (scalars) -> values[i]; seq: values[i] */
  gsz__yaml_node **keys, **values;
  size_t n, cap;
  /* maps past a few keys: a hash index of the keys (index_cap slots, a
   * power of two; slot = position + 1, 0 = empty), so duplicate checks,
   * lookups and merges stay linear on a hostile map of 10,000 keys */
  uint32_t *index;
  size_t index_cap;
};

typedef struct gsz__yaml_tree {
  gsz__yaml_node *root; /* NULL for an empty document */
  gsz__arena arena;     /* every node and string, freed together */
} gsz__yaml_tree;

/* Parse text (len bytes) named `file` in messages. On failure diag holds
 * "file:line:col: what" and the tree is empty. GSZ_EPARSE for YAML errors
 * and refused constructs, GSZ_ELIMIT for the bounds. */
gsz_err gsz__yaml_parse(gsz__yaml_tree *tree, const char *text, size_t len, const char *file,
                        gsz_diag *diag);
void gsz__yaml_free(gsz__yaml_tree *tree);

/* Merge src into dst, key by key: where both have a mapping under a key the
 * mappings merge; otherwise src's value replaces dst's. src's nodes are
 * moved (src must outlive dst: keep both trees until done). */
gsz_err gsz__yaml_merge(gsz__yaml_tree *dst, gsz__yaml_tree *src, gsz_diag *diag);

/* The value under key in a mapping; NULL when absent. */
gsz__yaml_node *gsz__yaml_get(const gsz__yaml_node *map, const char *key);

/* "map", "list" or "value": for "expected a list, got a map" messages. */
const char *gsz__yaml_kind_name(gsz__yaml_kind kind);

#endif
