/* core/serve/request.c - see request.h.
 *
 * llhttp calls back with pieces of the target, header names and values as
 * they arrive, possibly split across reads, so each piece is appended to
 * fixed buffers and counted against the limits. Header names are compared
 * case-insensitively once complete; only If-None-Match, If-Modified-Since and
 * Accept-Encoding are kept (values longer than the buffer are dropped, which
 * only costs a 200 instead of a 304 or an uncompressed body). */
#include "request.h"

#include <string.h>

static dp_req_parser *of(llhttp_t *h)
{
    return (dp_req_parser *) h->data;
}

static int count(dp_req_parser *p, size_t len)
{
    p->cur.header_bytes += len;
    if (p->cur.header_bytes > DP_REQ_HEADER_MAX) {
        p->status = 431;
        return -1;
    }
    return 0;
}

static int on_message_begin(llhttp_t *h)
{
    dp_req_parser *p = of(h);

    memset(&p->cur, 0, sizeof p->cur);
    p->field_len = 0;
    p->which = REQ_H_OTHER;
    return 0;
}

static int on_url(llhttp_t *h, const char *at, size_t len)
{
    dp_req_parser *p = of(h);

    if (count(p, len) != 0)
        return -1;
    if (p->cur.url_len + len > DP_REQ_URL_MAX) {
        p->status = 414;
        return -1;
    }
    memcpy(p->cur.url + p->cur.url_len, at, len);
    p->cur.url_len += len;
    p->cur.url[p->cur.url_len] = '\0';
    return 0;
}

static int on_header_field(llhttp_t *h, const char *at, size_t len)
{
    dp_req_parser *p = of(h);

    if (count(p, len) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = at[i];
        if (p->field_len < sizeof p->field - 1)
            p->field[p->field_len] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        p->field_len++;
    }
    return 0;
}

static int on_header_field_complete(llhttp_t *h)
{
    dp_req_parser *p = of(h);
    size_t n = p->field_len < sizeof p->field - 1 ? p->field_len : sizeof p->field - 1;

    p->field[n] = '\0';
    p->which = p->field_len != n                            ? REQ_H_OTHER
               : strcmp(p->field, "if-none-match") == 0     ? REQ_H_INM
               : strcmp(p->field, "if-modified-since") == 0 ? REQ_H_IMS
               : strcmp(p->field, "accept-encoding") == 0   ? REQ_H_AE
                                                            : REQ_H_OTHER;
    p->field_len = 0;
    return 0;
}

static void append(char *buf, size_t size, const char *at, size_t len)
{
    size_t n = strlen(buf);

    if (n + len >= size) {
        buf[0] = '\0'; /* too long to be useful: as if absent */
        return;
    }
    memcpy(buf + n, at, len);
    buf[n + len] = '\0';
}

static int on_header_value(llhttp_t *h, const char *at, size_t len)
{
    dp_req_parser *p = of(h);

    if (count(p, len) != 0)
        return -1;
    if (p->which == REQ_H_INM)
        append(p->cur.if_none_match, sizeof p->cur.if_none_match, at, len);
    else if (p->which == REQ_H_IMS)
        append(p->cur.if_modified_since, sizeof p->cur.if_modified_since, at, len);
    else if (p->which == REQ_H_AE)
        append(p->cur.accept_encoding, sizeof p->cur.accept_encoding, at, len);
    return 0;
}

static int on_message_complete(llhttp_t *h)
{
    dp_req_parser *p = of(h);

    p->cur.method = llhttp_get_method(h);
    p->cur.keep_alive = llhttp_should_keep_alive(h) != 0;
    if (p->on_request(p->ud, &p->cur) != 0) {
        p->stopped = true;
        return HPE_PAUSED;
    }
    return 0;
}

void dp__req_init(dp_req_parser *p, dp_req_fn on_request, void *ud)
{
    memset(p, 0, sizeof *p);
    llhttp_settings_init(&p->settings);
    p->settings.on_message_begin = on_message_begin;
    p->settings.on_url = on_url;
    p->settings.on_header_field = on_header_field;
    p->settings.on_header_field_complete = on_header_field_complete;
    p->settings.on_header_value = on_header_value;
    p->settings.on_message_complete = on_message_complete;
    llhttp_init(&p->http, HTTP_REQUEST, &p->settings);
    p->http.data = p;
    p->on_request = on_request;
    p->ud = ud;
}

int dp__req_feed(dp_req_parser *p, const char *data, size_t len)
{
    if (p->status || p->stopped)
        return p->status;
    llhttp_errno_t e = llhttp_execute(&p->http, data, len);
    if (e == HPE_OK || (e == HPE_PAUSED && p->stopped))
        return 0;
    if (!p->status)
        p->status = 400;
    return p->status;
}
