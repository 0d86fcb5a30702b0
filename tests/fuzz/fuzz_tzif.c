/* tests/fuzz/fuzz_tzif.c - libFuzzer target for the TZif parser.
 *
 * Feeds arbitrary bytes to dp__tz_parse. When they parse, every query is run
 * on the zone, because the footer rule and the table can disagree in ways
 * real files never do: offsets at fixed and input-derived instants, local
 * times back to UTC, and transition lists over bounded and unbounded ranges.
 * The answers must be self-consistent (listed transitions strictly ascend
 * and match dp_tz_offset), and nothing may crash, leak or overflow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"
#include "time_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_transitions(const dp_tz *tz, int64_t from, int64_t to)
{
    dp_tz_transition tr[64];
    size_t n = dp_tz_transitions(tz, from, to, tr, 64);

    for (size_t i = 0; i < n && i < 64; i++) {
        if (tr[i].at_utc < from || tr[i].at_utc >= to || !tr[i].abbrev)
            abort();
        if (i > 0 && tr[i].at_utc <= tr[i - 1].at_utc)
            abort();
        if (dp_tz_offset(tz, tr[i].at_utc, NULL) != tr[i].offset_after)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t probes[] = {INT64_MIN,  -(INT64_C(1) << 59), -2208988800,
                                     0,          1774746000,          2147483647,
                                     4102444800, 253402300799,        INT64_MAX};
    dp_tz *tz = NULL;
    dp_error err;

    if (dp__tz_parse(data, size, "Fuzz/Zone", "fuzz.tzif", &tz, &err) != DP_OK) {
        if (err.code != DP_EINPUT && err.code != DP_ENOMEM)
            abort();
        return 0;
    }
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        const char *abbr = NULL;
        int off = dp_tz_offset(tz, probes[i], &abbr);
        if (off < -90000 || off > 93600 || !abbr)
            abort();
    }
    for (int32_t day = -25567; day < 80000; day += 3653)
        (void) dp_tz_to_utc(tz, day, (day & 0xff) * 5 % 1441);
    check_transitions(tz, 0, 4102444800);          /* 1970 .. 2100 */
    check_transitions(tz, 2000000000, 2200000000); /* across the 2037 table end */
    /* The ends of the int64 range: the clamps, without walking 8000 years. */
    check_transitions(tz, INT64_MIN, -62135596800 + 86400 * 800);
    check_transitions(tz, 253402300800 - 86400 * 800, INT64_MAX);
    if (strcmp(dp_tz_name(tz), "Fuzz/Zone") != 0)
        abort();
    dp_tz_free(tz);
    return 0;
}
