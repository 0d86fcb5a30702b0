/* tests/fuzz/fuzz_closures_ics.c - raw bytes into the iCalendar closures
 * reader of `dagplan import-closures` (dp_closures_read_ics, on libical).
 *
 * Checks what the reader promises: on success every closure ends on or after
 * its start and has a kind; on an input error the diagnostics hold at least
 * one error. Sanitizers catch the rest. */
#include <stdint.h>
#include <stdlib.h>

#include "dagplan/closures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_diags *diags = dp_diags_new();
    dp_ics_closure *list = NULL;
    size_t n = 0;
    dp_error err = {0};

    /* libical's parser dominates the cost; school holiday files of a few
     * events are small, and 2 KiB keeps the CI run short. */
    if (size > 2048 || !diags) {
        dp_diags_free(diags);
        return 0;
    }
    dp_status rc = dp_closures_read_ics((const char *) data, size, "fuzz.ics", DP_CLOSURE_HOLIDAY,
                                        false, &list, &n, diags, &err);
    if (rc == DP_OK) {
        for (size_t i = 0; i < n; i++)
            if (list[i].to_day < list[i].from_day || !list[i].kind)
                abort();
        free(list);
    } else if (rc == DP_EINPUT && dp_diags_n_errors(diags) == 0) {
        abort();
    }
    dp_diags_free(diags);
    return 0;
}
