/* core/arena.c - chunked bump allocator.
 *
 * Chunks form a singly linked list, newest first. A mark is the total number
 * of bytes handed out before it; rewinding frees the chunks started after the
 * mark and moves the bump pointer of the chunk that holds it back. Tuned for
 * a few large loads (a 20,000-child centre is some megabytes). */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64u * 1024u)

typedef struct chunk {
    struct chunk *prev; /* older chunk */
    size_t size;        /* usable bytes in data */
    size_t used;        /* bytes bumped in data */
    size_t base;        /* arena total before this chunk */
    max_align_t data[]; /* the memory */
} chunk;

struct dp_arena {
    chunk *head;  /* newest chunk */
    size_t total; /* bytes handed out, including alignment padding */
};

dp_arena *dp__arena_new(void)
{
    return calloc(1, sizeof(dp_arena));
}

void dp__arena_free(dp_arena *arena)
{
    if (!arena)
        return;
    while (arena->head) {
        chunk *c = arena->head;
        arena->head = c->prev;
        free(c);
    }
    free(arena);
}

static chunk *add_chunk(dp_arena *arena, size_t need)
{
    size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
    chunk *c;

    if (size > SIZE_MAX - sizeof(chunk))
        return NULL;
    c = malloc(sizeof(chunk) + size);
    if (!c)
        return NULL;
    c->prev = arena->head;
    c->size = size;
    c->used = 0;
    c->base = arena->total;
    arena->head = c;
    return c;
}

void *dp__arena_alloc(dp_arena *arena, size_t size, size_t align)
{
    chunk *c = arena->head;
    size_t pad = 0;

    if (size == 0)
        size = 1;
    if (c) {
        uintptr_t p = (uintptr_t) ((char *) c->data + c->used);
        pad = (align - (p & (align - 1))) & (align - 1);
    }
    if (!c || c->size - c->used < pad + size) {
        if (size > SIZE_MAX - align)
            return NULL;
        c = add_chunk(arena, size + align);
        if (!c)
            return NULL;
        uintptr_t p = (uintptr_t) c->data;
        pad = (align - (p & (align - 1))) & (align - 1);
    }
    char *out = (char *) c->data + c->used + pad;
    c->used += pad + size;
    arena->total = c->base + c->used;
    memset(out, 0, size);
    return out;
}

void *dp__arena_array(dp_arena *arena, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    /* Align to the element size's largest power of two, at most 8: enough
     * for every scalar and struct the model stores. */
    size_t align = 1;
    while (align < 8 && size % (align * 2) == 0)
        align *= 2;
    return dp__arena_alloc(arena, n * size, align);
}

char *dp__arena_strndup(dp_arena *arena, const char *s, size_t len)
{
    char *p = dp__arena_alloc(arena, len + 1, 1);

    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

size_t dp__arena_mark(const dp_arena *arena)
{
    return arena->total;
}

void dp__arena_rewind(dp_arena *arena, size_t mark)
{
    while (arena->head && arena->head->base > mark) {
        chunk *c = arena->head;
        arena->head = c->prev;
        free(c);
    }
    if (arena->head && mark >= arena->head->base) {
        arena->head->used = mark - arena->head->base;
        arena->total = mark;
    } else if (!arena->head) {
        arena->total = 0;
    }
}

size_t dp__arena_used(const dp_arena *arena)
{
    return arena->total;
}
