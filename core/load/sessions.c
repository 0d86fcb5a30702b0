/* core/load/sessions.c - sessions.csv (with candidate times) and rota.csv.
 *
 * A session's day and start may each list candidates separated by '|'
 * (`tue|thu`, `15:00|15:45`); its options are the product, days outer and
 * starts inner, kept in the loader's temporary slot list in file order until
 * checks.c groups the sessions by section. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

enum { SS_SECTION, SS_DAY, SS_START, SS_MIN, SS_N };

static const dp__col session_cols[SS_N] = {
    {"section", true}, {"day", true}, {"start", true}, {"minutes", true}};

/* Splits field f at '|' and parses each piece with parse (day or time);
 * reports an empty piece, a bad one or a repeated one at its own column. */
static bool parse_candidates(dp__table *t, const dp__csv_field *f, bool is_day, int *vals, int *n)
{
    const char *what = is_day ? "a day mon, tue, wed, thu, fri, sat or sun"
                              : "a time HH:MM between 00:00 and 24:00";
    char q[64], piece[64];
    size_t off = 0;

    *n = 0;
    for (;;) {
        size_t len = 0;
        while (off + len < f->len && f->s[off + len] != '|')
            len++;
        uint32_t col = dp__csv_col_at(f, off);
        dp__csv_field pf = {f->s + off, (uint32_t) len, f->line, col, false};
        int v = -1;
        if (len > 0)
            v = is_day ? dp_day_parse(pf.s, len) : (dp_time_parse(pf.s, len, &v) == 0 ? v : -1);
        if (len == f->len && v < 0) {
            dp__report(t, DP_SEV_ERROR, f->line, col, "expected %s, got '%s'", what,
                       dp__quote(f, q, sizeof q));
            return false;
        }
        if (len == 0 || v < 0) {
            dp__report(t, DP_SEV_ERROR, f->line, col,
                       "expected %s, or candidates separated by '|', got '%s'%s%s%s", what,
                       dp__quote(f, q, sizeof q), len ? " ('" : " (an empty candidate)",
                       len ? dp__quote(&pf, piece, sizeof piece) : "", len ? "')" : "");
            return false;
        }
        for (int i = 0; i < *n; i++) {
            if (vals[i] == v) {
                dp__report(t, DP_SEV_ERROR, f->line, col,
                           "candidate '%s' is listed twice in '%s': expected distinct candidates",
                           dp__quote(&pf, piece, sizeof piece), dp__quote(f, q, sizeof q));
                return false;
            }
        }
        if (*n == DP__MAX_CANDIDATES) {
            dp__report(t, DP_SEV_ERROR, f->line, col, "expected at most %d candidates",
                       DP__MAX_CANDIDATES);
            return false;
        }
        vals[(*n)++] = v;
        off += len;
        if (off == f->len)
            return true;
        off++; /* the '|' */
    }
}

static bool add_slots(dp__loader *ld, dp__sess_tmp *st, const int *days, int n_days,
                      const int *starts, int n_starts)
{
    uint32_t need = ld->n_tmp_slots + (uint32_t) (n_days * n_starts);

    if (!dp__grow((void **) &ld->tmp_slots, &ld->cap_tmp_slots, need, sizeof *ld->tmp_slots))
        return dp__oom(ld);
    st->s.slot0 = ld->n_tmp_slots;
    st->s.n_slots = (uint32_t) (n_days * n_starts);
    for (int d = 0; d < n_days; d++) {
        for (int s = 0; s < n_starts; s++) {
            dp_slot *sl = &ld->tmp_slots[ld->n_tmp_slots++];
            sl->day = (uint8_t) days[d];
            sl->start_min = (uint16_t) starts[s];
        }
    }
    return true;
}

static void session_row(dp__loader *ld, dp__table *t, dp__sess_tmp *st)
{
    int days[DP__MAX_CANDIDATES], starts[DP__MAX_CANDIDATES], n_days = 0, n_starts = 0;
    long minutes = 0;
    const dp__csv_field *f;

    bool ok = dp__get_ref(t, SS_SECTION, DP_KIND_SECTION, &st->s.section);
    f = dp__field(t, SS_DAY);
    if (!f->len)
        ok = dp__get_day(t, SS_DAY, days) && ok; /* reports the empty field */
    else
        ok = parse_candidates(t, f, true, days, &n_days) && ok;
    f = dp__field(t, SS_START);
    if (!f->len)
        ok = dp__get_time(t, SS_START, starts) && ok;
    else
        ok = parse_candidates(t, f, false, starts, &n_starts) && ok;
    ok = dp__get_int(t, SS_MIN, "a duration in minutes", 1, DP_MINUTES_DAY, &minutes) && ok;
    if (!ok)
        return;
    f = dp__field(t, SS_MIN);
    int latest = 0;
    for (int i = 0; i < n_starts; i++)
        latest = starts[i] > latest ? starts[i] : latest;
    if (latest + minutes > DP_MINUTES_DAY) {
        char buf[8];
        dp_time_format(latest, buf);
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "the session runs past 24:00: it starts at %s and lasts %ld minutes", buf,
                   minutes);
        return;
    }
    st->s.minutes = (uint16_t) minutes;
    st->s.line = t->csv.fields[0].line;
    st->min_col = f->col;
    st->file_idx = ld->n_sess;
    if (add_slots(ld, st, days, n_days, starts, n_starts))
        ld->n_sess++;
}

void dp__load_sessions(dp__loader *ld)
{
    dp__table t;

    if (dp__table_open(ld, &t, "sessions.csv", session_cols, SS_N, true) == DP_OK && t.ok) {
        ld->sess = calloc(t.max_rows, sizeof *ld->sess);
        if (!ld->sess)
            dp__oom(ld);
        while (ld->sess && dp__table_next(&t))
            session_row(ld, &t, &ld->sess[ld->n_sess]);
    }
    dp__table_close(&t);
}

enum { R_STAFF, R_DAY, R_FROM, R_TO, R_LOC, R_CARE, R_N };

static const dp__col rota_cols[R_N] = {{"staff", true}, {"day", true},       {"from", true},
                                       {"to", true},    {"location", false}, {"care_group", false}};

static void rota_row(dp__loader *ld, dp__table *t)
{
    dp_rota r = {.staff = DP_NONE, .location = ld->m->centre.home, .care_group = DP_NONE};
    int day = 0, from = 0, to = 0;
    dp_id loc = DP_NONE;

    bool ok = dp__get_ref(t, R_STAFF, DP_KIND_STAFF, &r.staff);
    ok = dp__get_day(t, R_DAY, &day) && ok;
    bool times = dp__get_time(t, R_FROM, &from);
    times = dp__get_time(t, R_TO, &to) && times;
    ok = dp__get_ref(t, R_LOC, DP_KIND_LOCATION, &loc) && ok;
    ok = dp__get_ref(t, R_CARE, DP_KIND_CARE_GROUP, &r.care_group) && ok;
    if (times && to <= from) {
        char buf[8];
        dp_time_format(from, buf);
        const dp__csv_field *f = dp__field(t, R_TO);
        dp__report(t, DP_SEV_ERROR, f->line, f->col, "expected 'to' after 'from' (%s), got '%s'",
                   buf, f->s);
        return;
    }
    if (!ok || !times)
        return;
    if (loc != DP_NONE)
        r.location = loc;
    r.day = (uint8_t) day;
    r.from_min = (uint16_t) from;
    r.to_min = (uint16_t) to;
    r.line = t->csv.fields[0].line;
    ld->m->rota[ld->m->n_rota++] = r;
}

void dp__load_rota(dp__loader *ld)
{
    dp__table t;

    if (!dp__table_exists(ld, "rota.csv"))
        return;
    ld->m->has_rota = true;
    if (dp__table_open(ld, &t, "rota.csv", rota_cols, R_N, false) == DP_OK && t.ok) {
        ld->m->rota = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *ld->m->rota);
        if (!ld->m->rota)
            dp__oom(ld);
        while (ld->m->rota && dp__table_next(&t))
            rota_row(ld, &t);
    }
    dp__table_close(&t);
}
