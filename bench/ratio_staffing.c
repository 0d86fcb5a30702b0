/* bench/ratio_staffing.c - times the staffing plan of a schedule (issue 5:
 * "staffing computation for a 1,000-child centre's week under 50 ms") and
 * the ratio plugin's from-scratch evaluation, against loading the same centre
 * (measured in the same run). Built and run by bench/ratio.
 *
 * Usage: ratio_staffing DIR GRANTS REPEAT
 * GRANTS: lines "child section" (the schedule; sessions at their first time).
 * Prints: grants load_ms staffing_ms plugin_full_ms (medians of REPEAT
 * runs) and assess_us: one dp_ratio_assess() with its explanation (what
 * `dagplan ratio` computes), in microseconds, over 100,000 calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dagplan/load.h"
#include "dagplan/plugin.h"
#include "dagplan/ratio.h"
#include "dagplan/staffing.h"
#include "dagplan/time.h"

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t) n, sizeof *v, cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    int repeat = atoi(argv[3]);
    double *t_load = calloc((size_t) repeat, sizeof(double));
    double *t_staff = calloc((size_t) repeat, sizeof(double));
    double *t_full = calloc((size_t) repeat, sizeof(double));
    dp_model *m = NULL;
    dp_error err = {0};

    for (int r = 0; r < repeat; r++) {
        dp_model_free(m);
        m = NULL;
        dp_diags *d = dp_diags_new();
        double t0 = now_ms();
        dp_status rc = dp_load_centre(argv[1], d, &m, &err);
        t_load[r] = now_ms() - t0;
        dp_diags_free(d);
        if (rc != DP_OK) {
            fprintf(stderr, "cannot load %s\n", argv[1]);
            return 1;
        }
    }
    m->week_monday = dp_isoweek_monday(2026, 48);
    dp_id *cs = malloc(m->n_choices * sizeof *cs);
    uint32_t *slot = malloc(m->n_sessions * sizeof *slot);
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        cs[ch] = DP_NONE;
    for (dp_id k = 0; k < m->n_sessions; k++)
        slot[k] = m->sessions[k].slot0;
    FILE *f = fopen(argv[2], "r");
    char child[80], section[80];
    unsigned n = 0;
    while (f && fscanf(f, "%79s %79s", child, section) == 2) {
        dp_id c = dp_model_find(m, DP_KIND_CHILD, child, strlen(child));
        dp_id s = dp_model_find(m, DP_KIND_SECTION, section, strlen(section));
        if (c == DP_NONE || s == DP_NONE)
            continue;
        dp_id ch = dp_model_choice_of(m, c, m->sections[s].activity);
        if (ch != DP_NONE) {
            cs[ch] = s;
            n++;
        }
    }
    if (f)
        fclose(f);
    dp_state_view v;
    memset(&v, 0, sizeof v);
    v.m = m;
    v.choice_section = cs;
    v.session_slot = slot;
    for (int r = 0; r < repeat; r++) {
        dp_staffing *st = NULL;
        double t0 = now_ms();
        if (dp_staffing_new(m, cs, slot, &st, &err) != DP_OK)
            return 1;
        t_staff[r] = now_ms() - t0;
        dp_staffing_free(st);
        void *state = NULL;
        dp_delta d;
        t0 = now_ms();
        if (dp_plugin_ratio.init(&state, &v, &err) != DP_OK)
            return 1;
        dp_plugin_ratio.full(state, &v, &d);
        t_full[r] = now_ms() - t0;
        dp_plugin_ratio.free(state);
    }
    dp_ratio_rules rules = {DP_RATIO_NL, DP_RATIO_BSO_2024, DP_RATIO_BE_CURRENT};
    dp_ratio_group g;
    dp_ratio_verdict verdict;
    unsigned sink = 0;
    memset(&g, 0, sizeof g);
    g.n_age[0] = 2;
    g.n_age[1] = 5;
    g.n_age[2] = 4;
    g.n_age[3] = 3;
    double t0 = now_ms();
    for (int i = 0; i < 100000; i++) {
        g.n_age[2] = (unsigned) (i & 3);
        if (dp_ratio_assess(&rules, &g, &verdict, &err) == DP_OK)
            sink += verdict.required;
    }
    double assess_us = (now_ms() - t0) * 1e3 / 100000.0;
    printf("%u %.2f %.2f %.2f %.3f %u\n", n, median(t_load, repeat), median(t_staff, repeat),
           median(t_full, repeat), assess_us, sink & 1);
    free(cs);
    free(slot);
    free(t_load);
    free(t_staff);
    free(t_full);
    dp_model_free(m);
    return 0;
}
