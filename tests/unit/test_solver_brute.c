/* tests/unit/test_solver_brute.c - dp_solve against brute force on tiny
 * centres.
 *
 * Each case draws a random tiny centre (6-7 children, 3 activities with 1-2
 * sections each, one session per section at home or at a sports hall 10
 * minutes away, one room there, a coach leading two sections, two rooms and
 * room for 2-4 children at once at home, school until 14:00, windows on one
 * or two days), writes it as CSV files to a temporary
 * directory and loads it with dp_load_centre. The optimum is found by trying
 * every assignment (each choice: none or one section of its activity) with a
 * feasibility check and an objective written here from the test's own arrays,
 * not from the model or any plugin. dp_solve must reach exactly that optimum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dagplan/load.h"
#include "dagplan/solve.h"
#include "harness.h"

#define N_ACT  3
#define MAX_K  7
#define MAX_CH 3
#define MAX_S  (2 * N_ACT)
#define WALK   10 /* minutes between home and the hall */

typedef struct kid {
    int group, prio, n_win, win_day[2], win_from[2], win_to[2];
    int n_ch, ch_act[MAX_CH], ch_rank[MAX_CH];
} kid;

typedef struct act {
    int min_g, max_g, min_size, max_size, theme, n_sec, sec0;
} act;

typedef struct sec {
    int act, hall, staffed, day, start, minutes;
} sec;

typedef struct inst {
    int n_kids, n_sec;
    int home_cap; /* children at once at home */
    kid k[MAX_K];
    act a[N_ACT];
    sec s[MAX_S];
    int pick[MAX_K][MAX_CH]; /* brute force: section per choice, -1 none */
    long best;
} inst;

static int rnd(int n)
{
    return (int) harness_rand((uint32_t) n);
}

static void draw(inst *in)
{
    memset(in, 0, sizeof *in);
    in->n_kids = 6 + rnd(2);
    in->home_cap = 2 + rnd(3);
    for (int a = 0; a < N_ACT; a++) {
        act *ac = &in->a[a];
        ac->min_g = 1 + rnd(4);
        ac->max_g = ac->min_g + 2 + rnd(4);
        if (ac->max_g > 8)
            ac->max_g = 8;
        ac->min_size = 1 + rnd(2);
        ac->max_size = ac->min_size + rnd(3);
        ac->theme = rnd(2);
        ac->n_sec = 1 + rnd(2);
        ac->sec0 = in->n_sec;
        for (int i = 0; i < ac->n_sec; i++)
            in->s[in->n_sec++] =
                (sec){a, rnd(2), rnd(2), rnd(2), 13 * 60 + 30 * (1 + rnd(6)), 45 + 15 * rnd(3)};
    }
    for (int c = 0; c < in->n_kids; c++) {
        kid *k = &in->k[c];
        k->group = 1 + rnd(8);
        k->prio = rnd(3) == 0 ? 1 + rnd(3) : 0;
        k->n_win = 1 + rnd(2);
        for (int w = 0; w < k->n_win; w++) {
            k->win_day[w] = w;
            k->win_from[w] = 14 * 60;
            k->win_to[w] =
                15 * 60 +
                30 * (2 + rnd(4)); /* the loader refuses a session longer than every window */
        }
        int used[N_ACT] = {0};
        k->n_ch = rnd(MAX_CH + 1);
        for (int i = 0; i < k->n_ch; i++) {
            int a = rnd(N_ACT);
            while (used[a])
                a = (a + 1) % N_ACT;
            used[a] = 1;
            k->ch_act[i] = a;
            k->ch_rank[i] = i + 1;
        }
    }
}

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void hhmm(char *buf, int min)
{
    snprintf(buf, 16, "%02d:%02d", (min / 60) % 100, min % 60);
}

static int write_centre(const inst *in, const char *dir)
{
    static const char *days[] = {"mon", "tue"};
    char buf[8192], t0[16], t1[16];
    size_t n;
    int rc = 0;

    rc |= write_file(dir, "centre.lua",
                     "centre { id = \"brute\", name = \"Brute\", timezone = \"Europe/Amsterdam\",\n"
                     "  country = \"NL\", home = \"ikc\", max_activities = 2 }\n");
    snprintf(buf, sizeof buf, "id,name,rooms,capacity\nikc,IKC,2,%d\nhal,Hal,1,\n", in->home_cap);
    rc |= write_file(dir, "locations.csv", buf);
    rc |= write_file(dir, "travel.csv", "from,to,minutes\nikc,hal,10\n");
    rc |= write_file(dir, "staff.csv", "id,name,role\ncoach,Coach,coach\n");
    n = (size_t) snprintf(buf, sizeof buf, "group,day,start,end\n");
    for (int g = 1; g <= 8; g++)
        for (int d = 0; d < 2; d++)
            n += (size_t) snprintf(buf + n, sizeof buf - n, "%d,%s,08:30,14:00\n", g, days[d]);
    rc |= write_file(dir, "school.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "id,name,theme,min_group,max_group,min_size,max_size\n");
    for (int a = 0; a < N_ACT; a++)
        n += (size_t) snprintf(buf + n, sizeof buf - n, "a%d,A%d,%s,%d,%d,%d,%d\n", a, a,
                               in->a[a].theme ? "sport" : "taal", in->a[a].min_g, in->a[a].max_g,
                               in->a[a].min_size, in->a[a].max_size);
    rc |= write_file(dir, "activities.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "id,activity,location,staff\n");
    for (int s = 0; s < in->n_sec; s++)
        n += (size_t) snprintf(buf + n, sizeof buf - n, "s%d,a%d,%s,%s\n", s, in->s[s].act,
                               in->s[s].hall ? "hal" : "ikc", in->s[s].staffed ? "coach" : "");
    rc |= write_file(dir, "sections.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "section,day,start,minutes\n");
    for (int s = 0; s < in->n_sec; s++) {
        hhmm(t0, in->s[s].start);
        n += (size_t) snprintf(buf + n, sizeof buf - n, "s%d,%s,%s,%d\n", s, days[in->s[s].day], t0,
                               in->s[s].minutes);
    }
    rc |= write_file(dir, "sessions.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "id,name,group,priority\n");
    for (int c = 0; c < in->n_kids; c++)
        n += (size_t) snprintf(buf + n, sizeof buf - n, "k%d,Kind %d,%d,%d\n", c, c, in->k[c].group,
                               in->k[c].prio);
    rc |= write_file(dir, "children.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "child,day,from,to\n");
    for (int c = 0; c < in->n_kids; c++)
        for (int w = 0; w < in->k[c].n_win; w++) {
            hhmm(t0, in->k[c].win_from[w]);
            hhmm(t1, in->k[c].win_to[w]);
            n += (size_t) snprintf(buf + n, sizeof buf - n, "k%d,%s,%s,%s\n", c,
                                   days[in->k[c].win_day[w]], t0, t1);
        }
    rc |= write_file(dir, "availability.csv", buf);
    n = (size_t) snprintf(buf, sizeof buf, "child,activity,rank\n");
    for (int c = 0; c < in->n_kids; c++)
        for (int i = 0; i < in->k[c].n_ch; i++)
            n += (size_t) snprintf(buf + n, sizeof buf - n, "k%d,a%d,%d\n", c, in->k[c].ch_act[i],
                                   in->k[c].ch_rank[i]);
    rc |= write_file(dir, "choices.csv", buf);
    return rc;
}

/* --- the independent feasibility check and objective ---------------------- */

static int walk(const sec *s)
{
    return s->hall ? WALK : 0;
}

static int fits(const inst *in, int c, int s)
{
    const kid *k = &in->k[c];
    const sec *se = &in->s[s];
    const act *a = &in->a[se->act];
    int from = se->start - walk(se), to = se->start + se->minutes + walk(se);

    if (k->group < a->min_g || k->group > a->max_g)
        return 0;
    if (from < 14 * 60) /* school until 14:00 on both days */
        return 0;
    for (int w = 0; w < k->n_win; w++)
        if (k->win_day[w] == se->day && k->win_from[w] <= from && to <= k->win_to[w])
            return 1;
    return 0;
}

/* Whether one child cannot attend both sessions x and y (walk included). */
static int clash(const sec *x, const sec *y)
{
    int gap = x->hall != y->hall ? WALK : 0;

    if (x->day != y->day)
        return 0;
    return x->start < y->start + y->minutes + gap && y->start < x->start + x->minutes + gap;
}

static int overlap(const sec *x, const sec *y)
{
    return x->day == y->day && x->start < y->start + y->minutes && y->start < x->start + x->minutes;
}

static long evaluate(const inst *in)
{
    int count[MAX_S] = {0};
    long total = 0;

    for (int c = 0; c < in->n_kids; c++) {
        const kid *k = &in->k[c];
        int n = 0, themes[2] = {0, 0};
        long w = 1 + k->prio;
        for (int i = 0; i < k->n_ch; i++) {
            int s = in->pick[c][i];
            if (s < 0)
                continue;
            if (!fits(in, c, s))
                return -1;
            for (int j = 0; j < i; j++)
                if (in->pick[c][j] >= 0 && clash(&in->s[s], &in->s[in->pick[c][j]]))
                    return -1;
            count[s]++;
            n++;
            themes[in->a[k->ch_act[i]].theme] = 1;
            total += w * (10 - (k->ch_rank[i] < 9 ? k->ch_rank[i] : 9));
        }
        if (n > 2)
            return -1;
        if (n > 0)
            total += 100 * w + 20 * w * (themes[0] + themes[1] - 1);
    }
    for (int s = 0; s < in->n_sec; s++) {
        const act *a = &in->a[in->s[s].act];
        int at_home = 0, kids = 0; /* running home sessions at s's start, their children */
        if (count[s] > a->max_size || (count[s] > 0 && count[s] < a->min_size))
            return -1;
        for (int t = 0; t < in->n_sec && count[s] && !in->s[s].hall; t++)
            if (count[t] && !in->s[t].hall && in->s[t].day == in->s[s].day &&
                in->s[t].start <= in->s[s].start &&
                in->s[s].start < in->s[t].start + in->s[t].minutes) {
                at_home++;
                kids += count[t];
            }
        if (at_home > 2 || kids > in->home_cap) /* two rooms; home_cap children */
            return -1;
        for (int t = 0; t < s; t++) {
            if (!count[s] || !count[t] || !overlap(&in->s[s], &in->s[t]))
                continue;
            if (in->s[s].hall && in->s[t].hall) /* the hall has one room */
                return -1;
            if (in->s[s].staffed && in->s[t].staffed) /* one coach */
                return -1;
        }
    }
    return total;
}

static void search(inst *in, int c, int i)
{
    if (c == in->n_kids) {
        long v = evaluate(in);
        if (v > in->best)
            in->best = v;
        return;
    }
    if (i == in->k[c].n_ch) {
        search(in, c + 1, 0);
        return;
    }
    const act *a = &in->a[in->k[c].ch_act[i]];
    for (int s = -1; s < a->n_sec; s++) {
        in->pick[c][i] = s < 0 ? -1 : a->sec0 + s;
        search(in, c, i + 1);
    }
    in->pick[c][i] = -1;
}

/* --- the test -------------------------------------------------------------- */

/* Solves the centre in dir; *bound gets the solver's upper bound (which
 * must never be below the brute-force optimum: the search stops on it). */
static long solve_dir(const char *dir, uint64_t seed, int64_t *bound)
{
    dp_diags *d = dp_diags_new();
    dp_model *m = NULL;
    dp_solution *sol = NULL;
    dp_solve_options o;
    dp_error err = {0};
    dp_score sc = {0};
    long v = -2;

    if (dp_load_centre(dir, d, &m, &err) != DP_OK) {
        dp_diags_print(d, stderr);
        goto done;
    }
    dp_solve_options_init(&o);
    o.seed = seed;
    o.verify_every = 97;
    o.idle_moves = 20000; /* tiny centres: plenty, and it keeps the test short */
    if (dp_solve(m, &o, &sol, &err) != DP_OK) {
        dp_error_print(&err, stderr, true);
        goto done;
    }
    dp_solution_score(sol, &sc);
    dp_solve_stats st;
    dp_solution_stats(sol, &st);
    *bound = st.bound;
    v = sc.hard_violations == 0 ? (long) sc.total : -3;
done:
    dp_solution_free(sol);
    dp_model_free(m);
    dp_diags_free(d);
    return v;
}

static void test_random_tiny_centres(void)
{
    char dir[128], cmd[512];
    int n_nonzero = 0, n_tight = 0;

    snprintf(dir, sizeof dir, "/tmp/dp_test_brute_%ld", (long) getpid());
    for (int round = 0; round < 100; round++) {
        inst in;
        snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
        CHECK(system(cmd) == 0);
        draw(&in);
        CHECK(write_centre(&in, dir) == 0);
        in.best = -1;
        memset(in.pick, -1, sizeof in.pick);
        search(&in, 0, 0);
        int64_t bound = INT64_MIN;
        long ours = solve_dir(dir, (uint64_t) round + 1, &bound);
        if (bound < in.best) {
            fprintf(stderr,
                    "round %d: upper bound %lld below the optimum %ld (centre kept in %s)\n", round,
                    (long long) bound, in.best, dir);
            CHECK(bound >= in.best);
            return;
        }
        n_tight += bound == in.best;
        if (ours != in.best) {
            fprintf(stderr, "round %d: dp_solve %ld, brute-force optimum %ld (centre kept in %s)\n",
                    round, ours, in.best, dir);
            CHECK(ours == in.best);
            return;
        }
        n_nonzero += in.best > 0;
    }
    printf("  100 tiny centres, %d with a positive optimum: dp_solve optimal on all; its upper "
           "bound never below the optimum, equal to it on %d\n",
           n_nonzero, n_tight);
    CHECK(n_nonzero >= 50);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(test_random_tiny_centres);
    return harness_report();
}
