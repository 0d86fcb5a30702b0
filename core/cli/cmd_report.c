/* core/cli/cmd_report.c - `dagplan report CITYDIR --out DIR`: the equity
 * report of a municipality (or of one centre) from the stored schedules.
 *
 * For every centre it loads the data (children, activities, sections,
 * choices) and reads the current stored version of the week, then adds up:
 * per priority level, per neighbourhood and per theme the children with
 * wishes, those placed (granted at least one activity), the wishes granted
 * and the extra minutes a week; places offered versus demand per theme and
 * age band; and the gap analysis: every neighbourhood x age band x theme cell
 * where children live but no activity of the theme is offered to their age
 * band at their centres, or where more children wished the theme than got
 * it, ranked by the priority children affected. It writes CSV files and one
 * self-contained index.html (inline CSS and SVG, no scripts, no external
 * assets), each by write-then-rename. Children are only counted: no child id
 * or name is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/buf.h"
#include "dagplan/load.h"
#include "dagplan/schedule.h"
#include "dagplan/time.h"

static const char help[] =
    "Usage: dagplan report CITYDIR --out DIR [--week YYYY-Www]\n\n"
    "Writes the equity report of the municipality CITYDIR (or of one centre\n"
    "directory) from the current stored schedule of each centre: DIR/index.html\n"
    "(opens offline: no external assets) with bar charts, and the CSV files\n"
    "priority.csv, neighbourhood.csv, theme.csv, theme_band.csv, gaps.csv and\n"
    "centres.csv. See docs/municipality.md for every column.\n\n"
    "  --out DIR         where to write (created when missing)\n"
    "  --week YYYY-Www   the week whose schedules to report (default: the weekly\n"
    "                    template)\n\n"
    "A centre without a stored schedule of the week, or with broken data, is\n"
    "listed in centres.csv and the page as not reported; the others are.\n\n"
    "Exit status: 0 written (every centre reported), 1 written without some centre\n"
    "or not written at all, 2 wrong usage.\n";

/* Age bands of school groups (the under-fours choose no extra programme). */
#define N_BANDS 3
static const char *const band_names[N_BANDS] = {"1-2", "3-5", "6-8"};

static int band_of(int group)
{
    return group <= 0 ? -1 : group <= 2 ? 0 : group <= 5 ? 1 : 2;
}

typedef struct tally {
    unsigned children;          /* all children (school groups 1-8 and under-fours) */
    unsigned priority;          /* of them with priority >= 1 */
    unsigned choosing;          /* with at least one wish */
    unsigned placed;            /* with at least one granted activity */
    unsigned wishes;            /* wishes */
    unsigned granted;           /* granted wishes */
    unsigned long long minutes; /* weekly minutes of the granted activities */
} tally;

typedef struct cell {               /* neighbourhood x band x theme, or band x theme (nb = -1) */
    unsigned wishing, wishing_prio; /* who wished the theme */
    unsigned granted, granted_prio; /* who got an activity of the theme */
    unsigned long long places;      /* places of the theme for the band at their centres */
} cell;

typedef struct names {
    char **s;
    size_t n, cap;
} names;

static int name_index(names *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->s[i], s) == 0)
            return (int) i;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **s2 = realloc(t->s, cap * sizeof *s2);
        if (!s2)
            return -1;
        t->s = s2;
        t->cap = cap;
    }
    if (!(t->s[t->n] = strdup(s)))
        return -1;
    return (int) t->n++;
}

typedef struct centre_row {
    char name[256], id[72], status[160];
    tally t;
    bool ok;
} centre_row;

typedef struct report {
    names nbs, themes;
    tally prio[4];
    tally *nb;    /* per neighbourhood (grows with nbs) */
    tally *theme; /* per theme: children = activities, priority = sections */
    unsigned long long *theme_places;
    cell *cells;                       /* [nb][band][theme], flat; resized as names grow */
    unsigned *nbb_children, *nbb_prio; /* [nb][band]: children of groups 1-8 living there */
    size_t cells_nb, cells_th;
    centre_row *centres;
    size_t n_centres;
    char week[16];
} report;

/* Makes room for neighbourhood nb and theme th in the arrays. */
static int grow(report *r)
{
    size_t nn = r->nbs.n, nt = r->themes.n;
    if (nn <= r->cells_nb && nt <= r->cells_th)
        return 0;
    size_t cn = nn > r->cells_nb ? nn + 16 : r->cells_nb,
           ct = nt > r->cells_th ? nt + 8 : r->cells_th;
    cell *c = calloc((cn + 1) * N_BANDS * ct, sizeof *c);
    tally *nb = calloc(cn, sizeof *nb), *th = calloc(ct, sizeof *th);
    unsigned long long *pl = calloc(ct, sizeof *pl);
    unsigned *kc = calloc((cn + 1) * N_BANDS, sizeof *kc),
             *kp = calloc((cn + 1) * N_BANDS, sizeof *kp);
    if (!c || !nb || !th || !pl || !kc || !kp) {
        free(c), free(nb), free(th), free(pl), free(kc), free(kp);
        return -1;
    }
    for (size_t i = 0; i <= r->cells_nb && r->nbb_children; i++) {
        size_t to = i == r->cells_nb ? cn : i;
        for (size_t b = 0; b < N_BANDS; b++) {
            kc[to * N_BANDS + b] = r->nbb_children[i * N_BANDS + b];
            kp[to * N_BANDS + b] = r->nbb_prio[i * N_BANDS + b];
        }
    }
    free(r->nbb_children), free(r->nbb_prio);
    r->nbb_children = kc, r->nbb_prio = kp;
    /* row cn of the new layout (index "nb = all") and rows 0..cells_nb-1 move */
    for (size_t i = 0; i <= r->cells_nb && r->cells; i++) {
        size_t to = i == r->cells_nb ? cn : i;
        for (size_t b = 0; b < N_BANDS; b++)
            for (size_t t = 0; t < r->cells_th; t++)
                c[(to * N_BANDS + b) * ct + t] = r->cells[(i * N_BANDS + b) * r->cells_th + t];
    }
    if (r->nb)
        memcpy(nb, r->nb, r->cells_nb * sizeof *nb);
    if (r->theme) {
        memcpy(th, r->theme, r->cells_th * sizeof *th);
        memcpy(pl, r->theme_places, r->cells_th * sizeof *pl);
    }
    free(r->cells), free(r->nb), free(r->theme), free(r->theme_places);
    r->cells = c, r->nb = nb, r->theme = th, r->theme_places = pl;
    r->cells_nb = cn, r->cells_th = ct;
    return 0;
}

/* nb = SIZE_MAX: the all-neighbourhoods row. */
static cell *cell_at(report *r, size_t nb, int band, size_t th)
{
    size_t row = nb == SIZE_MAX ? r->cells_nb : nb;
    return &r->cells[(row * N_BANDS + (size_t) band) * r->cells_th + th];
}

static void add_child(tally *t, const dp_child *ch, unsigned granted, unsigned minutes)
{
    t->children++;
    t->priority += ch->priority > 0;
    t->choosing += ch->n_choices > 0;
    t->placed += granted > 0;
    t->wishes += ch->n_choices;
    t->granted += granted;
    t->minutes += minutes;
}

/* Adds one centre with its schedule. Returns 0 or -1 (out of memory). */
static int add_centre(report *r, const dp_model *m, const dp_schedule *s, centre_row *row)
{
    int status = -1;
    int *nb_of = calloc(m->n_children + 1, sizeof *nb_of);
    uint8_t *granted = calloc(m->n_choices + 1, 1);
    unsigned *sec_minutes = calloc(m->n_sections + 1, sizeof *sec_minutes);
    dp_id *granted_section = calloc(m->n_choices + 1, sizeof *granted_section);
    uint8_t *offered = calloc((size_t) N_BANDS * (m->themes.n + 1), 1);
    unsigned long long *places = calloc((size_t) N_BANDS * (m->themes.n + 1), sizeof *places);

    if (!nb_of || !granted || !sec_minutes || !granted_section || !offered || !places)
        goto done;
    /* names of this centre -> indexes of the whole report */
    int *th_idx = calloc(m->themes.n + 1, sizeof *th_idx);
    if (!th_idx)
        goto done;
    for (uint32_t t = 0; t < m->themes.n; t++)
        if ((th_idx[t] = name_index(&r->themes, m->themes.name[t])) < 0)
            goto done_th;
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        const char *nb =
            ch->neighbourhood != DP_NONE ? m->neighbourhoods.name[ch->neighbourhood] : "(none)";
        if ((nb_of[c] = name_index(&r->nbs, nb)) < 0)
            goto done_th;
    }
    if (grow(r) != 0)
        goto done_th;
    for (dp_id ss = 0; ss < m->n_sessions; ss++)
        sec_minutes[m->sessions[ss].section] += m->sessions[ss].minutes;
    for (uint32_t i = 0; i < m->n_choices; i++)
        granted_section[i] = DP_NONE;
    for (uint32_t i = 0; i < s->n_assignments; i++) {
        const dp_sched_assignment *as = &s->assignments[i];
        dp_id c = dp_model_find(m, DP_KIND_CHILD, as->child, strlen(as->child));
        dp_id a = dp_model_find(m, DP_KIND_ACTIVITY, as->activity, strlen(as->activity));
        dp_id sec = dp_model_find(m, DP_KIND_SECTION, as->section, strlen(as->section));
        if (c == DP_NONE || a == DP_NONE || sec == DP_NONE)
            continue; /* the data changed since the solve: count what still exists */
        dp_id ch = dp_model_choice_of(m, c, a);
        if (ch != DP_NONE) {
            granted[ch] = 1;
            granted_section[ch] = sec;
        }
    }
    /* offering per band and theme at this centre (a camp that does not meet
     * in the week, sections.csv dates, offers nothing in it) */
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        const dp_activity *a = &m->activities[m->sections[sec].activity];
        if (m->sections[sec].n_ranges && !m->sections[sec].n_sessions)
            continue;
        for (int b = 0; b < N_BANDS; b++) {
            int lo = b == 0 ? 1 : b == 1 ? 3 : 6, hi = b == 0 ? 2 : b == 1 ? 5 : 8;
            if (a->max_group < lo || a->min_group > hi)
                continue;
            offered[(size_t) b * m->themes.n + a->theme] = 1;
            places[(size_t) b * m->themes.n + a->theme] += m->sections[sec].max_size;
        }
    }
    for (dp_id a = 0; a < m->n_activities; a++) {
        tally *t = &r->theme[th_idx[m->activities[a].theme]];
        t->children++; /* activities */
        for (uint32_t k = 0; k < m->activities[a].n_sections; k++) {
            const dp_section *sec = &m->sections[m->activities[a].section0 + k];
            if (sec->n_ranges && !sec->n_sessions)
                continue;
            t->priority++; /* sections */
            r->theme_places[th_idx[m->activities[a].theme]] += sec->max_size;
        }
    }
    /* which (band, theme) cells of which neighbourhoods this centre serves */
    uint8_t *seen = calloc(r->nbs.n * N_BANDS + 1, 1);
    if (!seen)
        goto done_th;
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        unsigned n_granted = 0, minutes = 0;
        bool prio = ch->priority > 0;
        int b = band_of(ch->group);
        uint8_t wish_th[256] = {0}, got_th[256] = {0};
        for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++) {
            dp_id t = m->activities[m->choices[i].activity].theme;
            if (t < 256)
                wish_th[t] = 1;
            if (granted[i]) {
                n_granted++;
                minutes += sec_minutes[granted_section[i]];
                if (t < 256)
                    got_th[t] = 1;
                r->theme[th_idx[t]].granted++;
            }
            r->theme[th_idx[t]].wishes++;
        }
        add_child(&r->prio[ch->priority], ch, n_granted, minutes);
        add_child(&r->nb[nb_of[c]], ch, n_granted, minutes);
        add_child(&row->t, ch, n_granted, minutes);
        for (uint32_t t = 0; t < m->themes.n && t < 256; t++) {
            r->theme[th_idx[t]].choosing += wish_th[t];
            r->theme[th_idx[t]].placed += got_th[t];
        }
        if (b < 0)
            continue;
        seen[(size_t) nb_of[c] * N_BANDS + (size_t) b] = 1;
        for (uint32_t t = 0; t < m->themes.n && t < 256; t++) {
            for (int all = 0; all < 2; all++) {
                cell *x = cell_at(r, all ? SIZE_MAX : (size_t) nb_of[c], b, (size_t) th_idx[t]);
                x->wishing += wish_th[t];
                x->wishing_prio += wish_th[t] && prio;
                x->granted += got_th[t];
                x->granted_prio += got_th[t] && prio;
            }
        }
        /* children in the cell, whatever the theme */
        for (int all = 0; all < 2; all++) {
            size_t at = all ? r->cells_nb : (size_t) nb_of[c];
            r->nbb_children[at * N_BANDS + (size_t) b]++;
            r->nbb_prio[at * N_BANDS + (size_t) b] += prio;
        }
    }
    for (size_t nb = 0; nb < r->nbs.n; nb++)
        for (int b = 0; b < N_BANDS; b++)
            for (uint32_t t = 0; t < m->themes.n; t++)
                if (seen[nb * N_BANDS + (size_t) b])
                    cell_at(r, nb, b, (size_t) th_idx[t])->places +=
                        places[(size_t) b * m->themes.n + t];
    for (int b = 0; b < N_BANDS; b++)
        for (uint32_t t = 0; t < m->themes.n; t++)
            cell_at(r, SIZE_MAX, b, (size_t) th_idx[t])->places +=
                places[(size_t) b * m->themes.n + t];
    free(seen);
    status = 0;
done_th:
    free(th_idx);
done:
    free(nb_of), free(granted), free(sec_minutes), free(granted_section);
    free(offered), free(places);
    return status;
}

/* ---- output ---- */

static void csv_field(dp_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        dp_buf_puts(b, s);
        return;
    }
    dp_buf_puts(b, "\"");
    for (; *s; s++)
        dp_buf_puts(b, *s == '"' ? "\"\"" : (char[]){*s, 0});
    dp_buf_puts(b, "\"");
}

static double ratio(unsigned long long a, unsigned long long b)
{
    return b ? (double) a / (double) b : 0.0;
}

/* The columns priority.csv and neighbourhood.csv share. */
static const char tally_header[] =
    "children,priority_children,choosing,placed,coverage,wishes,granted,mean_granted,"
    "mean_minutes";

static void tally_csv(dp_buf *b, const tally *t)
{
    dp_buf_printf(b, "%u,%u,%u,%u,%.3f,%u,%u,%.3f,%.1f\n", t->children, t->priority, t->choosing,
                  t->placed, ratio(t->placed, t->choosing), t->wishes, t->granted,
                  ratio(t->granted, t->choosing), ratio(t->minutes, t->choosing));
}

typedef struct gap {
    size_t nb, th;
    int band;
    bool none; /* no offering; else demand above places */
    unsigned prio_affected, affected;
} gap;

static const report *sort_r;

static int gap_cmp(const void *pa, const void *pb)
{
    const gap *a = pa, *b = pb;
    if (a->prio_affected != b->prio_affected)
        return a->prio_affected > b->prio_affected ? -1 : 1;
    if (a->affected != b->affected)
        return a->affected > b->affected ? -1 : 1;
    int c = strcmp(sort_r->nbs.s[a->nb], sort_r->nbs.s[b->nb]);
    if (c)
        return c;
    if (a->band != b->band)
        return a->band < b->band ? -1 : 1;
    return strcmp(sort_r->themes.s[a->th], sort_r->themes.s[b->th]);
}

static gap *find_gaps(report *r, size_t *n_out)
{
    size_t n = 0;
    gap *g = malloc((r->nbs.n * N_BANDS * r->themes.n + 1) * sizeof *g);
    if (!g)
        return NULL;
    for (size_t nb = 0; nb < r->nbs.n; nb++)
        for (int b = 0; b < N_BANDS; b++) {
            unsigned kids = r->nbb_children[nb * N_BANDS + (size_t) b];
            unsigned prio = r->nbb_prio[nb * N_BANDS + (size_t) b];
            if (!kids)
                continue;
            for (size_t t = 0; t < r->themes.n; t++) {
                const cell *x = cell_at(r, nb, b, t);
                gap y = {nb, t, b, false, 0, 0};
                if (x->places == 0) {
                    y.none = true;
                    y.prio_affected = prio;
                    y.affected = kids;
                } else if (x->wishing > x->granted) {
                    y.prio_affected = x->wishing_prio - x->granted_prio;
                    y.affected = x->wishing - x->granted;
                } else {
                    continue;
                }
                g[n++] = y;
            }
        }
    sort_r = r;
    qsort(g, n, sizeof *g, gap_cmp);
    *n_out = n;
    return g;
}

static void gaps_csv(dp_buf *b, report *r, const gap *g, size_t n)
{
    dp_buf_puts(b, "rank,week,neighbourhood,band,theme,kind,priority_affected,children_affected,"
                   "children,priority_children,wishing,wishing_priority,granted,"
                   "granted_priority,places\n");
    for (size_t i = 0; i < n; i++) {
        const cell *x = cell_at(r, g[i].nb, g[i].band, g[i].th);
        size_t k = g[i].nb * N_BANDS + (size_t) g[i].band;
        dp_buf_printf(b, "%zu,%s,", i + 1, r->week[0] ? r->week : "template");
        csv_field(b, r->nbs.s[g[i].nb]);
        dp_buf_printf(b, ",%s,", band_names[g[i].band]);
        csv_field(b, r->themes.s[g[i].th]);
        dp_buf_printf(b, ",%s,%u,%u,%u,%u,%u,%u,%u,%u,%llu\n",
                      g[i].none ? "no-offering" : "demand-above-places", g[i].prio_affected,
                      g[i].affected, r->nbb_children[k], r->nbb_prio[k], x->wishing,
                      x->wishing_prio, x->granted, x->granted_prio, x->places);
    }
}

/* A horizontal bar chart: n bars of value[i] / max, labelled. */
static void svg_bars(dp_buf *b, const char *title, const char *const *label, const double *value,
                     size_t n, double max, const char *unit)
{
    int row = 22, left = 190, width = 360, h = row * (int) n + 30;
    dp_buf_printf(b, "<figure><svg role=\"img\" aria-label=\"");
    dp_buf_put_html(b, title);
    dp_buf_printf(b, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", left + width + 80, h,
                  left + width + 80, h);
    for (size_t i = 0; i < n; i++) {
        double w = max > 0 ? value[i] / max * width : 0;
        int y = 10 + row * (int) i;
        dp_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y + 14);
        dp_buf_put_html(b, label[i]);
        dp_buf_printf(b,
                      "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                      "class=\"bar\"/><text x=\"%.1f\" y=\"%d\">%.*f%s</text>",
                      left, y + 2, w, left + w + 4, y + 14, unit[0] == '%' ? 1 : 2,
                      unit[0] == '%' ? 100 * value[i] : value[i], unit);
    }
    dp_buf_puts(b, "</svg><figcaption>");
    dp_buf_put_html(b, title);
    dp_buf_puts(b, "</figcaption></figure>\n");
}

static void tally_row_html(dp_buf *b, const char *name, const tally *t)
{
    dp_buf_puts(b, "<tr><th scope=\"row\">");
    dp_buf_put_html(b, name);
    dp_buf_printf(b,
                  "</th><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%.1f%%</td><td>%u</td>"
                  "<td>%u</td><td>%.2f</td><td>%.0f</td></tr>\n",
                  t->children, t->priority, t->choosing, t->placed,
                  100 * ratio(t->placed, t->choosing), t->wishes, t->granted,
                  ratio(t->granted, t->choosing), ratio(t->minutes, t->choosing));
}

static const char tally_head_html[] =
    "<tr><th scope=\"col\">%s</th><th scope=\"col\">children</th><th scope=\"col\">priority "
    "children</th><th scope=\"col\">with wishes</th><th scope=\"col\">placed</th><th "
    "scope=\"col\">coverage</th><th scope=\"col\">wishes</th><th scope=\"col\">granted</th><th "
    "scope=\"col\">granted per child</th><th scope=\"col\">minutes a week per child</th></tr>\n";

/* Tables scroll sideways inside their own focusable region on a narrow
 * screen, so the page itself never does (and a keyboard can scroll them). */
static void table_open(dp_buf *b, const char *caption)
{
    dp_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"");
    dp_buf_put_html(b, caption);
    dp_buf_puts(b, "\"><table><caption>");
    dp_buf_put_html(b, caption);
    dp_buf_puts(b, "</caption>");
}

static void write_html(dp_buf *b, report *r, const char *title, const gap *g, size_t n_gaps)
{
    const char *labels[256];
    double v[256], v2[256];
    size_t n;

    dp_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>dagplan report: ");
    dp_buf_put_html(b, title);
    dp_buf_puts(b, "</title><style>body{font-family:system-ui,sans-serif;margin:1em;max-width:"
                   "70em}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid "
                   "#bbb;padding:.2em .5em;text-align:right}th[scope=row],td.l{text-align:left}"
                   "caption{text-align:left;font-weight:bold}.bar{fill:#2a6fb0}.bar2{fill:#e08a2c}"
                   "svg text{font-size:12px}figure{margin:0 0 1em}svg{max-width:100%;height:auto}"
                   ".scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:3px solid #1a5fb4}"
                   "</style></head><body>\n<header><h1>");
    dp_buf_put_html(b, title);
    dp_buf_printf(
        b,
        "</h1>\n<p>Week: %s. Coverage: children placed in at least one activity of "
        "those with wishes. Priority children: priority 1-3. Minutes: the weekly "
        "minutes of the granted activities per child with wishes.</p>\n</header>\n<main>\n",
        r->week[0] ? r->week : "weekly template");
    /* centres */
    dp_buf_puts(b, "<h2>Centres</h2>");
    table_open(b, "Centres and their schedules");
    dp_buf_printf(b, tally_head_html, "centre");
    for (size_t i = 0; i < r->n_centres; i++) {
        const centre_row *c = &r->centres[i];
        if (c->ok) {
            tally_row_html(b, c->name, &c->t);
        } else {
            dp_buf_puts(b, "<tr><th scope=\"row\">");
            dp_buf_put_html(b, c->name);
            dp_buf_puts(b, "</th><td class=\"l\" colspan=\"9\">not reported: ");
            dp_buf_put_html(b, c->status);
            dp_buf_puts(b, "</td></tr>\n");
        }
    }
    dp_buf_puts(b, "</table></div>\n<h2>By priority level</h2>\n");
    static const char *const pn[4] = {"priority 0", "priority 1", "priority 2", "priority 3"};
    for (n = 0; n < 4; n++) {
        labels[n] = pn[n];
        v[n] = ratio(r->prio[n].placed, r->prio[n].choosing);
        v2[n] = ratio(r->prio[n].granted, r->prio[n].choosing);
    }
    svg_bars(b, "Coverage by priority level", labels, v, 4, 1.0, "%");
    svg_bars(b, "Granted activities per child with wishes, by priority level", labels, v2, 4,
             2.0 > v2[0] ? 2.0 : v2[0], "");
    table_open(b, "By priority level");
    dp_buf_printf(b, tally_head_html, "priority");
    for (int p = 0; p < 4; p++)
        tally_row_html(b, pn[p], &r->prio[p]);
    dp_buf_puts(b, "</table></div>\n<h2>By neighbourhood</h2>\n");
    for (n = 0; n < r->nbs.n && n < 256; n++) {
        labels[n] = r->nbs.s[n];
        v[n] = ratio(r->nb[n].placed, r->nb[n].choosing);
    }
    svg_bars(b, "Coverage by neighbourhood", labels, v, n, 1.0, "%");
    table_open(b, "By neighbourhood");
    dp_buf_printf(b, tally_head_html, "neighbourhood");
    for (size_t i = 0; i < r->nbs.n; i++)
        tally_row_html(b, r->nbs.s[i], &r->nb[i]);
    dp_buf_puts(b, "</table></div>\n<h2>By theme</h2>\n");
    double most = 0;
    for (n = 0; n < r->themes.n && n < 256; n++) {
        labels[n] = r->themes.s[n];
        v[n] = (double) r->theme_places[n];
        v2[n] = (double) r->theme[n].wishes;
        most = v[n] > most ? v[n] : most;
        most = v2[n] > most ? v2[n] : most;
    }
    svg_bars(b, "Places offered by theme", labels, v, n, most, "");
    svg_bars(b, "Wishes by theme", labels, v2, n, most, "");
    table_open(b, "By theme");
    dp_buf_puts(b, "<tr><th scope=\"col\">theme</th><th "
                   "scope=\"col\">activities</th><th scope=\"col\">sections</th><th "
                   "scope=\"col\">places</th><th scope=\"col\">wishes</th><th "
                   "scope=\"col\">granted</th><th scope=\"col\">children wishing</th><th "
                   "scope=\"col\">children granted</th><th scope=\"col\">coverage</th></tr>\n");
    for (size_t t = 0; t < r->themes.n; t++) {
        const tally *x = &r->theme[t];
        dp_buf_puts(b, "<tr><th scope=\"row\">");
        dp_buf_put_html(b, r->themes.s[t]);
        dp_buf_printf(b,
                      "</th><td>%u</td><td>%u</td><td>%llu</td><td>%u</td><td>%u</td><td>%u</td>"
                      "<td>%u</td><td>%.1f%%</td></tr>\n",
                      x->children, x->priority, r->theme_places[t], x->wishes, x->granted,
                      x->choosing, x->placed, 100 * ratio(x->placed, x->choosing));
    }
    dp_buf_puts(b, "</table></div>\n<h2>Places and demand by age band and theme</h2>");
    table_open(b, "Places offered versus children wishing, by school-group band");
    dp_buf_puts(b, "<tr><th "
                   "scope=\"col\">band</th><th scope=\"col\">theme</th><th "
                   "scope=\"col\">places</th><th scope=\"col\">children wishing</th><th "
                   "scope=\"col\">granted</th><th scope=\"col\">not granted</th></tr>\n");
    for (int bd = 0; bd < N_BANDS; bd++)
        for (size_t t = 0; t < r->themes.n; t++) {
            const cell *x = cell_at(r, SIZE_MAX, bd, t);
            dp_buf_printf(b, "<tr><th scope=\"row\">groups %s</th><td class=\"l\">",
                          band_names[bd]);
            dp_buf_put_html(b, r->themes.s[t]);
            dp_buf_printf(b, "</td><td>%llu</td><td>%u</td><td>%u</td><td>%u</td></tr>\n",
                          x->places, x->wishing, x->granted, x->wishing - x->granted);
        }
    dp_buf_printf(
        b,
        "</table></div>\n<h2>Gap analysis</h2><p>%zu neighbourhood &times; age band &times; "
        "theme cells where children live but no activity of the theme is offered to "
        "their age band at their centres (<em>no offering</em>), or where more "
        "children wished the theme than got it (<em>demand above places</em>), ranked "
        "by the priority children affected. Also in gaps.csv.</p>\n",
        n_gaps);
    table_open(b, "Gaps, most priority children affected first");
    dp_buf_puts(b, "<tr><th "
                   "scope=\"col\">rank</th><th scope=\"col\">neighbourhood</th><th "
                   "scope=\"col\">groups</th><th scope=\"col\">theme</th><th "
                   "scope=\"col\">kind</th><th scope=\"col\">priority children affected</th><th "
                   "scope=\"col\">children affected</th><th scope=\"col\">places</th></tr>\n");
    for (size_t i = 0; i < n_gaps; i++) {
        const cell *x = cell_at(r, g[i].nb, g[i].band, g[i].th);
        dp_buf_printf(b, "<tr><td>%zu</td><td class=\"l\">", i + 1);
        dp_buf_put_html(b, r->nbs.s[g[i].nb]);
        dp_buf_printf(b, "</td><td class=\"l\">%s</td><td class=\"l\">", band_names[g[i].band]);
        dp_buf_put_html(b, r->themes.s[g[i].th]);
        dp_buf_printf(b, "</td><td class=\"l\">%s</td><td>%u</td><td>%u</td><td>%llu</td></tr>\n",
                      g[i].none ? "no offering" : "demand above places", g[i].prio_affected,
                      g[i].affected, x->places);
    }
    dp_buf_puts(b, "</table></div>\n</main>\n<footer><p>Generated by dagplan " DP_VERSION
                   ". No child data: counts only.</p></footer>\n</body></html>\n");
}

static int write_out(const char *dir, const char *name, dp_buf *b)
{
    char path[4096];
    dp_error err = {0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (dp_buf_write_file(b, path, &err) != DP_OK) {
        fprintf(stderr, "dagplan report: ");
        dp_error_print(&err, stderr, false);
        dp_buf_release(b);
        return 1;
    }
    dp_buf_release(b);
    return 0;
}

static int write_report(report *r, const char *out, const char *title)
{
    dp_buf b;
    size_t n_gaps = 0;
    int status = 0;
    gap *g = find_gaps(r, &n_gaps);

    if (!g) {
        fprintf(stderr, "dagplan report: out of memory\n");
        return 1;
    }
    dp_buf_init(&b);
    dp_buf_printf(&b, "priority,%s\n", tally_header);
    for (int p = 0; p < 4; p++) {
        dp_buf_printf(&b, "%d,", p);
        tally_csv(&b, &r->prio[p]);
    }
    status |= write_out(out, "priority.csv", &b);
    dp_buf_init(&b);
    dp_buf_printf(&b, "neighbourhood,%s\n", tally_header);
    for (size_t i = 0; i < r->nbs.n; i++) {
        csv_field(&b, r->nbs.s[i]);
        dp_buf_puts(&b, ",");
        tally_csv(&b, &r->nb[i]);
    }
    status |= write_out(out, "neighbourhood.csv", &b);
    dp_buf_init(&b);
    dp_buf_puts(&b, "theme,activities,sections,places,wishes,granted,children_wishing,"
                    "children_granted,coverage\n");
    for (size_t t = 0; t < r->themes.n; t++) {
        const tally *x = &r->theme[t];
        csv_field(&b, r->themes.s[t]);
        dp_buf_printf(&b, ",%u,%u,%llu,%u,%u,%u,%u,%.3f\n", x->children, x->priority,
                      r->theme_places[t], x->wishes, x->granted, x->choosing, x->placed,
                      ratio(x->placed, x->choosing));
    }
    status |= write_out(out, "theme.csv", &b);
    dp_buf_init(&b);
    dp_buf_puts(&b, "band,theme,places,children_wishing,children_granted,children_not_granted\n");
    for (int bd = 0; bd < N_BANDS; bd++)
        for (size_t t = 0; t < r->themes.n; t++) {
            const cell *x = cell_at(r, SIZE_MAX, bd, t);
            dp_buf_printf(&b, "%s,", band_names[bd]);
            csv_field(&b, r->themes.s[t]);
            dp_buf_printf(&b, ",%llu,%u,%u,%u\n", x->places, x->wishing, x->granted,
                          x->wishing - x->granted);
        }
    status |= write_out(out, "theme_band.csv", &b);
    dp_buf_init(&b);
    gaps_csv(&b, r, g, n_gaps);
    status |= write_out(out, "gaps.csv", &b);
    dp_buf_init(&b);
    dp_buf_printf(&b, "centre,id,status,%s\n", tally_header);
    for (size_t i = 0; i < r->n_centres; i++) {
        const centre_row *c = &r->centres[i];
        csv_field(&b, c->name);
        dp_buf_puts(&b, ",");
        csv_field(&b, c->id);
        dp_buf_puts(&b, ",");
        csv_field(&b, c->ok ? "reported" : c->status);
        dp_buf_puts(&b, ",");
        tally_csv(&b, &c->t);
    }
    status |= write_out(out, "centres.csv", &b);
    dp_buf_init(&b);
    write_html(&b, r, title, g, n_gaps);
    status |= write_out(out, "index.html", &b);
    free(g);
    return status;
}

/* Reads one centre into the report; row says how it went. */
static void read_centre(report *r, const char *dir, const char *week, centre_row *row)
{
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_store *store = NULL;
    dp_schedule *s = NULL;
    char *json = NULL, db[4096];
    dp_error err = {0};
    struct stat st;

    int year = 0, wk = 0;
    if (week[0] && dp_isoweek_parse(week, strlen(week), &year, &wk) != 0)
        wk = 0; /* checked by the option parser */
    if (!diags || dp_load_centre_week(dir, year, wk, diags, &m, &err) != DP_OK) {
        snprintf(row->status, sizeof row->status,
                 "the data has errors (see 'dagplan check %.100s')", dir);
        goto done;
    }
    snprintf(row->id, sizeof row->id, "%s", m->centre.id);
    snprintf(db, sizeof db, "%s/dagplan.db", dir);
    if (stat(db, &st) != 0 || dp_store_open(db, &store, &err) != DP_OK ||
        dp_store_get_version(store, week, 0, NULL, &json, &err) != DP_OK) {
        snprintf(row->status, sizeof row->status, "no stored schedule of %s",
                 week[0] ? week : "the weekly template");
        goto done;
    }
    if (dp_schedule_parse(json, strlen(json), &s, &err) != DP_OK ||
        strcmp(s->centre, m->centre.id) != 0) {
        snprintf(row->status, sizeof row->status, "the stored schedule is not of centre %.64s",
                 m->centre.id);
        goto done;
    }
    if (add_centre(r, m, s, row) != 0) {
        snprintf(row->status, sizeof row->status, "out of memory");
        goto done;
    }
    row->ok = true;
done:
    if (!row->ok)
        fprintf(stderr, "dagplan report: %s: not reported: %s\n", dir, row->status);
    dp_schedule_free(s);
    dp_store_free(json);
    dp_store_close(store);
    dp_model_free(m);
    dp_diags_free(diags);
}

int dp__cmd_report(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("out", true), DP_OPT("week", true)};
    size_t n = sizeof opts / sizeof *opts, n_dirs = 0;
    dp_args args;
    report r;
    char **dirs = NULL;
    char *single[1] = {NULL};
    int year, wk, status = 0;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    const char *out = dp__args_get(opts, n, "out")->value;
    if (args.n_positional != 1 || !out) {
        fputs(help, stderr);
        return 2;
    }
    memset(&r, 0, sizeof r);
    const char *w = dp__args_get(opts, n, "week")->value;
    if (w) {
        if (dp_isoweek_parse(w, strlen(w), &year, &wk) != 0) {
            fprintf(stderr, "dagplan report: --week expects YYYY-Www (e.g. 2027-W03), got '%s'\n",
                    w);
            return 2;
        }
        dp_isoweek_format(year, wk, r.week);
    }
    const char *dir = args.positional[0];
    bool city = dp_load_is_municipality(dir);
    if (city) {
        dp_diags *diags = dp_diags_new();
        dp_error err = {0};
        if (!diags || dp_load_municipality(dir, diags, &dirs, &n_dirs, &err) != DP_OK) {
            if (diags)
                dp_diags_print(diags, stderr);
            dp_diags_free(diags);
            return 1;
        }
        dp_diags_free(diags);
    } else {
        if (!(single[0] = strdup(dir)))
            return 1;
        dirs = single;
        n_dirs = 1;
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan report: cannot create %s: %s\n", out, strerror(errno));
        status = 1;
        goto done;
    }
    r.centres = calloc(n_dirs, sizeof *r.centres);
    if (!r.centres) {
        status = 1;
        goto done;
    }
    r.n_centres = n_dirs;
    size_t n_ok = 0;
    for (size_t i = 0; i < n_dirs; i++) {
        const char *slash = strrchr(dirs[i], '/');
        snprintf(r.centres[i].name, sizeof r.centres[i].name, "%s",
                 slash && slash[1] ? slash + 1 : dirs[i]);
        read_centre(&r, dirs[i], r.week, &r.centres[i]);
        n_ok += r.centres[i].ok;
    }
    if (n_ok == 0) {
        fprintf(stderr,
                "dagplan report: no centre of %s has a stored schedule to report; "
                "nothing was written (run 'dagplan solve %s%s%s' first)\n",
                dir, dir, r.week[0] ? " --week " : "", r.week);
        status = 1;
        goto done;
    }
    if (r.nbs.n == 0 || r.themes.n == 0)
        (void) grow(&r);
    const char *slash = strrchr(dir, '/');
    char title[300];
    snprintf(title, sizeof title, "%s %s", city ? "Municipality" : "Centre",
             slash && slash[1] ? slash + 1 : dir);
    status = write_report(&r, out, title);
    if (status == 0)
        printf("dagplan report: %zu of %zu centres reported into %s (index.html and CSV files)\n",
               n_ok, n_dirs, out);
    if (n_ok < n_dirs)
        status = 1;
done:
    if (city)
        dp_load_free_list(dirs, n_dirs);
    free(single[0]);
    for (size_t i = 0; i < r.nbs.n; i++)
        free(r.nbs.s[i]);
    for (size_t i = 0; i < r.themes.n; i++)
        free(r.themes.s[i]);
    free(r.nbs.s), free(r.themes.s), free(r.nb), free(r.theme), free(r.theme_places);
    free(r.cells), free(r.nbb_children), free(r.nbb_prio), free(r.centres);
    return status;
}
