/* core/load/places.c - locations.csv, travel.csv and school.csv: where and
 * when things can happen.
 *
 * The travel matrix is n x n int16 minutes, -1 where no row connects two
 * locations and 0 on the diagonal. A row sets its own direction and, unless
 * the reverse direction has a row of its own (before or after it), the reverse
 * as well; loc_line remembers which entries came from an explicit row. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

enum { L_ID, L_NAME, L_KIND, L_ADDRESS, L_ROOMS, L_CAPACITY, L_N };

static const dp__col location_cols[L_N] = {{"id", true},     {"name", true},
                                           {"kind", false},  {"address", false},
                                           {"rooms", false}, {"capacity", false}};

static void location_row(dp__table *t, dp_location *loc)
{
    long v;

    loc->name = dp__get_str(t, L_NAME, "a display name");
    loc->kind = dp__get_str(t, L_KIND, "a kind");
    loc->address = dp__get_str(t, L_ADDRESS, "an address");
    loc->rooms = 1;
    v = 1;
    if (dp__get_int(t, L_ROOMS, "a number of rooms", 1, 1000, &v))
        loc->rooms = (uint16_t) v;
    v = DP_UNLIMITED;
    if (dp__get_int(t, L_CAPACITY, "a capacity in children", 1, 1000000, &v))
        loc->capacity = (int32_t) v;
}

void dp__load_locations(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (dp__table_open(ld, &t, "locations.csv", location_cols, L_N, true) != DP_OK)
        goto done;
    m->locations = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->locations);
    if (!m->locations) {
        dp__oom(ld);
        goto done;
    }
    while (dp__table_next(&t)) {
        if (ld->mm->ids[DP_KIND_LOCATION].n >= DP__MAX_LOCATIONS) {
            dp__report(&t, DP_SEV_ERROR, t.csv.fields[0].line, 1,
                       "too many locations: expected at most %d", DP__MAX_LOCATIONS);
            t.partial = true;
            break;
        }
        dp_id k = dp__entity_id(&t, L_ID, DP_KIND_LOCATION, "location id");
        if (k == DP_NONE)
            continue;
        dp_location *loc = &m->locations[k];
        loc->id = ld->mm->ids[DP_KIND_LOCATION].names[k];
        loc->line = t.csv.fields[0].line;
        location_row(&t, loc);
        m->n_locations = k + 1;
    }
done:
    ld->broken[DP_KIND_LOCATION] = !t.ok || t.partial;
    dp__table_close(&t);
}

enum { T_FROM, T_TO, T_MINUTES, T_N };

static const dp__col travel_cols[T_N] = {{"from", true}, {"to", true}, {"minutes", true}};

static void travel_row(dp__loader *ld, dp__table *t)
{
    dp_model *m = ld->m;
    dp_id a, b;
    long v = 0;
    bool ok = dp__get_ref(t, T_FROM, DP_KIND_LOCATION, &a);

    ok = dp__get_ref(t, T_TO, DP_KIND_LOCATION, &b) && ok;
    ok = dp__get_int(t, T_MINUTES, "walking minutes", 0, DP_MINUTES_DAY, &v) && ok;
    if (!ok)
        return;
    const dp__csv_field *f = dp__field(t, T_MINUTES);
    uint32_t line = t->csv.fields[0].line;
    size_t n = m->n_locations;
    if (a == b) {
        if (v != 0)
            dp__report(t, DP_SEV_ERROR, f->line, f->col,
                       "expected 0 minutes from a location to itself, got %ld", v);
        return;
    }
    if (ld->loc_line[a * n + b]) {
        dp__report(t, DP_SEV_ERROR, line, dp__field(t, T_FROM)->col,
                   "duplicate travel from '%s' to '%s' (first at line %u)", m->locations[a].id,
                   m->locations[b].id, ld->loc_line[a * n + b]);
        return;
    }
    ld->loc_line[a * n + b] = line;
    m->travel_min[a * n + b] = (int16_t) v;
    if (!ld->loc_line[b * n + a])
        m->travel_min[b * n + a] = (int16_t) v;
}

void dp__load_travel(dp__loader *ld)
{
    dp_model *m = ld->m;
    size_t n = m->n_locations;
    dp__table t;

    size_t cells = n > 0 ? n * n : 1;

    m->travel_min = dp__arena_array(ld->mm->arena, cells, sizeof(int16_t));
    ld->loc_line = calloc(cells, sizeof *ld->loc_line);
    if (!m->travel_min || !ld->loc_line) {
        dp__oom(ld);
        return;
    }
    for (size_t i = 0; i < n * n; i++)
        m->travel_min[i] = i / n == i % n ? 0 : -1;
    if (dp__table_open(ld, &t, "travel.csv", travel_cols, T_N, true) == DP_OK)
        while (dp__table_next(&t))
            travel_row(ld, &t);
    dp__table_close(&t);
}

enum { S_GROUP, S_DAY, S_START, S_END, S_N };

static const dp__col school_cols[S_N] = {
    {"group", true}, {"day", true}, {"start", true}, {"end", true}};

static void school_row(dp__loader *ld, dp__table *t)
{
    long g = 0;
    int day = 0, start = 0, end = 0;
    bool ok = dp__get_int(t, S_GROUP, "a school group", 0, DP_MAX_GROUP, &g);

    ok = dp__get_day(t, S_DAY, &day) && ok;
    ok = dp__get_time(t, S_START, &start) && ok;
    ok = dp__get_time(t, S_END, &end) && ok;
    if (!ok)
        return;
    const dp__csv_field *f = dp__field(t, S_END);
    if (end <= start) {
        char buf[8];
        dp_time_format(start, buf);
        dp__report(t, DP_SEV_ERROR, f->line, f->col,
                   "expected the end after the start (%s), got '%s'", buf, f->s);
        return;
    }
    dp_school_day *sd = &ld->m->school[g][day];
    if (sd->line) {
        dp__report(t, DP_SEV_ERROR, dp__field(t, S_GROUP)->line, dp__field(t, S_GROUP)->col,
                   "duplicate school hours for group %ld on %s (first at line %u)", g,
                   dp_day_name(day), sd->line);
        return;
    }
    sd->start_min = (uint16_t) start;
    sd->end_min = (uint16_t) end;
    sd->line = t->csv.fields[0].line;
}

void dp__load_school(dp__loader *ld)
{
    dp__table t;

    if (dp__table_open(ld, &t, "school.csv", school_cols, S_N, true) == DP_OK)
        while (dp__table_next(&t))
            school_row(ld, &t);
    dp__table_close(&t);
}
