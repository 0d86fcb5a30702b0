/* tests/fuzz/fuzz_centre_lua.c - arbitrary bytes as centre.lua.
 *
 * Feeds the input through the in-memory centre.lua loader: the Lua parser,
 * the sandbox (limits, protections, error conversion) and the centre{}
 * reader. Any outcome but a crash, a leak or a sanitizer report is fine; the
 * loader must return one of its documented statuses, and on DP_ERULE the
 * error must name centre.lua. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/centre_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_centre_conf conf;
    dp_diags *diags = dp_diags_new();
    dp_error err = {0};
    dp_status rc;

    if (!diags)
        return 0;
    rc = dp__centre_conf_load_mem((const char *) data, size, "centre.lua", &conf, diags, &err);
    if (rc != DP_OK && rc != DP_ERULE && rc != DP_ENOMEM)
        abort();
    if (rc == DP_ERULE && (!err.at.file || strcmp(err.at.file, "centre.lua") != 0))
        abort();
    if (rc == DP_OK && (!conf.id.value || !conf.home.value || conf.max_activities < 1))
        abort();
    dp__centre_conf_release(&conf);
    dp_diags_free(diags);
    return 0;
}
