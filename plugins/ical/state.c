/* plugins/ical/state.c - what was published, and what changed since.
 *
 * The state file (.dagplan-feeds.state in the output directory) lists every
 * event of every feed as last published, one tab-separated line each, plus
 * the salt that keys the UIDs. It is text so a curious planner can read it,
 * and it is rewritten by rename before the feeds are, so a crash between the
 * two at worst republishes the same events with the same sequences.
 *
 * Merging the current events with it:
 * - an event published before keeps its CREATED; its SEQUENCE rises when its
 *   time, place or status changed (RFC 5545 3.8.7.4: a significant revision),
 *   and LAST-MODIFIED becomes its version's time when anything in it changed;
 * - a published event that is gone is kept as cancelled while it lies in the
 *   exported weeks (so apps show "Vervalt: ..."), dropped once it lies before
 *   them (passed), and kept as it was when it lies after them (not exported
 *   this time, so nothing is known about it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ical_impl.h"

#define STATE_MAGIC "dagplan-feeds-state 1"
#define N_FIELDS    17

typedef struct st_event {
    char *feed;    /* the feed's file name (owned) */
    ical_event ev; /* as published (strings owned) */
    bool matched;  /* seen among the current events of its feed */
    bool handled;  /* its feed was written this time */
} st_event;

struct ical_state {
    unsigned char salt[ICAL_SALT_BYTES]; /* keys the UIDs */
    st_event *evs;                       /* sorted by feed, uid */
    size_t n, cap;
    char path[4096]; /* the state file, for messages */
};

static int cmp_st(const void *a, const void *b)
{
    const st_event *x = a, *y = b;
    int c = strcmp(x->feed, y->feed);

    return c ? c : strcmp(x->ev.uid, y->ev.uid);
}

static int cmp_uid(const void *a, const void *b)
{
    return strcmp(((const ical_event *) a)->uid, ((const ical_event *) b)->uid);
}

static int cmp_time(const void *a, const void *b)
{
    const ical_event *x = a, *y = b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->start_min != y->start_min)
        return x->start_min < y->start_min ? -1 : 1;
    if (x->end_min != y->end_min)
        return x->end_min < y->end_min ? -1 : 1;
    return strcmp(x->uid, y->uid);
}

/* ---- the file format ---- */

static void put_escaped(dp_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '\\':
            dp_buf_append(b, "\\\\", 2);
            break;
        case '\t':
            dp_buf_append(b, "\\t", 2);
            break;
        case '\n':
            dp_buf_append(b, "\\n", 2);
            break;
        case '\r':
            dp_buf_append(b, "\\r", 2);
            break;
        default:
            dp_buf_append(b, s, 1);
        }
    }
}

static void put_event(dp_buf *b, const char *feed, const ical_event *e)
{
    dp_buf_puts(b, "e\t");
    put_escaped(b, feed);
    dp_buf_printf(b, "\t%s\t%u\t%lld\t%lld\t%d\t%d\t%u\t%u\t%016llx\t%016llx\t%d\t", e->uid,
                  e->sequence, (long long) e->created_s, (long long) e->modified_s,
                  e->cancelled ? 1 : 0, (int) e->date, e->start_min, e->end_min,
                  (unsigned long long) e->sig, (unsigned long long) e->content, e->travel_min);
    put_escaped(b, e->summary);
    dp_buf_append(b, "\t", 1);
    put_escaped(b, e->location);
    dp_buf_append(b, "\t", 1);
    put_escaped(b, e->description);
    dp_buf_append(b, "\t", 1);
    put_escaped(b, e->categories);
    dp_buf_append(b, "\n", 1);
}

/* Unescapes field s in place; returns it. */
static char *unescape(char *s)
{
    char *o = s;

    for (char *p = s; *p; p++) {
        if (*p != '\\' || !p[1]) {
            *o++ = *p;
            continue;
        }
        p++;
        *o++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
    }
    *o = '\0';
    return o == s ? s : s;
}

static char *dup_or_null(const char *s)
{
    size_t n;
    char *d;

    if (!*s)
        return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int parse_i64(const char *s, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    return errno || end == s || *end ? -1 : 0;
}

static int parse_u64_hex(const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 16);
    return errno || end == s || *end ? -1 : 0;
}

/* Parses one "e" line (split into N_FIELDS fields) into st_event e. */
/* An event's end may lie days after its start: a camp with overnight stay is
 * one event over the whole stay (issue 8). */
static int parse_event(char **f, st_event *e)
{
    long long v[8];
    ical_event *ev = &e->ev;

    if (strcmp(f[0], "e") != 0 || strlen(f[2]) != ICAL_UID_HEX - 1)
        return -1;
    for (int i = 0; i < 7; i++)
        if (parse_i64(f[3 + i], &v[i]) != 0)
            return -1;
    if (parse_i64(f[12], &v[7]) != 0 || parse_u64_hex(f[10], &ev->sig) != 0 ||
        parse_u64_hex(f[11], &ev->content) != 0)
        return -1;
    if (v[0] < 0 || v[0] > UINT32_MAX || v[3] < 0 || v[3] > 1 || v[4] < -1000000 ||
        v[4] > 1000000 || v[5] < 0 || v[5] > DP_MINUTES_DAY || v[6] < v[5] ||
        v[6] > DP_N_DAYS * DP_MINUTES_DAY || v[7] < 0 || v[7] > 100000)
        return -1;
    memcpy(ev->uid, f[2], ICAL_UID_HEX);
    ev->sequence = (uint32_t) v[0];
    ev->created_s = v[1];
    ev->modified_s = v[2];
    ev->cancelled = v[3] == 1;
    ev->date = (int32_t) v[4];
    ev->start_min = (uint16_t) v[5];
    ev->end_min = (uint16_t) v[6];
    ev->travel_min = (int) v[7];
    e->feed = dup_or_null(unescape(f[1]));
    ev->summary = dup_or_null(unescape(f[13]));
    ev->location = dup_or_null(unescape(f[14]));
    ev->description = dup_or_null(unescape(f[15]));
    ev->categories = dup_or_null(unescape(f[16]));
    return 0;
}

static void st_event_release(st_event *e)
{
    free(e->feed);
    dp__ical_event_release(&e->ev);
}

void dp__ical_state_free(ical_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        st_event_release(&st->evs[i]);
    free(st->evs);
    free(st);
}

void dp__ical_state_salt(const ical_state *st, unsigned char salt[ICAL_SALT_BYTES])
{
    memcpy(salt, st->salt, ICAL_SALT_BYTES);
}

static dp_status push(ical_state *st, st_event *e, dp_error *err)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 256;
        st_event *v = realloc(st->evs, cap * sizeof *v);
        if (!v) {
            st_event_release(e);
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading the feed state");
        }
        st->evs = v;
        st->cap = cap;
    }
    st->evs[st->n++] = *e;
    return DP_OK;
}

static int hex_nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static dp_status parse_text(ical_state *st, char *text, dp_error *err)
{
    unsigned line = 0;
    char *save = NULL;

    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        dp_loc at = {st->path, ++line, 1};
        char *f[N_FIELDS];
        int n = 0;
        if (line == 1) {
            if (strcmp(ln, STATE_MAGIC) != 0)
                return DP_FAIL(err, DP_EINPUT, &at,
                               "expected '" STATE_MAGIC "' (not a dagplan feed state file; "
                               "delete it to start afresh)");
            continue;
        }
        if (line == 2) {
            int ok = strncmp(ln, "salt ", 5) == 0 && strlen(ln) == 5 + 2 * ICAL_SALT_BYTES;
            for (int i = 0; ok && i < ICAL_SALT_BYTES; i++) {
                int hi = hex_nibble(ln[5 + 2 * i]), lo = hex_nibble(ln[6 + 2 * i]);
                ok = hi >= 0 && lo >= 0;
                st->salt[i] = (unsigned char) (hi * 16 + lo);
            }
            if (!ok)
                return DP_FAIL(err, DP_EINPUT, &at, "expected 'salt' and 32 hex digits");
            continue;
        }
        f[n++] = ln;
        for (char *p = ln; *p && n < N_FIELDS + 1; p++) {
            if (*p == '\t') {
                *p = '\0';
                if (n < N_FIELDS)
                    f[n] = p + 1;
                n++;
            }
        }
        st_event e = {0};
        if (n != N_FIELDS || parse_event(f, &e) != 0) {
            st_event_release(&e);
            return DP_FAIL(err, DP_EINPUT, &at, "expected an event line of %d fields", N_FIELDS);
        }
        if (!e.feed || !e.ev.summary || !e.ev.location) {
            st_event_release(&e);
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading the feed state");
        }
        dp_status rc = push(st, &e, err);
        if (rc)
            return rc;
    }
    if (line < 2) {
        dp_loc at = {st->path, line + 1, 1};
        return DP_FAIL(err, DP_EINPUT, &at, "expected the feed state's header and salt");
    }
    if (st->n)
        qsort(st->evs, st->n, sizeof *st->evs, cmp_st);
    return DP_OK;
}

static dp_status read_file(const char *path, char **out, dp_error *err)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n;

    if (!f)
        return errno == ENOENT ? DP_OK
                               : DP_FAIL(err, DP_EIO, NULL, "%s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", path, strerror(errno));
    }
    text = malloc((size_t) n + 1);
    if (!text) {
        fclose(f);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", path);
    }
    if (fread(text, 1, (size_t) n, f) != (size_t) n) {
        fclose(f);
        free(text);
        return DP_FAIL(err, DP_EIO, NULL, "%s: read failed", path);
    }
    fclose(f);
    text[n] = '\0';
    *out = text;
    return DP_OK;
}

dp_status dp__ical_state_read(const char *dir, ical_state **out, dp_error *err)
{
    ical_state *st = calloc(1, sizeof *st);
    char *text = NULL;
    dp_status rc;

    if (!st)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading the feed state");
    if (snprintf(st->path, sizeof st->path, "%s/%s", dir, DP_ICAL_STATE_FILE) >=
        (int) sizeof st->path) {
        free(st);
        return DP_FAIL(err, DP_EIO, NULL, "%s: path too long", dir);
    }
    rc = read_file(st->path, &text, err);
    if (rc == DP_OK && text)
        rc = parse_text(st, text, err);
    else if (rc == DP_OK && getrandom(st->salt, sizeof st->salt, 0) != (ssize_t) sizeof st->salt)
        rc = DP_FAIL(err, DP_EIO, NULL, "reading the system's random source: %s", strerror(errno));
    free(text);
    if (rc != DP_OK) {
        dp__ical_state_free(st);
        return rc;
    }
    *out = st;
    return DP_OK;
}

/* ---- merging ---- */

static st_event *find(ical_state *st, const char *feed, const char *uid)
{
    st_event key;

    if (st->n == 0)
        return NULL; /* bsearch's array must not be NULL, even when empty */
    memset(&key, 0, sizeof key);
    key.feed = (char *) (uintptr_t) feed;
    memcpy(key.ev.uid, uid, ICAL_UID_HEX);
    return bsearch(&key, st->evs, st->n, sizeof *st->evs, cmp_st);
}

/* The version time for an event on date: its week's, else the newest. */
static int64_t stamp_for(const dp_ical_options *o, int32_t date, int64_t fallback)
{
    int64_t best = 0;
    int32_t w = date >= o->first_monday ? (date - o->first_monday) / 7 : -1;

    if (w >= 0 && (unsigned) w < o->n_weeks && o->weeks[w].schedule)
        return o->weeks[w].stamp_s;
    for (unsigned i = 0; i < o->n_weeks; i++)
        if (o->weeks[i].schedule && o->weeks[i].stamp_s > best)
            best = o->weeks[i].stamp_s;
    return best ? best : fallback;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* Copies a published event (for carrying or cancelling it). */
static dp_status copy_event(const ical_event *src, ical_event *dst, dp_error *err)
{
    *dst = *src;
    dst->summary = dup_or_null(src->summary ? src->summary : "");
    dst->location = dup_or_null(src->location ? src->location : "");
    dst->description = src->description ? dup_or_null(src->description) : NULL;
    dst->categories = src->categories ? dup_or_null(src->categories) : NULL;
    if (!dst->summary || !dst->location || (src->description && !dst->description) ||
        (src->categories && !dst->categories)) {
        dp__ical_event_release(dst);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory merging the feed state");
    }
    return DP_OK;
}

/* Drops later duplicates of a UID (two identities hashing alike cannot
 * happen in practice; two rota rows with the same start can). */
static void dedupe(ical_feed *f)
{
    size_t k = 0;

    if (f->n_events)
        qsort(f->events, f->n_events, sizeof *f->events, cmp_uid);
    for (size_t i = 0; i < f->n_events; i++) {
        if (k && strcmp(f->events[k - 1].uid, f->events[i].uid) == 0) {
            dp__ical_event_release(&f->events[i]);
            continue;
        }
        f->events[k++] = f->events[i];
    }
    f->n_events = k;
}

static void merge_current(ical_state *st, const ical_feed *f, ical_event *ev)
{
    st_event *prev = find(st, f->file, ev->uid);

    if (!prev) {
        ev->sequence = 0;
        ev->created_s = ev->modified_s = ev->stamp_s;
        ev->changed = true;
        return;
    }
    prev->matched = true;
    ev->created_s = prev->ev.created_s;
    ev->sequence = prev->ev.sequence + (ev->sig != prev->ev.sig);
    ev->changed = ev->content != prev->ev.content;
    ev->modified_s = ev->changed ? max64(ev->stamp_s, prev->ev.modified_s) : prev->ev.modified_s;
}

/* Adds the published events of f that are no longer current. */
static dp_status merge_gone(ical_state *st, const dp_ical_options *o, ical_feed *f, dp_error *err)
{
    int32_t end = o->first_monday + 7 * (int32_t) o->n_weeks;
    size_t i = 0, hi = st->n;

    /* First published event of this feed: lower bound on the feed name. */
    while (i < hi) {
        size_t mid = i + (hi - i) / 2;
        if (strcmp(st->evs[mid].feed, f->file) < 0)
            i = mid + 1;
        else
            hi = mid;
    }
    for (; i < st->n && strcmp(st->evs[i].feed, f->file) == 0; i++) {
        st_event *p = &st->evs[i];
        ical_event ev;
        dp_status rc;
        p->handled = true;
        if (p->matched || p->ev.date < o->first_monday)
            continue;
        if ((rc = copy_event(&p->ev, &ev, err)) != DP_OK)
            return rc;
        ev.changed = false;
        if (p->ev.date < end && !p->ev.cancelled) {
            ev.cancelled = true;
            ev.changed = true;
            ev.sequence++;
            ev.modified_s = max64(stamp_for(o, ev.date, ev.modified_s), ev.modified_s);
            dp__ical_event_hash(&ev);
        }
        if ((rc = dp__ical_feed_add(f, &ev, err)) != DP_OK)
            return rc;
    }
    return DP_OK;
}

dp_status dp__ical_state_merge(ical_state *st, const dp_ical_options *o, ical_feeds *fs,
                               dp_error *err)
{
    for (size_t fi = 0; fi < fs->n_feeds; fi++) {
        ical_feed *f = &fs->feeds[fi];
        dp_status rc;
        if (!f->name)
            continue;
        dedupe(f);
        for (size_t k = 0; k < f->n_events; k++)
            merge_current(st, f, &f->events[k]);
        rc = merge_gone(st, o, f, err);
        if (rc)
            return rc;
        if (f->n_events)
            qsort(f->events, f->n_events, sizeof *f->events, cmp_time);
    }
    return DP_OK;
}

dp_status dp__ical_state_write(const ical_state *st, const ical_feeds *fs, const char *dir,
                               dp_error *err)
{
    dp_buf b;
    dp_status rc;

    (void) dir;
    dp_buf_init(&b);
    dp_buf_puts(&b, STATE_MAGIC "\nsalt ");
    for (int i = 0; i < ICAL_SALT_BYTES; i++)
        dp_buf_printf(&b, "%02x", st->salt[i]);
    dp_buf_puts(&b, "\n");
    for (size_t fi = 0; fi < fs->n_feeds; fi++)
        for (size_t k = 0; fs->feeds[fi].name && k < fs->feeds[fi].n_events; k++)
            put_event(&b, fs->feeds[fi].file, &fs->feeds[fi].events[k]);
    /* Feeds not written this time (their subject is gone) keep their state. */
    for (size_t i = 0; i < st->n; i++)
        if (!st->evs[i].handled)
            put_event(&b, st->evs[i].feed, &st->evs[i].ev);
    rc = dp_buf_write_file(&b, st->path, err);
    dp_buf_release(&b);
    return rc;
}
