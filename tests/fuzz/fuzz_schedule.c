/* tests/fuzz/fuzz_schedule.c - raw bytes into the schedule JSON reader
 * (dp_schedule_parse), which reads stored versions back for history, diff and
 * the baseline of the next solve.
 *
 * Checks what the reader promises: on success every assignment has its child,
 * activity and section; on failure an input error carries a line and column
 * or the error is DP_ENOMEM. Sanitizers catch the rest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_schedule *s = NULL;
    dp_error err = {0};

    dp_status rc = dp_schedule_parse((const char *) data, size, &s, &err);
    if (rc == DP_OK) {
        for (uint32_t i = 0; i < s->n_assignments; i++)
            if (!s->assignments[i].child || !s->assignments[i].activity ||
                !s->assignments[i].section)
                abort();
        for (uint32_t i = 0; i < s->n_unassigned; i++)
            for (uint32_t k = 0; k < s->unassigned[i].n_reasons; k++)
                if (!s->unassigned[i].reasons[k])
                    abort();
        dp_schedule_free(s);
    } else if (rc != DP_EINPUT && rc != DP_ENOMEM) {
        abort();
    } else if (rc == DP_EINPUT && !err.at.file) {
        abort();
    }
    return 0;
}
