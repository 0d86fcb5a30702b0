/* core/cli/solve_opts.c - see solve_opts.h. */
#include "solve_opts.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

int dp__solve_opts_read(dp_opt *opts, size_t n, dp_week *week, char *week_text, dp_solve_options *o)
{
    unsigned long long v;

    const char *w = dp__args_get(opts, n, "week")->value;
    if (w) {
        if (dp_isoweek_parse(w, strlen(w), &week->year, &week->week) != 0) {
            fprintf(stderr, "dagplan solve: --week expects YYYY-Www (e.g. 2027-W03), got '%s'\n",
                    w);
            return 2;
        }
        week->is_set = true;
        dp_isoweek_format(week->year, week->week, week_text);
    }
    const char *seed = dp__args_get(opts, n, "seed")->value;
    if (seed) {
        if (dp__args_uint(seed, &v) != 0) {
            fprintf(stderr, "dagplan solve: --seed expects a non-negative integer, got '%s'\n",
                    seed);
            return 2;
        }
        o->seed = v;
    }
    const char *mm = dp__args_get(opts, n, "max-moves")->value;
    if (mm) {
        if (dp__args_uint(mm, &v) != 0 || v == 0) {
            fprintf(stderr, "dagplan solve: --max-moves expects a positive integer, got '%s'\n",
                    mm);
            return 2;
        }
        o->max_moves = v;
    }
    const char *ve = dp__args_get(opts, n, "verify-every")->value;
    if (ve) {
        if (dp__args_uint(ve, &v) != 0 || v == 0 || v > UINT32_MAX) {
            fprintf(stderr, "dagplan solve: --verify-every expects a positive integer, got '%s'\n",
                    ve);
            return 2;
        }
        o->verify_every = (uint32_t) v;
    }
    const char *tl = dp__args_get(opts, n, "time-limit")->value;
    if (tl) {
        char *end = NULL;
        double t = strtod(tl, &end);
        if (!*tl || *end || !(t >= 0) || !isfinite(t)) {
            fprintf(stderr, "dagplan solve: --time-limit expects seconds >= 0, got '%s'\n", tl);
            return 2;
        }
        o->time_limit_s = t;
    }
    return 0;
}
