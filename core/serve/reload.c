/* core/serve/reload.c - keeping the served feeds in step with the centre's
 * files.
 *
 * uv_fs_event watches the centre directory. Only the input files count
 * (centre.lua, the CSV files): the store, the feeds directory and editors'
 * temporary files are ignored. Editors save by writing a temporary file and
 * renaming it, which raises several events, so a reload starts only after
 * debounce_ms without another one. The rebuild runs on libuv's thread pool:
 * load and validate the centre; if that fails the error is kept for the
 * overview page and the log and the old site stays online. Otherwise each
 * published week whose current version was solved from other inputs is
 * solved again (from its current version, as `dagplan solve --week` does) and
 * stored as a new version, the feeds are exported and read into a new site,
 * which the loop thread swaps in whole in the after-work callback. An edit
 * during a rebuild queues one more rebuild. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"
#include "dagplan/export.h"
#include "dagplan/load.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "serve.h"

#define MAX_ERROR_LINES 20

typedef struct dp_reload {
    dp_server *srv;    /* read-only from the worker: configuration only */
    bool solve;        /* solve changed weeks (false at start-up) */
    dp_site *site;     /* OUT: the new site */
    char *error;       /* OUT: why it failed */
    char summary[256]; /* OUT: what was done */
} dp_reload;

char *dp__dup_printf(const char *fmt, ...)
{
    dp_buf b;
    va_list ap;
    char tmp[1024];

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    dp_buf_init(&b);
    dp_buf_puts(&b, tmp);
    return b.data;
}

char *dp__error_text(const dp_error *err)
{
    if (err->at.file && err->at.line)
        return dp__dup_printf("%s:%u:%u: error: %s", err->at.file, err->at.line, err->at.column,
                              err->msg);
    if (err->at.file)
        return dp__dup_printf("%s: error: %s", err->at.file, err->msg);
    return dp__dup_printf("error: %s", err->msg);
}

char *dp__diags_text(dp_diags *d)
{
    dp_buf b;
    size_t shown = 0;

    dp_diags_sort(d);
    dp_buf_init(&b);
    for (size_t i = 0; i < dp_diags_n_kept(d) && shown < MAX_ERROR_LINES; i++) {
        const dp_diag *g = dp_diags_get(d, i);
        if (g->severity != DP_SEV_ERROR)
            continue;
        dp_buf_printf(&b, "%s:%u:%u: error: %s\n", g->file, g->line, g->column, g->msg);
        shown++;
    }
    if (dp_diags_n_errors(d) > shown)
        dp_buf_printf(&b, "... and %zu more errors\n", dp_diags_n_errors(d) - shown);
    return b.data;
}

/* Solves week (ISO year/wk; "" and 0 for the template) and stores it; 0 or
 * 1 after setting *error. A week is solved on the centre loaded for that
 * week (its own choices and the sections' dates, issue 8), the template on m. */
static int solve_week(const dp_resolve *r, dp_model *m, dp_store *store, const char *week, int year,
                      int wk, int64_t snap, uint64_t seed, char **error)
{
    dp_solve_options o;
    dp_solution *sol = NULL;
    dp_week w = {wk != 0, year, wk};
    dp_error err = {0};
    dp_buf json;
    char desc[256];
    int status = 1;
    dp_model *wm = NULL;

    if (wk) {
        dp_diags *diags = dp_diags_new();
        dp_status rc = diags ? dp_load_centre_week(r->dir, year, wk, diags, &wm, &err) : DP_ENOMEM;
        if (rc != DP_OK) {
            *error = rc == DP_EINPUT ? dp__diags_text(diags) : dp__error_text(&err);
            dp_diags_free(diags);
            return 1;
        }
        dp_diags_free(diags);
        m = wm;
    }

    if (dp__cli_baseline("serve", r->dir, r->db, week, year, wk, false, m, desc, sizeof desc) !=
        0) {
        *error = dp__dup_printf("reading the baseline of %s failed (see the log)",
                                week[0] ? week : "the weekly template");
        dp_model_free(wm);
        return 1;
    }
    dp_solve_options_init(&o);
    o.seed = seed;
    o.time_limit_s = r->limit_s;
    o.warm_start = m->baseline.section;
    o.interrupt = r->interrupt;
    dp_buf_init(&json);
    if (dp_solve(m, &o, &sol, &err) != DP_OK) {
        *error = dp__error_text(&err);
        goto done;
    }
    if (dp_interrupted(r->interrupt)) {
        *error = dp__dup_printf("the server is stopping: nothing was stored");
        goto done;
    }
    dp_export_json(sol, &w, &json);
    dp_score sc;
    dp_solution_score(sol, &sc);
    dp_store_version_new v = {week, snap, seed, sc.total, json.data, 0, "serve reload"};
    if (dp_buf_status(&json, &err) != DP_OK ||
        dp_store_add_version(store, &v, NULL, &err) != DP_OK) {
        *error = dp__error_text(&err);
        goto done;
    }
    status = 0;
done:
    dp_buf_release(&json);
    dp_solution_free(sol);
    dp_model_free(wm);
    return status;
}

int dp__reload_solve_changed(const dp_resolve *r, dp_model *m, dp_store *store, unsigned *n_solved,
                             char **error)
{
    dp_error err = {0};
    int64_t snap = 0;
    bool template_done = false;

    if (dp_store_snapshot(store, r->dir, dp__input_files, dp__n_input_files, &snap, &err) !=
        DP_OK) {
        *error = dp__error_text(&err);
        return 1;
    }
    int32_t monday0 = dp_isoweek_monday(r->window->year, r->window->week);
    for (unsigned i = 0; i < r->window->n_weeks; i++) {
        int y, wn;
        char wk[16];
        dp_store_version info;
        dp_isoweek_of(monday0 + 7 * (int32_t) i, &y, &wn);
        dp_isoweek_format(y, wn, wk);
        dp_status rc = dp_store_get_version(store, wk, 0, &info, NULL, &err);
        if (rc == DP_ESTATE) {
            if (template_done)
                continue;
            template_done = true;
            rc = dp_store_get_version(store, "", 0, &info, NULL, &err);
            if (rc == DP_ESTATE)
                continue;
            wk[0] = '\0';
            y = wn = 0;
        }
        if (rc != DP_OK) {
            *error = dp__error_text(&err);
            return 1;
        }
        if (info.snapshot_id == snap)
            continue; /* solved from these very inputs already */
        if (solve_week(r, m, store, wk, y, wn, snap, info.seed, error) != 0)
            return 1;
        (*n_solved)++;
    }
    return 0;
}

/* The first published week's timetable, for the overview page. */
static char *overview(const dp_model *m, dp_store *store, const dp_feed_window *w)
{
    char wk[16], label[40], *json = NULL, *html;
    dp_timetable *t = NULL;
    int32_t monday = dp_isoweek_monday(w->year, w->week);

    dp_isoweek_format(w->year, w->week, wk);
    snprintf(label, sizeof label, "week %s", wk);
    if (dp_store_get_version(store, wk, 0, NULL, &json, NULL) == DP_OK ||
        dp_store_get_version(store, "", 0, NULL, &json, NULL) == DP_OK)
        dp_timetable_parse(m, json, strlen(json), monday, "schedule", &t, NULL);
    html = dp__overview_html(m, t, label);
    dp_timetable_free(t);
    dp_store_free(json);
    return html;
}

static void run(dp_reload *job)
{
    dp_server *srv = job->srv;
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_store *store = NULL;
    dp_error err = {0};
    dp_ical_stats st = {0};
    unsigned n_solved = 0;
    char *html = NULL;

    if (!diags) {
        job->error = dp__dup_printf("out of memory");
        return;
    }
    dp_status rc = dp_load_centre(srv->dir, diags, &m, &err);
    if (rc == DP_EINPUT) {
        job->error = dp__diags_text(diags);
        goto done;
    }
    if (rc != DP_OK) {
        job->error = dp__error_text(&err);
        goto done;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", srv->dir, DP_STORE_FILE_NAME);
    if (dp_store_open(srv->db ? srv->db : path, &store, &err) != DP_OK) {
        job->error = dp__error_text(&err);
        goto done;
    }
    dp_resolve r = {srv->dir, srv->db, &srv->window, srv->solve_limit_s, &srv->interrupt};
    if (job->solve && dp__reload_solve_changed(&r, m, store, &n_solved, &job->error) != 0)
        goto done;
    if (dp__feeds_generate(m, store, &srv->window, srv->feeds_dir, &st, NULL, &err) != DP_OK) {
        job->error = dp__error_text(&err);
        goto done;
    }
    html = overview(m, store, &srv->window);
    job->site = html ? dp__site_build(m, store, srv->feeds_dir, html, &err) : NULL;
    if (!job->site)
        job->error = html ? dp__error_text(&err) : dp__dup_printf("out of memory");
    snprintf(job->summary, sizeof job->summary,
             "%u weeks re-solved; %u feeds, %zu events (%zu new or changed, %zu cancelled)",
             n_solved, st.n_feeds, st.n_events, st.n_changed, st.n_cancelled);
done:
    free(html);
    dp_store_close(store);
    dp_model_free(m);
    dp_diags_free(diags);
}

static void on_work(uv_work_t *w)
{
    run(w->data);
}

static void start_rebuild(dp_server *srv);

static void on_work_done(uv_work_t *w, int status)
{
    dp_reload *job = w->data;
    dp_server *srv = job->srv;

    (void) status;
    srv->job = NULL;
    if (job->site) {
        dp__site_unref(srv->site);
        srv->site = job->site;
        free(srv->reload_error);
        srv->reload_error = NULL;
        fprintf(stderr, "dagplan serve: reloaded %s: %s\n", srv->dir, job->summary);
    } else {
        free(srv->reload_error);
        srv->reload_error = job->error ? job->error : dp__dup_printf("the reload failed");
        job->error = NULL;
        fprintf(stderr,
                "dagplan serve: %s changed but was not reloaded; still serving the "
                "previous feeds:\n%s\n",
                srv->dir, srv->reload_error ? srv->reload_error : "");
    }
    free(job->error);
    free(job);
    if (srv->reload_pending && !srv->stopping) {
        srv->reload_pending = false;
        start_rebuild(srv);
    }
}

static void start_rebuild(dp_server *srv)
{
    dp_reload *job;

    if (srv->stopping)
        return;
    if (srv->job) {
        srv->reload_pending = true;
        return;
    }
    job = calloc(1, sizeof *job);
    if (!job)
        return;
    job->srv = srv;
    job->solve = true;
    srv->job = job;
    srv->work.data = job;
    fprintf(stderr, "dagplan serve: %s changed: reloading\n", srv->dir);
    if (uv_queue_work(srv->loop, &srv->work, on_work, on_work_done) != 0) {
        srv->job = NULL;
        free(job);
    }
}

static void on_debounced(uv_timer_t *t)
{
    start_rebuild(t->data);
}

static void on_change(uv_fs_event_t *h, const char *filename, int events, int status)
{
    dp_server *srv = h->data;

    (void) events;
    if (status < 0 || srv->stopping)
        return;
    /* Without a name (some platforms) any change may be an input's. */
    if (filename && !dp__is_input_file(filename))
        return;
    uv_timer_start(&srv->debounce, on_debounced, srv->debounce_ms, 0);
}

static void on_token_timer(uv_timer_t *t)
{
    dp_server *srv = t->data;
    dp_error err = {0};

    if (srv->site && dp__site_reload_tokens(srv->site, srv->store, &err) != DP_OK)
        fprintf(stderr, "dagplan serve: reading the feed tokens: %s\n", err.msg);
}

int dp__reload_initial(dp_server *srv)
{
    dp_reload job = {srv, false, NULL, NULL, ""};

    run(&job);
    if (!job.site) {
        fprintf(stderr, "dagplan serve: %s\n", job.error ? job.error : "start-up failed");
        free(job.error);
        return 1;
    }
    srv->site = job.site;
    fprintf(stderr, "dagplan serve: %s: %s\n", srv->dir, job.summary);
    return 0;
}

int dp__reload_watch(dp_server *srv)
{
    uv_timer_init(srv->loop, &srv->debounce);
    uv_timer_init(srv->loop, &srv->token_timer);
    uv_fs_event_init(srv->loop, &srv->watch);
    srv->debounce.data = srv->token_timer.data = srv->watch.data = srv;
    uv_timer_start(&srv->token_timer, on_token_timer, 2000, 2000);
    int rc = uv_fs_event_start(&srv->watch, on_change, srv->dir, 0);
    if (rc != 0) {
        fprintf(stderr, "dagplan serve: watching %s: %s\n", srv->dir, uv_strerror(rc));
        return 1;
    }
    return 0;
}

void dp__reload_stop(dp_server *srv)
{
    uv_close((uv_handle_t *) &srv->watch, NULL);
    uv_close((uv_handle_t *) &srv->debounce, NULL);
    uv_close((uv_handle_t *) &srv->token_timer, NULL);
}
