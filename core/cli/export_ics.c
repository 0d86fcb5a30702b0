/* core/cli/export_ics.c - see export_ics.h.
 *
 * Each week of the window is published from its own current version when the
 * store has one, else from the current weekly template placed on that week's
 * dates, else not at all (no events that week). The version's creation time
 * becomes DTSTAMP/LAST-MODIFIED of what it changed, so exporting the same
 * versions again writes the same bytes. */
#include "export_ics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "dagplan/time.h"

#define DEFAULT_WEEKS 4
#define MAX_WEEKS     53

void dp__feeds_this_week(const dp_model *m, int *year, int *week)
{
    dp_tz *tz = NULL;
    int64_t now = (int64_t) time(NULL);
    int off = 0;

    if (dp_tz_load(m->centre.timezone, &tz, NULL) == DP_OK) {
        off = dp_tz_offset(tz, now, NULL);
        dp_tz_free(tz);
    }
    int64_t local = now + off;
    int32_t days = (int32_t) (local / 86400 - (local % 86400 < 0));
    dp_isoweek_of(days, year, week);
}

/* Loads the schedule of week text wk (or the template when it has none). */
static dp_status load_week(const dp_model *m, dp_store *store, const char *wk, int32_t monday,
                           dp_timetable **out, int64_t *stamp, dp_error *err)
{
    dp_store_version info;
    char *json = NULL;
    char name[64];
    dp_status rc = dp_store_get_version(store, wk, 0, &info, &json, err);

    if (rc == DP_ESTATE) {
        rc = dp_store_get_version(store, "", 0, &info, &json, err);
        if (rc == DP_ESTATE)
            return DP_OK; /* nothing for this week */
    }
    if (rc != DP_OK)
        return rc;
    snprintf(name, sizeof name, "version %u of %s", info.number,
             info.week[0] ? info.week : "the weekly template");
    rc = dp_timetable_parse(m, json, strlen(json), monday, name, out, err);
    dp_store_free(json);
    *stamp = info.created_s;
    return rc;
}

dp_status dp__feeds_generate(const dp_model *m, dp_store *store, const dp_feed_window *w,
                             const char *outdir, dp_ical_stats *stats, size_t *n_skipped,
                             dp_error *err)
{
    dp_timetable *scheds[MAX_WEEKS] = {0};
    dp_ical_week weeks[MAX_WEEKS] = {{0}};
    dp_ical_options o = {0};
    dp_status rc = DP_OK;
    unsigned n_found = 0;
    size_t skipped = 0;

    o.first_monday = dp_isoweek_monday(w->year, w->week);
    o.n_weeks = w->n_weeks;
    o.weeks = weeks;
    o.school = w->school;
    for (unsigned i = 0; i < w->n_weeks && rc == DP_OK; i++) {
        int y, wn;
        char wk[16];
        int32_t monday = o.first_monday + 7 * (int32_t) i;
        dp_isoweek_of(monday, &y, &wn);
        dp_isoweek_format(y, wn, wk);
        rc = load_week(m, store, wk, monday, &scheds[i], &weeks[i].stamp_s, err);
        weeks[i].schedule = scheds[i];
        if (scheds[i]) {
            n_found++;
            skipped += scheds[i]->n_skipped;
        }
    }
    if (rc == DP_OK && n_found == 0)
        rc = DP_FAIL(err, DP_ESTATE, NULL,
                     "the store holds no schedule for these weeks (run 'dagplan solve' first)");
    if (rc == DP_OK)
        rc = dp_ical_export(m, &o, outdir, stats, err);
    if (rc == DP_OK && n_skipped)
        *n_skipped = skipped;
    for (unsigned i = 0; i < w->n_weeks; i++)
        dp_timetable_free(scheds[i]);
    return rc;
}

/* Parses --weeks, --week and --school into w; returns 0 or 2 after printing. */
static int parse_window(const dp_model *m, dp_opt *opts, size_t n, dp_feed_window *w)
{
    const char *weeks = dp__args_get(opts, n, "weeks")->value;
    const char *week = dp__args_get(opts, n, "week")->value;
    unsigned long long v;

    w->n_weeks = DEFAULT_WEEKS;
    w->school = dp__args_get(opts, n, "school")->given;
    if (weeks) {
        if (dp__args_uint(weeks, &v) != 0 || v < 1 || v > MAX_WEEKS) {
            fprintf(stderr, "dagplan export: --weeks expects 1 to %d, got '%s'\n", MAX_WEEKS,
                    weeks);
            return 2;
        }
        w->n_weeks = (unsigned) v;
    }
    if (week) {
        if (dp_isoweek_parse(week, strlen(week), &w->year, &w->week) != 0) {
            fprintf(stderr, "dagplan export: --week expects YYYY-Www (e.g. 2027-W03), got '%s'\n",
                    week);
            return 2;
        }
    } else {
        dp__feeds_this_week(m, &w->year, &w->week);
    }
    return 0;
}

int dp__export_ics(const char *dir, const dp_model *m, const char *outdir, dp_opt *opts,
                   size_t n_opts)
{
    dp_feed_window w;
    dp_store *store = NULL;
    dp_ical_stats st = {0};
    dp_error err = {0};
    size_t skipped = 0;
    char first[16];
    int status = parse_window(m, opts, n_opts, &w);

    if (status != 0)
        return status;
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan export: %s: %s\n", outdir, strerror(errno));
        return 1;
    }
    if (dp__cli_open_store("export", dir, dp__args_get(opts, n_opts, "db")->value, &store) != 0)
        return 1;
    dp_status rc = dp__feeds_generate(m, store, &w, outdir, &st, &skipped, &err);
    dp_store_close(store);
    if (rc != DP_OK) {
        fprintf(stderr, "dagplan export: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    if (skipped)
        fprintf(stderr,
                "dagplan export: warning: %zu schedule entries name children, sections, "
                "locations or staff no longer in %s (re-solve to publish them)\n",
                skipped, dir);
    dp_isoweek_format(w.year, w.week, first);
    printf("%s: wrote %u feeds to %s: %zu events (%zu new or changed, %zu cancelled), %u weeks "
           "from %s, %zu bytes\n",
           dir, st.n_feeds, outdir, st.n_events, st.n_changed, st.n_cancelled, w.n_weeks, first,
           st.bytes_written);
    return 0;
}
