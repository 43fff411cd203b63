/* today.h: the day the catalog commands judge dates on: $GPUSIZER_TODAY
 * (a testing aid, announced on stderr) or, when it is unset, today (the
 * library reads the clock). */
#ifndef GSZ_CLI_TODAY_H
#define GSZ_CLI_TODAY_H

#include <stdbool.h>

/* $GPUSIZER_TODAY when set to a real date YYYY-MM-DD, announced on stderr
 * as "gpusizer CMD: warning: ..." when announce is true (false: the
 * caller's request environment announces it); NULL when unset or empty.
 * When it is set to anything else, says so and sets *bad (exit 2). */
const char *cli_today(const char *cmd, bool announce, bool *bad);

#endif
