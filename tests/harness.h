/* tests/harness.h - the whole test harness: CHECK, RUN, harness_report(),
 * harness_rand().
 *
 * Each test binary runs its cases with RUN and ends with harness_report(),
 * which prints "N passed, N failed" (a line CI reads) and returns the exit
 * status. A failed CHECK prints where and why and fails the running case. */
#ifndef DAGPLAN_HARNESS_H
#define DAGPLAN_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed, harness_case_failed;
static const char *harness_case;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, harness_case, \
                    #cond);                                                                    \
            harness_case_failed = 1;                                                           \
        }                                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *ha_ = (a), *hb_ = (b);                                                         \
        if (!ha_ || !hb_ || strcmp(ha_, hb_) != 0) {                                               \
            fprintf(stderr, "%s:%d: %s: CHECK_STR failed:\n  got:      %s\n  expected: %s\n",      \
                    __FILE__, __LINE__, harness_case, ha_ ? ha_ : "(null)", hb_ ? hb_ : "(null)"); \
            harness_case_failed = 1;                                                               \
        }                                                                                          \
    } while (0)

#define RUN(fn)                  \
    do {                         \
        harness_case = #fn;      \
        harness_case_failed = 0; \
        fn();                    \
        if (harness_case_failed) \
            harness_failed++;    \
        else                     \
            harness_passed++;    \
    } while (0)

/* A deterministic draw in [0, n) (xorshift64, Marsaglia): the random cases of
 * a test are the same on every run and every machine. */
static uint64_t harness_rng = 88172645463325252u;

static inline uint32_t harness_rand(uint32_t n)
{
    harness_rng ^= harness_rng << 13;
    harness_rng ^= harness_rng >> 7;
    harness_rng ^= harness_rng << 17;
    return (uint32_t) (harness_rng % n);
}

static inline int harness_report(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

#endif
