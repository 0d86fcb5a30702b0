/* core/serve/cmd_serve.c - `dagplan serve DIR [--listen ADDR:PORT]`: serve the
 * centre's calendar feeds and overview page, and reload on edits.
 *
 * Start-up exports the feeds of the stored schedules (no solve) into the
 * feeds directory and reads them into memory; a centre that does not load or
 * has no schedule is an error (exit 1) before anything listens. The
 * listening address is printed on stdout once the socket is bound (port 0
 * picks a free port, which tests use). SIGINT and SIGTERM stop accepting,
 * let in-flight requests finish, stop a running rebuild, and exit 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "dagplan/load.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "serve.h"

static const char help[] =
    "Usage: dagplan serve DIR [--listen ADDR:PORT] [--feeds DIR] [--week YYYY-Www]\n"
    "                         [--weeks N] [--school] [--db FILE] [--max-connections N]\n"
    "                         [--request-timeout-ms N] [--idle-timeout-ms N]\n"
    "                         [--debounce-ms N] [--time-limit SEC] [--quiet]\n\n"
    "Serves the calendar feeds of the centre in DIR over HTTP/1.1 and reloads\n"
    "when a planner edits its files:\n\n"
    "  GET|HEAD /feeds/TOKEN.ics  a subscriber's feed (see 'dagplan feeds'); 304\n"
    "                             on If-None-Match / If-Modified-Since, gzip when\n"
    "                             asked; a revoked token gets an empty calendar\n"
    "                             for 28 days, then 404\n"
    "  GET /                      the week's offering per location (no child data)\n"
    "  GET /healthz               'ok'\n\n"
    "DIR may be a municipality directory (centre directories one level down):\n"
    "then it serves the public overview of every centre's offering instead, one\n"
    "page per published week, the pages of 'dagplan export CITYDIR --html':\n\n"
    "  GET /overview/             the list of the weeks (/ redirects here)\n"
    "  GET /overview/YYYY-Www.html  the offering of that week (the week's stored\n"
    "                             schedule of each centre, else its template)\n\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; [::1]:8080 for\n"
    "                       IPv6; port 0 picks a free one, printed on start)\n"
    "  --feeds DIR          where the feeds are written (default CENTRE/feeds)\n"
    "  --week, --weeks, --school, --db   as for 'dagplan export --ics'\n"
    "  --max-connections N  clients at once (default 20000); more get 503\n"
    "  --request-timeout-ms N  a request must arrive within this (default 10000)\n"
    "  --idle-timeout-ms N  keep-alive connections idle at most this (default 60000)\n"
    "  --debounce-ms N      quiet time after an edit before reloading (default 500)\n"
    "  --time-limit SEC     safety cap of a reload's solve (default 10)\n"
    "  --quiet              no access log\n\n"
    "An edit is validated and the changed weeks are solved again and stored as\n"
    "new versions; a broken edit keeps the old feeds online and shows the error\n"
    "on / and in the log. SIGINT/SIGTERM finish in-flight requests and exit 0.\n\n"
    "Exit status: 0 stopped by a signal, 1 the centre or store could not be\n"
    "served, 2 wrong usage.\n";

static void on_connection(uv_stream_t *l, int status)
{
    if (status == 0)
        dp__conn_accept(l->data);
}

static void on_signal(uv_signal_t *h, int signum)
{
    dp_server *srv = h->data;

    if (srv->stopping)
        return;
    fprintf(stderr, "dagplan serve: %s: finishing in-flight requests\n",
            signum == SIGINT ? "SIGINT" : "SIGTERM");
    srv->stopping = true;
    dp_interrupt_set(&srv->interrupt);
    uv_close((uv_handle_t *) &srv->listener, NULL);
    uv_close((uv_handle_t *) &srv->sigint, NULL);
    uv_close((uv_handle_t *) &srv->sigterm, NULL);
    if (srv->is_city)
        dp__city_stop(srv);
    else
        dp__reload_stop(srv);
    dp__conn_shutdown_all(srv);
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into sa; 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *sa)
{
    char host[64];
    const char *colon;
    unsigned long long port;

    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t) (end - s - 1) >= sizeof host)
            return -1;
        memcpy(host, s + 1, (size_t) (end - s - 1));
        host[end - s - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t) (colon - s) >= sizeof host)
            return -1;
        memcpy(host, s, (size_t) (colon - s));
        host[colon - s] = '\0';
    }
    if (dp__args_uint(colon + 1, &port) != 0 || port > 65535)
        return -1;
    if (uv_ip4_addr(host, (int) port, (struct sockaddr_in *) sa) == 0)
        return 0;
    if (uv_ip6_addr(host, (int) port, (struct sockaddr_in6 *) sa) == 0)
        return 0;
    return -1;
}

static int uint_opt(dp_opt *opts, size_t n, const char *name, uint64_t min, uint64_t *out)
{
    const char *v = dp__args_get(opts, n, name)->value;
    unsigned long long x;

    if (!v)
        return 0;
    if (dp__args_uint(v, &x) != 0 || x < min) {
        fprintf(stderr, "dagplan serve: --%s expects an integer >= %llu, got '%s'\n", name,
                (unsigned long long) min, v);
        return 2;
    }
    *out = x;
    return 0;
}

static int parse(int argc, char **argv, dp_server *srv, struct sockaddr_storage *sa)
{
    dp_opt opts[] = {DP_OPT("listen", true),
                     DP_OPT("feeds", true),
                     DP_OPT("week", true),
                     DP_OPT("weeks", true),
                     DP_OPT("school", false),
                     DP_OPT("db", true),
                     DP_OPT("max-connections", true),
                     DP_OPT("request-timeout-ms", true),
                     DP_OPT("idle-timeout-ms", true),
                     DP_OPT("debounce-ms", true),
                     DP_OPT("time-limit", true),
                     DP_OPT("quiet", false)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    uint64_t v;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        exit(0);
    }
    if (args.n_positional != 1) {
        fprintf(stderr, "dagplan serve: expects one centre directory\n\n%s", help);
        return 2;
    }
    srv->dir = args.positional[0];
    srv->db = dp__args_get(opts, n, "db")->value;
    srv->is_city = dp_load_is_municipality(srv->dir);
    if (srv->is_city && (srv->db || dp__args_get(opts, n, "feeds")->given)) {
        fprintf(stderr,
                "dagplan serve: %s is a municipality: --db and --feeds name one centre's "
                "files (each centre keeps its own store)\n",
                srv->dir);
        return 2;
    }
    srv->quiet = dp__args_get(opts, n, "quiet")->given;
    const char *listen = dp__args_get(opts, n, "listen")->value;
    if (parse_listen(listen ? listen : "127.0.0.1:8080", sa) != 0) {
        fprintf(stderr, "dagplan serve: --listen expects ADDR:PORT or [ADDR6]:PORT, got '%s'\n",
                listen);
        return 2;
    }
    const char *feeds = dp__args_get(opts, n, "feeds")->value;
    if (feeds)
        snprintf(srv->feeds_dir, sizeof srv->feeds_dir, "%s", feeds);
    else
        snprintf(srv->feeds_dir, sizeof srv->feeds_dir, "%s/feeds", srv->dir);
    srv->max_conns = 20000;
    srv->request_ms = 10000;
    srv->idle_ms = 60000;
    srv->debounce_ms = 500;
    srv->solve_limit_s = 10;
    v = srv->max_conns;
    int rc = uint_opt(opts, n, "max-connections", 1, &v);
    srv->max_conns = (size_t) v;
    if (!rc)
        rc = uint_opt(opts, n, "request-timeout-ms", 1, &srv->request_ms);
    if (!rc)
        rc = uint_opt(opts, n, "idle-timeout-ms", 1, &srv->idle_ms);
    if (!rc)
        rc = uint_opt(opts, n, "debounce-ms", 0, &srv->debounce_ms);
    v = 10;
    if (!rc)
        rc = uint_opt(opts, n, "time-limit", 0, &v);
    srv->solve_limit_s = (double) v;
    if (rc)
        return rc;
    /* --week/--weeks/--school as for export (checked against the model later). */
    const char *weeks = dp__args_get(opts, n, "weeks")->value;
    const char *week = dp__args_get(opts, n, "week")->value;
    srv->window.n_weeks = 4;
    srv->window.school = dp__args_get(opts, n, "school")->given;
    if (weeks && (dp__args_uint(weeks, (unsigned long long *) &v) != 0 || v < 1 || v > 53)) {
        fprintf(stderr, "dagplan serve: --weeks expects 1 to 53, got '%s'\n", weeks);
        return 2;
    }
    if (weeks)
        srv->window.n_weeks = (unsigned) v;
    if (week && dp_isoweek_parse(week, strlen(week), &srv->window.year, &srv->window.week) != 0) {
        fprintf(stderr, "dagplan serve: --week expects YYYY-Www, got '%s'\n", week);
        return 2;
    }
    if (!week)
        srv->window.year = 0; /* this week, once the centre's zone is known */
    return 0;
}

static int start_centre(dp_server *srv);
static int listen_and_watch(dp_server *srv, const struct sockaddr_storage *sa);

static int start(dp_server *srv, const struct sockaddr_storage *sa)
{
    if (srv->is_city) {
        if (dp__city_initial(srv) != 0)
            return 1;
    } else if (start_centre(srv) != 0) {
        return 1;
    }
    return listen_and_watch(srv, sa);
}

/* The centre's feeds, store and first site. */
static int start_centre(dp_server *srv)
{
    char path[4096];
    dp_error err = {0};
    dp_model *m = NULL;

    if (mkdir(srv->feeds_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan serve: %s: %s\n", srv->feeds_dir, strerror(errno));
        return 1;
    }
    if (srv->window.year == 0) {
        if (dp__cli_load("serve", srv->dir, &m) != 0)
            return 1;
        dp__feeds_this_week(m, &srv->window.year, &srv->window.week);
        dp_model_free(m);
    }
    snprintf(path, sizeof path, "%s/%s", srv->dir, DP_STORE_FILE_NAME);
    if (dp_store_open(srv->db ? srv->db : path, &srv->store, &err) != DP_OK) {
        fprintf(stderr, "dagplan serve: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    return dp__reload_initial(srv);
}

static int listen_and_watch(dp_server *srv, const struct sockaddr_storage *sa)
{
    char host[64];
    struct sockaddr_storage bound;
    int len = (int) sizeof bound, port;

    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    int rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *) sa, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *) &srv->listener, 4096, on_connection);
    if (rc != 0) {
        fprintf(stderr, "dagplan serve: cannot listen: %s\n", uv_strerror(rc));
        return 1;
    }
    uv_tcp_getsockname(&srv->listener, (struct sockaddr *) &bound, &len);
    if (bound.ss_family == AF_INET6) {
        uv_ip6_name((const struct sockaddr_in6 *) &bound, host, sizeof host);
        port = ntohs(((const struct sockaddr_in6 *) &bound)->sin6_port);
        printf("listening on http://[%s]:%d\n", host, port);
    } else {
        uv_ip4_name((const struct sockaddr_in *) &bound, host, sizeof host);
        port = ntohs(((const struct sockaddr_in *) &bound)->sin_port);
        printf("listening on http://%s:%d\n", host, port);
    }
    fflush(stdout);
    uv_signal_init(srv->loop, &srv->sigint);
    uv_signal_init(srv->loop, &srv->sigterm);
    srv->sigint.data = srv->sigterm.data = srv;
    uv_signal_start(&srv->sigint, on_signal, SIGINT);
    uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
    return srv->is_city ? dp__city_watch(srv) : dp__reload_watch(srv);
}

static void close_handle(uv_handle_t *h, void *arg)
{
    (void) arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

int dp__cmd_serve(int argc, char **argv)
{
    static dp_server srv; /* one per process; static so handles outlive start() */
    struct sockaddr_storage sa;
    int status;

    memset(&srv, 0, sizeof srv);
    memset(&sa, 0, sizeof sa);
    status = parse(argc, argv, &srv, &sa);
    if (status)
        return status;
    signal(SIGPIPE, SIG_IGN);
    srv.loop = uv_default_loop();
    status = start(&srv, &sa);
    if (status == 0)
        uv_run(srv.loop, UV_RUN_DEFAULT);
    else
        srv.stopping = true;
    /* Close what is left (after an error, or handles a signal did not reach)
     * and let the close callbacks run, so every connection is freed. */
    uv_walk(srv.loop, close_handle, NULL);
    uv_run(srv.loop, UV_RUN_DEFAULT);
    uv_loop_close(srv.loop);
    dp__site_unref(srv.site);
    dp__city_free(&srv);
    dp_store_close(srv.store);
    free(srv.reload_error);
    if (status == 0)
        fprintf(stderr, "dagplan serve: stopped\n");
    return status;
}
