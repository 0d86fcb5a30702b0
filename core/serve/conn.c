/* core/serve/conn.c - one client connection.
 *
 * Reads go into a buffer embedded in the connection and straight into the
 * request parser; each complete request is answered at once with one
 * uv_write of the response head and the body borrowed from the site (a
 * reference to the site is held until the write completes). Pipelined
 * requests are answered in order because writes on a stream complete in
 * order.
 *
 * Time limits use one timer per connection: an idle keep-alive connection
 * gets idle_ms; once the first byte of a request arrives it must be complete
 * within request_ms, and further bytes do not extend that (a client that
 * trickles a byte a second is closed). A client that stops reading is not
 * read from while more than WRITE_QUEUE_MAX bytes wait to be sent. The
 * connection is freed in the close callback of its last handle (libuv's
 * rule). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define READ_BUF_SIZE   16384
#define WRITE_QUEUE_MAX ((size_t) 4 << 20)

struct dp_conn {
    uv_tcp_t tcp;           /* the socket (first: handle->data is unused) */
    uv_timer_t timer;       /* request and idle limits */
    dp_server *srv;         /* the server */
    dp_req_parser parser;   /* HTTP parsing state */
    char addr[64];          /* the peer, for the access log */
    int n_handles;          /* open handles (tcp, timer): freed at zero */
    int pending_writes;     /* writes in flight */
    bool in_request;        /* bytes of an unanswered request have arrived */
    bool closing;           /* uv_close called */
    bool close_after_write; /* close once the writes are done */
    bool reading;           /* uv_read_start in effect */
    dp_conn *prev, *next;   /* in srv->conns */
    char rbuf[READ_BUF_SIZE];
};

typedef struct write_req {
    uv_write_t req; /* libuv's request */
    dp_conn *c;     /* whose */
    dp_site *site;  /* referenced until the write completes */
    dp_buf head;    /* the response head (owned) */
} write_req;

int64_t dp__now(void)
{
    return (int64_t) time(NULL);
}

static void on_closed(uv_handle_t *h)
{
    dp_conn *c = h->data;

    if (--c->n_handles > 0)
        return;
    free(c);
}

static void conn_close(dp_conn *c)
{
    dp_server *srv = c->srv;

    if (c->closing)
        return;
    c->closing = true;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->n_conns--;
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *) &c->timer, on_closed);
    uv_close((uv_handle_t *) &c->tcp, on_closed);
}

static void on_timeout(uv_timer_t *t)
{
    conn_close(t->data);
}

static void arm(dp_conn *c, uint64_t ms)
{
    uv_timer_start(&c->timer, on_timeout, ms, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    dp_conn *c = h->data;

    (void) suggested;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void set_reading(dp_conn *c, bool on)
{
    if (c->closing || c->reading == on)
        return;
    c->reading = on;
    if (on)
        uv_read_start((uv_stream_t *) &c->tcp, on_alloc, on_read);
    else
        uv_read_stop((uv_stream_t *) &c->tcp);
}

static void on_written(uv_write_t *req, int status)
{
    write_req *w = (write_req *) req;
    dp_conn *c = w->c;

    dp__site_unref(w->site);
    dp_buf_release(&w->head);
    free(w);
    c->pending_writes--;
    if (status < 0 || (c->close_after_write && c->pending_writes == 0)) {
        conn_close(c);
        return;
    }
    if (uv_stream_get_write_queue_size((uv_stream_t *) &c->tcp) <= WRITE_QUEUE_MAX)
        set_reading(c, true);
}

static void access_log(const dp_conn *c, const dp_req *req, const dp_response *r)
{
    char date[40];
    time_t now = time(NULL);
    struct tm tm;

    if (c->srv->quiet)
        return;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s %s \"%s %s\" %d %zu\n", date, c->addr,
            req ? llhttp_method_name((llhttp_method_t) req->method) : "-", r->log_target, r->status,
            r->head.len + r->body_len);
}

/* Sends r (taking its head) and a reference to the current site. */
static void send_response(dp_conn *c, dp_response *r)
{
    write_req *w = calloc(1, sizeof *w);
    uv_buf_t bufs[2];
    unsigned n = 1;

    if (!w || dp_buf_status(&r->head, NULL) != DP_OK) {
        free(w);
        dp_buf_release(&r->head);
        conn_close(c);
        return;
    }
    w->c = c;
    w->head = r->head;
    w->site = c->srv->site;
    dp__site_ref(w->site);
    bufs[0] = uv_buf_init(w->head.data, (unsigned) w->head.len);
    if (r->body && r->body_len) {
        bufs[1] = uv_buf_init((char *) (uintptr_t) r->body, (unsigned) r->body_len);
        n = 2;
    }
    if (r->close)
        c->close_after_write = true;
    c->pending_writes++;
    if (uv_write(&w->req, (uv_stream_t *) &c->tcp, bufs, n, on_written) != 0) {
        c->pending_writes--;
        dp__site_unref(w->site);
        dp_buf_release(&w->head);
        free(w);
        conn_close(c);
        return;
    }
    if (uv_stream_get_write_queue_size((uv_stream_t *) &c->tcp) > WRITE_QUEUE_MAX)
        set_reading(c, false);
}

static int on_request(void *ud, const dp_req *req)
{
    dp_conn *c = ud;
    dp_response r;

    dp__site_respond(c->srv->site, req, dp__now(), c->srv->reload_error, &r);
    if (c->srv->stopping)
        r.close = true;
    access_log(c, req, &r);
    send_response(c, &r);
    c->in_request = false;
    if (!c->closing)
        arm(c, c->srv->idle_ms);
    return c->close_after_write || c->closing ? 1 : 0;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    dp_conn *c = s->data;

    (void) buf;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (n == 0 || c->close_after_write)
        return;
    if (!c->in_request) {
        c->in_request = true;
        arm(c, c->srv->request_ms);
    }
    int status = dp__req_feed(&c->parser, c->rbuf, (size_t) n);
    if (status) {
        dp_response r;
        dp__site_error(status, dp__now(), &r);
        access_log(c, NULL, &r);
        set_reading(c, false);
        send_response(c, &r);
    } else if (c->close_after_write) {
        set_reading(c, false);
    }
}

static void peer_name(dp_conn *c)
{
    struct sockaddr_storage sa;
    int len = (int) sizeof sa;

    snprintf(c->addr, sizeof c->addr, "-");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *) &sa, &len) != 0)
        return;
    if (sa.ss_family == AF_INET)
        uv_ip4_name((const struct sockaddr_in *) &sa, c->addr, sizeof c->addr);
    else if (sa.ss_family == AF_INET6)
        uv_ip6_name((const struct sockaddr_in6 *) &sa, c->addr, sizeof c->addr);
}

void dp__conn_accept(dp_server *srv)
{
    dp_conn *c = calloc(1, sizeof *c);

    if (!c)
        return;
    c->srv = srv;
    uv_tcp_init(srv->loop, &c->tcp);
    uv_timer_init(srv->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->n_handles = 2;
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->n_conns++;
    if (uv_accept((uv_stream_t *) &srv->listener, (uv_stream_t *) &c->tcp) != 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    peer_name(c);
    dp__req_init(&c->parser, on_request, c);
    if (srv->n_conns > srv->max_conns || srv->stopping) {
        dp_response r;
        dp__site_error(503, dp__now(), &r);
        access_log(c, NULL, &r);
        send_response(c, &r);
        return;
    }
    set_reading(c, true);
    arm(c, srv->idle_ms);
}

void dp__conn_shutdown_all(dp_server *srv)
{
    dp_conn *c = srv->conns;

    while (c) {
        dp_conn *next = c->next;
        if (c->pending_writes == 0 && !c->in_request)
            conn_close(c);
        else
            c->close_after_write = true;
        c = next;
    }
}
