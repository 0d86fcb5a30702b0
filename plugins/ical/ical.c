/* plugins/ical/ical.c - dp_ical_export: build, merge with the published
 * state, write the state, write the feeds (see dagplan/ical.h).
 *
 * Order matters for crash safety: the state is renamed into place before
 * the feeds, so a crash in between leaves a state that matches what the next
 * export writes anyway (the same events get the same sequences). Every file
 * is written by write-then-rename, so a reader (the feed server) never sees
 * half a feed.
 *
 * A town has tens of thousands of feeds, and one fsync per file (what
 * dp_buf_write_file does) costs most of an export's time. So feeds are
 * written in three passes: every changed feed to a temporary sibling (a feed
 * whose file already holds exactly the new bytes is left alone, which also
 * keeps its mtime), then one syncfs of the directory's file system, then the
 * renames and an fsync of the directory: a renamed feed is always complete
 * and durable. */
#define _GNU_SOURCE /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* True when the file at path holds exactly len bytes equal to data. */
static bool same_content(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    char buf[65536];
    size_t off = 0, n;
    bool same = f != NULL;

    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        same = off + n <= len && memcmp(buf, data + off, n) == 0;
        off += n;
    }
    if (f)
        fclose(f);
    return same && off == len;
}

/* Writes data to path's temporary sibling tmp, without syncing. */
static dp_status write_tmp(const char *tmp, const char *data, size_t len, dp_error *err)
{
    FILE *f = fopen(tmp, "wb");

    if (!f)
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", tmp, strerror(errno));
    int write_failed = len && fwrite(data, 1, len, f) != len;
    int close_failed = fclose(f) != 0;
    if (write_failed || close_failed) {
        int e = errno;
        remove(tmp);
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", tmp, strerror(e));
    }
    return DP_OK;
}

/* The renames of the written feeds, after one sync of their file system. */
static dp_status commit(const char *outdir, char **files, size_t n, dp_error *err)
{
    char path[4096], tmp[4200];
    dp_status rc = DP_OK;
    int dir = open(outdir, O_RDONLY | O_DIRECTORY);

    if (dir < 0)
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", outdir, strerror(errno));
    if (n && syncfs(dir) != 0)
        rc = DP_FAIL(err, DP_EIO, NULL, "%s: %s", outdir, strerror(errno));
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", outdir, files[i]);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        if (rc != DP_OK) {
            remove(tmp);
        } else if (rename(tmp, path) != 0) {
            rc = DP_FAIL(err, DP_EIO, NULL, "%s: %s", path, strerror(errno));
            remove(tmp);
        }
    }
    if (rc == DP_OK && n && fsync(dir) != 0)
        rc = DP_FAIL(err, DP_EIO, NULL, "%s: %s", outdir, strerror(errno));
    close(dir);
    return rc;
}

static dp_status write_feeds(const dp_model *m, const dp_ical_options *o, const ical_feeds *fs,
                             const dp_tz *tz, const char *outdir, dp_ical_stats *stats,
                             dp_error *err)
{
    int64_t from, to;
    icalcomponent *vtz;
    char *vtz_text = NULL;
    dp_status rc = DP_OK;
    char path[4096], tmp[4200];
    char **written = calloc(fs->n_feeds ? fs->n_feeds : 1, sizeof *written);
    size_t n_written = 0;

    tz_range(fs, o, &from, &to);
    vtz = written ? dp__ical_vtimezone(tz, from, to) : NULL;
    vtz_text = vtz ? icalcomponent_as_ical_string_r(vtz) : NULL;
    if (vtz)
        icalcomponent_free(vtz);
    if (!vtz_text) {
        free(written);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory writing the time zone");
    }
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
        rc = dp__ical_render(m, f, vtz_text, o->refresh_minutes ? o->refresh_minutes : 60, &b, err);
        if (rc == DP_OK)
            rc = dp_buf_status(&b, err);
        if (rc == DP_OK && !same_content(path, b.data, b.len)) {
            snprintf(tmp, sizeof tmp, "%s.tmp", path);
            rc = write_tmp(tmp, b.data, b.len, err);
            if (rc == DP_OK)
                written[n_written++] = (char *) (uintptr_t) f->file;
        }
        stats->n_feeds++;
        stats->n_events += f->n_events;
        stats->bytes_written += b.len;
        for (size_t k = 0; k < f->n_events; k++) {
            stats->n_cancelled += f->events[k].cancelled;
            stats->n_changed += f->events[k].changed;
        }
        dp_buf_release(&b);
    }
    free(vtz_text);
    if (rc == DP_OK) {
        rc = commit(outdir, written, n_written, err);
    } else {
        for (size_t i = 0; i < n_written; i++) {
            snprintf(tmp, sizeof tmp, "%s/%s.tmp", outdir, written[i]);
            remove(tmp);
        }
    }
    free(written);
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
