/* core/arena.h - region allocator for model and solver data.
 *
 * A load or a solve makes many small objects that die together (strings,
 * index arrays, per-child lists). Taking them from one arena makes allocation
 * a pointer bump, keeps them close in memory and turns teardown into one call.
 * Nothing here is freed individually; rewind() undoes everything allocated
 * after a mark. */
#ifndef DAGPLAN_ARENA_H
#define DAGPLAN_ARENA_H

#include <stddef.h>

typedef struct dp_arena dp_arena;

dp_arena *dp__arena_new(void);        /* NULL on OOM */
void dp__arena_free(dp_arena *arena); /* NULL: no-op */

/* Returns size bytes aligned to align (a power of two), zeroed; NULL on OOM. */
void *dp__arena_alloc(dp_arena *arena, size_t size, size_t align);

/* Returns a zeroed array of n elements of size bytes; NULL on OOM or when
 * n * size overflows. */
void *dp__arena_array(dp_arena *arena, size_t n, size_t size);

/* Copies len bytes of s and a terminating NUL; NULL on OOM. */
char *dp__arena_strndup(dp_arena *arena, const char *s, size_t len);

size_t dp__arena_mark(const dp_arena *arena);
void dp__arena_rewind(dp_arena *arena, size_t mark);

/* Bytes handed out so far (for memory reports). */
size_t dp__arena_used(const dp_arena *arena);

#endif
