/* plugins/ical/events.c - from schedules to the events of every feed.
 *
 * This is where the privacy rules live, so they can be read in one place:
 * - a family feed holds the family's own children only, by first name: their
 *   sessions (with location, address, provider, travel time from the centre),
 *   their childcare blocks and, when asked, their school hours;
 * - a staff feed holds the sessions the staff member leads, with the number
 *   and first names of the children in them (the leader takes attendance),
 *   and the staff member's rota shifts;
 * - a location feed and an activity feed hold the meetings with counts and
 *   places, and no child at all.
 * A child without a family id is a family of its own (subject: the child id).
 *
 * Identities (what a UID is the keyed hash of) name the booking, never its
 * time: a child's session is (child, section, week, n-th session of the
 * section in that week), so a session moved to another time or day within
 * its week keeps its UID and only raises SEQUENCE. Labels are Dutch: the
 * feeds are read by families of Dutch and Flemish centres.
 *
 * A camp with overnight stay (activities.csv overnight = 1, issue 8) is one
 * event per child and week in the family feed, from the start of its first
 * meeting of the week to the end of its last one: a calendar app then shows
 * a bar over the whole stay, nights included, where one event per day would
 * read as a day camp with pick-up every afternoon. The daily programme is in
 * the description. Staff, location and activity feeds keep one event per
 * meeting (they plan the sessions), marked "met overnachting". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ical_impl.h"
#include "sha256.h"

typedef struct builder {
    const dp_model *m;
    const dp_ical_options *o;
    ical_feeds *fs;
    size_t *family_feed; /* [n_children]: the feed of the child's family, SIZE_MAX: none */
    size_t staff0;       /* feed index of staff 0 */
    size_t location0;    /* feed index of location 0 */
    size_t activity0;    /* feed index of activity 0 */
    dp_error *err;
} builder;

/* A new string from a format; NULL on OOM. */
static char *str_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static char *str_printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    s = malloc((size_t) n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t) n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
    return fnv(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

void dp__ical_event_hash(ical_event *ev)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int32_t when[3] = {ev->date, ev->start_min, ev->end_min};

    h = fnv(h, when, sizeof when);
    h = fnv_str(h, ev->location);
    h = fnv(h, &ev->cancelled, sizeof ev->cancelled);
    ev->sig = h;
    h = fnv_str(h, ev->summary);
    h = fnv_str(h, ev->description);
    h = fnv_str(h, ev->categories);
    h = fnv(h, &ev->travel_min, sizeof ev->travel_min);
    ev->content = h;
}

void dp__ical_event_release(ical_event *ev)
{
    free(ev->summary);
    free(ev->location);
    free(ev->description);
    free(ev->categories);
    memset(ev, 0, sizeof *ev);
}

dp_status dp__ical_feed_add(ical_feed *f, ical_event *ev, dp_error *err)
{
    if (!ev->summary || !ev->location) {
        dp__ical_event_release(ev);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building %s", f->file);
    }
    if (f->n_events == f->cap_events) {
        size_t cap = f->cap_events ? f->cap_events * 2 : 16;
        ical_event *e = realloc(f->events, cap * sizeof *e);
        if (!e) {
            dp__ical_event_release(ev);
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building %s", f->file);
        }
        f->events = e;
        f->cap_events = cap;
    }
    f->events[f->n_events++] = *ev;
    return DP_OK;
}

/* Sets ev->uid from the feed and the booking's identity. */
static void make_uid(const ical_feeds *fs, const ical_feed *f, const char *identity, ical_event *ev)
{
    dp__sha256_ctx c;
    unsigned char d[DP_SHA256_SIZE];
    static const char hex[] = "0123456789abcdef";

    dp__sha256_init(&c);
    dp__sha256_update(&c, fs->salt, sizeof fs->salt);
    dp__sha256_update(&c, f->file, strlen(f->file) + 1);
    dp__sha256_update(&c, identity, strlen(identity));
    dp__sha256_final(&c, d);
    for (int i = 0; i < 16; i++) {
        ev->uid[2 * i] = hex[d[i] >> 4];
        ev->uid[2 * i + 1] = hex[d[i] & 15];
    }
    ev->uid[32] = '\0';
}

static char *place(const dp_location *l)
{
    return l->address[0] ? str_printf("%s, %s", l->name, l->address) : str_printf("%s", l->name);
}

/* Adds an event with the given identity, time and texts to feed f. */
static dp_status add(builder *b, ical_feed *f, const char *identity, int32_t date, int start,
                     int end, char *summary, dp_id location, char *description,
                     const char *category, int travel_min, int64_t stamp_s)
{
    ical_event ev = {0};

    make_uid(b->fs, f, identity, &ev);
    ev.date = date;
    ev.start_min = (uint16_t) start;
    ev.end_min = (uint16_t) end;
    ev.summary = summary;
    ev.location = place(&b->m->locations[location]);
    ev.description = description;
    ev.categories = category && category[0] ? str_printf("%s", category) : NULL;
    ev.travel_min = travel_min;
    ev.stamp_s = stamp_s;
    dp__ical_event_hash(&ev);
    return dp__ical_feed_add(f, &ev, b->err);
}

/* The first names of the children of section in schedule s, comma separated. */
static char *first_names(const dp_model *m, const dp_timetable *s, const uint32_t *by_section0,
                         const dp_id *by_section, dp_id section)
{
    size_t n = 1;
    char *out, *p;

    for (uint32_t i = by_section0[section]; i < by_section0[section + 1]; i++)
        n += strlen(m->children[by_section[i]].first_name) + 2;
    out = malloc(n);
    if (!out)
        return NULL;
    p = out;
    *p = '\0';
    for (uint32_t i = by_section0[section]; i < by_section0[section + 1]; i++) {
        const char *fn = m->children[by_section[i]].first_name;
        if (p != out) {
            memcpy(p, ", ", 2);
            p += 2;
        }
        memcpy(p, fn, strlen(fn) + 1);
        p += strlen(fn);
    }
    (void) s;
    return out;
}

/* The names of a meeting's named escorts, "A", "A en B", "A, B en C". */
static char *escort_names(const dp_model *m, const dp_timetable *s, const dp_meeting *mt)
{
    dp_buf n;

    dp_buf_init(&n);
    for (uint32_t i = 0; i < mt->n_escorts; i++) {
        if (i)
            dp_buf_puts(&n, i + 1 == mt->n_escorts ? " en " : ", ");
        dp_buf_puts(&n, m->staff[s->escorts[mt->escort0 + i]].name);
    }
    if (dp_buf_status(&n, NULL) != DP_OK || !n.data) {
        dp_buf_release(&n);
        return NULL;
    }
    return n.data; /* handed over */
}

/* The family's line on who walks the group there and picks it up (issue 5,
 * item 5): "Brengen en ophalen: Anna de Vries (vertrek 14:35, terug
 * 16:25)." NULL when nobody is named (or on OOM: the caller checks). */
static char *escort_note(const builder *b, const dp_timetable *s, const dp_meeting *mt)
{
    char from[8], to[8];

    if (!mt->n_escorts)
        return NULL;
    char *names = escort_names(b->m, s, mt);
    if (!names)
        return NULL;
    dp_time_format(mt->escort_from, from);
    dp_time_format(mt->escort_to, to);
    char *out =
        str_printf("\nBrengen en ophalen: %s (vertrek %s %s, terug %s)%s.", names,
                   b->m->locations[b->m->centre.home].name, from, to,
                   mt->n_escorts < mt->escorts_needed ? " en een medewerker van de opvang" : "");
    free(names);
    return out;
}

/* An escort duty in each named escort's staff feed: from leaving home to the
 * return, with the children's first names (the escort counts them). */
static dp_status escort_events(builder *b, const dp_timetable *s, const dp_meeting *mt,
                               int32_t monday, int64_t stamp, const uint32_t *by_section0,
                               const dp_id *by_section)
{
    const dp_model *m = b->m;
    const dp_section *sec = &m->sections[mt->section];
    const dp_activity *act = &m->activities[sec->activity];
    uint32_t n_kids = by_section0[mt->section + 1] - by_section0[mt->section];
    char id[256], from[8], start[8], end[8], to[8];
    dp_status rc = DP_OK;

    if (!mt->n_escorts || m->centre.home == DP_NONE)
        return DP_OK;
    dp_time_format(mt->escort_from, from);
    dp_time_format(mt->start_min, start);
    dp_time_format(mt->end_min, end);
    dp_time_format(mt->escort_to, to);
    for (uint32_t i = 0; i < mt->n_escorts && !rc; i++) {
        dp_id st = s->escorts[mt->escort0 + i];
        char *names = first_names(m, s, by_section0, by_section, mt->section);
        char *others = NULL;
        if (mt->escorts_needed > 1) {
            others = escort_names(m, s, mt);
            if (!others) {
                free(names);
                return DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
            }
        }
        snprintf(id, sizeof id, "e|%s|%s|%d|%u", m->staff[st].id, sec->id, (int) monday,
                 mt->ordinal);
        rc = add(b, &b->fs->feeds[b->staff0 + st], id, mt->date, mt->escort_from, mt->escort_to,
                 str_printf("Brengen en ophalen: %s (%s)", act->name, sec->id), mt->location,
                 names ? str_printf("%u %s: %s.\nVertrek %s %s, %s %s-%s, terug %s.%s%s%s", n_kids,
                                    n_kids == 1 ? "kind" : "kinderen", names,
                                    m->locations[m->centre.home].name, from, act->name, start, end,
                                    to, others ? "\nBegeleiders: " : "", others ? others : "",
                                    others ? "." : "")
                       : NULL,
                 m->themes.name[act->theme], 0, stamp);
        free(names);
        free(others);
    }
    return rc;
}

/* Events of one meeting: each child's family feed, the leader's, the
 * location's and the activity's. */
static dp_status meeting_events(builder *b, const dp_timetable *s, const dp_meeting *mt,
                                int32_t monday, int64_t stamp, const uint32_t *by_section0,
                                const dp_id *by_section)
{
    const dp_model *m = b->m;
    const dp_section *sec = &m->sections[mt->section];
    const dp_activity *act = &m->activities[sec->activity];
    const dp_location *loc = &m->locations[mt->location];
    const char *theme = m->themes.name[act->theme];
    uint32_t n_kids = by_section0[mt->section + 1] - by_section0[mt->section];
    int travel = m->centre.home != DP_NONE ? dp_model_travel(m, m->centre.home, mt->location) : 0;
    char id[256];
    dp_status rc = DP_OK;

    if (travel < 0)
        travel = 0;
    char *travel_txt = travel ? str_printf("\nReistijd vanaf %s: %d min.",
                                           m->locations[m->centre.home].name, travel)
                              : NULL;
    char *escort_txt = escort_note(b, s, mt);
    if ((travel && !travel_txt) || (mt->n_escorts && !escort_txt)) {
        free(travel_txt);
        free(escort_txt);
        return DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
    }
    for (uint32_t i = by_section0[mt->section];
         i < by_section0[mt->section + 1] && !rc && !act->overnight; i++) {
        const dp_child *ch = &m->children[by_section[i]];
        size_t fi = b->family_feed[by_section[i]];
        if (fi == SIZE_MAX)
            continue;
        snprintf(id, sizeof id, "b|%s|%s|%d|%u", ch->id, sec->id, (int) monday, mt->ordinal);
        char *desc = str_printf("%s: %s%s%s%s.\nLocatie: %s%s%s.%s%s", ch->first_name, act->name,
                                act->provider[0] ? " (" : "", act->provider,
                                act->provider[0] ? ")" : "", loc->name, loc->address[0] ? ", " : "",
                                loc->address, travel_txt ? travel_txt : "",
                                escort_txt    ? escort_txt
                                : act->escort ? "\nBegeleid door een medewerker van de opvang."
                                              : "");
        rc = add(b, &b->fs->feeds[fi], id, mt->date, mt->start_min, mt->end_min,
                 str_printf("%s – %s", act->name, ch->first_name), mt->location, desc, theme,
                 travel, stamp);
    }
    free(travel_txt);
    free(escort_txt);
    if (!rc)
        rc = escort_events(b, s, mt, monday, stamp, by_section0, by_section);
    if (rc)
        return rc;
    snprintf(id, sizeof id, "m|%s|%d|%u", sec->id, (int) monday, mt->ordinal);
    if (mt->staff != DP_NONE) {
        char *names = first_names(m, s, by_section0, by_section, mt->section);
        rc = add(b, &b->fs->feeds[b->staff0 + mt->staff], id, mt->date, mt->start_min, mt->end_min,
                 str_printf("%s (%s)", act->name, sec->id), mt->location,
                 names ? str_printf("%u %s: %s.%s%s%s", n_kids, n_kids == 1 ? "kind" : "kinderen",
                                    names, act->provider[0] ? "\nAanbieder: " : "", act->provider,
                                    act->overnight ? "\nKamp met overnachting." : "")
                       : NULL,
                 theme, 0, stamp);
        free(names);
        if (rc)
            return rc;
    }
    rc = add(b, &b->fs->feeds[b->location0 + mt->location], id, mt->date, mt->start_min,
             mt->end_min, str_printf("%s (%s)", act->name, sec->id), mt->location,
             str_printf("%u van %u plaatsen bezet.%s%s%s", n_kids, sec->max_size,
                        act->provider[0] ? "\nAanbieder: " : "", act->provider,
                        act->overnight ? "\nKamp met overnachting." : ""),
             theme, 0, stamp);
    if (rc)
        return rc;
    return add(b, &b->fs->feeds[b->activity0 + sec->activity], id, mt->date, mt->start_min,
               mt->end_min, str_printf("%s", act->name), mt->location,
               str_printf("Groep %s: %u van %u plaatsen bezet (groep %d-%d).%s%s%s", sec->id,
                          n_kids, sec->max_size, act->min_group, act->max_group,
                          act->provider[0] ? "\nAanbieder: " : "", act->provider,
                          act->overnight ? "\nKamp met overnachting." : ""),
               theme, 0, stamp);
}

static const char *const nl_days[DP_N_DAYS] = {"ma", "di", "wo", "do", "vr", "za", "zo"};
static const char *const nl_months[12] = {"januari",   "februari", "maart",    "april",
                                          "mei",       "juni",     "juli",     "augustus",
                                          "september", "oktober",  "november", "december"};

/* "ma 5 juli 09:00" into buf. */
static void nl_moment(int32_t date, int minutes, char *buf, size_t len)
{
    int y, mo, d;
    char t[8];

    dp_date_to_civil(date, &y, &mo, &d);
    dp_time_format(minutes, t);
    snprintf(buf, len, "%s %d %s %s", nl_days[dp_date_weekday(date)], d, nl_months[mo - 1], t);
}

/* The family events of a camp with overnight stay in one week: per child of
 * the section, one event from its first meeting's start to its last one's
 * end (see the comment at the top). */
static dp_status overnight_events(builder *b, const dp_timetable *s, dp_id section, int32_t monday,
                                  int64_t stamp, const uint32_t *by_section0,
                                  const dp_id *by_section)
{
    const dp_model *m = b->m;
    const dp_section *sec = &m->sections[section];
    const dp_activity *act = &m->activities[sec->activity];
    const dp_meeting *first = NULL, *last = NULL;
    dp_buf prog;
    char id[256], from[64], to[64];
    dp_status rc = DP_OK;

    dp_buf_init(&prog);
    for (size_t i = 0; i < s->n_meetings; i++) {
        const dp_meeting *mt = &s->meetings[i];
        if (mt->section != section || mt->cancelled)
            continue;
        int64_t a = (int64_t) mt->date * DP_MINUTES_DAY + mt->start_min;
        int64_t e = (int64_t) mt->date * DP_MINUTES_DAY + mt->end_min;
        if (!first || a < (int64_t) first->date * DP_MINUTES_DAY + first->start_min)
            first = mt;
        if (!last || e > (int64_t) last->date * DP_MINUTES_DAY + last->end_min)
            last = mt;
    }
    if (!first)
        return DP_OK;
    /* the programme, day by day, in date order */
    for (int32_t d = first->date; d <= last->date; d++)
        for (size_t i = 0; i < s->n_meetings; i++) {
            const dp_meeting *mt = &s->meetings[i];
            char a[8], e[8];
            if (mt->section != section || mt->cancelled || mt->date != d)
                continue;
            dp_time_format(mt->start_min, a);
            dp_time_format(mt->end_min, e);
            dp_buf_printf(&prog, "\n- %s %s-%s, %s", nl_days[dp_date_weekday(d)], a, e,
                          m->locations[mt->location].name);
        }
    if (dp_buf_status(&prog, NULL) != DP_OK) {
        dp_buf_release(&prog);
        return DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
    }
    nl_moment(first->date, first->start_min, from, sizeof from);
    nl_moment(last->date, last->end_min, to, sizeof to);
    int end = (int) (last->date - first->date) * DP_MINUTES_DAY + last->end_min;
    int travel =
        m->centre.home != DP_NONE ? dp_model_travel(m, m->centre.home, first->location) : 0;
    if (travel < 0)
        travel = 0; /* the way there on the first day, as for any session */
    const dp_location *loc = &m->locations[first->location];
    for (uint32_t i = by_section0[section]; i < by_section0[section + 1] && !rc; i++) {
        const dp_child *ch = &m->children[by_section[i]];
        size_t fi = b->family_feed[by_section[i]];
        if (fi == SIZE_MAX)
            continue;
        snprintf(id, sizeof id, "o|%s|%s|%d", ch->id, sec->id, (int) monday);
        char *desc = str_printf(
            "%s: %s%s%s%s, kamp met overnachting: van %s tot %s.\nLocatie: %s%s%s.\n"
            "Programma:%.*s",
            ch->first_name, act->name, act->provider[0] ? " (" : "", act->provider,
            act->provider[0] ? ")" : "", from, to, loc->name, loc->address[0] ? ", " : "",
            loc->address, (int) prog.len, prog.data ? prog.data : "");
        rc = add(b, &b->fs->feeds[fi], id, first->date, first->start_min, end,
                 str_printf("%s – %s (met overnachting)", act->name, ch->first_name),
                 first->location, desc, m->themes.name[act->theme], travel, stamp);
    }
    dp_buf_release(&prog);
    return rc;
}

/* Childcare blocks and (optionally) school hours of every child in a week. */
static dp_status child_blocks(builder *b, int32_t monday, int64_t stamp, const int *away_from,
                              const int *away_to)
{
    const dp_model *m = b->m;
    char id[256];
    dp_status rc = DP_OK;

    for (dp_id c = 0; c < m->n_children && !rc; c++) {
        const dp_child *ch = &m->children[c];
        size_t fi = b->family_feed[c];
        unsigned k = 0;
        int last_day = -1;
        if (fi == SIZE_MAX || m->centre.home == DP_NONE)
            continue;
        for (uint32_t w = ch->window0; w < ch->window0 + ch->n_windows && !rc; w++) {
            const dp_window *win = &m->windows[w];
            if (!win->care)
                continue;
            k = win->day == last_day ? k + 1 : 0;
            last_day = win->day;
            /* away at a camp with overnight stay: no care then (the block is
             * cut to the part before or after the stay, or left out) */
            int from = win->from_min, to = win->to_min, day0 = win->day * DP_MINUTES_DAY;
            if (away_to[c] > away_from[c] && day0 + from < away_to[c] && day0 + to > away_from[c]) {
                if (day0 + from < away_from[c])
                    to = away_from[c] - day0;
                else if (day0 + to > away_to[c])
                    from = away_to[c] - day0;
                else
                    continue;
            }
            snprintf(id, sizeof id, "c|%s|%d|%u", ch->id, (int) (monday + win->day), k);
            rc = add(b, &b->fs->feeds[fi], id, monday + win->day, from, to,
                     str_printf("Opvang – %s", ch->first_name), m->centre.home, NULL, NULL, 0,
                     stamp);
        }
        for (int d = 0; d < DP_N_DAYS && b->o->school && !rc && ch->group > 0; d++) {
            const dp_school_day *sd = &m->school[ch->group][d];
            if (sd->end_min <= sd->start_min)
                continue;
            snprintf(id, sizeof id, "s|%s|%d", ch->id, (int) (monday + d));
            rc = add(b, &b->fs->feeds[fi], id, monday + d, sd->start_min, sd->end_min,
                     str_printf("School – %s", ch->first_name), m->centre.home, NULL, NULL, 0,
                     stamp);
        }
    }
    return rc;
}

static dp_status rota_events(builder *b, int32_t monday, int64_t stamp)
{
    const dp_model *m = b->m;
    char id[256];
    dp_status rc = DP_OK;

    for (uint32_t r = 0; r < m->n_rota && !rc; r++) {
        const dp_rota *ro = &m->rota[r];
        const dp_staff *st = &m->staff[ro->staff];
        snprintf(id, sizeof id, "r|%s|%d|%d|%d", st->id, (int) (monday + ro->day), ro->from_min,
                 (int) ro->location);
        rc = add(b, &b->fs->feeds[b->staff0 + ro->staff], id, monday + ro->day, ro->from_min,
                 ro->to_min, str_printf("Dienst"), ro->location,
                 ro->care_group != DP_NONE
                     ? str_printf("Groep %s.", m->care_groups.name[ro->care_group])
                     : NULL,
                 NULL, 0, stamp);
    }
    return rc;
}

/* The events of one week's schedule. */
static dp_status week_events(builder *b, const dp_timetable *s, int32_t monday, int64_t stamp)
{
    const dp_model *m = b->m;
    uint32_t *by_section0 = calloc((size_t) m->n_sections + 2, sizeof *by_section0);
    dp_id *by_section = malloc((s->n_assignments ? s->n_assignments : 1) * sizeof *by_section);
    /* per child, the minutes since Monday 00:00 it is away at a camp with
     * overnight stay (from >= to: not away) */
    int *away_from = calloc((size_t) m->n_children + 1, sizeof *away_from);
    int *away_to = calloc((size_t) m->n_children + 1, sizeof *away_to);
    dp_status rc = DP_OK;

    if (!by_section0 || !by_section || !away_from || !away_to) {
        rc = DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
        goto done;
    }
    /* Children per section (CSR), in child order. */
    for (size_t i = 0; i < s->n_assignments; i++)
        by_section0[s->assignments[i].section + 2]++;
    for (uint32_t i = 2; i < m->n_sections + 2; i++)
        by_section0[i] += by_section0[i - 1];
    for (size_t i = 0; i < s->n_assignments; i++)
        by_section[by_section0[s->assignments[i].section + 1]++] = s->assignments[i].child;
    for (size_t i = 0; i < s->n_meetings && !rc; i++) {
        const dp_meeting *mt = &s->meetings[i];
        if (mt->cancelled || by_section0[mt->section + 1] == by_section0[mt->section])
            continue;
        rc = meeting_events(b, s, mt, monday, stamp, by_section0, by_section);
        if (!m->activities[m->sections[mt->section].activity].overnight)
            continue;
        int a = (int) (mt->date - monday) * DP_MINUTES_DAY + mt->start_min;
        int e = (int) (mt->date - monday) * DP_MINUTES_DAY + mt->end_min;
        for (uint32_t k = by_section0[mt->section]; k < by_section0[mt->section + 1]; k++) {
            dp_id c = by_section[k];
            bool none = away_to[c] <= away_from[c];
            away_from[c] = none || a < away_from[c] ? a : away_from[c];
            away_to[c] = none || e > away_to[c] ? e : away_to[c];
        }
    }
    for (dp_id sec = 0; sec < m->n_sections && !rc; sec++)
        if (m->activities[m->sections[sec].activity].overnight &&
            by_section0[sec + 1] > by_section0[sec])
            rc = overnight_events(b, s, sec, monday, stamp, by_section0, by_section);
    if (!rc)
        rc = child_blocks(b, monday, stamp, away_from, away_to);
    if (!rc)
        rc = rota_events(b, monday, stamp);
done:
    free(by_section0);
    free(by_section);
    free(away_from);
    free(away_to);
    return rc;
}

/* Creates the (empty) feeds: families, lone children, staff, locations,
 * activities. */
static dp_status make_feeds(builder *b)
{
    const dp_model *m = b->m;
    size_t n_lone = 0, n, fi = 0;
    ical_feeds *fs = b->fs;

    for (dp_id c = 0; c < m->n_children; c++)
        n_lone += m->children[c].family == DP_NONE;
    n = m->families.n + n_lone + m->n_staff + m->n_locations + m->n_activities;
    fs->feeds = calloc(n ? n : 1, sizeof *fs->feeds);
    b->family_feed = malloc((m->n_children ? m->n_children : 1) * sizeof *b->family_feed);
    if (!fs->feeds || !b->family_feed)
        return DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
    fs->n_feeds = n;
    for (dp_id f = 0; f < m->families.n; f++, fi++) {
        fs->feeds[fi].kind = DP_FEED_FAMILY;
        fs->feeds[fi].subject = m->families.name[f];
    }
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        if (ch->family != DP_NONE) {
            b->family_feed[c] = ch->family;
            continue;
        }
        /* A lone child whose id is also some family's id would share that
         * family's feed: it gets none rather than leak into another's. */
        if (dp_model_find(m, DP_KIND_FAMILY, ch->id, strlen(ch->id)) != DP_NONE) {
            b->family_feed[c] = SIZE_MAX;
            fs->feeds[fi].kind = DP_FEED_FAMILY;
            fs->feeds[fi].subject = NULL;
            fi++;
            continue;
        }
        b->family_feed[c] = fi;
        fs->feeds[fi].kind = DP_FEED_FAMILY;
        fs->feeds[fi++].subject = ch->id;
    }
    b->staff0 = fi;
    for (dp_id s = 0; s < m->n_staff; s++, fi++) {
        fs->feeds[fi].kind = DP_FEED_STAFF;
        fs->feeds[fi].subject = m->staff[s].id;
    }
    b->location0 = fi;
    for (dp_id l = 0; l < m->n_locations; l++, fi++) {
        fs->feeds[fi].kind = DP_FEED_LOCATION;
        fs->feeds[fi].subject = m->locations[l].id;
    }
    b->activity0 = fi;
    for (dp_id a = 0; a < m->n_activities; a++, fi++) {
        fs->feeds[fi].kind = DP_FEED_ACTIVITY;
        fs->feeds[fi].subject = m->activities[a].id;
    }
    return DP_OK;
}

/* The calendar's NAME: the centre and whose feed it is. kids0/kids list the
 * children of each family feed (CSR by feed index). */
static char *feed_name(const builder *b, size_t fi, const size_t *kids0, const dp_id *kids)
{
    const dp_model *m = b->m;
    const ical_feed *f = &b->fs->feeds[fi];
    dp_buf s;

    if (f->kind == DP_FEED_STAFF)
        return str_printf("%s: %s", m->centre.name, m->staff[fi - b->staff0].name);
    if (f->kind == DP_FEED_LOCATION)
        return str_printf("%s: %s", m->centre.name, m->locations[fi - b->location0].name);
    if (f->kind == DP_FEED_ACTIVITY)
        return str_printf("%s: %s", m->centre.name, m->activities[fi - b->activity0].name);
    dp_buf_init(&s);
    dp_buf_printf(&s, "%s: ", m->centre.name);
    for (size_t k = kids0[fi]; k < kids0[fi + 1]; k++) {
        if (k > kids0[fi])
            dp_buf_puts(&s, ", ");
        dp_buf_puts(&s, m->children[kids[k]].first_name);
    }
    if (dp_buf_status(&s, NULL) != DP_OK) {
        dp_buf_release(&s);
        return NULL;
    }
    return s.data; /* handed over */
}

/* Names every feed; the children of each family feed are gathered in one
 * pass (a town has thousands of families). */
static dp_status name_feeds(builder *b)
{
    const dp_model *m = b->m;
    ical_feeds *fs = b->fs;
    size_t *kids0 = calloc(fs->n_feeds + 2, sizeof *kids0);
    dp_id *kids = malloc((m->n_children ? m->n_children : 1) * sizeof *kids);
    dp_status rc = DP_OK;

    if (!kids0 || !kids) {
        rc = DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
        goto done;
    }
    for (dp_id c = 0; c < m->n_children; c++)
        if (b->family_feed[c] != SIZE_MAX)
            kids0[b->family_feed[c] + 2]++;
    for (size_t i = 2; i < fs->n_feeds + 2; i++)
        kids0[i] += kids0[i - 1];
    for (dp_id c = 0; c < m->n_children; c++)
        if (b->family_feed[c] != SIZE_MAX)
            kids[kids0[b->family_feed[c] + 1]++] = c;
    for (size_t fi = 0; fi < fs->n_feeds && !rc; fi++) {
        ical_feed *f = &fs->feeds[fi];
        if (!f->subject || dp_ical_feed_file(f->kind, f->subject, f->file, sizeof f->file) != 0)
            continue;
        f->name = feed_name(b, fi, kids0, kids);
        if (!f->name)
            rc = DP_FAIL(b->err, DP_ENOMEM, NULL, "out of memory building the feeds");
    }
done:
    free(kids0);
    free(kids);
    return rc;
}

dp_status dp__ical_build(const dp_model *m, const dp_ical_options *o, ical_feeds *fs, dp_error *err)
{
    builder b = {m, o, fs, NULL, 0, 0, 0, err};
    dp_status rc = make_feeds(&b);

    if (!rc)
        rc = name_feeds(&b);
    for (unsigned w = 0; w < o->n_weeks && !rc; w++)
        if (o->weeks[w].schedule)
            rc = week_events(&b, o->weeks[w].schedule, o->first_monday + 7 * (int32_t) w,
                             o->weeks[w].stamp_s);
    free(b.family_feed);
    return rc;
}

void dp__ical_feeds_release(ical_feeds *fs)
{
    for (size_t i = 0; i < fs->n_feeds; i++) {
        ical_feed *f = &fs->feeds[i];
        for (size_t k = 0; k < f->n_events; k++)
            dp__ical_event_release(&f->events[k]);
        free(f->events);
        free(f->name);
    }
    free(fs->feeds);
    fs->feeds = NULL;
    fs->n_feeds = 0;
}

int dp_ical_feed_file(dp_feed_kind kind, const char *subject, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s-%s.ics", dp_store_feed_kind_name(kind), subject);

    return n < 0 || (size_t) n >= len ? -1 : 0;
}
