/* core/serve/serve.h - `dagplan serve`: the feed server on libuv.
 *
 *   cmd_serve.c  options, start-up, signals, the listener
 *   conn.c       one client connection: read, parse (request.c), answer
 *                (site.c), write, time limits, keep-alive
 *   reload.c     watching the centre directory and rebuilding the site on
 *                the thread pool
 *   overview.c   the public overview page
 *   city.c       `serve CITYDIR`: the municipality's overview pages per week
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
    bool is_city;          /* DIR is a municipality directory (`serve CITYDIR`) */
    struct dp_city *city;  /* then its state (city.c) */
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

/* reload.c: what re-solving a centre's changed weeks needs (the centre
 * server's reload and each centre of the municipality server). */
typedef struct dp_resolve {
    const char *dir;              /* the centre directory */
    const char *db;               /* its store, NULL: DIR/dagplan.db */
    const dp_feed_window *window; /* the published weeks */
    double limit_s;               /* safety cap of each solve */
    volatile int *interrupt;      /* set when the server stops */
} dp_resolve;

/* reload.c: solves again, from their current version, the published weeks
 * (or the template standing in for them) whose current version was solved
 * from other inputs than the files now in the directory, and stores the new
 * versions. 0, or 1 with *error set (free). */
int dp__reload_solve_changed(const dp_resolve *r, dp_model *m, dp_store *store, unsigned *n_solved,
                             char **error);

/* reload.c: messages as new strings (free): a printf, an error as
 * "file:line:column: error: ...", the errors of diags (at most 20 lines). */
char *dp__dup_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
char *dp__error_text(const dp_error *err);
char *dp__diags_text(dp_diags *d);

/* city.c: `dagplan serve CITYDIR`: builds the first site of the
 * municipality's overview pages (no solve). 0, or 1 after printing why. */
int dp__city_initial(dp_server *srv);

/* city.c: watches every centre directory; 0 or 1. */
int dp__city_watch(dp_server *srv);

/* city.c: stops the watches and the timer (shutdown). */
void dp__city_stop(dp_server *srv);

/* city.c: frees the municipality state (after the loop has ended). */
void dp__city_free(dp_server *srv);

/* The current time, Unix seconds. */
int64_t dp__now(void);

#endif
