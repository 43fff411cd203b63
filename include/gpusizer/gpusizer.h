/* gpusizer.h: the whole public API of libgpusizer, one include.
 * Modules: error, alloc, parse, money, catalog, model, memory, match,
 * report. See each header for its contract. */
#ifndef GPUSIZER_GPUSIZER_H
#define GPUSIZER_GPUSIZER_H

#include "gpusizer/alloc.h"
#include "gpusizer/batch.h"
#include "gpusizer/catalog.h"
#include "gpusizer/error.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"
#include "gpusizer/money.h"
#include "gpusizer/parse.h"
#include "gpusizer/pricing.h"
#include "gpusizer/report.h"

/* The library version, "MAJOR.MINOR.PATCH". */
const char *gsz_version(void);

#endif
