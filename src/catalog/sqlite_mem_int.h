/* sqlite_mem_int.h: route SQLite's allocations through the library's
 * allocator hook, or give SQLite back its own. Internal. */
#ifndef GSZ_SQLITE_MEM_INT_H
#define GSZ_SQLITE_MEM_INT_H

#include <stdbool.h>

/* Shuts SQLite down and reconfigures it; call only when no connection is
 * open (gsz_set_allocator's contract). */
void gsz__sqlite_use_hook(bool hooked);

#endif
