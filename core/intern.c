/* core/intern.c - see intern.h. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char) s[i];
        h *= 16777619u;
    }
    return h;
}

void dp__intern_init(dp_intern *t, dp_arena *arena)
{
    memset(t, 0, sizeof *t);
    t->arena = arena;
}

void dp__intern_release(dp_intern *t)
{
    free(t->slots);
    free(t->names);
    free(t->lens);
    memset(t, 0, sizeof *t);
}

dp_id dp__intern_find(const dp_intern *t, const char *s, size_t len)
{
    if (!t->n_slots)
        return DP_NONE;
    uint32_t mask = t->n_slots - 1;
    for (uint32_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return DP_NONE;
        if (t->lens[v - 1] == len && memcmp(t->names[v - 1], s, len) == 0)
            return v - 1;
    }
}

static int grow_slots(dp_intern *t)
{
    uint32_t n = t->n_slots ? t->n_slots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);

    if (!slots)
        return -1;
    for (uint32_t id = 0; id < t->n; id++) {
        uint32_t i = hash_bytes(t->names[id], t->lens[id]) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return 0;
}

static int grow_names(dp_intern *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : 32;
    const char **names = realloc(t->names, cap * sizeof *names);

    if (!names)
        return -1;
    t->names = names;
    uint32_t *lens = realloc(t->lens, cap * sizeof *lens);
    if (!lens)
        return -1;
    t->lens = lens;
    t->cap = cap;
    return 0;
}

dp_id dp__intern_add(dp_intern *t, const char *s, size_t len, int *added)
{
    dp_id id = dp__intern_find(t, s, len);

    if (added)
        *added = 0;
    if (id != DP_NONE)
        return id;
    if (len > UINT32_MAX)
        return DP_NONE;
    /* Keep the load factor at most one half. */
    if ((t->n + 1) * 2 > t->n_slots && grow_slots(t) != 0)
        return DP_NONE;
    if (t->n == t->cap && grow_names(t) != 0)
        return DP_NONE;
    char *copy = dp__arena_strndup(t->arena, s, len);
    if (!copy)
        return DP_NONE;
    id = t->n++;
    t->names[id] = copy;
    t->lens[id] = (uint32_t) len;
    uint32_t mask = t->n_slots - 1;
    uint32_t i = hash_bytes(s, len) & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->slots[i] = id + 1;
    if (added)
        *added = 1;
    return id;
}
