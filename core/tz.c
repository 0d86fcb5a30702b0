/* core/tz.c - time zones from the compiled tz database (TZif, RFC 8536).
 *
 * A zone is the file's table of transitions (the 64-bit block of version 2+
 * files, the 32-bit one of version 1 files) plus the POSIX TZ string in the
 * footer, which gives the rule for every instant after the last transition
 * (Debian's "fat" files stop listing transitions in 2037; "slim" files much
 * earlier). Nothing here reads the TZ variable or calls localtime: a dp_tz is
 * immutable after loading, so zones can be used side by side and from several
 * threads.
 *
 * Invariants after a successful parse: transition instants strictly ascend,
 * every type index and abbreviation index is in range, every abbreviation is
 * NUL-terminated, and offsets lie within (-25 h, +26 h) (RFC 9636), which is
 * what lets dp_tz_to_utc look only two days around a local time. The footer
 * is evaluated with 64-bit arithmetic on instants clamped to +-1e14 seconds
 * (three million years), so no input can overflow it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "time_impl.h"

#define TZ_ABBR_MAX    31                       /* longest abbreviation in a footer */
#define TZ_T_LIM       INT64_C(100000000000000) /* footer clamp, seconds */
#define TZ_FOOTER_MIN  INT64_C(-62135596800)    /* 0001-01-01T00:00Z */
#define TZ_FOOTER_MAX  INT64_C(253402300800)    /* 10000-01-01T00:00Z */
#define TZ_OFF_MIN     (-89999)                 /* -24:59:59 */
#define TZ_OFF_MAX     93599                    /* +25:59:59 */
#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"

typedef struct tz_type {
    int32_t utoff; /* seconds east of UTC */
    bool is_dst;   /* daylight-saving time */
    uint32_t abbr; /* index into dp_tz.abbrs */
} tz_type;

typedef enum rule_kind {
    RULE_JULIAN1, /* Jn: day 1..365, February 29th never counted */
    RULE_JULIAN0, /* n: day 0..365, February 29th counted */
    RULE_MONTH    /* Mm.w.d: weekday d of week w (5 = last) of month m */
} rule_kind;

typedef struct tz_rule {
    rule_kind kind; /* which form */
    int day;        /* Jn/n: the day; Mm.w.d: weekday, 0 = Sunday */
    int month;      /* Mm.w.d: 1..12 */
    int week;       /* Mm.w.d: 1..5 */
    int32_t time_s; /* local time of day of the change, -167 h .. 167 h */
} tz_rule;

typedef struct tz_footer {
    bool present;                   /* the TZ string is not empty */
    bool has_dst;                   /* it has a DST part and rules */
    int32_t std_off;                /* standard offset, seconds east */
    int32_t dst_off;                /* DST offset, seconds east */
    char std_abbr[TZ_ABBR_MAX + 1]; /* "CET" */
    char dst_abbr[TZ_ABBR_MAX + 1]; /* "CEST" */
    tz_rule start;                  /* change to DST, in standard local time */
    tz_rule end;                    /* change back, in DST local time */
} tz_footer;

struct dp_tz {
    char *name;          /* as given to dp_tz_load */
    size_t n_trans;      /* transitions in the table */
    int64_t *trans_at;   /* their instants, strictly ascending */
    uint8_t *trans_type; /* index into types of the type after each */
    size_t n_types;      /* 1..256 */
    tz_type *types;      /* local time types */
    char *abbrs;         /* NUL-terminated abbreviations, indexed by type */
    tz_footer footer;    /* rule after the last transition */
};

/* The local time in force at an instant. */
typedef struct tz_state {
    int32_t off;      /* seconds east of UTC */
    bool is_dst;      /* daylight-saving time */
    const char *abbr; /* borrowed from the dp_tz */
} tz_state;

/* One change produced by the footer rule. */
typedef struct tz_event {
    int64_t at;  /* instant */
    bool to_dst; /* true: into DST, false: back to standard time */
} tz_event;

/* ---- the POSIX TZ string of the footer ---------------------------------- */

typedef struct tzs {
    const char *s; /* the string, not NUL-terminated */
    size_t len;    /* its length */
    size_t pos;    /* next character */
} tzs;

static int peek(const tzs *t)
{
    return t->pos < t->len ? (unsigned char) t->s[t->pos] : -1;
}

static bool is_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static bool parse_abbr(tzs *t, char *out)
{
    size_t start, n;
    bool quoted = peek(t) == '<';

    if (quoted)
        t->pos++;
    start = t->pos;
    while (quoted ? (is_alpha(peek(t)) || is_digit(peek(t)) || peek(t) == '+' || peek(t) == '-')
                  : is_alpha(peek(t)))
        t->pos++;
    n = t->pos - start;
    if (quoted) {
        if (peek(t) != '>')
            return false;
        t->pos++;
    }
    if (n < 3 || n > TZ_ABBR_MAX)
        return false;
    memcpy(out, t->s + start, n);
    out[n] = '\0';
    return true;
}

/* 1..max_digits decimal digits with a value <= max; -1 when absent or bigger. */
static int parse_num(tzs *t, int max_digits, int max)
{
    int v = 0, n = 0;

    while (n < max_digits && is_digit(peek(t))) {
        v = v * 10 + (peek(t) - '0');
        t->pos++;
        n++;
    }
    return n == 0 || v > max ? -1 : v;
}

/* [+-]h[h[h]][:mm[:ss]] with hours <= max_h, as signed seconds. */
static bool parse_hms(tzs *t, int max_h, int32_t *secs)
{
    int sign = 1, h, m = 0, s = 0;

    if (peek(t) == '+' || peek(t) == '-') {
        sign = peek(t) == '-' ? -1 : 1;
        t->pos++;
    }
    h = parse_num(t, 3, max_h);
    if (h >= 0 && peek(t) == ':') {
        t->pos++;
        m = parse_num(t, 2, 59);
        if (m >= 0 && peek(t) == ':') {
            t->pos++;
            s = parse_num(t, 2, 59);
        }
    }
    if (h < 0 || m < 0 || s < 0)
        return false;
    *secs = sign * (h * 3600 + m * 60 + s);
    return true;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00; RFC 8536 allows
 * -167..167 hours). */
static bool parse_rule(tzs *t, tz_rule *r)
{
    r->time_s = 7200;
    r->month = r->week = 0;
    if (peek(t) == 'J') {
        t->pos++;
        r->kind = RULE_JULIAN1;
        r->day = parse_num(t, 3, 365);
        if (r->day < 1)
            return false;
    } else if (peek(t) == 'M') {
        t->pos++;
        r->kind = RULE_MONTH;
        r->month = parse_num(t, 2, 12);
        if (r->month < 1 || peek(t) != '.')
            return false;
        t->pos++;
        r->week = parse_num(t, 1, 5);
        if (r->week < 1 || peek(t) != '.')
            return false;
        t->pos++;
        r->day = parse_num(t, 1, 6);
    } else {
        r->kind = RULE_JULIAN0;
        r->day = parse_num(t, 3, 365);
    }
    if (r->day < 0)
        return false;
    if (peek(t) == '/') {
        t->pos++;
        return parse_hms(t, 167, &r->time_s);
    }
    return true;
}

/* Parses std offset [dst [offset] ,rule,rule]; an empty string means "no
 * rule". Returns NULL or what is wrong. */
static const char *parse_footer(const char *s, size_t len, tz_footer *f)
{
    tzs t = {s, len, 0};
    int32_t v;

    memset(f, 0, sizeof *f);
    if (len == 0)
        return NULL;
    if (!parse_abbr(&t, f->std_abbr))
        return "bad standard-time abbreviation in the TZ string";
    if (!parse_hms(&t, 24, &v))
        return "bad standard-time offset in the TZ string";
    f->std_off = -v; /* POSIX counts west positive */
    f->dst_off = f->std_off;
    f->present = true;
    if (t.pos == t.len)
        return NULL;
    if (!parse_abbr(&t, f->dst_abbr))
        return "bad daylight-time abbreviation in the TZ string";
    f->dst_off = f->std_off + 3600;
    if (peek(&t) != ',' && t.pos < t.len) {
        if (!parse_hms(&t, 24, &v))
            return "bad daylight-time offset in the TZ string";
        f->dst_off = -v;
    }
    if (peek(&t) != ',')
        return "TZ string has daylight time but no rule";
    t.pos++;
    if (!parse_rule(&t, &f->start) || peek(&t) != ',')
        return "bad start rule in the TZ string";
    t.pos++;
    if (!parse_rule(&t, &f->end) || t.pos != t.len)
        return "bad end rule in the TZ string";
    f->has_dst = true;
    return NULL;
}

/* ---- evaluating the footer rule ----------------------------------------- */

static int64_t clamp_t(int64_t t)
{
    return t < -TZ_T_LIM ? -TZ_T_LIM : t > TZ_T_LIM ? TZ_T_LIM : t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t year_of(int64_t t)
{
    int64_t y;
    int m, d;

    dp__civil_from_days(floor_div(clamp_t(t), 86400), &y, &m, &d);
    return y;
}

/* Days since the epoch of the day a rule names in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
    int64_t jan1 = dp__days_from_civil(y, 1, 1), first;
    int wd_first, mday;

    if (r->kind == RULE_JULIAN1)
        return jan1 + r->day - 1 + (dp__is_leap(y) && r->day >= 60);
    if (r->kind == RULE_JULIAN0)
        return jan1 + r->day;
    first = dp__days_from_civil(y, r->month, 1);
    wd_first = (int) (((first + 4) % 7 + 7) % 7); /* 1970-01-01: Thursday, 4 */
    mday = 1 + (r->day - wd_first + 7) % 7 + (r->week - 1) * 7;
    if (mday > dp__month_days(y, r->month))
        mday -= 7; /* week 5 means the last such weekday */
    return first + mday - 1;
}

/* The footer's changes in years y0 .. y0+3, sorted by instant. Stable, so a
 * change back and a change in at the same instant keep year order (all-year
 * DST strings such as "EST5EDT,0/0,J365/25" rely on it). */
static void footer_events(const tz_footer *f, int64_t y0, tz_event ev[8])
{
    for (int i = 0; i < 4; i++) {
        ev[2 * i].at = rule_day(&f->start, y0 + i) * 86400 + f->start.time_s - f->std_off;
        ev[2 * i].to_dst = true;
        ev[2 * i + 1].at = rule_day(&f->end, y0 + i) * 86400 + f->end.time_s - f->dst_off;
        ev[2 * i + 1].to_dst = false;
    }
    for (int i = 1; i < 8; i++) {
        tz_event e = ev[i];
        int j = i;
        while (j > 0 && ev[j - 1].at > e.at) {
            ev[j] = ev[j - 1];
            j--;
        }
        ev[j] = e;
    }
}

static tz_state footer_state_of(const tz_footer *f, bool dst)
{
    tz_state s = {dst ? f->dst_off : f->std_off, dst, dst ? f->dst_abbr : f->std_abbr};
    return s;
}

/* Whether the footer has DST in force at instant t. */
static bool footer_is_dst(const tz_footer *f, int64_t t)
{
    tz_event ev[8];
    bool dst = false;

    if (!f->has_dst)
        return false;
    t = clamp_t(t);
    /* Rule times reach 167 h, so last year's changes may fall into this one. */
    footer_events(f, year_of(t) - 2, ev);
    for (int i = 0; i < 8 && ev[i].at <= t; i++)
        dst = ev[i].to_dst;
    return dst;
}

/* The first change of DST state strictly after t, where the state is cur
 * (footer_is_dst(f, t)); false when there is none
 * within the next years (then the rule never changes anything). Each
 * candidate is confirmed with footer_is_dst, whose window holds both partners
 * of a change back and a change in at the same instant. */
static bool footer_next(const tz_footer *f, int64_t t, bool cur, tz_event *next)
{
    tz_event ev[8];

    footer_events(f, year_of(t) - 1, ev);
    for (int i = 0; i < 8; i++) {
        if (ev[i].at <= t || (i + 1 < 8 && ev[i + 1].at == ev[i].at))
            continue; /* of several changes at one instant, the last counts */
        if (footer_is_dst(f, ev[i].at) != cur) {
            next->at = ev[i].at;
            next->to_dst = !cur;
            return true;
        }
    }
    return false;
}

/* ---- lookups ------------------------------------------------------------ */

static tz_state type_state(const dp_tz *tz, size_t i)
{
    tz_state s = {tz->types[i].utoff, tz->types[i].is_dst, tz->abbrs + tz->types[i].abbr};
    return s;
}

static tz_state state_at(const dp_tz *tz, int64_t t)
{
    size_t lo = 0, hi = tz->n_trans;

    if (tz->footer.present && (tz->n_trans == 0 || t > tz->trans_at[tz->n_trans - 1]))
        return footer_state_of(&tz->footer, footer_is_dst(&tz->footer, t));
    if (tz->n_trans == 0 || t < tz->trans_at[0])
        return type_state(tz, 0); /* RFC 8536: type 0 before the first */
    while (hi - lo > 1) {         /* the last transition at or before t */
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans_at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return type_state(tz, tz->trans_type[lo]);
}

const char *dp_tz_name(const dp_tz *tz)
{
    return tz->name;
}

int dp_tz_offset(const dp_tz *tz, int64_t utc_seconds, const char **abbrev)
{
    tz_state s = state_at(tz, utc_seconds);

    if (abbrev)
        *abbrev = s.abbr;
    return s.off;
}

static bool same_state(tz_state a, tz_state b)
{
    return a.off == b.off && a.is_dst == b.is_dst && strcmp(a.abbr, b.abbr) == 0;
}

static void emit(dp_tz_transition *out, size_t max, size_t *n, int64_t at, tz_state before,
                 tz_state after)
{
    if (*n < max) {
        dp_tz_transition tr = {at, before.off, after.off, after.is_dst, after.abbr};
        out[*n] = tr;
    }
    (*n)++;
}

/* The table's transitions in [from, to) that change anything. */
static void table_transitions(const dp_tz *tz, int64_t from, int64_t to, dp_tz_transition *out,
                              size_t max, size_t *n)
{
    size_t lo = 0, hi = tz->n_trans;

    while (lo < hi) { /* the first transition at or after from */
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans_at[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < tz->n_trans && tz->trans_at[i] < to; i++) {
        tz_state before = type_state(tz, i == 0 ? 0 : tz->trans_type[i - 1]);
        tz_state after = type_state(tz, tz->trans_type[i]);
        if (!same_state(before, after))
            emit(out, max, n, tz->trans_at[i], before, after);
    }
}

/* The footer's transitions in [from, to) after the table's last one. */
static void footer_transitions(const dp_tz *tz, int64_t from, int64_t to, dp_tz_transition *out,
                               size_t max, size_t *n)
{
    const tz_footer *f = &tz->footer;
    int64_t t;
    tz_event ev;
    bool cur;

    if (!f->present || !f->has_dst)
        return;
    if (tz->n_trans > 0) {
        if (tz->trans_at[tz->n_trans - 1] >= TZ_FOOTER_MAX)
            return;
        if (from <= tz->trans_at[tz->n_trans - 1])
            from = tz->trans_at[tz->n_trans - 1] + 1;
    }
    from = from < TZ_FOOTER_MIN ? TZ_FOOTER_MIN : from;
    to = to > TZ_FOOTER_MAX ? TZ_FOOTER_MAX : to;
    t = from - 1;
    cur = footer_is_dst(f, t);
    while (t < to && footer_next(f, t, cur, &ev) && ev.at < to) {
        emit(out, max, n, ev.at, footer_state_of(f, cur), footer_state_of(f, ev.to_dst));
        cur = ev.to_dst;
        t = ev.at;
    }
}

size_t dp_tz_transitions(const dp_tz *tz, int64_t from_utc, int64_t to_utc, dp_tz_transition *out,
                         size_t max)
{
    size_t n = 0;

    if (from_utc >= to_utc)
        return 0;
    table_transitions(tz, from_utc, to_utc, out, max, &n);
    footer_transitions(tz, from_utc, to_utc, out, max, &n);
    return n;
}

int64_t dp_tz_to_utc(const dp_tz *tz, int32_t days, int minutes)
{
    /* Offsets lie within +-26 h, so every instant whose local time is L lies
     * within two days of L: look at the offsets in force in that window, in
     * time order, and take the first that maps back to L. */
    int64_t local = (int64_t) days * 86400 + (int64_t) minutes * 60;
    int64_t lo = local - 2 * 86400, seg_start = INT64_MIN;
    dp_tz_transition tr[16];
    size_t n = dp_tz_transitions(tz, lo, local + 2 * 86400, tr, 16);
    int off = dp_tz_offset(tz, lo, NULL);

    n = n > 16 ? 16 : n;
    for (size_t k = 0; k <= n; k++) {
        int64_t seg_end = k < n ? tr[k].at_utc : INT64_MAX;
        if (local - off >= seg_start && local - off < seg_end)
            return local - off;
        if (k < n) {
            seg_start = seg_end;
            off = tr[k].offset_after;
        }
    }
    /* A local time in a gap: move it forward by the gap, which is reading it
     * with the offset from before the change. */
    for (size_t k = 0; k < n; k++) {
        if (local >= tr[k].at_utc + tr[k].offset_before &&
            local < tr[k].at_utc + tr[k].offset_after)
            return local - tr[k].offset_before;
    }
    return local - dp_tz_offset(tz, local, NULL);
}

/* ---- the TZif parser ---------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p; /* the file's bytes */
    size_t len;             /* how many */
    size_t pos;             /* next byte */
    const char *source;     /* file name for messages */
    dp_error *err;          /* where failures go */
} cursor;

typedef struct tzif_header {
    unsigned char version; /* 0, '2', '3' or '4' */
    uint32_t isutcnt;      /* UT/local indicators */
    uint32_t isstdcnt;     /* standard/wall indicators */
    uint32_t leapcnt;      /* leap-second records */
    uint32_t timecnt;      /* transitions */
    uint32_t typecnt;      /* local time types */
    uint32_t charcnt;      /* bytes of abbreviations */
} tzif_header;

static dp_status malformed(const cursor *c, size_t at, const char *what)
{
    dp_loc loc = {c->source, 0, 0};
    return DP_FAIL(c->err, DP_EINPUT, &loc, "not a valid TZif time-zone file: %s at byte %zu", what,
                   at);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    uint64_t u = (uint64_t) be32(p) << 32 | be32(p + 4);
    /* Two's complement without relying on implementation-defined conversion. */
    return u <= INT64_MAX ? (int64_t) u : -(int64_t) (~u) - 1;
}

static int32_t be32s(const unsigned char *p)
{
    uint32_t u = be32(p);
    return u <= INT32_MAX ? (int32_t) u : -(int32_t) (~u) - 1;
}

static dp_status read_header(cursor *c, tzif_header *h)
{
    const unsigned char *p = c->p + c->pos;

    if (c->len - c->pos < 44)
        return malformed(c, c->pos, "truncated header");
    if (memcmp(p, "TZif", 4) != 0)
        return malformed(c, c->pos, "missing \"TZif\" magic");
    h->version = p[4];
    if (h->version != 0 && (h->version < '2' || h->version > '4'))
        return malformed(c, c->pos + 4, "unknown version");
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > 256 || h->charcnt == 0)
        return malformed(c, c->pos + 36, "type or abbreviation count out of range");
    if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
        return malformed(c, c->pos + 20, "indicator count differs from the type count");
    c->pos += 44;
    return DP_OK;
}

/* Bytes of the data block that follows a header; time_size is 4 or 8. */
static uint64_t block_size(const tzif_header *h, unsigned time_size)
{
    return (uint64_t) h->timecnt * (time_size + 1) + (uint64_t) h->typecnt * 6 + h->charcnt +
           (uint64_t) h->leapcnt * (time_size + 4) + h->isstdcnt + h->isutcnt;
}

static dp_status alloc_tables(dp_tz *tz, const tzif_header *h)
{
    /* +1: malloc(0) may return NULL. */
    tz->trans_at = malloc(((size_t) h->timecnt + 1) * sizeof *tz->trans_at);
    tz->trans_type = malloc((size_t) h->timecnt + 1);
    tz->types = malloc((size_t) h->typecnt * sizeof *tz->types);
    tz->abbrs = malloc((size_t) h->charcnt + 1);
    if (!tz->trans_at || !tz->trans_type || !tz->types || !tz->abbrs)
        return DP_ENOMEM;
    tz->n_trans = h->timecnt;
    tz->n_types = h->typecnt;
    return DP_OK;
}

static dp_status read_transitions(cursor *c, const tzif_header *h, unsigned tsize, dp_tz *tz)
{
    for (size_t i = 0; i < h->timecnt; i++) {
        const unsigned char *p = c->p + c->pos + i * tsize;
        tz->trans_at[i] = tsize == 8 ? be64(p) : be32s(p);
        if (i > 0 && tz->trans_at[i] <= tz->trans_at[i - 1])
            return malformed(c, c->pos + i * tsize, "transition times not ascending");
    }
    c->pos += (size_t) h->timecnt * tsize;
    for (size_t i = 0; i < h->timecnt; i++) {
        tz->trans_type[i] = c->p[c->pos + i];
        if (tz->trans_type[i] >= h->typecnt)
            return malformed(c, c->pos + i, "transition type index out of range");
    }
    c->pos += h->timecnt;
    return DP_OK;
}

static dp_status read_types(cursor *c, const tzif_header *h, dp_tz *tz)
{
    const unsigned char *abbrs = c->p + c->pos + (size_t) h->typecnt * 6;

    for (size_t i = 0; i < h->typecnt; i++) {
        const unsigned char *p = c->p + c->pos + i * 6;
        tz_type *ty = &tz->types[i];
        ty->utoff = be32s(p);
        ty->is_dst = p[4] == 1;
        ty->abbr = p[5];
        if (ty->utoff < TZ_OFF_MIN || ty->utoff > TZ_OFF_MAX)
            return malformed(c, c->pos + i * 6, "UTC offset out of range");
        if (p[4] > 1)
            return malformed(c, c->pos + i * 6 + 4, "DST flag not 0 or 1");
        if (ty->abbr >= h->charcnt || !memchr(abbrs + ty->abbr, 0, h->charcnt - ty->abbr))
            return malformed(c, c->pos + i * 6 + 5, "abbreviation index out of range");
    }
    c->pos += (size_t) h->typecnt * 6;
    memcpy(tz->abbrs, c->p + c->pos, h->charcnt);
    tz->abbrs[h->charcnt] = '\0';
    c->pos += h->charcnt;
    return DP_OK;
}

static dp_status read_indicators(cursor *c, const tzif_header *h)
{
    const unsigned char *std = c->p + c->pos, *ut = std + h->isstdcnt;

    for (size_t i = 0; i < h->isstdcnt; i++) {
        if (std[i] > 1)
            return malformed(c, c->pos + i, "standard/wall indicator not 0 or 1");
    }
    for (size_t i = 0; i < h->isutcnt; i++) {
        if (ut[i] > 1 || (ut[i] == 1 && h->isstdcnt && std[i] != 1))
            return malformed(c, c->pos + h->isstdcnt + i, "bad UT/local indicator");
    }
    c->pos += (size_t) h->isstdcnt + h->isutcnt;
    return DP_OK;
}

/* One header and data block into tz; tsize is 4 (version 1) or 8. */
static dp_status read_block(cursor *c, const tzif_header *h, unsigned tsize, dp_tz *tz)
{
    dp_status rc;

    if (block_size(h, tsize) > c->len - c->pos)
        return malformed(c, c->pos, "data block runs past the end of the file");
    if (h->leapcnt != 0)
        return malformed(c, c->pos, "leap-second records are not supported (a \"right/\" zone)");
    if (alloc_tables(tz, h) != DP_OK)
        return DP_FAIL(c->err, DP_ENOMEM, NULL, "loading time zone %s", c->source);
    rc = read_transitions(c, h, tsize, tz);
    if (rc == DP_OK)
        rc = read_types(c, h, tz);
    if (rc == DP_OK)
        rc = read_indicators(c, h);
    return rc;
}

static dp_status read_footer(cursor *c, dp_tz *tz)
{
    const unsigned char *start, *nl;
    const char *why;

    if (c->pos >= c->len || c->p[c->pos] != '\n')
        return malformed(c, c->pos, "missing newline before the TZ string footer");
    start = c->p + c->pos + 1;
    nl = memchr(start, '\n', c->len - c->pos - 1);
    if (!nl)
        return malformed(c, c->pos, "TZ string footer not ended by a newline");
    for (const unsigned char *q = start; q < nl; q++) {
        if (*q < 0x20 || *q > 0x7e)
            return malformed(c, (size_t) (q - c->p), "control or non-ASCII byte in the TZ string");
    }
    why = parse_footer((const char *) start, (size_t) (nl - start), &tz->footer);
    if (why)
        return malformed(c, c->pos + 1, why);
    c->pos = (size_t) (nl - c->p) + 1;
    return DP_OK;
}

static dp_status parse_body(cursor *c, dp_tz *tz)
{
    tzif_header h;
    dp_status rc = read_header(c, &h);

    if (rc != DP_OK)
        return rc;
    if (h.version == 0)
        return read_block(c, &h, 4, tz);
    /* Version 2+: skip the 32-bit block, which only old readers need. */
    if (block_size(&h, 4) > c->len - c->pos)
        return malformed(c, c->pos, "version 1 data block runs past the end of the file");
    c->pos += (size_t) block_size(&h, 4);
    rc = read_header(c, &h);
    if (rc == DP_OK)
        rc = read_block(c, &h, 8, tz);
    if (rc == DP_OK)
        rc = read_footer(c, tz);
    return rc;
}

dp_status dp__tz_parse(const unsigned char *data, size_t len, const char *name, const char *source,
                       dp_tz **out, dp_error *err)
{
    cursor c = {data, len, 0, source ? source : "<memory>", err};
    size_t name_len = strlen(name);
    dp_tz *tz = calloc(1, sizeof *tz);
    dp_status rc;

    if (tz)
        tz->name = malloc(name_len + 1);
    if (!tz || !tz->name) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "loading time zone %s", name);
        goto done;
    }
    memcpy(tz->name, name, name_len + 1);
    rc = parse_body(&c, tz);

done:
    if (rc != DP_OK) {
        dp_tz_free(tz);
        return rc;
    }
    *out = tz;
    return DP_OK;
}

void dp_tz_free(dp_tz *tz)
{
    if (!tz)
        return;
    free(tz->abbrs);
    free(tz->types);
    free(tz->trans_type);
    free(tz->trans_at);
    free(tz->name);
    free(tz);
}

/* ---- loading from the database ------------------------------------------ */

/* Zone names are relative paths of [A-Za-z0-9_+-] components separated by
 * single slashes: nothing that could leave the database directory. */
static dp_status check_name(const char *name, dp_error *err)
{
    size_t len = name ? strlen(name) : 0;

    if (len == 0)
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "empty time-zone name, expected e.g. "
                       "\"Europe/Amsterdam\"");
    if (len > 200 || name[0] == '/' || strstr(name, "..") || strstr(name, "//") ||
        name[len - 1] == '/')
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "invalid time-zone name \"%.200s\", expected an IANA name such as "
                       "\"Europe/Amsterdam\"",
                       name);
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char) name[i];
        if (!is_alpha(ch) && !is_digit(ch) && !strchr("_+-/", ch))
            return DP_FAIL(err, DP_EINPUT, NULL,
                           "invalid character in time-zone name \"%.200s\", expected letters, "
                           "digits, '_', '+', '-' and '/'",
                           name);
    }
    return DP_OK;
}

/* Reads a whole regular file of at most DP_TZ_MAX_FILE bytes. */
static dp_status read_zone_file(const char *name, const char *path, unsigned char **data,
                                size_t *len, dp_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    dp_status rc = DP_OK;

    if (!f && (errno == ENOENT || errno == ENOTDIR))
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "unknown time zone \"%s\": no such zone in the "
                       "tz database (%s)",
                       name, path);
    if (!f)
        return DP_FAIL(err, DP_EIO, NULL, "time zone \"%s\": %s: %s", name, path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = DP_FAIL(err, DP_EINPUT, NULL, "time zone \"%s\": %s is not a zone file", name, path);
        goto done;
    }
    if (st.st_size > (off_t) DP_TZ_MAX_FILE) {
        rc = DP_FAIL(err, DP_EINPUT, NULL, "time zone \"%s\": %s is larger than %u bytes", name,
                     path, DP_TZ_MAX_FILE);
        goto done;
    }
    *data = malloc((size_t) st.st_size + 1);
    if (!*data) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "reading %s", path);
        goto done;
    }
    *len = fread(*data, 1, (size_t) st.st_size, f);
    if (ferror(f)) {
        rc = DP_FAIL(err, DP_EIO, NULL, "time zone \"%s\": %s: read error", name, path);
        free(*data);
        *data = NULL;
    }

done:
    fclose(f);
    return rc;
}

dp_status dp_tz_load(const char *name, dp_tz **out, dp_error *err)
{
    const char *dir = getenv("TZDIR");
    unsigned char *data = NULL;
    size_t len = 0;
    char path[4096];
    dp_status rc = check_name(name, err);

    if (rc != DP_OK)
        return rc;
    if (!dir || !*dir)
        dir = TZ_DEFAULT_DIR;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int) sizeof path)
        return DP_FAIL(err, DP_EINPUT, NULL, "time zone \"%s\": path too long", name);
    rc = read_zone_file(name, path, &data, &len, err);
    if (rc == DP_OK)
        rc = dp__tz_parse(data, len, name, path, out, err);
    free(data);
    return rc;
}
