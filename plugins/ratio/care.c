/* plugins/ratio/care.c - the care model: intervals, units, staff, away spans,
 * and counting a whole schedule from scratch. See care.h. */
#include "care.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dagplan/plugin.h"
#include "dagplan/time.h"

#define KEY(day, min) ((uint32_t) (day) *1441u + (uint32_t) (min))

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}

static bool child_in_care_ever(const dp_model *m, dp_id ch)
{
    const dp_child *c = &m->children[ch];

    for (uint32_t w = c->window0; w < c->window0 + c->n_windows; w++)
        if (m->windows[w].care)
            return true;
    return false;
}

static dp_ratio_care kind_of(const dp_model *m, dp_id ch)
{
    return m->children[ch].group == 0 ? DP_RATIO_DAYCARE : DP_RATIO_BSO;
}

/* The unit of a care group of a kind, created on first use; slot holds the
 * unit id + 1 (0: none yet). */
static uint32_t unit_for(dp_care *c, uint32_t *slot, const char *name, dp_ratio_care kind,
                         bool location)
{
    if (!*slot) {
        c->units[c->n_units] = (dp_care_unit){name, kind, location};
        *slot = ++c->n_units;
    }
    return *slot - 1;
}

/* Units and each child's unit: slots[(care group + 1) * 2 + kind]; the NL
 * 2024 out-of-school unit is slots[0]. */
static dp_status build_units(dp_care *c)
{
    const dp_model *m = c->m;
    size_t n_slots = ((size_t) m->care_groups.n + 1) * 2 + 2;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    bool loc_bso = c->rules.country == DP_RATIO_NL && c->rules.bso_rules == DP_RATIO_BSO_2024;

    c->units = calloc(n_slots, sizeof *c->units);
    c->child_unit = malloc(((size_t) m->n_children + 1) * sizeof *c->child_unit);
    if (!slots || !c->units || !c->child_unit) {
        free(slots);
        return DP_ENOMEM;
    }
    for (dp_id ch = 0; ch < m->n_children; ch++) {
        dp_ratio_care kind = kind_of(m, ch);
        dp_id g = m->children[ch].care_group;
        c->child_unit[ch] = DP_NONE;
        if (!child_in_care_ever(m, ch))
            continue;
        if (kind == DP_RATIO_BSO && loc_bso)
            c->child_unit[ch] = unit_for(c, &slots[0], "bso (whole location)", kind, true);
        else if (g == DP_NONE)
            c->child_unit[ch] =
                unit_for(c, &slots[2 + kind],
                         kind == DP_RATIO_DAYCARE ? "daycare without care group"
                                                  : "out-of-school care without care group",
                         kind, false);
        else
            c->child_unit[ch] = unit_for(c, &slots[((size_t) g + 1) * 2 + kind],
                                         m->care_groups.name[g], kind, false);
    }
    /* Care groups of rostered professionals: the unit of their children (a
     * group without care children has none: its professionals float). */
    c->cg_unit = malloc(((size_t) m->care_groups.n + 1) * sizeof *c->cg_unit);
    if (!c->cg_unit) {
        free(slots);
        return DP_ENOMEM;
    }
    for (dp_id g = 0; g < m->care_groups.n; g++) {
        uint32_t dc = slots[((size_t) g + 1) * 2 + DP_RATIO_DAYCARE];
        uint32_t bso = slots[((size_t) g + 1) * 2 + DP_RATIO_BSO];
        c->cg_unit[g] = dc ? dc - 1 : bso ? bso - 1 : DP_NONE;
    }
    for (dp_id ch = 0; ch < m->n_children; ch++) {
        dp_id g = m->children[ch].care_group;
        if (g != DP_NONE && c->child_unit[ch] != DP_NONE && c->cg_unit[g] == DP_NONE)
            c->cg_unit[g] = c->child_unit[ch];
    }
    free(slots);
    return DP_OK;
}

void dp__care_slot_span(const dp_care *c, uint32_t sl, int *day, int *from, int *to)
{
    const dp_model *m = c->m;
    dp_id k = DP_NONE;
    /* The slot's session: slots are grouped by session. */
    uint32_t lo = 0, hi = m->n_sessions;

    while (lo < hi) { /* last session with slot0 <= sl */
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->sessions[mid].slot0 <= sl)
            lo = mid + 1;
        else
            hi = mid;
    }
    k = lo - 1;
    const dp_section *s = &m->sections[m->sessions[k].section];
    int there = dp_model_travel(m, c->home, s->location);
    int back = dp_model_travel(m, s->location, c->home);
    int start, end;

    dp_session_span(m, k, sl, day, &start, &end);
    *from = start - (there > 0 ? there : 0);
    *to = end + (back > 0 ? back : 0);
    if (*from < 0)
        *from = 0;
    if (*to > DP_MINUTES_DAY)
        *to = DP_MINUTES_DAY;
}

/* Every time something can change, as sorted unique day/minute keys. */
static dp_status collect_cuts(dp_care *c, uint32_t **out, uint32_t *n_out)
{
    const dp_model *m = c->m;
    size_t cap = 2 * ((size_t) m->n_windows + m->n_rota + m->n_slots) + 1, n = 0;
    uint32_t *keys = malloc(cap * sizeof *keys);

    if (!keys)
        return DP_ENOMEM;
    for (uint32_t w = 0; w < m->n_windows; w++) {
        const dp_window *win = &m->windows[w];
        if (win->care && c->child_unit[win->child] != DP_NONE) {
            keys[n++] = KEY(win->day, win->from_min);
            keys[n++] = KEY(win->day, win->to_min);
        }
    }
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location == c->home && m->staff[ro->staff].bkr) {
            keys[n++] = KEY(ro->day, ro->from_min);
            keys[n++] = KEY(ro->day, ro->to_min);
        }
    }
    for (uint32_t sl = 0; sl < m->n_slots; sl++) {
        int day, from, to;
        dp__care_slot_span(c, sl, &day, &from, &to);
        keys[n++] = KEY(day, from);
        keys[n++] = KEY(day, to);
    }
    qsort(keys, n, sizeof *keys, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || keys[i] != keys[u - 1])
            keys[u++] = keys[i];
    *out = keys;
    *n_out = (uint32_t) u;
    return DP_OK;
}

static dp_status build_intervals(dp_care *c)
{
    uint32_t *keys, n;

    if (collect_cuts(c, &keys, &n) != DP_OK)
        return DP_ENOMEM;
    c->iv_from = malloc(((size_t) n + 1) * sizeof *c->iv_from);
    c->iv_to = malloc(((size_t) n + 1) * sizeof *c->iv_to);
    c->iv_day = malloc((size_t) n + 1);
    if (!c->iv_from || !c->iv_to || !c->iv_day) {
        free(keys);
        return DP_ENOMEM;
    }
    c->n_iv = 0;
    for (int d = 0; d < DP_N_DAYS; d++) {
        c->day_iv0[d] = c->n_iv;
        for (uint32_t i = 0; i + 1 < n; i++) {
            if (keys[i] / 1441 != (uint32_t) d || keys[i + 1] / 1441 != (uint32_t) d)
                continue;
            c->iv_day[c->n_iv] = (uint8_t) d;
            c->iv_from[c->n_iv] = (uint16_t) (keys[i] % 1441);
            c->iv_to[c->n_iv] = (uint16_t) (keys[i + 1] % 1441);
            c->n_iv++;
        }
    }
    c->day_iv0[DP_N_DAYS] = c->n_iv;
    free(keys);
    return DP_OK;
}

/* The interval of day `day` starting at `minute`, or the day's end index
 * when minute is the day's last cut. minute must be a cut. */
uint32_t dp__care_iv_at(const dp_care *c, int day, int minute)
{
    uint32_t lo = c->day_iv0[day], hi = c->day_iv0[day + 1];

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->iv_from[mid] < minute)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static dp_status build_staff(dp_care *c)
{
    const dp_model *m = c->m;

    c->dedicated = calloc((size_t) c->n_units * c->n_iv + 1, sizeof *c->dedicated);
    c->floating = calloc((size_t) c->n_iv + 1, sizeof *c->floating);
    if (!c->dedicated || !c->floating)
        return DP_ENOMEM;
    for (uint32_t r = 0; r < m->n_rota; r++) {
        const dp_rota *ro = &m->rota[r];
        if (ro->location != c->home || !m->staff[ro->staff].bkr)
            continue;
        uint32_t a = dp__care_iv_at(c, ro->day, ro->from_min),
                 b = dp__care_iv_at(c, ro->day, ro->to_min);
        dp_id u = ro->care_group == DP_NONE ? DP_NONE : c->cg_unit[ro->care_group];
        for (uint32_t iv = a; iv < b; iv++) {
            if (u == DP_NONE)
                c->floating[iv]++;
            else
                c->dedicated[(size_t) u * c->n_iv + iv]++;
        }
    }
    return DP_OK;
}

static dp_status build_sessions(dp_care *c)
{
    const dp_model *m = c->m;

    c->away0 = malloc(((size_t) m->n_slots + 1) * sizeof *c->away0);
    c->away1 = malloc(((size_t) m->n_slots + 1) * sizeof *c->away1);
    c->escorted = calloc((size_t) m->n_sections + 1, sizeof *c->escorted);
    if (!c->away0 || !c->away1 || !c->escorted)
        return DP_ENOMEM;
    for (uint32_t sl = 0; sl < m->n_slots; sl++) {
        int day, from, to;
        dp__care_slot_span(c, sl, &day, &from, &to);
        c->away0[sl] = dp__care_iv_at(c, day, from);
        c->away1[sl] = dp__care_iv_at(c, day, to);
    }
    for (dp_id s = 0; s < m->n_sections; s++)
        c->escorted[s] =
            m->activities[m->sections[s].activity].escort && m->sections[s].location != c->home;
    return DP_OK;
}

static void build_ages(dp_care *c)
{
    const dp_model *m = c->m;

    for (dp_id ch = 0; ch < m->n_children; ch++) {
        const dp_child *k = &m->children[ch];
        for (int d = 0; d < DP_N_DAYS; d++) {
            int age;
            if (k->birth_days == DP_NO_BIRTH_DATE) {
                /* No birth date: daycare counts the child as a baby (the
                 * strictest class); school group g is about age g + 3. */
                age = k->group == 0 ? 0 : k->group + 3;
            } else {
                int by, bm, bd, y, mo, da;
                dp_date_to_civil(k->birth_days, &by, &bm, &bd);
                dp_date_to_civil(c->monday + d, &y, &mo, &da);
                age = y - by - (mo < bm || (mo == bm && da < bd));
            }
            if (age < 0)
                age = 0;
            if (age > DP_RATIO_MAX_AGE)
                age = DP_RATIO_MAX_AGE;
            c->age[(size_t) ch * DP_N_DAYS + (size_t) d] = (uint8_t) age;
        }
    }
}

/* The 3-hour rule's budget of each day at home: the smallest over the kinds
 * of care with children that day (a shortfall is not attributed to a kind),
 * each kind's opening the span of its care windows. */
static void build_budgets(dp_care *c)
{
    const dp_model *m = c->m;

    for (int d = 0; d < DP_N_DAYS; d++) {
        bool school = false, present[2] = {false, false};
        int open[2] = {DP_MINUTES_DAY, DP_MINUTES_DAY}, close[2] = {0, 0};
        for (int g = 1; g <= DP_MAX_GROUP; g++)
            school = school || m->school[g][d].end_min > m->school[g][d].start_min;
        for (uint32_t w = 0; w < m->n_windows; w++) {
            const dp_window *win = &m->windows[w];
            if (win->day != d || !win->care || c->child_unit[win->child] == DP_NONE)
                continue;
            int k = c->units[c->child_unit[win->child]].kind == DP_RATIO_DAYCARE ? 0 : 1;
            present[k] = true;
            open[k] = win->from_min < open[k] ? win->from_min : open[k];
            close[k] = win->to_min > close[k] ? win->to_min : close[k];
        }
        unsigned b = UINT32_MAX;
        for (int k = 0; k < 2; k++) {
            if (!present[k])
                continue;
            unsigned x = dp_ratio_budget_minutes(&c->rules, k ? DP_RATIO_BSO : DP_RATIO_DAYCARE,
                                                 (unsigned) (close[k] - open[k]), school);
            b = x < b ? x : b;
        }
        c->budget[d] = b == UINT32_MAX ? 0 : b;
    }
}

static int32_t this_monday(void)
{
    int32_t today = (int32_t) (time(NULL) / 86400);

    return today - dp_date_weekday(today);
}

dp_status dp__care_init(dp_care *c, const dp_model *m, dp_error *err)
{
    memset(c, 0, sizeof *c);
    c->m = m;
    c->home = m->centre.home;
    c->rules.country = strcmp(m->centre.country, "BE-VL") == 0 ? DP_RATIO_BE_VL : DP_RATIO_NL;
    c->rules.bso_rules =
        strcmp(m->centre.ratio_rules, "2019") == 0 ? DP_RATIO_BSO_2019 : DP_RATIO_BSO_2024;
    c->escort_ratio = m->centre.escort_ratio > 0 ? (unsigned) m->centre.escort_ratio : 8;
    c->monday = m->week_monday ? m->week_monday : this_monday();
    /* Flanders changes its ratios on 1 January 2027: a week that reaches
     * into 2027 is planned by the new (stricter) rules on every day, which
     * keeps the old ones too. */
    c->rules.be_rules = dp_ratio_be_rules_on(c->monday + DP_N_DAYS - 1);
    c->has_rota = m->has_rota;
    c->age = malloc((size_t) m->n_children * DP_N_DAYS + 1);
    if (!c->age || build_units(c) != DP_OK || build_intervals(c) != DP_OK ||
        build_staff(c) != DP_OK || build_sessions(c) != DP_OK) {
        dp__care_release(c);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the childcare ratio");
    }
    build_ages(c);
    build_budgets(c);
    c->memo = calloc(DP_CARE_MEMO_SIZE, sizeof *c->memo); /* optional: NULL only slows down */
    return DP_OK;
}

void dp__care_release(dp_care *c)
{
    free(c->iv_from);
    free(c->iv_to);
    free(c->iv_day);
    free(c->units);
    free(c->child_unit);
    free(c->cg_unit);
    free(c->age);
    free(c->dedicated);
    free(c->floating);
    free(c->away0);
    free(c->away1);
    free(c->escorted);
    free(c->memo);
    memset(c, 0, sizeof *c);
}

bool dp__care_window_covers(const dp_care *c, dp_id ch, uint32_t iv)
{
    const dp_model *m = c->m;
    const dp_child *k = &m->children[ch];

    for (uint32_t w = k->window0; w < k->window0 + k->n_windows; w++) {
        const dp_window *win = &m->windows[w];
        if (win->care && win->day == c->iv_day[iv] && win->from_min <= c->iv_from[iv] &&
            c->iv_to[iv] <= win->to_min)
            return true;
    }
    return false;
}

int dp__care_required(const dp_care *c, uint32_t u, const uint16_t *n)
{
    uint8_t loc = c->units[u].location;
    dp_care_memo *e = NULL;
    /* Only Dutch daycare (Tabel 1, the formula, the band maxima) is worth
     * remembering; the other rules are a division or two. */
    if (c->memo && c->units[u].kind == DP_RATIO_DAYCARE && c->rules.country == DP_RATIO_NL) {
        uint32_t h = 2166136261u ^ loc;
        for (int a = 0; a < DP_RATIO_N_AGES; a++)
            h = (h ^ n[a]) * 16777619u;
        e = &c->memo[h & (DP_CARE_MEMO_SIZE - 1)];
        if (e->used && e->location == loc && memcmp(e->n, n, sizeof e->n) == 0)
            return e->required;
    }
    dp_ratio_group g;
    memset(&g, 0, sizeof g);
    for (int a = 0; a < DP_RATIO_N_AGES; a++)
        g.n_age[a] = n[a];
    g.location = c->units[u].location;
    int r = dp_ratio_required(&c->rules, &g);
    if (e) {
        memcpy(e->n, n, sizeof e->n);
        e->location = loc;
        e->used = 1;
        e->required = (int16_t) r;
    }
    return r;
}

void dp__care_sums_add(const dp_care *c, dp_care_sums *s, uint32_t u, uint32_t iv, int req,
                       int sign)
{
    int32_t d = c->dedicated[(size_t) u * c->n_iv + iv];

    if (req < 0) {
        s->n_bad += sign;
        s->surplus += sign * d; /* its professionals are there, but no requirement is known */
        s->half_surplus += sign * d;
        return;
    }
    int32_t h = (req + 1) / 2;
    s->req += sign * req;
    s->deficit += sign * (req > d ? req - d : 0);
    s->surplus += sign * (d > req ? d - req : 0);
    s->half_deficit += sign * (h > d ? h - d : 0);
    s->half_surplus += sign * (d > h ? d - h : 0);
}

int32_t dp__care_short(const dp_care *c, const dp_care_sums *s, uint32_t iv, int32_t e)
{
    int32_t esc = e > s->surplus ? e - s->surplus : 0;
    int32_t x = s->deficit + esc - (int32_t) c->floating[iv];

    return x > 0 ? x : 0;
}

void dp__care_classify(const dp_care *c, const dp_care_sums *s, uint32_t iv, int32_t e, bool *below,
                       bool *half, bool *bad)
{
    int32_t sh = dp__care_short(c, s, iv, e), need = s->req + e;

    int32_t esc = e > s->half_surplus ? e - s->half_surplus : 0;
    *below = sh > 0;
    /* Below half at the location, or some group below half of its own need
     * whatever the floating professionals do (docs/ratio.md). */
    *half = (need > 0 && need - sh < (need + 1) / 2) ||
            s->half_deficit + esc > (int32_t) c->floating[iv];
    *bad = s->n_bad > 0;
}

int64_t dp__care_day_hard(const dp_care *c, int day, int64_t below, int64_t half, int64_t bad)
{
    int64_t over = below - (int64_t) c->budget[day];

    return (over > 0 ? over : 0) + half + bad;
}

dp_status dp__care_count_alloc(const dp_care *c, dp_care_count *k)
{
    size_t ui = (size_t) c->n_units * c->n_iv;

    memset(k, 0, sizeof *k);
    k->cnt = calloc(ui * DP_RATIO_N_AGES + 1, sizeof *k->cnt);
    k->req = calloc(ui + 1, sizeof *k->req);
    k->escorts = calloc((size_t) c->n_iv + 1, sizeof *k->escorts);
    k->sum = calloc((size_t) c->n_iv + 1, sizeof *k->sum);
    if (!k->cnt || !k->req || !k->escorts || !k->sum) {
        dp__care_count_release(k);
        return DP_ENOMEM;
    }
    return DP_OK;
}

void dp__care_count_release(dp_care_count *k)
{
    free(k->cnt);
    free(k->req);
    free(k->escorts);
    free(k->sum);
    memset(k, 0, sizeof *k);
}

/* Whether interval iv lies in the away span of any of the child's granted
 * sessions. */
static bool child_away(const dp_care *c, dp_id ch, const dp_id *choice_section,
                       const uint32_t *session_slot, uint32_t iv)
{
    const dp_model *m = c->m;
    const dp_child *k = &m->children[ch];

    for (uint32_t i = k->choice0; i < k->choice0 + k->n_choices; i++) {
        dp_id s = choice_section[i];
        if (s == DP_NONE)
            continue;
        const dp_section *sec = &m->sections[s];
        for (uint32_t x = sec->session0; x < sec->session0 + sec->n_sessions; x++) {
            uint32_t sl = session_slot[x];
            if (c->away0[sl] <= iv && iv < c->away1[sl])
                return true;
        }
    }
    return false;
}

void dp__care_count(const dp_care *c, const dp_id *choice_section, const uint32_t *session_slot,
                    dp_care_count *k)
{
    const dp_model *m = c->m;
    size_t n_ui = (size_t) c->n_units * c->n_iv;

    memset(k->cnt, 0, n_ui * DP_RATIO_N_AGES * sizeof *k->cnt);
    memset(k->escorts, 0, c->n_iv * sizeof *k->escorts);
    for (uint32_t w = 0; w < m->n_windows; w++) {
        const dp_window *win = &m->windows[w];
        dp_id ch = win->child, u = c->child_unit[ch];
        if (!win->care || u == DP_NONE)
            continue;
        uint8_t age = c->age[(size_t) ch * DP_N_DAYS + win->day];
        uint32_t a = dp__care_iv_at(c, win->day, win->from_min),
                 b = dp__care_iv_at(c, win->day, win->to_min);
        for (uint32_t iv = a; iv < b; iv++)
            if (!child_away(c, ch, choice_section, session_slot, iv))
                k->cnt[((size_t) u * c->n_iv + iv) * DP_RATIO_N_AGES + age]++;
    }
    uint32_t *count = calloc((size_t) m->n_sections + 1, sizeof *count);
    if (count) {
        for (dp_id i = 0; i < m->n_choices; i++)
            if (choice_section[i] != DP_NONE)
                count[choice_section[i]]++;
        for (dp_id s = 0; s < m->n_sections; s++) {
            if (!c->escorted[s] || !count[s])
                continue;
            const dp_section *sec = &m->sections[s];
            for (uint32_t x = sec->session0; x < sec->session0 + sec->n_sessions; x++) {
                uint32_t sl = session_slot[x];
                for (uint32_t iv = c->away0[sl]; iv < c->away1[sl]; iv++)
                    k->escorts[iv] += (int32_t) dp__care_escorts(c, count[s]);
            }
        }
        free(count);
    }
    memset(k->sum, 0, c->n_iv * sizeof *k->sum);
    for (uint32_t u = 0; u < c->n_units; u++)
        for (uint32_t iv = 0; iv < c->n_iv; iv++) {
            size_t ui = (size_t) u * c->n_iv + iv;
            int r = dp__care_required(c, u, &k->cnt[ui * DP_RATIO_N_AGES]);
            k->req[ui] = (int16_t) r;
            dp__care_sums_add(c, &k->sum[iv], u, iv, r, +1);
        }
}
