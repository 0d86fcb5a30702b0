/* plugins/ical/ical.c - dp_ical_export: build, merge with the published
 * state, write the state, write the feeds (see dagplan/ical.h).
 *
 * Order matters for crash safety: the state is renamed into place before
 * the feeds, so a crash in between leaves a state that matches what the next
 * export writes anyway (the same events get the same sequences). Every file
 * is written by write-then-rename, so a reader (the feed server) never sees
 * half a feed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ical_impl.h"

/* The range the VTIMEZONE must cover: from the start of the year before the
 * earliest event to the end of the year after the latest. */
static void tz_range(const ical_feeds *fs, const dp_ical_options *o, int64_t *from, int64_t *to)
{
    int32_t lo = o->first_monday, hi = o->first_monday + 7 * (int32_t) o->n_weeks;
    int y, mo, d;

    for (size_t i = 0; i < fs->n_feeds; i++)
        for (size_t k = 0; k < fs->feeds[i].n_events; k++) {
            int32_t date = fs->feeds[i].events[k].date;
            lo = date < lo ? date : lo;
            hi = date > hi ? date : hi;
        }
    dp_date_to_civil(lo, &y, &mo, &d);
    *from = (int64_t) dp_date_from_civil(y - 1, 1, 1) * 86400;
    dp_date_to_civil(hi, &y, &mo, &d);
    *to = (int64_t) dp_date_from_civil(y + 2, 1, 1) * 86400;
}

static dp_status write_feeds(const dp_model *m, const dp_ical_options *o, const ical_feeds *fs,
                             const dp_tz *tz, const char *outdir, dp_ical_stats *stats,
                             dp_error *err)
{
    int64_t from, to;
    icalcomponent *vtz;
    dp_status rc = DP_OK;
    char path[4096];

    tz_range(fs, o, &from, &to);
    vtz = dp__ical_vtimezone(tz, from, to);
    if (!vtz)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the time zone");
    for (size_t i = 0; i < fs->n_feeds && rc == DP_OK; i++) {
        const ical_feed *f = &fs->feeds[i];
        dp_buf b;
        if (!f->name)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", outdir, f->file) >= (int) sizeof path) {
            rc = DP_FAIL(err, DP_EIO, NULL, "%s: path too long", outdir);
            break;
        }
        dp_buf_init(&b);
        rc = dp__ical_render(m, f, vtz, o->refresh_minutes ? o->refresh_minutes : 60, &b, err);
        if (rc == DP_OK)
            rc = dp_buf_write_file(&b, path, err);
        stats->n_feeds++;
        stats->n_events += f->n_events;
        stats->bytes_written += b.len;
        for (size_t k = 0; k < f->n_events; k++) {
            stats->n_cancelled += f->events[k].cancelled;
            stats->n_changed += f->events[k].changed;
        }
        dp_buf_release(&b);
    }
    icalcomponent_free(vtz);
    return rc;
}

dp_status dp_ical_export(const dp_model *m, const dp_ical_options *o, const char *outdir,
                         dp_ical_stats *stats, dp_error *err)
{
    ical_state *st = NULL;
    ical_feeds fs = {0};
    dp_tz *tz = NULL;
    dp_ical_stats local = {0};
    dp_status rc;

    rc = dp_tz_load(m->centre.timezone, &tz, err);
    if (rc == DP_OK)
        rc = dp__ical_state_read(outdir, &st, err);
    if (rc == DP_OK) {
        dp__ical_state_salt(st, fs.salt);
        rc = dp__ical_build(m, o, &fs, err);
    }
    if (rc == DP_OK)
        rc = dp__ical_state_merge(st, o, &fs, err);
    if (rc == DP_OK)
        rc = dp__ical_state_write(st, &fs, outdir, err);
    if (rc == DP_OK)
        rc = write_feeds(m, o, &fs, tz, outdir, &local, err);
    if (rc == DP_OK && stats)
        *stats = local;
    dp__ical_feeds_release(&fs);
    dp__ical_state_free(st);
    dp_tz_free(tz);
    return rc;
}
