/* core/serve/site.h - what the feed server serves: an immutable snapshot of
 * the feeds (plain and gzip, with strong ETags and Last-Modified), the token
 * table, the overview page, and the answer to one request.
 *
 * A snapshot is built off the event loop (at start and on every reload) and
 * swapped in whole, so a request always sees one consistent generation.
 * Responses borrow body bytes from the snapshot; a connection holds a
 * reference while its write is in flight, so a swap never frees bytes that
 * are still being sent. */
#ifndef DAGPLAN_SERVE_SITE_H
#define DAGPLAN_SERVE_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/buf.h"
#include "dagplan/model.h"
#include "dagplan/store.h"
#include "request.h"

/* One servable body in both encodings. */
typedef struct dp_blob {
    char name[160];        /* feed file name ("family-f01.ics"), "" for others */
    char *plain;           /* the body */
    size_t plain_len;      /* its length */
    char *gz;              /* gzip of it (NULL when zlib failed: then never sent) */
    size_t gz_len;         /* its length */
    char etag[40];         /* strong ETag of the plain body, with quotes */
    char etag_gz[44];      /* strong ETag of the gzip body, with quotes */
    int64_t last_modified; /* Unix seconds, the newest LAST-MODIFIED inside */
    const char *type;      /* Content-Type */
} dp_blob;

/* One known feed token (only its hash). */
typedef struct dp_token_entry {
    unsigned char hash[32]; /* SHA-256 of the token */
    int64_t id;             /* the store's id, for the access log */
    char file[160];         /* the feed it opens: "KIND-SUBJECT.ics" */
    int64_t revoked_s;      /* 0 while valid */
    bool used;              /* slot taken */
} dp_token_entry;

typedef struct dp_site {
    int refs;       /* the server's + one per write in flight */
    dp_blob *feeds; /* sorted by name */
    size_t n_feeds;
    dp_blob empty;         /* the calendar a revoked token gets */
    char *overview_head;   /* the page up to where a reload error goes */
    char *overview_tail;   /* the rest */
    dp_token_entry *slots; /* open-addressing table of tokens, power-of-two size */
    size_t n_slots;        /* table size */
    size_t n_tokens;       /* tokens in it */
    int64_t built_s;       /* when it was built */
    dp_blob *pages;        /* `serve CITYDIR`: the overview pages, sorted by name */
    size_t n_pages;        /* ("index.html", "2027-W03.html", ...) */
} dp_site;

/* Builds a snapshot: every *.ics in feeds_dir, the tokens of store, the
 * overview page of m (the week of `overview`, NULL for none). Returns NULL
 * after writing a message to err. */
dp_site *dp__site_build(const dp_model *m, dp_store *store, const char *feeds_dir,
                        const char *overview_html_body, dp_error *err);

/* Builds a snapshot of HTML pages only (the municipality's overview): page
 * i is named names[i] and its body is bodies[i], whose bytes move into the
 * site (the buffers are left empty). Returns NULL after writing a message to
 * err. */
dp_site *dp__site_build_pages(const char *const *names, dp_buf *bodies, size_t n, dp_error *err);

/* The page called name, or NULL. */
dp_blob *dp__site_page(const dp_site *s, const char *name);

void dp__site_ref(dp_site *s);
void dp__site_unref(dp_site *s); /* frees at zero; NULL: no-op */

/* Rebuilds the token table of s from store (tokens added or revoked while
 * serving). DP_OK or the store's error (s unchanged). */
dp_status dp__site_reload_tokens(dp_site *s, dp_store *store, dp_error *err);

/* The answer to one request. */
typedef struct dp_response {
    int status;          /* 200, 304, 404, ... */
    dp_buf head;         /* status line and headers, CRLF CRLF included */
    const char *body;    /* borrowed from the site (or a static string); NULL: none */
    size_t body_len;     /* bytes of body to send (0 for HEAD and 304) */
    bool close;          /* close the connection after it */
    char log_target[96]; /* the target as the access log shows it (no token) */
} dp_response;

/* Answers req from site s at time now (Unix seconds). reload_error is shown
 * on the overview page when not NULL. The response's head must be released
 * with dp_buf_release. */
void dp__site_respond(const dp_site *s, const dp_req *req, int64_t now, const char *reload_error,
                      dp_response *out);

/* A response for a request that could not be parsed (400, 414, 431) or for a
 * server that refuses work (503): always closes. */
void dp__site_error(int status, int64_t now, dp_response *out);

#endif
