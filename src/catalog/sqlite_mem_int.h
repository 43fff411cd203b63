/* sqlite_mem_int.h: route SQLite's allocations through the library's
 * allocator hook, or give SQLite back its own. Internal. */
#ifndef GSZ_SQLITE_MEM_INT_H
#define GSZ_SQLITE_MEM_INT_H

#include <stdbool.h>

/* Make SQLite use the allocator installed now (gsz_set_allocator): when it
 * changed since SQLite was last configured, SQLite is shut down and
 * reconfigured. Called before every connection the library opens; safe
 * then because gsz_set_allocator's contract is that no connection is
 * alive when the allocator changes. */
void gsz__sqlite_sync_allocator(void);

#endif
