/* core/serve/city.c - `dagplan serve CITYDIR`: the municipality's public
 * overview, one page per published week, kept in step with every centre.
 *
 * The pages are the very pages `dagplan export CITYDIR --html DIR --week W`
 * writes (cli/city_overview.h), plus a list of the weeks, under /overview/.
 * Each centre keeps its last good model, its timetables of the published
 * weeks and an open connection to its store; the open connection matters:
 * with SQLite's WAL mode the last connection to close removes the -wal file,
 * and the watch would see our own reads as changes.
 *
 * One uv_fs_event per centre directory marks the centre dirty: its inputs
 * (centre.lua, the CSV files: the centre is loaded again and its changed
 * weeks solved again and stored, exactly as the centre server does) or its
 * store (dagplan.db and its WAL: a planner stored a new version; the
 * timetables are read again). After debounce_ms without another event, one
 * rebuild runs on the thread pool; it touches only the dirty centres' state
 * and builds a new set of pages, swapped in whole on the loop thread. A
 * centre whose edit does not load keeps its previous rows and the error
 * goes to the log; the other centres are updated. Centres added to or
 * removed from CITYDIR are picked up on restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/city_overview.h"
#include "cli/common.h"
#include "dagplan/load.h"
#include "dagplan/time.h"
#include "serve.h"

typedef struct city_centre {
    char *dir;            /* CITYDIR/NAME */
    const char *name;     /* NAME */
    uv_fs_event_t watch;  /* its directory */
    bool watching;        /* watch started */
    bool dirty_inputs;    /* loop thread: an input changed since the last rebuild began */
    bool dirty_store;     /* loop thread: the store changed */
    bool job_inputs;      /* the running rebuild's copy of dirty_inputs */
    bool job_store;       /* ... of dirty_store */
    dp_model *model;      /* worker: the last model that loaded, NULL: none yet */
    dp_store *store;      /* worker: open while the server runs, NULL: no store yet */
    dp_timetable **tt;    /* worker: per published week, NULL: nothing to show */
    struct dp_city *city; /* back to the municipality */
} city_centre;

typedef struct dp_city {
    dp_server *srv;
    char **dirs;       /* the centre directories */
    size_t n;          /* how many */
    city_centre *c;    /* one per directory */
    char title[300];   /* "Aanbod NAME" */
    char (*weeks)[16]; /* the published weeks, "YYYY-Www" */
    uv_work_t work;    /* the rebuild */
    bool running;      /* a rebuild is on the pool */
    bool pending;      /* an event arrived during it */
    bool solve;        /* the running rebuild may solve (false at start-up) */
    dp_site *site;     /* OUT of a rebuild: the new pages, NULL when none */
    dp_buf log;        /* OUT of a rebuild: what failed, per centre */
    char summary[256]; /* OUT of a rebuild: what was done */
} dp_city;

static void log_line(dp_city *city, const char *name, const char *what)
{
    dp_buf_printf(&city->log, "  %s: %s%s", name, what,
                  what[0] && what[strlen(what) - 1] == '\n' ? "" : "\n");
}

/* Loads centre cc again; on success replaces its model (its timetables refer
 * to the old one, so they are read again) and solves its changed weeks. */
static bool reload_model(dp_city *city, city_centre *cc, unsigned *n_solved)
{
    dp_server *srv = city->srv;
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};
    char *msg = NULL;

    if (!diags)
        return false;
    dp_status rc = dp_load_centre(cc->dir, diags, &m, &err);
    if (rc != DP_OK) {
        msg = rc == DP_EINPUT ? dp__diags_text(diags) : dp__error_text(&err);
        log_line(city, cc->name,
                 cc->model ? "does not load; its previous offering stays online:"
                           : "does not load:");
        dp_buf_puts(&city->log, msg ? msg : "");
        free(msg);
        dp_diags_free(diags);
        return false;
    }
    dp_diags_free(diags);
    for (size_t w = 0; w < srv->window.n_weeks; w++) {
        dp_timetable_free(cc->tt[w]);
        cc->tt[w] = NULL;
    }
    dp_model_free(cc->model);
    cc->model = m;
    if (city->solve && cc->store) {
        dp_resolve r = {cc->dir, NULL, &srv->window, srv->solve_limit_s, &srv->interrupt};
        if (dp__reload_solve_changed(&r, m, cc->store, n_solved, &msg) != 0) {
            log_line(city, cc->name, "its changed weeks were not solved again:");
            log_line(city, cc->name, msg ? msg : "");
            free(msg);
        }
    }
    return true;
}

/* Reads the timetable of every published week from cc's store: the week's
 * current version, else the weekly template's (as the centre server's
 * overview does), else none. */
static void read_weeks(dp_city *city, city_centre *cc)
{
    dp_server *srv = city->srv;
    char path[4096];
    struct stat st;
    dp_error err = {0};

    snprintf(path, sizeof path, "%s/%s", cc->dir, DP_STORE_FILE_NAME);
    if (!cc->store && stat(path, &st) == 0 && dp_store_open(path, &cc->store, &err) != DP_OK) {
        char *msg = dp__error_text(&err);
        log_line(city, cc->name, msg ? msg : "the store does not open");
        free(msg);
    }
    for (size_t w = 0; w < srv->window.n_weeks; w++) {
        char *json = NULL;
        const char *used = city->weeks[w];
        dp_timetable *t = NULL;
        int y = 0, wk = 0;
        dp_timetable_free(cc->tt[w]);
        cc->tt[w] = NULL;
        if (!cc->store || !cc->model)
            continue;
        if (dp_store_get_version(cc->store, used, 0, NULL, &json, NULL) != DP_OK) {
            used = "";
            if (dp_store_get_version(cc->store, used, 0, NULL, &json, NULL) != DP_OK)
                continue;
        }
        dp_isoweek_parse(city->weeks[w], strlen(city->weeks[w]), &y, &wk);
        if (dp_timetable_parse(cc->model, json, strlen(json), dp_isoweek_monday(y, wk), "schedule",
                               &t, &err) != DP_OK) {
            char *msg = dp__error_text(&err);
            log_line(city, cc->name, msg ? msg : "the stored schedule cannot be read");
            free(msg);
        } else {
            cc->tt[w] = t;
        }
        dp_store_free(json);
    }
}

/* The list of weeks (index.html) and one page per week. */
static dp_site *build_pages(dp_city *city, dp_error *err)
{
    size_t nw = city->srv->window.n_weeks;
    const dp_model **models = calloc(city->n + 1, sizeof *models);
    const dp_timetable **tts = calloc(nw * city->n + 1, sizeof *tts);
    const char **names = calloc(nw + 1, sizeof *names);
    char(*files)[24] = calloc(nw + 1, sizeof *files);
    dp_buf *bodies = calloc(nw + 1, sizeof *bodies);
    dp_site *site = NULL;

    if (!models || !tts || !names || !files || !bodies) {
        DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the pages");
        goto done;
    }
    for (size_t w = 0; w <= nw; w++)
        dp_buf_init(&bodies[w]);
    for (size_t i = 0; i < city->n; i++) {
        models[i] = city->c[i].model;
        for (size_t w = 0; w < nw; w++)
            tts[w * city->n + i] = city->c[i].tt[w];
    }
    for (size_t w = 0; w < nw; w++) {
        snprintf(files[w], sizeof files[w], "%s.html", city->weeks[w]);
        names[w] = files[w];
    }
    names[nw] = "index.html";
    dp__city_pages(city->title, (const char(*)[16]) city->weeks, nw, models, tts, city->n, bodies);
    site = dp__site_build_pages(names, bodies, nw + 1, err);
done:
    for (size_t i = 0; bodies && i <= nw; i++)
        dp_buf_release(&bodies[i]);
    free(models);
    free(tts);
    free(names);
    free(files);
    free(bodies);
    return site;
}

/* The rebuild: runs on the thread pool (or on the loop thread at start). */
static void rebuild(dp_city *city)
{
    unsigned n_loaded = 0, n_read = 0, n_solved = 0;
    dp_error err = {0};

    for (size_t i = 0; i < city->n; i++) {
        city_centre *cc = &city->c[i];
        bool reread = cc->job_store;
        if (cc->job_inputs || !cc->model) {
            if (reload_model(city, cc, &n_solved)) {
                n_loaded++;
                reread = true;
            }
        }
        if (reread) {
            read_weeks(city, cc);
            n_read++;
        }
    }
    city->site = build_pages(city, &err);
    if (!city->site) {
        char *msg = dp__error_text(&err);
        log_line(city, "pages", msg ? msg : "out of memory");
        free(msg);
    }
    snprintf(city->summary, sizeof city->summary,
             "%u centres loaded, %u read, %u weeks re-solved; %u week pages", n_loaded, n_read,
             n_solved, city->srv->window.n_weeks);
}

static void on_work(uv_work_t *w)
{
    rebuild(w->data);
}

static void start_rebuild(dp_city *city);

/* Keeps a page's Last-Modified when its bytes did not change, so
 * If-Modified-Since keeps answering 304 across rebuilds that change nothing. */
static void keep_dates(dp_site *now, const dp_site *before)
{
    for (size_t i = 0; before && i < now->n_pages; i++) {
        const dp_blob *old = dp__site_page(before, now->pages[i].name);
        if (old && strcmp(old->etag, now->pages[i].etag) == 0)
            now->pages[i].last_modified = old->last_modified;
    }
}

static void on_work_done(uv_work_t *w, int status)
{
    dp_city *city = w->data;
    dp_server *srv = city->srv;

    (void) status;
    city->running = false;
    if (city->log.len)
        fprintf(stderr, "dagplan serve: %s: some centres were not updated:\n%.*s", srv->dir,
                (int) city->log.len, city->log.data);
    if (city->site) {
        keep_dates(city->site, srv->site);
        dp__site_unref(srv->site);
        srv->site = city->site;
        city->site = NULL;
        fprintf(stderr, "dagplan serve: reloaded %s: %s\n", srv->dir, city->summary);
    }
    if (city->pending && !srv->stopping) {
        city->pending = false;
        start_rebuild(city);
    }
}

static void start_rebuild(dp_city *city)
{
    dp_server *srv = city->srv;

    if (srv->stopping)
        return;
    if (city->running) {
        city->pending = true;
        return;
    }
    for (size_t i = 0; i < city->n; i++) {
        city_centre *cc = &city->c[i];
        cc->job_inputs = cc->dirty_inputs;
        cc->job_store = cc->dirty_store;
        cc->dirty_inputs = cc->dirty_store = false;
    }
    city->log.len = 0;
    city->solve = true;
    city->running = true;
    city->work.data = city;
    fprintf(stderr, "dagplan serve: %s changed: reloading\n", srv->dir);
    if (uv_queue_work(srv->loop, &city->work, on_work, on_work_done) != 0)
        city->running = false;
}

static void on_debounced(uv_timer_t *t)
{
    dp_server *srv = t->data;
    start_rebuild(srv->city);
}

static void on_change(uv_fs_event_t *h, const char *filename, int events, int status)
{
    city_centre *cc = h->data;
    dp_server *srv = cc->city->srv;

    (void) events;
    if (status < 0 || srv->stopping)
        return;
    /* Without a name (some platforms) any change may be an input's. */
    bool input = !filename || dp__is_input_file(filename);
    bool store = !filename || strcmp(filename, DP_STORE_FILE_NAME) == 0 ||
                 strcmp(filename, DP_STORE_FILE_NAME "-wal") == 0;
    if (!input && !store)
        return;
    cc->dirty_inputs |= input;
    cc->dirty_store |= store;
    uv_timer_start(&srv->debounce, on_debounced, srv->debounce_ms, 0);
}

int dp__city_initial(dp_server *srv)
{
    dp_city *city = calloc(1, sizeof *city);
    dp_diags *diags = dp_diags_new();
    dp_error err = {0};

    srv->city = city;
    if (!city || !diags) {
        dp_diags_free(diags);
        fprintf(stderr, "dagplan serve: out of memory\n");
        return 1;
    }
    city->srv = srv;
    dp_buf_init(&city->log);
    dp__city_title(srv->dir, city->title, sizeof city->title);
    if (dp_load_municipality(srv->dir, diags, &city->dirs, &city->n, &err) != DP_OK) {
        dp_diags_print(diags, stderr);
        if (err.code != DP_OK)
            dp_error_print(&err, stderr, false);
        dp_diags_free(diags);
        return 1;
    }
    dp_diags_free(diags);
    size_t nw = srv->window.n_weeks;
    city->c = calloc(city->n + 1, sizeof *city->c);
    city->weeks = calloc(nw + 1, sizeof *city->weeks);
    if (!city->c || !city->weeks) {
        fprintf(stderr, "dagplan serve: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < city->n; i++) {
        city_centre *cc = &city->c[i];
        const char *slash = strrchr(city->dirs[i], '/');
        cc->city = city;
        cc->dir = city->dirs[i];
        cc->name = slash ? slash + 1 : cc->dir;
        cc->tt = calloc(nw + 1, sizeof *cc->tt);
        if (!cc->tt) {
            fprintf(stderr, "dagplan serve: out of memory\n");
            return 1;
        }
    }
    if (srv->window.year == 0) {
        /* This week in the zone of the first centre that loads. */
        for (size_t i = 0; i < city->n && srv->window.year == 0; i++) {
            dp_diags *d = dp_diags_new();
            dp_model *m = NULL;
            if (d && dp_load_centre(city->dirs[i], d, &m, NULL) == DP_OK)
                dp__feeds_this_week(m, &srv->window.year, &srv->window.week);
            dp_model_free(m);
            dp_diags_free(d);
        }
        if (srv->window.year == 0) {
            fprintf(stderr, "dagplan serve: no centre of %s loads (see 'dagplan check')\n",
                    srv->dir);
            return 1;
        }
    }
    int32_t monday0 = dp_isoweek_monday(srv->window.year, srv->window.week);
    for (size_t w = 0; w < nw; w++) {
        int y, wk;
        dp_isoweek_of(monday0 + 7 * (int32_t) w, &y, &wk);
        dp_isoweek_format(y, wk, city->weeks[w]);
    }
    city->solve = false; /* start-up serves what is stored */
    rebuild(city);
    if (city->log.len)
        fprintf(stderr, "dagplan serve: %s: some centres are left out:\n%.*s", srv->dir,
                (int) city->log.len, city->log.data);
    if (!city->site)
        return 1;
    srv->site = city->site;
    city->site = NULL;
    fprintf(stderr, "dagplan serve: %s: municipality of %zu centres: %s\n", srv->dir, city->n,
            city->summary);
    return 0;
}

int dp__city_watch(dp_server *srv)
{
    dp_city *city = srv->city;

    uv_timer_init(srv->loop, &srv->debounce);
    srv->debounce.data = srv;
    for (size_t i = 0; i < city->n; i++) {
        city_centre *cc = &city->c[i];
        uv_fs_event_init(srv->loop, &cc->watch);
        cc->watch.data = cc;
        int rc = uv_fs_event_start(&cc->watch, on_change, cc->dir, 0);
        if (rc != 0) {
            fprintf(stderr, "dagplan serve: watching %s: %s\n", cc->dir, uv_strerror(rc));
            return 1;
        }
        cc->watching = true;
    }
    return 0;
}

void dp__city_stop(dp_server *srv)
{
    dp_city *city = srv->city;

    for (size_t i = 0; city && i < city->n; i++)
        if (!uv_is_closing((uv_handle_t *) &city->c[i].watch) && city->c[i].watching)
            uv_close((uv_handle_t *) &city->c[i].watch, NULL);
    if (!uv_is_closing((uv_handle_t *) &srv->debounce))
        uv_close((uv_handle_t *) &srv->debounce, NULL);
}

void dp__city_free(dp_server *srv)
{
    dp_city *city = srv->city;

    if (!city)
        return;
    for (size_t i = 0; city->c && i < city->n; i++) {
        city_centre *cc = &city->c[i];
        for (size_t w = 0; cc->tt && w < srv->window.n_weeks; w++)
            dp_timetable_free(cc->tt[w]);
        free(cc->tt);
        dp_model_free(cc->model);
        dp_store_close(cc->store);
    }
    free(city->c);
    free(city->weeks);
    dp_load_free_list(city->dirs, city->n);
    dp__site_unref(city->site);
    dp_buf_release(&city->log);
    free(city);
    srv->city = NULL;
}
