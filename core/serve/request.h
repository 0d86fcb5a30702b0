/* core/serve/request.h - HTTP/1.1 requests of the feed server, parsed with
 * llhttp (strict mode) and kept only as far as the server needs them.
 *
 * No libuv here: bytes go in, complete requests come out through a callback,
 * in order (pipelined requests included), so the fuzz target drives exactly
 * the code the server runs. Limits: the request line and headers together at
 * most DP_REQ_HEADER_MAX bytes (431), the target at most DP_REQ_URL_MAX (414);
 * anything llhttp rejects is 400. After an error the connection must answer
 * and close: the parser accepts no more input. */
#ifndef DAGPLAN_SERVE_REQUEST_H
#define DAGPLAN_SERVE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llhttp.h>

#define DP_REQ_HEADER_MAX 8192 /* request line + headers, bytes */
#define DP_REQ_URL_MAX    2048 /* request target, bytes */
#define DP_REQ_VALUE_MAX  512  /* kept bytes of one interesting header value */

/* One complete request. */
typedef struct dp_req {
    uint8_t method;                         /* llhttp_method_t: HTTP_GET, HTTP_HEAD, ... */
    bool keep_alive;                        /* the connection may carry another request */
    char url[DP_REQ_URL_MAX + 1];           /* the request target, NUL-terminated */
    size_t url_len;                         /* its length */
    char if_none_match[DP_REQ_VALUE_MAX];   /* "" when absent */
    char if_modified_since[64];             /* "" when absent */
    char accept_encoding[DP_REQ_VALUE_MAX]; /* "" when absent */
    size_t header_bytes;                    /* request line and header bytes seen */
} dp_req;

/* Called for each complete request; returns 0 to go on, nonzero to stop
 * parsing (the connection is closing). */
typedef int (*dp_req_fn)(void *ud, const dp_req *req);

typedef enum req_header { REQ_H_OTHER = 0, REQ_H_INM, REQ_H_IMS, REQ_H_AE } req_header;

typedef struct dp_req_parser {
    llhttp_t http;              /* the llhttp parser */
    llhttp_settings_t settings; /* its callbacks */
    dp_req cur;                 /* the request being parsed */
    char field[32];             /* the current header name (lowercase, truncated) */
    size_t field_len;           /* bytes of it seen */
    req_header which;           /* which kept header the current value belongs to */
    int status;                 /* 0, or the HTTP status of a parse error (400, 414, 431) */
    dp_req_fn on_request;       /* called per complete request */
    void *ud;                   /* passed to on_request */
    bool stopped;               /* on_request asked to stop */
} dp_req_parser;

/* Starts a parser in caller storage. */
void dp__req_init(dp_req_parser *p, dp_req_fn on_request, void *ud);

/* Parses len more bytes. Returns 0 while all is well (complete requests have
 * been passed to the callback), or the status of the error to answer with
 * (400, 414 or 431); then the connection must be closed after answering. */
int dp__req_feed(dp_req_parser *p, const char *data, size_t len);

#endif
