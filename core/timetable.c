/* core/timetable.c - reading stored schedule JSON against a model (see
 * dagplan/timetable.h).
 *
 * Only the keys readers need are read: each session's section, day, date,
 * start, end, location, staff, cancelled, children and optional "escorts",
 * and each assignment's child and section. Extra keys are ignored, so later
 * additions to the JSON (FORMAT.md allows them) keep older readers working. */
#include "dagplan/timetable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"
#include "json.h"

static dp_status bad(const char *name, const char *what, size_t i, dp_error *err)
{
    return DP_FAIL(err, DP_EINPUT, NULL, "%s: not a dagplan schedule: %s %zu", name, what, i);
}

static void skip(dp_timetable *s, const char *id)
{
    if (s->n_skipped++ == 0)
        snprintf(s->first_skipped, sizeof s->first_skipped, "%s", id ? id : "?");
}

static dp_id find(const dp_model *m, dp_kind kind, const char *id)
{
    return id ? dp_model_find(m, kind, id, strlen(id)) : DP_NONE;
}

static int parse_time(const char *t, int *min)
{
    return t ? dp_time_parse(t, strlen(t), min) : -1;
}

/* The optional "escorts" object of a session: {"from", "to", "needed",
 * "staff": [ids]}. A staff id the model no longer has is skipped (counted),
 * leaving that place unnamed. */
static int read_escorts(const dp_model *m, const dp_json *e, dp_meeting *out, dp_timetable *s)
{
    out->escorts_needed = out->n_escorts = 0;
    out->escort0 = 0;
    if (!e || e->type == DP_JSON_NULL)
        return 0;
    const dp_json *need = dp__json_get(e, "needed"), *staff = dp__json_get(e, "staff");
    int from, to;
    if (e->type != DP_JSON_OBJECT || !need || need->type != DP_JSON_NUMBER || need->number < 0 ||
        need->number > 10000 || !staff || staff->type != DP_JSON_ARRAY ||
        staff->len > (size_t) need->number || parse_time(dp__json_get_str(e, "from"), &from) != 0 ||
        parse_time(dp__json_get_str(e, "to"), &to) != 0 || to < from)
        return -1;
    out->escorts_needed = (uint16_t) need->number;
    out->escort_from = (uint16_t) from;
    out->escort_to = (uint16_t) to;
    out->escort0 = (uint32_t) s->n_escort_ids;
    for (size_t i = 0; i < staff->len; i++) {
        const char *id = staff->items[i].type == DP_JSON_STRING ? staff->items[i].str : NULL;
        dp_id x = find(m, DP_KIND_STAFF, id);
        if (!id)
            return -1;
        if (x == DP_NONE) {
            skip(s, id);
            continue;
        }
        dp_id *grown = realloc(s->escorts, (s->n_escort_ids + 1) * sizeof *grown);
        if (!grown)
            return -2;
        s->escorts = grown;
        s->escorts[s->n_escort_ids++] = x;
        out->n_escorts++;
    }
    return 0;
}

/* Reads sessions[i] into the next meeting; returns 1 when it was skipped. */
static int read_meeting(const dp_model *m, const dp_json *o, int32_t monday, dp_meeting *out,
                        dp_timetable *s, uint32_t *ordinal_of)
{
    const char *sec = dp__json_get_str(o, "section"), *day = dp__json_get_str(o, "day");
    const char *date = dp__json_get_str(o, "date"), *loc = dp__json_get_str(o, "location");
    const char *staff = dp__json_get_str(o, "staff");
    const dp_json *canc = dp__json_get(o, "cancelled"), *kids = dp__json_get(o, "children");
    int start, end, d = day ? dp_day_parse(day, strlen(day)) : -1;

    out->section = find(m, DP_KIND_SECTION, sec);
    out->location = find(m, DP_KIND_LOCATION, loc);
    out->staff = find(m, DP_KIND_STAFF, staff);
    if (out->section == DP_NONE || out->location == DP_NONE || (staff && out->staff == DP_NONE)) {
        skip(s, out->section == DP_NONE ? sec : out->location == DP_NONE ? loc : staff);
        return 1;
    }
    if (d < 0 || parse_time(dp__json_get_str(o, "start"), &start) != 0 ||
        parse_time(dp__json_get_str(o, "end"), &end) != 0 || end < start)
        return -1;
    out->day = (uint8_t) d;
    out->start_min = (uint16_t) start;
    out->end_min = (uint16_t) end;
    out->date = monday + d;
    if (date && dp_date_parse(date, strlen(date), &out->date) != 0)
        return -1;
    out->cancelled = canc && canc->type == DP_JSON_BOOL && canc->boolean;
    out->n_children =
        kids && kids->type == DP_JSON_NUMBER && kids->number >= 0 && kids->number < 1e9
            ? (uint32_t) kids->number
            : 0;
    out->ordinal = ordinal_of[out->section]++;
    return read_escorts(m, dp__json_get(o, "escorts"), out, s);
}

static int cmp_assignment(const void *a, const void *b)
{
    const dp_assignment *x = a, *y = b;

    if (x->child != y->child)
        return x->child < y->child ? -1 : 1;
    return x->section < y->section ? -1 : x->section > y->section;
}

static dp_status read_all(const dp_model *m, const dp_json *root, int32_t monday, const char *name,
                          dp_timetable *s, dp_error *err)
{
    const dp_json *ses = dp__json_get(root, "sessions"), *as = dp__json_get(root, "assignments");
    const char *fmt = dp__json_get_str(root, "format"), *week = dp__json_get_str(root, "week");
    uint32_t *ordinal_of = NULL;

    if (!fmt || strcmp(fmt, "dagplan-schedule/1") != 0 || !ses || ses->type != DP_JSON_ARRAY ||
        !as || as->type != DP_JSON_ARRAY)
        return DP_FAIL(err, DP_EINPUT, NULL,
                       "%s: not a dagplan schedule (expected format dagplan-schedule/1 with "
                       "sessions and assignments)",
                       name);
    snprintf(s->week, sizeof s->week, "%s", week ? week : "");
    s->meetings = calloc(ses->len ? ses->len : 1, sizeof *s->meetings);
    s->assignments = calloc(as->len ? as->len : 1, sizeof *s->assignments);
    ordinal_of = calloc(m->n_sections ? m->n_sections : 1, sizeof *ordinal_of);
    if (!s->meetings || !s->assignments || !ordinal_of) {
        free(ordinal_of);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", name);
    }
    for (size_t i = 0; i < ses->len; i++) {
        int r = read_meeting(m, &ses->items[i], monday, &s->meetings[s->n_meetings], s, ordinal_of);
        if (r == -2) {
            free(ordinal_of);
            return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", name);
        }
        if (r < 0) {
            free(ordinal_of);
            return bad(name, "malformed session", i + 1, err);
        }
        s->n_meetings += r == 0;
    }
    free(ordinal_of);
    for (size_t i = 0; i < as->len; i++) {
        const char *child = dp__json_get_str(&as->items[i], "child");
        const char *sec = dp__json_get_str(&as->items[i], "section");
        dp_assignment *a = &s->assignments[s->n_assignments];
        if (!child || !sec)
            return bad(name, "malformed assignment", i + 1, err);
        a->child = find(m, DP_KIND_CHILD, child);
        a->section = find(m, DP_KIND_SECTION, sec);
        if (a->child == DP_NONE || a->section == DP_NONE) {
            skip(s, a->child == DP_NONE ? child : sec);
            continue;
        }
        s->n_assignments++;
    }
    qsort(s->assignments, s->n_assignments, sizeof *s->assignments, cmp_assignment);
    return DP_OK;
}

dp_status dp_timetable_parse(const dp_model *m, const char *json, size_t len, int32_t monday,
                             const char *name, dp_timetable **out, dp_error *err)
{
    dp_json_doc *doc = NULL;
    dp_timetable *s = NULL;
    dp_status rc = dp__json_parse(json, len, NULL, &doc, err);

    if (rc != DP_OK) {
        if (rc == DP_EINPUT && err) {
            char msg[sizeof err->msg];
            unsigned line = err->at.line, col = err->at.column;
            snprintf(msg, sizeof msg, "%s", err->msg);
            DP_FAIL(err, DP_EINPUT, NULL, "%s: not valid JSON at line %u, column %u: %s", name,
                    line, col, msg);
        }
        return rc;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", name);
    else
        rc = read_all(m, dp__json_root(doc), monday, name, s, err);
    dp__json_free(doc);
    if (rc != DP_OK) {
        dp_timetable_free(s);
        return rc;
    }
    *out = s;
    return DP_OK;
}

void dp_timetable_free(dp_timetable *s)
{
    if (!s)
        return;
    free(s->meetings);
    free(s->assignments);
    free(s->escorts);
    free(s);
}
