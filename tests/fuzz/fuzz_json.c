/* tests/fuzz/fuzz_json.c - the JSON reader (core/json.c) on arbitrary bytes:
 * it must accept or reject without crashing, leaking or reading out of
 * bounds, and an accepted document's strings must be valid UTF-8. */
#include <stddef.h>
#include <stdint.h>

#include "json.h"

static void walk(const dp_json *v, unsigned depth)
{
    if (depth > DP_JSON_MAX_DEPTH + 1)
        __builtin_trap();
    if (v->type == DP_JSON_STRING && v->str[v->len] != '\0')
        __builtin_trap();
    if (v->type == DP_JSON_ARRAY || v->type == DP_JSON_OBJECT)
        for (size_t i = 0; i < v->len; i++)
            walk(&v->items[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_json_doc *doc = NULL;

    if (dp__json_parse((const char *) data, size, "fuzz.json", &doc, NULL) == DP_OK) {
        walk(dp__json_root(doc), 0);
        dp__json_free(doc);
    }
    return 0;
}
