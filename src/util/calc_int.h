/* calc_int.h: checked arithmetic with a sticky overflow flag, so that
 * formulas of sizes read plainly: mul(&c, a, b) and add(&c, a, b) give 0
 * and set c.overflow when the result does not fit 64 bits; the caller
 * checks the flag once at the end. Internal. */
#ifndef GSZ_CALC_INT_H
#define GSZ_CALC_INT_H

#include "util/common_int.h"

typedef struct calc {
  bool overflow;
} calc;

static inline uint64_t mul(calc *c, uint64_t a, uint64_t b) {
  uint64_t r;
  if (gsz__mul_u64(&r, a, b)) {
    c->overflow = true;
    return 0;
  }
  return r;
}

static inline uint64_t add(calc *c, uint64_t a, uint64_t b) {
  uint64_t r;
  if (gsz__add_u64(&r, a, b)) {
    c->overflow = true;
    return 0;
  }
  return r;
}

static inline uint64_t mul3(calc *c, uint64_t a, uint64_t b, uint64_t d) {
  return mul(c, mul(c, a, b), d);
}

#endif
