/* tests/fuzz/fuzz_ratio_args.c - libFuzzer target for the --ages parser of
 * `dagplan ratio` and the rules behind it.
 *
 * Any bytes go to dp_ratio_parse_ages(); a parsed group is then assessed
 * under every rule set, and the fast path must agree with the explained
 * verdict. Invariants that do not hold abort, so the fuzzer reports them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/ratio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rules(const dp_ratio_rules *rules, const dp_ratio_group *g)
{
    dp_ratio_verdict v;
    int fast = dp_ratio_required(rules, g);

    if (dp_ratio_assess(rules, g, &v, NULL) != DP_OK)
        abort();
    if (v.allowed != (fast != DP_RATIO_NOT_ALLOWED))
        abort();
    if (v.allowed && (unsigned) fast != v.required)
        abort();
    if (v.allowed && v.required == 0) /* the parser never yields an empty group */
        abort();
    if (memchr(v.explanation, '\0', sizeof v.explanation) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_ratio_group g;
    dp_error err = {0};

    if (dp_ratio_parse_ages((const char *) data, size, &g, &err) != DP_OK) {
        if (err.code != DP_EINPUT || err.at.line != 1)
            abort();
        return 0;
    }
    dp_ratio_rules rules[3] = {{DP_RATIO_NL, DP_RATIO_BSO_2024},
                               {DP_RATIO_NL, DP_RATIO_BSO_2019},
                               {DP_RATIO_BE_VL, DP_RATIO_BSO_2024}};
    for (size_t i = 0; i < 3; i++)
        check_rules(&rules[i], &g);
    g.nap = true;
    g.location = true;
    check_rules(&rules[2], &g);
    check_rules(&rules[0], &g);
    return 0;
}
