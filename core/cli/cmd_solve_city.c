/* core/cli/cmd_solve_city.c - `dagplan solve CITYDIR`: every centre of a
 * municipality directory, solved in parallel on the libuv thread pool.
 *
 * Each centre is one work item (uv_queue_work) that does exactly what
 * `dagplan solve CENTREDIR` does: load (which creates the centre's own Lua
 * state, so each worker has its own), baseline, closures, solve, rule check,
 * store as a new version in the centre's own store. A centre's result depends
 * only on its data, its store and the seed, never on the other centres or on
 * the number of threads. A centre whose data is broken is reported with its
 * diagnostics and the others still solve. The loop thread prints the progress
 * line (on a terminal) and, at the end, a table with every centre. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/export.h"
#include "dagplan/load.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "rules_report.h"
#include "solve_opts.h"

static const char help[] =
    "Usage: dagplan solve CITYDIR [--threads N] [--week YYYY-Www] [--seed N]\n"
    "                             [--time-limit SEC] [--max-moves N] [--json-dir DIR]\n"
    "                             [--from-scratch] [--quiet]\n\n"
    "Solves every centre of the municipality directory CITYDIR (centre directories\n"
    "one level down, FORMAT.md section 1) in parallel. Each centre is solved and\n"
    "stored in its own store exactly as 'dagplan solve CENTREDIR' would (same seed,\n"
    "same result). A centre with broken data is reported with its errors; the\n"
    "others still solve. A table lists every centre at the end.\n\n"
    "  --threads N       centres solved at once (default: the number of CPUs, at\n"
    "                    most 128); sets libuv's UV_THREADPOOL_SIZE\n"
    "  --json-dir DIR    also write each centre's schedule JSON to DIR/CENTRE.json\n"
    "                    (CENTRE: the centre directory's name; DIR is created)\n"
    "  --week, --seed, --time-limit, --max-moves, --from-scratch: as for one centre\n"
    "  --quiet           print no progress line and no table\n\n"
    "Exit status: 0 every centre solved and stored, 1 at least one centre failed\n"
    "(its data, rules or solve; the others are stored), 2 wrong usage.\n";

typedef struct city_args {
    const char *dir, *json_dir;
    dp_week week;
    char week_text[16];
    dp_solve_options o; /* shared template: each job copies it */
    bool quiet, from_scratch;
    unsigned threads;
} city_args;

typedef enum job_state { JOB_WAITING, JOB_OK, JOB_FAILED, JOB_SKIPPED } job_state;

typedef struct city_job {
    uv_work_t req;
    const city_args *a;
    const char *dir;  /* centre directory */
    const char *name; /* its last path component */
    job_state state;
    char id[72];         /* centre id (when loaded) */
    char *messages;      /* diagnostics and errors, printed by the loop thread */
    size_t messages_len; /* (open_memstream) */
    unsigned n_children; /* in children.csv */
    unsigned n_choosing; /* with at least one choice */
    unsigned n_placed;   /* with at least one granted activity */
    unsigned n_choices;  /* wishes */
    unsigned n_granted;  /* granted wishes */
    long long score;     /* score.total */
    unsigned version;    /* stored version */
    double seconds;      /* wall time of the whole job */
} city_job;

typedef struct city_run {
    city_job *jobs;
    size_t n, done, failed;
    unsigned long long placed, children;
    bool progress;
    uv_timer_t timer;
    double t0;
} city_run;

static volatile int interrupted;

static double now_s(void)
{
    return (double) uv_hrtime() / 1e9;
}

static void on_signal(int sig)
{
    (void) sig;
    dp_interrupt_set(&interrupted);
}

static int parse(int argc, char **argv, city_args *a)
{
    dp_opt opts[] = {
        DP_OPT("week", true),      DP_OPT("seed", true),        DP_OPT("time-limit", true),
        DP_OPT("max-moves", true), DP_OPT("quiet", false),      DP_OPT("from-scratch", false),
        DP_OPT("threads", true),   DP_OPT("json-dir", true),    DP_OPT("json", true),
        DP_OPT("db", true),        DP_OPT("verify-every", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    unsigned long long v;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        exit(0);
    }
    if (args.n_positional != 1) {
        fputs(help, stderr);
        return 2;
    }
    if (dp__args_get(opts, n, "json")->given || dp__args_get(opts, n, "db")->given) {
        fprintf(stderr,
                "dagplan solve: %s is a municipality: --json and --db name one centre's "
                "files; use --json-dir DIR (each centre keeps its own store)\n",
                args.positional[0]);
        return 2;
    }
    memset(a, 0, sizeof *a);
    dp_solve_options_init(&a->o);
    a->dir = args.positional[0];
    a->json_dir = dp__args_get(opts, n, "json-dir")->value;
    a->quiet = dp__args_get(opts, n, "quiet")->given;
    a->from_scratch = dp__args_get(opts, n, "from-scratch")->given;
    unsigned cpus = uv_available_parallelism();
    a->threads = cpus ? cpus : 1;
    const char *th = dp__args_get(opts, n, "threads")->value;
    if (th) {
        if (dp__args_uint(th, &v) != 0 || v == 0 || v > 128) {
            fprintf(stderr, "dagplan solve: --threads expects 1 to 128, got '%s'\n", th);
            return 2;
        }
        a->threads = (unsigned) v;
    }
    if (a->threads > 128)
        a->threads = 128;
    return dp__solve_opts_read(opts, n, &a->week, a->week_text, &a->o);
}

/* Loads the centre with its diagnostics written to out (not to stderr: the
 * loop thread prints them whole, so centres' messages never interleave). */
static dp_model *load_quietly(const char *dir, const char *name, int year, int week, FILE *out)
{
    dp_diags *diags = dp_diags_new();
    dp_error err = {0};
    dp_model *m = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    if (!diags) {
        fprintf(out, "out of memory\n");
        return NULL;
    }
    dp_status rc = dp_load_centre_week(dir, year, week, diags, &m, &err);
    dp_diags_sort(diags);
    /* "kompas/sessions.csv:16:1: error: ...": which centre, in a municipality */
    if ((f = open_memstream(&text, &len)) != NULL) {
        dp_diags_print(diags, f);
        fclose(f);
        for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            fprintf(out, "%s/%.*s\n", name, nl ? (int) (nl - line) : (int) strlen(line), line);
        }
        free(text);
    }
    if (rc == DP_EINPUT)
        fprintf(out, "dagplan solve: %s has %zu errors; nothing was changed\n", dir,
                dp_diags_n_errors(diags));
    else if (rc != DP_OK)
        dp_error_print(&err, out, false);
    dp_diags_free(diags);
    return rc == DP_OK ? m : NULL;
}

/* Stores the schedule as a new version (one transaction) and writes the JSON
 * by rename: as cmd_solve.c's store_and_write, with messages to out. */
static int store(city_job *j, const dp_solution *sol, FILE *out)
{
    const city_args *a = j->a;
    dp_store *st = NULL;
    dp_buf json;
    dp_error err = {0};
    int64_t snap = 0;
    dp_score sc;
    char path[4096], db[4096];
    int status = 1;

    dp_buf_init(&json);
    dp_export_json(sol, &a->week, &json);
    if (dp_buf_status(&json, &err) != DP_OK)
        goto done;
    snprintf(db, sizeof db, "%s/dagplan.db", j->dir);
    if (dp_store_open(db, &st, &err) != DP_OK)
        goto done;
    dp_solution_score(sol, &sc);
    j->score = (long long) sc.total;
    if (dp_store_snapshot(st, j->dir, dp__input_files, dp__n_input_files, &snap, &err) != DP_OK)
        goto done;
    dp_store_version_new v = {
        a->week.is_set ? a->week_text : "", snap, a->o.seed, sc.total, json.data, 0, "solve"};
    if (dp_store_add_version(st, &v, &j->version, &err) != DP_OK)
        goto done;
    if (a->json_dir) {
        snprintf(path, sizeof path, "%s/%s.json", a->json_dir, j->name);
        if (dp_buf_write_file(&json, path, &err) != DP_OK)
            goto done;
    }
    status = 0;
done:
    if (status != 0) {
        fprintf(out, "dagplan solve: %s: ", j->dir);
        dp_error_print(&err, out, false);
    }
    dp_store_close(st);
    dp_buf_release(&json);
    return status;
}

static void count_placed(city_job *j, const dp_model *m, const dp_solution *sol)
{
    const dp_id *cs = dp_solution_choice_sections(sol);

    j->n_children = m->n_children;
    j->n_choices = m->n_choices;
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        bool any = false;
        for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++)
            if (cs[i] != DP_NONE) {
                any = true;
                j->n_granted++;
            }
        j->n_choosing += ch->n_choices > 0;
        j->n_placed += any;
    }
}

/* The worker: one centre, start to end. Runs on a libuv pool thread. */
static void solve_centre(uv_work_t *req)
{
    city_job *j = req->data;
    const city_args *a = j->a;
    dp_model *m = NULL;
    dp_solution *sol = NULL;
    dp_error err = {0};
    dp_solve_options o = a->o;
    char cmd[600], desc[160];
    uint32_t n_cancelled = 0;
    double t0 = now_s();
    FILE *out = open_memstream(&j->messages, &j->messages_len);

    j->state = JOB_FAILED;
    if (!out)
        return;
    if (dp_interrupted(&interrupted)) {
        j->state = JOB_SKIPPED;
        goto done;
    }
    snprintf(cmd, sizeof cmd, "solve %s", j->dir);
    if (!(m = load_quietly(j->dir, j->name, a->week.year, a->week.is_set ? a->week.week : 0, out)))
        goto done;
    snprintf(j->id, sizeof j->id, "%s", m->centre.id);
    j->n_children = m->n_children;
    /* the baseline helper and the rule reports print to stderr whole lines
     * naming the centre ("dagplan solve DIR: ..."): only on failures */
    if (dp__cli_baseline(cmd, j->dir, NULL, a->week.is_set ? a->week_text : "", a->week.year,
                         a->week.is_set ? a->week.week : 0, a->from_scratch, m, desc,
                         sizeof desc) != 0)
        goto done;
    o.warm_start = m->baseline.section;
    if (a->week.is_set &&
        dp_model_apply_closures(m, a->week.year, a->week.week, &n_cancelled, &err) != DP_OK) {
        dp_error_print(&err, out, false);
        goto done;
    }
    o.interrupt = &interrupted;
    o.progress = NULL;
    dp__cli_rules_date(m, a->week.is_set, a->week.year, a->week.week);
    dp_status rc = dp_solve(m, &o, &sol, &err);
    if (dp__cli_rules_failed(cmd, m))
        goto done;
    if (rc != DP_OK) {
        fprintf(out, "dagplan solve: %s: ", j->dir);
        dp_error_print(&err, out, false);
        goto done;
    }
    if (dp_interrupted(&interrupted)) {
        fprintf(out, "dagplan solve: %s: interrupted; nothing was stored\n", j->dir);
        j->state = JOB_SKIPPED;
        goto done;
    }
    dp_score sc;
    dp_solution_score(sol, &sc);
    if (m->has_rota && sc.hard_violations) { /* as cmd_solve.c's report_thin_rota */
        fprintf(out,
                "dagplan solve: %s/rota.csv: the rota is too thin for the childcare ratio: no "
                "schedule found keeps it; 'dagplan solve %s' says where; nothing was stored\n",
                j->dir, j->dir);
        goto done;
    }
    if (dp__cli_rules_check(cmd, m, sol) != 0)
        goto done;
    count_placed(j, m, sol);
    if (store(j, sol, out) == 0)
        j->state = JOB_OK;
done:
    fclose(out);
    dp_solution_free(sol);
    dp_model_free(m);
    j->seconds = now_s() - t0;
}

static void clear_progress(const city_run *r)
{
    if (r->progress)
        fprintf(stderr, "\r%78s\r", "");
}

static void print_progress(const city_run *r)
{
    if (!r->progress)
        return;
    size_t width = 30, filled = r->n ? r->done * width / r->n : width;
    char bar[64];
    for (size_t i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %zu/%zu centres, %llu children placed, %.1f s   ", bar, r->done, r->n,
            r->placed, now_s() - r->t0);
}

static void on_timer(uv_timer_t *t)
{
    print_progress(t->data);
}

static void after_centre(uv_work_t *req, int status)
{
    city_job *j = req->data;
    city_run *r = j->req.loop->data;

    (void) status;
    r->done++;
    r->placed += j->n_placed;
    r->children += j->n_children;
    if (j->state != JOB_OK)
        r->failed++;
    if (j->messages_len) {
        clear_progress(r);
        fwrite(j->messages, 1, j->messages_len, stderr);
    }
    if (r->done == r->n)
        uv_close((uv_handle_t *) &r->timer, NULL);
    print_progress(r);
}

static void print_table(const city_run *r, const city_args *a)
{
    unsigned long long children = 0, choosing = 0, placed = 0, choices = 0, granted = 0;
    long long score = 0;
    int w = 6;

    for (size_t i = 0; i < r->n; i++) {
        int l = (int) strlen(r->jobs[i].name);
        w = l > w ? l : w;
    }
    printf("municipality %s: %zu centres, %s%s, seed %llu, %u threads\n", a->dir, r->n,
           a->week.is_set ? "week " : "weekly template", a->week.is_set ? a->week_text : "",
           (unsigned long long) a->o.seed, a->threads);
    printf("  %-*s %9s %15s %15s %10s %8s  %s\n", w, "centre", "children", "placed/choosing",
           "granted/wishes", "score", "seconds", "result");
    for (size_t i = 0; i < r->n; i++) {
        const city_job *j = &r->jobs[i];
        char pc[32] = "-", gw[32] = "-", sc[24] = "-", res[48];
        if (j->state == JOB_OK) {
            snprintf(pc, sizeof pc, "%u/%u", j->n_placed, j->n_choosing);
            snprintf(gw, sizeof gw, "%u/%u", j->n_granted, j->n_choices);
            snprintf(sc, sizeof sc, "%lld", j->score);
            snprintf(res, sizeof res, "stored as version %u", j->version);
            children += j->n_children;
            choosing += j->n_choosing;
            placed += j->n_placed;
            choices += j->n_choices;
            granted += j->n_granted;
            score += j->score;
        } else {
            snprintf(res, sizeof res, "%s",
                     j->state == JOB_SKIPPED ? "interrupted: nothing stored"
                                             : "FAILED: nothing stored (errors above)");
        }
        printf("  %-*s %9u %15s %15s %10s %8.2f  %s\n", w, j->name, j->n_children, pc, gw, sc,
               j->seconds, res);
    }
    char pc[48], gw[48];
    snprintf(pc, sizeof pc, "%llu/%llu", placed, choosing);
    snprintf(gw, sizeof gw, "%llu/%llu", granted, choices);
    printf("  %-*s %9llu %15s %15s %10lld %8.2f  %zu of %zu centres stored\n", w, "total", children,
           pc, gw, score, now_s() - r->t0, r->n - r->failed, r->n);
}

bool dp__solve_is_city(int argc, char **argv)
{
    static const char *const valued[] = {"--week",         "--seed",    "--time-limit",
                                         "--json",         "--db",      "--max-moves",
                                         "--verify-every", "--threads", "--json-dir"};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool skip = false;
        if (strcmp(s, "--") == 0)
            return i + 1 < argc && dp_load_is_municipality(argv[i + 1]);
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
            skip |= strcmp(s, valued[k]) == 0;
        if (skip)
            i++;
        else if (s[0] != '-')
            return dp_load_is_municipality(s);
    }
    return false;
}

int dp__cmd_solve_city(int argc, char **argv)
{
    city_args a;
    city_run r;
    dp_diags *diags;
    char **dirs = NULL, threads[16];
    size_t n = 0;
    dp_error err = {0};
    uv_loop_t loop;
    int status = parse(argc, argv, &a);

    if (status != 0)
        return status;
    if (!(diags = dp_diags_new()))
        return 1;
    if (dp_load_municipality(a.dir, diags, &dirs, &n, &err) != DP_OK) {
        dp_diags_print(diags, stderr);
        if (err.code != DP_EINPUT)
            dp_error_print(&err, stderr, false);
        dp_diags_free(diags);
        return 1;
    }
    dp_diags_print(diags, stderr);
    dp_diags_free(diags);
    if (a.json_dir && mkdir(a.json_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan solve: cannot create %s: %s\n", a.json_dir, strerror(errno));
        dp_load_free_list(dirs, n);
        return 1;
    }
    /* the pool is sized once, at its first use: this is it in this process */
    snprintf(threads, sizeof threads, "%u", a.threads);
    setenv("UV_THREADPOOL_SIZE", threads, 1);
    memset(&r, 0, sizeof r);
    r.n = n;
    r.jobs = calloc(n, sizeof *r.jobs);
    if (!r.jobs || uv_loop_init(&loop) != 0) {
        fprintf(stderr, "dagplan solve: out of memory\n");
        free(r.jobs);
        dp_load_free_list(dirs, n);
        return 1;
    }
    loop.data = &r;
    r.progress = !a.quiet && isatty(STDERR_FILENO);
    r.t0 = now_s();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    uv_timer_init(&loop, &r.timer);
    r.timer.data = &r;
    uv_timer_start(&r.timer, on_timer, 250, 250);
    for (size_t i = 0; i < n; i++) {
        city_job *j = &r.jobs[i];
        const char *slash = strrchr(dirs[i], '/');
        j->a = &a;
        j->dir = dirs[i];
        j->name = slash ? slash + 1 : dirs[i];
        j->req.data = j;
        uv_queue_work(&loop, &j->req, solve_centre, after_centre);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    clear_progress(&r);
    uv_loop_close(&loop);
    if (!a.quiet)
        print_table(&r, &a);
    status = r.failed ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        free(r.jobs[i].messages);
    free(r.jobs);
    dp_load_free_list(dirs, n);
    return status;
}
