/* core/load/load.c - the loader's entry points: a centre directory (from
 * disk or, for tests and fuzzing, from memory) and a municipality directory.
 *
 * The files are read in dependency order, each one's references resolved
 * against the ids of the files before it, then cross-file checks run and the
 * model's arrays are grouped. The model is handed out only when no error was
 * reported; otherwise it is freed and the diagnostics say why. */
#include "dagplan/time.h"
#include "load_impl.h"
#include "rules/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void release_loader(dp__loader *ld)
{
    for (int k = 0; k < DP_N_KINDS; k++)
        free(ld->id_line[k]);
    free(ld->loc_line);
    free(ld->sess);
    free(ld->tmp_slots);
    free(ld->choice_col);
    free(ld->window_col);
    free(ld->ranges);
    free(ld->choice_carried);
    free(ld->other_week);
    dp__sandbox_free(ld->rules_sb);
}

typedef void (*step_fn)(dp__loader *ld);

static void run_steps(dp__loader *ld)
{
    static const step_fn steps[] = {
        dp__load_locations,    dp__load_travel,   dp__load_conf,      dp__load_staff,
        dp__load_activities,   dp__load_sections, dp__load_sessions,  dp__load_children,
        dp__load_availability, dp__load_school,   dp__load_choices,   dp__load_rota,
        dp__check_windows,     dp__check_choices, dp__check_sessions, dp__select_week,
        dp__finish_names,      dp__load_pins,     dp__load_closures};

    for (size_t i = 0; i < sizeof steps / sizeof *steps && ld->fatal == DP_OK; i++)
        steps[i](ld);
}

dp_status dp__load_centre_src(const dp__load_src *src, dp_diags *diags, dp_model **out,
                              dp_error *err)
{
    dp__loader ld;
    size_t errors_before = dp_diags_n_errors(diags);

    memset(&ld, 0, sizeof ld);
    ld.src = src;
    ld.diags = diags;
    ld.err = err;
    ld.mm = dp__model_new();
    if (!ld.mm)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory while loading %s", src->dir);
    ld.m = &ld.mm->pub;
    ld.m->centre.dir = dp__model_strdup(ld.mm, src->dir, strlen(src->dir));
    ld.m->loaded_monday = src->week_monday;
    if (!ld.m->centre.dir)
        dp__oom(&ld);
    run_steps(&ld);
    if (ld.fatal == DP_OK)
        dp__load_rules(&ld); /* last: rules name ids of every file */
    release_loader(&ld);
    if (ld.fatal != DP_OK) {
        dp_model_free(ld.m);
        return ld.fatal;
    }
    if (dp_diags_n_errors(diags) > errors_before) {
        dp_model_free(ld.m);
        return DP_FAIL(err, DP_EINPUT, NULL, "%s: %zu errors", src->dir,
                       dp_diags_n_errors(diags) - errors_before);
    }
    *out = ld.m;
    return DP_OK;
}

static bool is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

dp_status dp_load_centre(const char *dir, dp_diags *diags, dp_model **out, dp_error *err)
{
    return dp_load_centre_week(dir, 0, 0, diags, out, err);
}

dp_status dp_load_centre_week(const char *dir, int year, int week, dp_diags *diags, dp_model **out,
                              dp_error *err)
{
    dp__load_src src = {dir, NULL, 0, NULL, week ? dp_isoweek_monday(year, week) : 0};
    DIR *d = opendir(dir);

    if (!d)
        return DP_FAIL(err, DP_EIO, NULL, "cannot read the centre directory %s: %s", dir,
                       strerror(errno));
    closedir(d);
    return dp__load_centre_src(&src, diags, out, err);
}

/* Whether dir/name/children.csv exists. */
static bool has_children_csv(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;

    if (snprintf(path, sizeof path, "%s%s%s/children.csv", dir, name[0] ? "/" : "", name) >=
        (int) sizeof path)
        return false;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Lists the subdirectories of dir holding a children.csv, sorted; -1 on
 * OOM or an unreadable dir. */
static int list_centres(const char *dir, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **list = NULL;
    uint32_t cap = 0;

    *n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (e->d_name[0] == '.' || !has_children_csv(dir, e->d_name))
            continue;
        int w = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (w < 0 || w >= (int) sizeof path || !is_dir(path))
            continue;
        char *copy = malloc((size_t) w + 1);
        if (!copy || !dp__grow((void **) &list, &cap, (uint32_t) *n + 1, sizeof *list)) {
            free(copy);
            dp_load_free_list(list, *n);
            closedir(d);
            return -1;
        }
        memcpy(copy, path, (size_t) w + 1);
        list[(*n)++] = copy;
    }
    closedir(d);
    if (*n > 1)
        qsort(list, *n, sizeof *list, compare_strings);
    *out = list;
    return 0;
}

bool dp_load_is_municipality(const char *dir)
{
    char **list = NULL;
    size_t n = 0;

    if (!is_dir(dir) || has_children_csv(dir, ""))
        return false;
    if (list_centres(dir, &list, &n) != 0)
        return false;
    dp_load_free_list(list, n);
    return n > 0;
}

dp_status dp_load_municipality(const char *dir, dp_diags *diags, char ***out, size_t *n,
                               dp_error *err)
{
    char **list = NULL;
    size_t count = 0;
    char path[4096];

    if (!is_dir(dir))
        return DP_FAIL(err, DP_EIO, NULL, "cannot read the municipality directory %s", dir);
    if (list_centres(dir, &list, &count) != 0)
        return DP_FAIL(err, DP_ENOMEM, NULL, "listing %s: out of memory or unreadable", dir);
    snprintf(path, sizeof path, "%s/municipality.lua", dir);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
    } else if (errno != ENOENT) {
        dp_loc at = {"municipality.lua", 0, 0};
        dp_diags_add(diags, DP_SEV_ERROR, &at, "cannot read %s: %s", path, strerror(errno));
        dp_load_free_list(list, count);
        return DP_FAIL(err, DP_EINPUT, &at, "cannot read %s", path);
    }
    if (count == 0) {
        dp_loc at = {dir, 0, 0};
        dp_diags_add(diags, DP_SEV_ERROR, &at,
                     "no centre directories: expected subdirectories with a children.csv");
        return DP_FAIL(err, DP_EINPUT, &at, "no centre directories in %s", dir);
    }
    *out = list;
    *n = count;
    return DP_OK;
}

void dp_load_free_list(char **list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}
