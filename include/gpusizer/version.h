/* version.h: the library's version. */
#ifndef GPUSIZER_VERSION_H
#define GPUSIZER_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* The library version, "MAJOR.MINOR.PATCH"; static. */
const char *gsz_version(void);

#ifdef __cplusplus
}
#endif
#endif
