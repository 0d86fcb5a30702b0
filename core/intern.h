/* core/intern.h - string interning: one dense id per distinct string.
 *
 * The loader turns every id in the planner's files into a dense uint32_t once;
 * afterwards nothing compares strings. Open addressing with linear probing,
 * FNV-1a hashes, strings copied into the owner's arena. Tuned for tens of
 * thousands of short ids. */
#ifndef DAGPLAN_INTERN_H
#define DAGPLAN_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dagplan/model.h"

typedef struct dp_intern {
    dp_arena *arena;    /* borrowed: where strings live */
    uint32_t *slots;    /* id + 1 per slot, 0 = empty (malloc'd) */
    uint32_t n_slots;   /* a power of two */
    const char **names; /* names[id] (malloc'd) */
    uint32_t *lens;     /* lens[id] (malloc'd) */
    uint32_t n, cap;    /* names used, allocated */
} dp_intern;

void dp__intern_init(dp_intern *t, dp_arena *arena);
void dp__intern_release(dp_intern *t);

/* Returns the id of s, DP_NONE when absent. */
dp_id dp__intern_find(const dp_intern *t, const char *s, size_t len);

/* Returns the id of s, adding it when absent (*added tells which, may be
 * NULL); DP_NONE on OOM. */
dp_id dp__intern_add(dp_intern *t, const char *s, size_t len, int *added);

#endif
