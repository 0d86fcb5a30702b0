/* plugins/lp/lp.c - the exact MIP of the standard problem in CPLEX LP format
 * (see dagplan/export.h), so that any MIP solver can check how close the
 * solver comes to the optimum.
 *
 * Variables (all binary):
 *   x<q>_<s>  choice q granted in section s: only pairs the child fits alone
 *             (eligible, inside a window with the walks, clear of school);
 *   o<s>      section s runs (has children);
 *   y<c>      child c has at least one activity (coverage);
 *   z<c>_<t>  child c has an activity of theme t (breadth).
 * Since breadth = 20 w (T - 1) for a covered child, coverage + breadth =
 * 80 w y + 20 w sum_t z, and the objective is that plus w (10 - min(rank, 9))
 * per x. Constraints: one section per choice, max_activities per child, x_a +
 * x_b <= 1 for a child's clashing pairs, min and max size through o, rooms and
 * capacity per location and staff per member over the elementary intervals of
 * dagplan/timeline.h, y and z bounded by the x that earn them.
 *
 * Fit and clash are decided by calling the built-in eligibility, availability
 * and overlap plugins' delta() on a view of the empty schedule: one source of
 * truth for those rules. Those plugins keep no state, so no init is needed. */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/export.h"
#include "dagplan/plugin.h"
#include "dagplan/timeline.h"

#define TERMS_PER_LINE 8 /* keeps LP lines short for every reader */

typedef struct lp_ctx {
    const dp_model *m;
    dp_buf *b;
    dp_state_view view;      /* the empty schedule at the fixed times */
    dp_id *choice_section;   /* [n_choices] all DP_NONE (view) */
    uint32_t *zeros;         /* [n_sections] (view) */
    uint32_t *slot;          /* [n_sessions] each session's only slot (view) */
    const dp_grant **grants; /* [n_children] all NULL (view) */
    uint8_t *n_grants;       /* [n_children] all 0 (view) */
    uint32_t *x0;            /* [n_choices + 1]: x of choice q are x0[q] .. x0[q+1]-1 */
    dp_id *x_section;        /* [n_x] section of each x */
    uint32_t *sx0;           /* [n_sections + 1]: x of section s by sx */
    uint32_t *sx;            /* [n_x] x ids grouped by section */
    uint32_t n_x;
    dp_lp_stats st;
    uint32_t terms; /* terms on the current row so far */
} lp_ctx;

/* One (interval, section) use of a timeline; coef sessions of s cover iv. */
typedef struct iv_use {
    uint32_t iv;
    dp_id section;
    uint32_t coef;
} iv_use;

static dp_status check_fixed_times(const dp_model *m, dp_error *err)
{
    for (dp_id k = 0; k < m->n_sessions; k++) {
        const dp_session *ks = &m->sessions[k];
        if (ks->n_slots == 1)
            continue;
        char file[512];
        snprintf(file, sizeof file, "%s/sessions.csv", m->centre.dir ? m->centre.dir : ".");
        dp_loc at = {file, ks->line, 0};
        return DP_FAIL(err, DP_EINPUT, &at,
                       "a session of section %s has %u candidate times; the LP export "
                       "needs fixed times (one day and one start per session)",
                       m->sections[ks->section].id, (unsigned) ks->n_slots);
    }
    return DP_OK;
}

static dp_status alloc_ctx(lp_ctx *c, const dp_model *m, dp_buf *b)
{
    c->m = m;
    c->b = b;
    c->choice_section = malloc(((size_t) m->n_choices + 1) * sizeof *c->choice_section);
    c->zeros = calloc((size_t) m->n_sections + 1, sizeof *c->zeros);
    c->slot = malloc(((size_t) m->n_sessions + 1) * sizeof *c->slot);
    c->grants = calloc((size_t) m->n_children + 1, sizeof *c->grants);
    c->n_grants = calloc((size_t) m->n_children + 1, sizeof *c->n_grants);
    c->x0 = calloc((size_t) m->n_choices + 1, sizeof *c->x0);
    c->sx0 = calloc((size_t) m->n_sections + 2, sizeof *c->sx0);
    if (!c->choice_section || !c->zeros || !c->slot || !c->grants || !c->n_grants || !c->x0 ||
        !c->sx0)
        return DP_ENOMEM;
    for (dp_id q = 0; q < m->n_choices; q++)
        c->choice_section[q] = DP_NONE;
    for (dp_id k = 0; k < m->n_sessions; k++)
        c->slot[k] = m->sessions[k].slot0;
    c->view = (dp_state_view){m,    c->choice_section, c->zeros, c->slot, c->grants, c->n_grants,
                              NULL, c->zeros,          0};
    return DP_OK;
}

static void free_ctx(lp_ctx *c)
{
    free(c->choice_section);
    free(c->zeros);
    free(c->slot);
    free(c->grants);
    free(c->n_grants);
    free(c->x0);
    free(c->x_section);
    free(c->sx0);
    free(c->sx);
}

/* Hard violations the plugin p sees in giving child the grants g (n of them)
 * on the empty schedule. */
static int64_t violations(const lp_ctx *c, const dp_plugin *p, dp_id child, const dp_grant *g,
                          uint8_t n)
{
    dp_child_change cc = {child, NULL, 0, g, n};
    dp_move mv = {&cc, 1, NULL, 0, NULL, 0, 0};
    dp_delta d = {0, 0};

    p->delta(NULL, &c->view, &mv, &d);
    return d.hard;
}

static bool fits_alone(const lp_ctx *c, dp_id q, dp_id s)
{
    dp_grant g = {q, s};
    dp_id child = c->m->choices[q].child;

    if (c->m->centre.max_activities < 1)
        return false;
    return violations(c, &dp_plugin_eligibility, child, &g, 1) == 0 &&
           violations(c, &dp_plugin_availability, child, &g, 1) == 0;
}

/* Numbers the x variables: choice by choice, sections in model order. */
static dp_status collect_x(lp_ctx *c)
{
    const dp_model *m = c->m;
    size_t cap = 0;

    for (dp_id q = 0; q < m->n_choices; q++)
        cap += m->activities[m->choices[q].activity].n_sections;
    c->x_section = malloc((cap + 1) * sizeof *c->x_section);
    c->sx = malloc((cap + 1) * sizeof *c->sx);
    if (!c->x_section || !c->sx)
        return DP_ENOMEM;
    for (dp_id q = 0; q < m->n_choices; q++) {
        const dp_activity *a = &m->activities[m->choices[q].activity];
        c->x0[q] = c->n_x;
        for (dp_id s = a->section0; s < a->section0 + a->n_sections; s++)
            if (fits_alone(c, q, s)) {
                c->x_section[c->n_x++] = s;
                c->sx0[s + 1]++;
            }
    }
    c->x0[m->n_choices] = c->n_x;
    for (dp_id s = 0; s < m->n_sections; s++)
        c->sx0[s + 1] += c->sx0[s];
    for (uint32_t i = 0; i < c->n_x; i++)
        c->sx[c->sx0[c->x_section[i]]++] = i; /* sx0[s] now ends s's run */
    for (dp_id s = m->n_sections; s > 0; s--)
        c->sx0[s] = c->sx0[s - 1];
    c->sx0[0] = 0;
    c->st.n_x = c->n_x;
    return DP_OK;
}

static dp_id x_choice(const lp_ctx *c, uint32_t x)
{
    uint32_t lo = 0, hi = c->m->n_choices;

    while (hi - lo > 1) { /* the last q with x0[q] <= x */
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->x0[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Writes one term "+ coef name" of a row or the objective, wrapping lines. */
static void term(lp_ctx *c, int64_t coef, const char *name)
{
    if (c->terms > 0 && c->terms % TERMS_PER_LINE == 0)
        dp_buf_puts(c->b, "\n   ");
    if (coef == 1)
        dp_buf_printf(c->b, " + %s", name);
    else if (coef == -1)
        dp_buf_printf(c->b, " - %s", name);
    else
        dp_buf_printf(c->b, " %c %lld %s", coef < 0 ? '-' : '+',
                      (long long) (coef < 0 ? -coef : coef), name);
    c->terms++;
}

static void term_x(lp_ctx *c, int64_t coef, uint32_t x)
{
    char name[32];

    snprintf(name, sizeof name, "x%u_%u", (unsigned) x_choice(c, x), (unsigned) c->x_section[x]);
    term(c, coef, name);
}

static void term_o(lp_ctx *c, int64_t coef, dp_id s)
{
    char name[24];

    snprintf(name, sizeof name, "o%u", (unsigned) s);
    term(c, coef, name);
}

static void row_begin(lp_ctx *c, const char *kind, uint32_t a, uint32_t b)
{
    dp_buf_printf(c->b, " %s%u_%u:", kind, (unsigned) a, (unsigned) b);
    c->terms = 0;
    c->st.n_rows++;
}

static void row_end(lp_ctx *c, const char *sense, int64_t rhs)
{
    dp_buf_printf(c->b, " %s %lld\n", sense, (long long) rhs);
}

/* The distinct themes of the child's x variables, in order of first
 * appearance, into t (room for n_themes of the model). */
static uint32_t child_themes(const lp_ctx *c, dp_id child, dp_id *t)
{
    const dp_model *m = c->m;
    const dp_child *ch = &m->children[child];
    uint32_t n = 0;

    for (dp_id q = ch->choice0; q < ch->choice0 + ch->n_choices; q++) {
        if (c->x0[q] == c->x0[q + 1])
            continue;
        dp_id th = m->activities[m->choices[q].activity].theme;
        uint32_t i = 0;
        while (i < n && t[i] != th)
            i++;
        if (i == n)
            t[n++] = th;
    }
    return n;
}

static uint32_t child_x0(const lp_ctx *c, dp_id child)
{
    return c->x0[c->m->children[child].choice0];
}

static uint32_t child_x1(const lp_ctx *c, dp_id child)
{
    const dp_child *ch = &c->m->children[child];

    return c->x0[ch->choice0 + ch->n_choices];
}

static void write_objective(lp_ctx *c, dp_id *themes)
{
    const dp_model *m = c->m;
    char name[40];

    dp_buf_puts(c->b, "Maximize\n obj:");
    c->terms = 0;
    for (dp_id ch = 0; ch < m->n_children; ch++) {
        int64_t w = dp_child_weight(m, ch);
        if (child_x0(c, ch) == child_x1(c, ch))
            continue;
        snprintf(name, sizeof name, "y%u", (unsigned) ch);
        term(c, 80 * w, name);
        uint32_t nt = child_themes(c, ch, themes);
        for (uint32_t i = 0; i < nt; i++) {
            snprintf(name, sizeof name, "z%u_%u", (unsigned) ch, (unsigned) themes[i]);
            term(c, 20 * w, name);
        }
        for (uint32_t x = child_x0(c, ch); x < child_x1(c, ch); x++) {
            int rank = m->choices[x_choice(c, x)].rank;
            term_x(c, w * (10 - (rank < 9 ? rank : 9)), x);
        }
    }
    if (c->terms == 0)
        dp_buf_puts(c->b, " 0 dummy");
    dp_buf_puts(c->b, "\nSubject To\n");
}

/* One section per choice; at most max_activities per child. */
static void write_child_limits(lp_ctx *c, dp_id ch)
{
    const dp_model *m = c->m;
    const dp_child *cd = &m->children[ch];
    uint32_t n_with_x = 0;

    for (dp_id q = cd->choice0; q < cd->choice0 + cd->n_choices; q++) {
        if (c->x0[q + 1] - c->x0[q] >= 2) {
            row_begin(c, "one", ch, q);
            for (uint32_t x = c->x0[q]; x < c->x0[q + 1]; x++)
                term_x(c, 1, x);
            row_end(c, "<=", 1);
        }
        n_with_x += c->x0[q + 1] > c->x0[q];
    }
    if (n_with_x > (uint32_t) m->centre.max_activities) {
        row_begin(c, "acts", ch, 0);
        for (uint32_t x = child_x0(c, ch); x < child_x1(c, ch); x++)
            term_x(c, 1, x);
        row_end(c, "<=", m->centre.max_activities);
    }
}

/* x_a + x_b <= 1 for every pair of the child's x (different choices) whose
 * sections the overlap plugin says cannot both be attended. */
static void write_clashes(lp_ctx *c, dp_id ch)
{
    uint32_t x1 = child_x1(c, ch), n = 0;

    for (uint32_t a = child_x0(c, ch); a < x1; a++) {
        dp_id qa = x_choice(c, a);
        for (uint32_t b = a + 1; b < x1; b++) {
            dp_id qb = x_choice(c, b);
            if (qa == qb)
                continue;
            dp_grant g[2] = {{qa, c->x_section[a]}, {qb, c->x_section[b]}};
            if (violations(c, &dp_plugin_overlap, ch, g, 2) == 0)
                continue;
            row_begin(c, "clash", ch, n++);
            term_x(c, 1, a);
            term_x(c, 1, b);
            row_end(c, "<=", 1);
        }
    }
}

/* y <= sum of the child's x; z_t <= sum of its x of theme t. */
static void write_coverage(lp_ctx *c, dp_id ch, dp_id *themes)
{
    const dp_model *m = c->m;
    char name[40];
    uint32_t nt = child_themes(c, ch, themes);

    row_begin(c, "cov", ch, 0);
    snprintf(name, sizeof name, "y%u", (unsigned) ch);
    term(c, 1, name);
    for (uint32_t x = child_x0(c, ch); x < child_x1(c, ch); x++)
        term_x(c, -1, x);
    row_end(c, "<=", 0);
    c->st.n_covered++;
    for (uint32_t i = 0; i < nt; i++) {
        row_begin(c, "theme", ch, themes[i]);
        snprintf(name, sizeof name, "z%u_%u", (unsigned) ch, (unsigned) themes[i]);
        term(c, 1, name);
        for (uint32_t x = child_x0(c, ch); x < child_x1(c, ch); x++)
            if (m->activities[m->choices[x_choice(c, x)].activity].theme == themes[i])
                term_x(c, -1, x);
        row_end(c, "<=", 0);
    }
    c->st.n_themes += nt;
}

static void write_children(lp_ctx *c, dp_id *themes)
{
    for (dp_id ch = 0; ch < c->m->n_children; ch++) {
        if (child_x0(c, ch) == child_x1(c, ch))
            continue;
        write_child_limits(c, ch);
        write_clashes(c, ch);
        write_coverage(c, ch, themes);
    }
}

/* min_size o <= sum x <= max_size o. */
static void write_sizes(lp_ctx *c)
{
    const dp_model *m = c->m;

    for (dp_id s = 0; s < m->n_sections; s++) {
        if (c->sx0[s] == c->sx0[s + 1])
            continue;
        c->st.n_open++;
        row_begin(c, "size_max", s, 0);
        for (uint32_t i = c->sx0[s]; i < c->sx0[s + 1]; i++)
            term_x(c, 1, c->sx[i]);
        term_o(c, -(int64_t) m->sections[s].max_size, s);
        row_end(c, "<=", 0);
        if (m->sections[s].min_size == 0)
            continue;
        row_begin(c, "size_min", s, 0);
        for (uint32_t i = c->sx0[s]; i < c->sx0[s + 1]; i++)
            term_x(c, 1, c->sx[i]);
        term_o(c, -(int64_t) m->sections[s].min_size, s);
        row_end(c, ">=", 0);
    }
}

static int compare_uses(const void *pa, const void *pb)
{
    const iv_use *a = pa, *b = pb;

    if (a->iv != b->iv)
        return a->iv < b->iv ? -1 : 1;
    return (a->section > b->section) - (a->section < b->section);
}

/* The (interval, section) uses of timeline tl, sorted by interval and
 * section, duplicates merged into coef. Returns the count or -1 (OOM). */
static long collect_uses(const lp_ctx *c, const dp_timeline *tl, iv_use **out)
{
    const dp_model *m = c->m;
    size_t n = 0, cap = 0;
    iv_use *u;

    for (dp_id k = 0; k < m->n_sessions; k++) {
        uint32_t f, e;
        dp_timeline_range(tl, c->slot[k], &f, &e);
        cap += e - f;
    }
    u = malloc((cap + 1) * sizeof *u);
    if (!u)
        return -1;
    for (dp_id k = 0; k < m->n_sessions; k++) {
        uint32_t f, e;
        dp_timeline_range(tl, c->slot[k], &f, &e);
        for (uint32_t iv = f; iv < e; iv++)
            u[n++] = (iv_use){iv, m->sessions[k].section, 1};
    }
    qsort(u, n, sizeof *u, compare_uses);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w > 0 && u[w - 1].iv == u[i].iv && u[w - 1].section == u[i].section)
            u[w - 1].coef++;
        else
            u[w++] = u[i];
    }
    *out = u;
    return (long) w;
}

/* Builds the timeline of the locations (or, with by_staff, the staff) over
 * the sessions of the sections some child could join. */
static dp_status build_timeline(const lp_ctx *c, bool by_staff, dp_timeline **tl, dp_error *err)
{
    const dp_model *m = c->m;
    dp_id *res = malloc(((size_t) m->n_sessions + 1) * sizeof *res);
    dp_status rc;

    if (!res)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the LP");
    for (dp_id k = 0; k < m->n_sessions; k++) {
        dp_id s = m->sessions[k].section;
        res[k] = c->sx0[s] == c->sx0[s + 1] ? DP_NONE
                 : by_staff                 ? m->sections[s].staff
                                            : m->sections[s].location;
    }
    rc = dp_timeline_new(m, by_staff ? m->n_staff : m->n_locations, res, tl, err);
    free(res);
    return rc;
}

/* One interval's rows: rooms and capacity (locations) or one session at a
 * time (staff), each only when it can bind. u[0..n) share the interval. */
static void write_interval(lp_ctx *c, const dp_timeline *tl, bool by_staff, const iv_use *u,
                           size_t n)
{
    const dp_model *m = c->m;
    dp_id r = dp_timeline_resource(tl, u[0].iv);
    int64_t runs = 0, kids = 0;
    int64_t rooms = by_staff ? 1 : m->locations[r].rooms;
    int32_t cap = by_staff ? DP_UNLIMITED : m->locations[r].capacity;

    for (size_t i = 0; i < n; i++) {
        uint32_t most = c->sx0[u[i].section + 1] - c->sx0[u[i].section];
        if (most > m->sections[u[i].section].max_size)
            most = m->sections[u[i].section].max_size;
        runs += u[i].coef;
        kids += (int64_t) u[i].coef * most;
    }
    if (runs > rooms) {
        row_begin(c, by_staff ? "staff" : "rooms", r, u[0].iv);
        for (size_t i = 0; i < n; i++)
            term_o(c, u[i].coef, u[i].section);
        row_end(c, "<=", rooms);
    }
    if (cap != DP_UNLIMITED && kids > cap) {
        row_begin(c, "cap", r, u[0].iv);
        for (size_t i = 0; i < n; i++)
            for (uint32_t j = c->sx0[u[i].section]; j < c->sx0[u[i].section + 1]; j++)
                term_x(c, u[i].coef, c->sx[j]);
        row_end(c, "<=", cap);
    }
}

static dp_status write_timeline(lp_ctx *c, bool by_staff, dp_error *err)
{
    dp_timeline *tl = NULL;
    iv_use *u = NULL;
    dp_status rc = build_timeline(c, by_staff, &tl, err);
    long n;

    if (rc != DP_OK)
        return rc;
    n = collect_uses(c, tl, &u);
    if (n < 0) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the LP");
        goto done;
    }
    for (size_t i = 0, j; i < (size_t) n; i = j) {
        for (j = i + 1; j < (size_t) n && u[j].iv == u[i].iv;)
            j++;
        write_interval(c, tl, by_staff, u + i, j - i);
    }
done:
    free(u);
    dp_timeline_free(tl);
    return rc;
}

static void binary(lp_ctx *c, const char *name)
{
    if (c->terms > 0 && c->terms % TERMS_PER_LINE == 0)
        dp_buf_puts(c->b, "\n");
    dp_buf_printf(c->b, " %s", name);
    c->terms++;
}

static void write_binaries(lp_ctx *c, dp_id *themes)
{
    const dp_model *m = c->m;
    char name[40];

    dp_buf_puts(c->b, "Binaries\n");
    c->terms = 0;
    if (c->n_x == 0)
        binary(c, "dummy");
    for (uint32_t x = 0; x < c->n_x; x++) {
        snprintf(name, sizeof name, "x%u_%u", (unsigned) x_choice(c, x),
                 (unsigned) c->x_section[x]);
        binary(c, name);
    }
    for (dp_id s = 0; s < m->n_sections; s++) {
        if (c->sx0[s] == c->sx0[s + 1])
            continue;
        snprintf(name, sizeof name, "o%u", (unsigned) s);
        binary(c, name);
    }
    for (dp_id ch = 0; ch < m->n_children; ch++) {
        if (child_x0(c, ch) == child_x1(c, ch))
            continue;
        snprintf(name, sizeof name, "y%u", (unsigned) ch);
        binary(c, name);
        uint32_t nt = child_themes(c, ch, themes);
        for (uint32_t i = 0; i < nt; i++) {
            snprintf(name, sizeof name, "z%u_%u", (unsigned) ch, (unsigned) themes[i]);
            binary(c, name);
        }
    }
    dp_buf_puts(c->b, "\nEnd\n");
}

static dp_status write_all(lp_ctx *c, dp_error *err)
{
    const dp_model *m = c->m;
    dp_id *themes = malloc(((size_t) m->themes.n + 1) * sizeof *themes);
    dp_status rc = DP_OK;

    if (!themes)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the LP");
    dp_buf_printf(c->b,
                  "\\ dagplan: exact MIP of the standard problem of centre %s\n"
                  "\\ (FORMAT.md section 2 without rules and stability; section 3 items 1-6)\n"
                  "\\ %u children, %u choices, %u sections, %u sessions\n",
                  m->centre.id, m->n_children, m->n_choices, m->n_sections, m->n_sessions);
    write_objective(c, themes);
    write_children(c, themes);
    write_sizes(c);
    rc = write_timeline(c, false, err);
    if (rc == DP_OK)
        rc = write_timeline(c, true, err);
    if (rc == DP_OK)
        write_binaries(c, themes);
    free(themes);
    return rc;
}

dp_status dp_export_lp(const dp_model *m, dp_buf *out, dp_lp_stats *stats, dp_error *err)
{
    lp_ctx c = {0};
    dp_status rc = check_fixed_times(m, err);

    if (rc != DP_OK)
        return rc;
    rc = alloc_ctx(&c, m, out);
    if (rc == DP_OK)
        rc = collect_x(&c);
    if (rc == DP_ENOMEM)
        DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the LP");
    if (rc == DP_OK)
        rc = write_all(&c, err);
    if (rc == DP_OK)
        rc = dp_buf_status(out, err);
    if (rc == DP_OK && stats)
        *stats = c.st;
    free_ctx(&c);
    return rc;
}
