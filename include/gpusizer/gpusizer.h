/* gpusizer.h: the whole public API of libgpusizer, one include.
 * Headers in pipeline order (a header includes only earlier ones):
 * error, alloc, version, parse, money, suggest, file, batch (utilities);
 * records (the plain records every stage shares); catalog; model,
 * checkpoint, memory, perf (sizing); pricing; match; request (one call per front-end
 * request);
 * report. See each header for its contract. */
#ifndef GPUSIZER_GPUSIZER_H
#define GPUSIZER_GPUSIZER_H

#include "gpusizer/alloc.h"
#include "gpusizer/batch.h"
#include "gpusizer/catalog.h"
#include "gpusizer/checkpoint.h"
#include "gpusizer/error.h"
#include "gpusizer/file.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"
#include "gpusizer/money.h"
#include "gpusizer/output.h"
#include "gpusizer/parse.h"
#include "gpusizer/perf.h"
#include "gpusizer/pricing.h"
#include "gpusizer/records.h"
#include "gpusizer/report.h"
#include "gpusizer/request.h"
#include "gpusizer/suggest.h"
#include "gpusizer/version.h"

#endif
