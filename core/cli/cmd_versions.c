/* core/cli/cmd_versions.c - the schedule versions of a centre's store:
 * `dagplan history` lists them, `dagplan rollback` makes an earlier one
 * current again (as a new version: nothing is ever deleted), `dagplan diff`
 * shows per child what changed between two versions and why.
 *
 * Every version keeps its schedule JSON (with the reasons of every choice not
 * granted) and the snapshot of the inputs it was solved from, so a diff can
 * name both the input files that changed and the reason a child lost an
 * activity, without solving again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/schedule.h"
#include "dagplan/time.h"

static const char history_help[] =
    "Usage: dagplan history DIR [--week YYYY-Www] [--db FILE]\n\n"
    "Lists the stored schedule versions of every week (or of one week), oldest\n"
    "first: number, creation time (UTC), score, seed, the hash of the inputs it\n"
    "was solved from, and how it was made (solve, rollback to N). The current\n"
    "version of each week is marked with '*'. The weekly template is shown as\n"
    "'template'.\n";

static const char rollback_help[] =
    "Usage: dagplan rollback DIR --to VERSION [--week YYYY-Www] [--db FILE]\n\n"
    "Makes version VERSION of the week (default: the weekly template) current\n"
    "again by storing a copy of it as a new version. Nothing is deleted: the\n"
    "versions after it stay in the history and can be rolled back to as well.\n"
    "Exit status: 0 done, 1 no such version (nothing stored), 2 wrong usage.\n";

static const char diff_help[] =
    "Usage: dagplan diff DIR [--week YYYY-Www] [--from V] [--to V] [--db FILE]\n\n"
    "Shows what changed between two versions of the week (default: the weekly\n"
    "template): the input files that differ, then per child every activity it\n"
    "gained, lost or moved to another section, with the reasons stored in the\n"
    "newer version. --to defaults to the current version, --from to the version\n"
    "before --to. Exit status: 0 done, 1 no such version, 2 wrong usage.\n";

typedef struct common_args {
    const char *dir, *db;
    char week[DP_STORE_WEEK_MAX];
    bool week_given;
} common_args;

static int parse_week(const char *cmd, const char *w, common_args *c)
{
    int y, wk;

    c->week[0] = '\0';
    if (!w)
        return 0;
    if (dp_isoweek_parse(w, strlen(w), &y, &wk) != 0) {
        fprintf(stderr, "dagplan %s: --week expects YYYY-Www (e.g. 2027-W03), got '%s'\n", cmd, w);
        return 2;
    }
    dp_isoweek_format(y, wk, c->week);
    c->week_given = true;
    return 0;
}

static int parse_version(const char *cmd, const char *opt, const char *s, unsigned *out)
{
    unsigned long long v;

    if (dp__args_uint(s, &v) != 0 || v == 0 || v > 0xFFFFFFFFull) {
        fprintf(stderr, "dagplan %s: --%s expects a version number 1, 2, ..., got '%s'\n", cmd, opt,
                s);
        return 2;
    }
    *out = (unsigned) v;
    return 0;
}

static const char *week_name(const char *week)
{
    return week[0] ? week : "the weekly template";
}

static void format_time(int64_t s, char *buf, size_t len)
{
    time_t t = (time_t) s;
    struct tm tm;

    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, len, "%lld", (long long) s);
}

/* ---- history ---- */

int dp__cmd_history(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("week", true), DP_OPT("db", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    common_args c = {0};
    dp_store *store = NULL;
    dp_store_version *list = NULL;
    size_t n_list = 0;
    dp_error err = {0};
    int status = 0;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(history_help, stdout);
        return 0;
    }
    if (args.n_positional != 1) {
        fputs(history_help, stderr);
        return 2;
    }
    c.dir = args.positional[0];
    c.db = dp__args_get(opts, n, "db")->value;
    if (parse_week("history", dp__args_get(opts, n, "week")->value, &c) != 0)
        return 2;
    if (dp__cli_open_store("history", c.dir, c.db, &store) != 0)
        return 1;
    if (dp_store_list_versions(store, c.week_given ? c.week : NULL, &list, &n_list, &err) !=
        DP_OK) {
        fprintf(stderr, "dagplan history: ");
        dp_error_print(&err, stderr, false);
        status = 1;
        goto done;
    }
    if (n_list == 0) {
        printf("no stored versions%s%s\n", c.week_given ? " of " : "", c.week_given ? c.week : "");
        goto done;
    }
    printf("%-10s %7s  %-19s  %10s  %6s  %-12s  %s\n", "week", "version", "created (UTC)", "score",
           "seed", "inputs", "made by");
    for (size_t i = 0; i < n_list; i++) {
        const dp_store_version *v = &list[i];
        char when[32], hash[DP_STORE_HASH_HEX] = "-";
        format_time(v->created_s, when, sizeof when);
        if (v->snapshot_id && dp_store_snapshot_hash(store, v->snapshot_id, hash, &err) == DP_OK)
            hash[12] = '\0';
        printf("%-10s %6u%s  %-19s  %10lld  %6llu  %-12s  %s\n", v->week[0] ? v->week : "template",
               v->number, v->is_current ? "*" : " ", when, (long long) v->score_total,
               (unsigned long long) v->seed, hash, v->note);
    }
done:
    dp_store_free(list);
    dp_store_close(store);
    return status;
}

/* ---- rollback ---- */

/* Prints "week W has no version N (it has versions 1-K)" for a missing one. */
static void print_missing(const char *cmd, dp_store *store, const char *week, unsigned number)
{
    dp_store_version *list = NULL;
    size_t n = 0;
    dp_error err = {0};

    if (dp_store_list_versions(store, week, &list, &n, &err) == DP_OK && n > 0)
        fprintf(stderr, "dagplan %s: %s has no version %u (it has versions 1-%u)\n", cmd,
                week_name(week), number, list[n - 1].number);
    else
        fprintf(stderr, "dagplan %s: %s has no stored versions\n", cmd, week_name(week));
    dp_store_free(list);
}

int dp__cmd_rollback(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("week", true), DP_OPT("to", true), DP_OPT("db", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    common_args c = {0};
    dp_store *store = NULL;
    dp_error err = {0};
    unsigned to = 0, number = 0;
    int status = 0;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(rollback_help, stdout);
        return 0;
    }
    const char *to_s = dp__args_get(opts, n, "to")->value;
    if (args.n_positional != 1 || !to_s) {
        fputs(rollback_help, stderr);
        return 2;
    }
    c.dir = args.positional[0];
    c.db = dp__args_get(opts, n, "db")->value;
    if (parse_week("rollback", dp__args_get(opts, n, "week")->value, &c) != 0 ||
        parse_version("rollback", "to", to_s, &to) != 0)
        return 2;
    if (dp__cli_open_store("rollback", c.dir, c.db, &store) != 0)
        return 1;
    dp_status rc = dp_store_rollback(store, c.week, to, &number, &err);
    if (rc == DP_ESTATE) {
        print_missing("rollback", store, c.week, to);
        status = 1;
    } else if (rc != DP_OK) {
        fprintf(stderr, "dagplan rollback: ");
        dp_error_print(&err, stderr, false);
        status = 1;
    } else {
        printf("%s: version %u is current again, stored as version %u\n", week_name(c.week), to,
               number);
    }
    dp_store_close(store);
    return status;
}

/* ---- diff ---- */

typedef struct side {
    dp_store_version info;
    dp_schedule *s;
    dp_store_file *files;
    size_t n_files;
} side;

static int load_side(dp_store *store, const char *week, unsigned number, side *out)
{
    char *json = NULL;
    dp_error err = {0};
    dp_status rc = dp_store_get_version(store, week, number, &out->info, &json, &err);

    if (rc == DP_ESTATE) {
        if (number)
            print_missing("diff", store, week, number);
        else
            fprintf(stderr, "dagplan diff: %s has no stored versions\n", week_name(week));
        return 1;
    }
    if (rc == DP_OK)
        rc = dp_schedule_parse(json, strlen(json), &out->s, &err);
    if (rc == DP_OK && out->info.snapshot_id)
        rc =
            dp_store_snapshot_files(store, out->info.snapshot_id, &out->files, &out->n_files, &err);
    dp_store_free(json);
    if (rc != DP_OK) {
        fprintf(stderr, "dagplan diff: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    return 0;
}

static const dp_store_file *find_file(const side *s, const char *name)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (strcmp(s->files[i].name, name) == 0)
            return &s->files[i];
    return NULL;
}

static void print_input_changes(const side *a, const side *b)
{
    bool any = false;

    printf("inputs changed:");
    for (unsigned i = 0; i < dp__n_input_files; i++) {
        const char *name = dp__input_files[i];
        const dp_store_file *fa = find_file(a, name), *fb = find_file(b, name);
        const char *what = NULL;
        if (fa && !fb)
            what = " (removed)";
        else if (!fa && fb)
            what = " (added)";
        else if (fa && fb && strcmp(fa->hash, fb->hash) != 0)
            what = "";
        if (what) {
            printf("%s %s%s", any ? "," : "", name, what);
            any = true;
        }
    }
    printf("%s\n", any ? "" : " none");
}

static const dp_sched_unassigned *find_unassigned(const dp_schedule *s, const char *child,
                                                  const char *activity)
{
    for (uint32_t i = 0; i < s->n_unassigned; i++)
        if (strcmp(s->unassigned[i].child, child) == 0 &&
            strcmp(s->unassigned[i].activity, activity) == 0)
            return &s->unassigned[i];
    return NULL;
}

static bool child_known(const dp_schedule *s, const char *child)
{
    for (uint32_t i = 0; i < s->n_assignments; i++)
        if (strcmp(s->assignments[i].child, child) == 0)
            return true;
    for (uint32_t i = 0; i < s->n_unassigned; i++)
        if (strcmp(s->unassigned[i].child, child) == 0)
            return true;
    return false;
}

static int compare_child(const void *pa, const void *pb)
{
    const char *a = *(const char *const *) pa, *b = *(const char *const *) pb;
    return strcmp(a, b);
}

/* Per child, in id order: every assignment that is not in both versions
 * identically. Returns the number of changed assignments. */
static unsigned print_child_changes(const dp_schedule *a, const dp_schedule *b,
                                    unsigned *n_children)
{
    size_t n = (size_t) a->n_assignments + b->n_assignments;
    const char **ids = malloc((n + 1) * sizeof *ids);
    unsigned changes = 0;

    *n_children = 0;
    if (!ids) {
        fprintf(stderr, "dagplan diff: out of memory\n");
        return 0;
    }
    for (uint32_t i = 0; i < a->n_assignments; i++)
        ids[i] = a->assignments[i].child;
    for (uint32_t i = 0; i < b->n_assignments; i++)
        ids[a->n_assignments + i] = b->assignments[i].child;
    qsort(ids, n, sizeof *ids, compare_child);
    for (size_t i = 0; i < n; i++) {
        const char *child = ids[i];
        bool header = false;
        if (i > 0 && strcmp(ids[i - 1], child) == 0)
            continue;
        for (int pass = 0; pass < 2; pass++) {
            const dp_schedule *x = pass == 0 ? a : b;
            for (uint32_t k = 0; k < x->n_assignments; k++) {
                const dp_sched_assignment *as = &x->assignments[k];
                if (strcmp(as->child, child) != 0)
                    continue;
                const dp_sched_assignment *old = dp_schedule_find(a, child, as->activity);
                const dp_sched_assignment *new = dp_schedule_find(b, child, as->activity);
                if (pass == 1 && old)
                    continue; /* already reported from the old side */
                if (old && new &&strcmp(old->section, new->section) == 0)
                    continue;
                if (!header) {
                    printf("%s\n", child);
                    header = true;
                    (*n_children)++;
                }
                changes++;
                if (old && new) {
                    printf("  ~ %s: moved from %s to %s\n", as->activity, old->section,
                           new->section);
                } else if (new) {
                    bool was_wish = find_unassigned(a, child, as->activity) != NULL;
                    printf("  + %s: granted in %s (wish %d%s)\n", as->activity, new->section,
                           new->rank, was_wish ? "" : ", a new wish");
                } else {
                    const dp_sched_unassigned *u = find_unassigned(b, child, as->activity);
                    printf("  - %s: lost %s", as->activity, old->section);
                    if (!child_known(b, child))
                        printf(": no longer one of the child's wishes (it has none left, or left "
                               "the centre)\n");
                    else if (!u)
                        printf(": no longer one of the child's wishes\n");
                    else if (u->n_reasons == 0)
                        printf("\n");
                    else
                        for (uint32_t r = 0; r < u->n_reasons; r++)
                            printf("%s%s%s", r ? "; " : ": ", u->reasons[r],
                                   r + 1 == u->n_reasons ? "\n" : "");
                }
            }
        }
    }
    free(ids);
    return changes;
}

int dp__cmd_diff(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("week", true), DP_OPT("from", true), DP_OPT("to", true),
                     DP_OPT("db", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    common_args c = {0};
    dp_store *store = NULL;
    side a = {0}, b = {0};
    unsigned from = 0, to = 0, n_children = 0;
    int status = 1;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(diff_help, stdout);
        return 0;
    }
    if (args.n_positional != 1) {
        fputs(diff_help, stderr);
        return 2;
    }
    c.dir = args.positional[0];
    c.db = dp__args_get(opts, n, "db")->value;
    const char *from_s = dp__args_get(opts, n, "from")->value;
    const char *to_s = dp__args_get(opts, n, "to")->value;
    if (parse_week("diff", dp__args_get(opts, n, "week")->value, &c) != 0 ||
        (from_s && parse_version("diff", "from", from_s, &from) != 0) ||
        (to_s && parse_version("diff", "to", to_s, &to) != 0))
        return 2;
    if (dp__cli_open_store("diff", c.dir, c.db, &store) != 0)
        return 1;
    if (load_side(store, c.week, to, &b) != 0)
        goto done;
    if (!from) {
        if (b.info.number < 2) {
            fprintf(stderr, "dagplan diff: %s has only version 1; nothing to compare with\n",
                    week_name(c.week));
            goto done;
        }
        from = b.info.number - 1;
    }
    if (load_side(store, c.week, from, &a) != 0)
        goto done;
    printf("%s: version %u (%s) -> version %u (%s)\n", week_name(c.week), a.info.number,
           a.info.note, b.info.number, b.info.note);
    printf("score: %lld -> %lld\n", (long long) a.info.score_total, (long long) b.info.score_total);
    print_input_changes(&a, &b);
    unsigned changes = print_child_changes(a.s, b.s, &n_children), kept = 0;
    for (uint32_t i = 0; i < a.s->n_assignments; i++) {
        const dp_sched_assignment *x = &a.s->assignments[i];
        const dp_sched_assignment *y = dp_schedule_find(b.s, x->child, x->activity);
        kept += y && strcmp(x->section, y->section) == 0;
    }
    printf("%u assignment%s changed for %u child%s, %u kept\n", changes, changes == 1 ? "" : "s",
           n_children, n_children == 1 ? "" : "ren", kept);
    status = 0;
done:
    dp_schedule_free(a.s);
    dp_schedule_free(b.s);
    dp_store_free(a.files);
    dp_store_free(b.files);
    dp_store_close(store);
    return status;
}
