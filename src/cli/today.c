/* today.c: $GPUSIZER_TODAY for the catalog commands (today.h). */
#include "today.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* YYYY-MM-DD naming a day that exists (2026-02-30 does not). */
static bool real_date(const char *s) {
  if (strlen(s) != 10)
    return false;
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
      return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap);
}

const char *cli_today(const char *cmd, bool announce, bool *bad) {
  *bad = false;
  const char *fixed = getenv("GPUSIZER_TODAY");
  if (fixed == NULL || fixed[0] == '\0')
    return NULL;
  if (!real_date(fixed)) {
    cli_error(cmd, "GPUSIZER_TODAY: '%.40s' is not a date (YYYY-MM-DD)", fixed);
    *bad = true;
    return NULL;
  }
  if (announce)
    cli_error(cmd,
              "warning: GPUSIZER_TODAY is set: prices, stock and exchange rates are judged as of "
              "'%s', not today (a testing aid)",
              fixed);
  return fixed;
}
