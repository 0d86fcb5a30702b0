/* core/serve/serve.h - `dagplan serve`: the feed server on libuv.
 *
 *   cmd_serve.c  options, start-up, signals, the listener
 *   conn.c       one client connection: read, parse (request.c), answer
 *                (site.c), write, time limits, keep-alive
 *   reload.c     watching the centre directory and rebuilding the site on
 *                the thread pool
 *   overview.c   the public overview page
 *
 * Everything runs on the loop thread except the rebuild (load, validate,
 * solve, export, read feeds), which runs on libuv's thread pool with its own
 * store connection and hands back a finished dp_site. */
#ifndef DAGPLAN_SERVE_H
#define DAGPLAN_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cli/export_ics.h"
#include "dagplan/timetable.h"
#include "site.h"

typedef struct dp_conn dp_conn;

typedef struct dp_server {
    uv_loop_t *loop;
    uv_tcp_t listener;      /* accepting connections */
    uv_signal_t sigint;     /* graceful stop */
    uv_signal_t sigterm;    /* graceful stop */
    uv_fs_event_t watch;    /* the centre directory */
    uv_timer_t debounce;    /* reload after edits settle */
    uv_timer_t token_timer; /* picks up tokens added or revoked meanwhile */
    uv_work_t work;         /* the rebuild on the thread pool */
    struct dp_reload *job;  /* the running rebuild, NULL when none */
    bool reload_pending;    /* an edit arrived during a rebuild */
    dp_site *site;          /* what is served now */
    char *reload_error;     /* why the last rebuild failed, NULL when it did not */
    dp_store *store;        /* the loop thread's store connection (tokens) */
    dp_conn *conns;         /* open connections (a list, for shutdown) */
    size_t n_conns;         /* how many */
    bool stopping;          /* SIGINT/SIGTERM seen */
    volatile int interrupt; /* tells a running solve to stop */
    /* configuration */
    const char *dir;       /* the centre directory */
    const char *db;        /* the store, NULL: DIR/dagplan.db */
    char feeds_dir[4096];  /* where feeds are written */
    dp_feed_window window; /* what is published */
    size_t max_conns;      /* connections at once */
    uint64_t request_ms;   /* a request must arrive completely within this */
    uint64_t idle_ms;      /* a keep-alive connection may idle this long */
    uint64_t debounce_ms;  /* quiet time after an edit before reloading */
    double solve_limit_s;  /* time limit of a reload's solve */
    bool quiet;            /* no access log */
} dp_server;

/* conn.c: accepts a pending connection on the listener. */
void dp__conn_accept(dp_server *srv);

/* conn.c: closes idle connections and lets busy ones finish (shutdown). */
void dp__conn_shutdown_all(dp_server *srv);

/* reload.c: builds the first site synchronously (no solve). Returns 0, or 1
 * after printing why. */
int dp__reload_initial(dp_server *srv);

/* reload.c: starts watching the centre directory. */
int dp__reload_watch(dp_server *srv);

/* reload.c: stops the watch and timers (shutdown). */
void dp__reload_stop(dp_server *srv);

/* overview.c: the overview page's body for week_label, from timetable t
 * (NULL: none). A new string (free); NULL on OOM. */
char *dp__overview_html(const dp_model *m, const dp_timetable *t, const char *week_label);

/* The current time, Unix seconds. */
int64_t dp__now(void);

#endif
