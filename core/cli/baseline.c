/* core/cli/baseline.c - which stored schedule a solve starts from (issue 7).
 *
 * Solving week W starts from the current version of W when there is one (a
 * re-solve after an edit), else from the current version of the latest week
 * before W that has one (next week from this week; a holiday week without a
 * schedule is skipped). The weekly template starts from its own current
 * version. The baseline is the warm start and the reference of the stability
 * term and of series under way. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "dagplan/schedule.h"

/* The week (into out) whose current version is the baseline of week; false
 * when there is none. */
static bool pick_week(dp_store *store, const char *week, char out[DP_STORE_WEEK_MAX])
{
    dp_store_version *list = NULL;
    size_t n = 0;
    dp_error err = {0};
    bool found = false;

    if (dp_store_list_versions(store, NULL, &list, &n, &err) != DP_OK)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *w = list[i].week;
        bool same = strcmp(w, week) == 0;
        bool earlier = week[0] && w[0] && strcmp(w, week) < 0; /* YYYY-Www sorts as text */
        if (same || (earlier && (!found || (strcmp(out, week) != 0 && strcmp(w, out) > 0)))) {
            strcpy(out, w);
            found = true;
        }
    }
    dp_store_free(list);
    return found;
}

int dp__cli_baseline(const char *cmd, const char *dir, const char *db, const char *week, int year,
                     int wk, bool from_scratch, dp_model *m, char *desc, size_t len)
{
    dp_store *store = NULL;
    dp_schedule *sched = NULL;
    dp_store_version info;
    char *json = NULL, base_week[DP_STORE_WEEK_MAX];
    dp_error err = {0};
    dp_status rc = DP_OK;

    snprintf(desc, len, "none");
    if (!from_scratch) {
        if (dp__cli_open_store(cmd, dir, db, &store) != 0)
            return 1;
        if (pick_week(store, week, base_week)) {
            rc = dp_store_get_version(store, base_week, 0, &info, &json, &err);
            if (rc == DP_OK)
                rc = dp_schedule_parse(json, strlen(json), &sched, &err);
        }
    }
    if (rc == DP_OK && sched && strcmp(sched->centre, m->centre.id) != 0) {
        fprintf(stderr,
                "dagplan %s: warning: the stored schedules are of centre '%s', not '%s': "
                "solving without a baseline\n",
                cmd, sched->centre, m->centre.id);
        dp_schedule_free(sched);
        sched = NULL;
    }
    if (rc == DP_OK)
        rc = dp_model_set_baseline(m, year, wk, sched, &err);
    if (rc != DP_OK) {
        fprintf(stderr, "dagplan %s: reading the baseline: ", cmd);
        dp_error_print(&err, stderr, false);
    } else if (sched) {
        snprintf(desc, len, "%s version %u (%u assignments kept in view, %u no longer apply)",
                 base_week[0] ? base_week : "template", info.number, m->baseline.n_mapped,
                 m->baseline.n_dropped);
    }
    dp_schedule_free(sched);
    dp_store_free(json);
    dp_store_close(store);
    return rc == DP_OK ? 0 : 1;
}
