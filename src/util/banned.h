/* banned.h: functions the library may not call, turned into compile errors
 * (after git's banned.h). Unbounded copies and formatting overflow buffers;
 * strtod/atof are locale-dependent and inexact, so numbers and money are
 * parsed digit by digit instead (src/parse.c); localtime and friends use
 * hidden static state. */
#ifndef GSZ_BANNED_H
#define GSZ_BANNED_H

#define GSZ_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) GSZ_BANNED(strcpy)
#undef strcat
#define strcat(x, y) GSZ_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) GSZ_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) GSZ_BANNED(strncat)
#undef sprintf
#define sprintf(...) GSZ_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GSZ_BANNED(vsprintf)
#undef gets
#define gets(x) GSZ_BANNED(gets)
#undef strtok
#define strtok(x, y) GSZ_BANNED(strtok)
#undef atoi
#define atoi(x) GSZ_BANNED(atoi)
#undef atol
#define atol(x) GSZ_BANNED(atol)
#undef atof
#define atof(x) GSZ_BANNED(atof)
#undef strtod
#define strtod(x, y) GSZ_BANNED(strtod)
#undef localtime
#define localtime(x) GSZ_BANNED(localtime)
#undef gmtime
#define gmtime(x) GSZ_BANNED(gmtime)
#undef ctime
#define ctime(x) GSZ_BANNED(ctime)
#undef asctime
#define asctime(x) GSZ_BANNED(asctime)

#endif
