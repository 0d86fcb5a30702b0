/* core/serve/site.c - see site.h.
 *
 * Bodies are read and gzip-compressed once per snapshot, so a request costs a
 * hash of the token, a table probe and a write of borrowed bytes. The token
 * table holds only SHA-256 hashes; a lookup hashes whatever the client sent
 * (any length up to the URL limit), probes by the hash's first bytes and
 * compares all 32 bytes in constant time, against a dummy entry when the
 * probe finds nothing, so a miss costs what a hit costs and timing says
 * nothing about which tokens exist. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zlib.h>

#include "dagplan/ical.h"
#include "dagplan/time.h"
#include "sha256.h"

#define REVOKED_GRACE_S (28 * INT64_C(86400)) /* DP_FEED_REVOKED_GRACE_DAYS */

/* ---- building ---- */

static void blob_release(dp_blob *b)
{
    free(b->plain);
    free(b->gz);
    memset(b, 0, sizeof *b);
}

static void etag_of(const char *data, size_t len, char *out, size_t size, const char *suffix)
{
    char hex[DP_SHA256_HEX];

    dp__sha256_hex(data, len, hex);
    snprintf(out, size, "\"%.32s%s\"", hex, suffix);
}

/* The newest "LAST-MODIFIED:YYYYMMDDTHHMMSSZ" line of a feed, or 0. */
static int64_t newest_modified(const char *s, size_t len)
{
    static const char key[] = "\r\nLAST-MODIFIED:";
    int64_t best = 0;
    const char *end = s + len;

    for (const char *p = s; p && p < end; p++) {
        p = memchr(p, '\r', (size_t) (end - p));
        if (!p || (size_t) (end - p) < sizeof key - 1 + 16)
            break;
        if (memcmp(p, key, sizeof key - 1) != 0)
            continue;
        const char *v = p + sizeof key - 1;
        int y, mo, d, h, mi, se;
        if (sscanf(v, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) != 6)
            continue;
        int64_t t = (int64_t) dp_date_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
        best = t > best ? t : best;
    }
    return best;
}

static int gzip_blob(dp_blob *b)
{
    z_stream z;
    uLong bound;

    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    bound = deflateBound(&z, (uLong) b->plain_len);
    b->gz = malloc(bound);
    if (!b->gz) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *) b->plain;
    z.avail_in = (uInt) b->plain_len;
    z.next_out = (Bytef *) b->gz;
    z.avail_out = (uInt) bound;
    int rc = deflate(&z, Z_FINISH);
    b->gz_len = (size_t) z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(b->gz);
        b->gz = NULL;
        return -1;
    }
    return 0;
}

/* Takes ownership of data. */
static int blob_set(dp_blob *b, const char *name, char *data, size_t len, const char *type,
                    int64_t fallback_modified)
{
    snprintf(b->name, sizeof b->name, "%s", name);
    b->plain = data;
    b->plain_len = len;
    b->type = type;
    etag_of(data, len, b->etag, sizeof b->etag, "");
    etag_of(data, len, b->etag_gz, sizeof b->etag_gz, ".gz");
    b->last_modified = newest_modified(data, len);
    if (!b->last_modified)
        b->last_modified = fallback_modified;
    return gzip_blob(b);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t) n + 1);
        if (data && fread(data, 1, (size_t) n, f) != (size_t) n) {
            free(data);
            data = NULL;
        }
        if (data) {
            data[n] = '\0';
            *len = (size_t) n;
        }
    }
    fclose(f);
    return data;
}

static int cmp_blob(const void *a, const void *b)
{
    return strcmp(((const dp_blob *) a)->name, ((const dp_blob *) b)->name);
}

static dp_status read_feeds(dp_site *s, const char *dir, int64_t now, dp_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;

    if (!d)
        return DP_FAIL(err, DP_EIO, NULL, "%s: %s", dir, strerror(errno));
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name), len = 0;
        char path[4096];
        if (nl < 5 || nl >= sizeof s->feeds->name || e->d_name[0] == '.' ||
            strcmp(e->d_name + nl - 4, ".ics") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *data = read_all(path, &len);
        if (!data)
            continue; /* vanished meanwhile */
        if (s->n_feeds == cap) {
            size_t c = cap ? cap * 2 : 64;
            dp_blob *v = realloc(s->feeds, c * sizeof *v);
            if (!v) {
                free(data);
                closedir(d);
                return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory loading the feeds");
            }
            s->feeds = v;
            cap = c;
        }
        dp_blob *b = &s->feeds[s->n_feeds++];
        memset(b, 0, sizeof *b);
        blob_set(b, e->d_name, data, len, "text/calendar; charset=utf-8", now);
    }
    closedir(d);
    if (s->n_feeds)
        qsort(s->feeds, s->n_feeds, sizeof *s->feeds, cmp_blob);
    return DP_OK;
}

static int hex_byte(const char *h)
{
    int v = 0;

    for (int i = 0; i < 2; i++) {
        char c = h[i];
        v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -100);
    }
    return v;
}

static uint64_t slot_of(const unsigned char *hash)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | hash[i];
    return v;
}

dp_status dp__site_reload_tokens(dp_site *s, dp_store *store, dp_error *err)
{
    dp_store_token *v = NULL;
    size_t n = 0, size = 16;
    dp_token_entry *slots;

    if (dp_store_list_tokens(store, &v, &n, err) != DP_OK)
        return err ? err->code : DP_ESTORE;
    while (size < 2 * n + 16)
        size *= 2;
    slots = calloc(size, sizeof *slots);
    if (!slots) {
        dp_store_free(v);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory loading the feed tokens");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char hash[32];
        bool ok = strlen(v[i].token_hash) == 64;
        for (int k = 0; ok && k < 32; k++) {
            int b = hex_byte(v[i].token_hash + 2 * k);
            ok = b >= 0;
            hash[k] = (unsigned char) b;
        }
        if (!ok)
            continue;
        size_t j = (size_t) (slot_of(hash) & (size - 1));
        while (slots[j].used)
            j = (j + 1) & (size - 1);
        dp_token_entry *t = &slots[j];
        t->used = true;
        memcpy(t->hash, hash, 32);
        t->id = v[i].id;
        t->revoked_s = v[i].revoked_s;
        dp_ical_feed_file(v[i].kind, v[i].subject, t->file, sizeof t->file);
    }
    dp_store_free(v);
    free(s->slots);
    s->slots = slots;
    s->n_slots = size;
    s->n_tokens = n;
    return DP_OK;
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Aanbod</title>\n<style>body{font-family:system-ui,sans-serif;margin:1rem auto;"
    "max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}"
    ".error{background:#fee;border:1px solid #c00;padding:.5rem 1rem;white-space:pre-wrap}"
    "</style>\n</head>\n<body>\n";

dp_site *dp__site_build(const dp_model *m, dp_store *store, const char *feeds_dir,
                        const char *overview_html_body, dp_error *err)
{
    dp_site *s = calloc(1, sizeof *s);
    dp_buf empty;
    int64_t now = (int64_t) time(NULL);
    dp_status rc = DP_OK;

    if (!s) {
        DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the site");
        return NULL;
    }
    s->refs = 1;
    s->built_s = now;
    dp_buf_init(&empty);
    rc = dp_ical_empty(m, &empty, err);
    if (rc == DP_OK) {
        /* The buffer's bytes move into the blob. */
        blob_set(&s->empty, "", empty.data, empty.len, "text/calendar; charset=utf-8", now);
        dp_buf_init(&empty);
    }
    dp_buf_release(&empty);
    if (rc == DP_OK)
        rc = read_feeds(s, feeds_dir, now, err);
    if (rc == DP_OK)
        rc = dp__site_reload_tokens(s, store, err);
    if (rc == DP_OK) {
        size_t n = strlen(page_head) + 1;
        s->overview_head = malloc(n);
        s->overview_tail = malloc(strlen(overview_html_body) + 20);
        if (!s->overview_head || !s->overview_tail)
            rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the site");
        else {
            memcpy(s->overview_head, page_head, n);
            snprintf(s->overview_tail, strlen(overview_html_body) + 20, "%s</body>\n</html>\n",
                     overview_html_body);
        }
    }
    if (rc != DP_OK) {
        dp__site_unref(s);
        return NULL;
    }
    return s;
}

dp_site *dp__site_build_pages(const char *const *names, dp_buf *bodies, size_t n, dp_error *err)
{
    dp_site *s = calloc(1, sizeof *s);
    int64_t now = (int64_t) time(NULL);

    if (!s || !(s->pages = calloc(n + 1, sizeof *s->pages))) {
        free(s);
        DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the pages");
        return NULL;
    }
    s->refs = 1;
    s->built_s = now;
    for (size_t i = 0; i < n; i++) {
        if (dp_buf_status(&bodies[i], err) != DP_OK || !bodies[i].data) {
            dp__site_unref(s);
            if (err && err->code == DP_OK)
                DP_FAIL(err, DP_ENOMEM, NULL, "out of memory building the pages");
            return NULL;
        }
        size_t len = bodies[i].len;
        blob_set(&s->pages[s->n_pages++], names[i], bodies[i].data, len, "text/html; charset=utf-8",
                 now);
        dp_buf_init(&bodies[i]); /* the bytes moved into the blob */
    }
    qsort(s->pages, s->n_pages, sizeof *s->pages, cmp_blob);
    return s;
}

dp_blob *dp__site_page(const dp_site *s, const char *name)
{
    dp_blob key;

    if (!s->n_pages || strlen(name) >= sizeof key.name)
        return NULL;
    snprintf(key.name, sizeof key.name, "%s", name);
    return bsearch(&key, s->pages, s->n_pages, sizeof *s->pages, cmp_blob);
}

void dp__site_ref(dp_site *s)
{
    s->refs++;
}

void dp__site_unref(dp_site *s)
{
    if (!s || --s->refs > 0)
        return;
    for (size_t i = 0; i < s->n_feeds; i++)
        blob_release(&s->feeds[i]);
    free(s->feeds);
    blob_release(&s->empty);
    for (size_t i = 0; i < s->n_pages; i++)
        blob_release(&s->pages[i]);
    free(s->pages);
    free(s->overview_head);
    free(s->overview_tail);
    free(s->slots);
    free(s);
}

/* ---- answering ---- */

static void http_date(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t) t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 when it is not. */
static int64_t parse_http_date(const char *s)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char wd[4], mon[4], gmt[4];
    int d, y, h, mi, se, n = 0;

    if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", wd, &d, mon, &y, &h, &mi,
               &se, gmt, &n) != 8 ||
        s[n] != '\0' || strcmp(gmt, "GMT") != 0)
        return -1;
    for (int mo = 0; mo < 12; mo++)
        if (strcmp(mon, months[mo]) == 0) {
            if (d < 1 || d > 31 || y < 1970 || y > 9999 || h > 23 || mi > 59 || se > 60)
                return -1;
            return (int64_t) dp_date_from_civil(y, mo + 1, d) * 86400 + h * 3600 + mi * 60 + se;
        }
    return -1;
}

/* True when an entity tag in the If-None-Match list equals etag (weak
 * comparison, RFC 9110 13.1.2) or the list is "*". */
static bool etag_matches(const char *list, const char *etag)
{
    const char *p = list;
    size_t n = strlen(etag);

    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *q = p;
        if (*q == '"') {
            q = strchr(q + 1, '"');
            q = q ? q + 1 : p + strlen(p);
        } else {
            while (*q && *q != ',')
                q++;
        }
        if ((size_t) (q - p) == n && memcmp(p, etag, n) == 0)
            return true;
        p = q;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

/* True when Accept-Encoding allows gzip (a "gzip" coding without q=0). */
static bool wants_gzip(const char *ae)
{
    const char *p = ae;

    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *name = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t len = (size_t) (p - name);
        bool gz = (len == 4 && strncasecmp(name, "gzip", 4) == 0) || (len == 1 && name[0] == '*');
        bool zero = false;
        while (*p && *p != ',') {
            if (*p == 'q' && p[1] == '=') {
                const char *v = p + 2;
                zero = v[0] == '0' && (v[1] != '.' || strspn(v + 2, "0") == strcspn(v + 2, ", "));
            }
            p++;
        }
        if (gz && !zero)
            return true;
    }
    return false;
}

static void head(dp_response *out, int status, const char *reason, int64_t now)
{
    char date[64];

    http_date(now, date, sizeof date);
    out->status = status;
    dp_buf_init(&out->head);
    dp_buf_printf(&out->head, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: dagplan\r\n", status, reason,
                  date);
}

static void finish(dp_response *out, const char *type, size_t len, bool is_head)
{
    if (type)
        dp_buf_printf(&out->head, "Content-Type: %s\r\n", type);
    dp_buf_printf(&out->head, "Content-Length: %zu\r\nConnection: %s\r\n\r\n", len,
                  out->close ? "close" : "keep-alive");
    if (is_head) {
        out->body = NULL;
        out->body_len = 0;
    }
}

static void simple(dp_response *out, int status, const char *reason, const char *body, int64_t now,
                   bool is_head)
{
    head(out, status, reason, now);
    out->body = body;
    out->body_len = strlen(body);
    finish(out, "text/plain; charset=utf-8", strlen(body), is_head);
}

void dp__site_error(int status, int64_t now, dp_response *out)
{
    const char *reason = status == 431   ? "Request Header Fields Too Large"
                         : status == 414 ? "URI Too Long"
                         : status == 503 ? "Service Unavailable"
                         : status == 408 ? "Request Timeout"
                                         : "Bad Request";
    memset(out, 0, sizeof *out);
    out->close = true;
    snprintf(out->log_target, sizeof out->log_target, "-");
    simple(out, status, reason, status == 503 ? "busy\n" : "bad request\n", now, false);
}

/* The token table entry for token (len bytes), or NULL; constant time in
 * the token's value. */
static const dp_token_entry *find_token(const dp_site *s, const char *token, size_t len)
{
    static const dp_token_entry dummy = {{0}, 0, "", 0, false};
    unsigned char h[DP_SHA256_SIZE];
    dp__sha256_ctx c;
    const dp_token_entry *hit = NULL, *cmp = &dummy;

    dp__sha256_init(&c);
    dp__sha256_update(&c, token, len);
    dp__sha256_final(&c, h);
    if (s->n_slots) {
        size_t j = (size_t) (slot_of(h) & (s->n_slots - 1));
        while (s->slots[j].used && memcmp(s->slots[j].hash, h, 8) != 0)
            j = (j + 1) & (s->n_slots - 1);
        if (s->slots[j].used)
            cmp = &s->slots[j];
    }
    unsigned char diff = 0;
    for (int i = 0; i < DP_SHA256_SIZE; i++)
        diff |= (unsigned char) (cmp->hash[i] ^ h[i]);
    if (diff == 0 && cmp->used)
        hit = cmp;
    return hit;
}

static const dp_blob *find_feed(const dp_site *s, const char *file)
{
    dp_blob key;

    if (!s->n_feeds)
        return NULL;
    snprintf(key.name, sizeof key.name, "%s", file);
    return bsearch(&key, s->feeds, s->n_feeds, sizeof *s->feeds, cmp_blob);
}

static void serve_blob(const dp_blob *b, const dp_req *req, int64_t now, const char *cache,
                       dp_response *out)
{
    bool gz = b->gz && wants_gzip(req->accept_encoding);
    const char *etag = gz ? b->etag_gz : b->etag;
    bool is_head = req->method == HTTP_HEAD;
    bool not_modified;
    char lm[64];

    if (req->if_none_match[0]) {
        not_modified = etag_matches(req->if_none_match, etag);
    } else {
        int64_t ims = req->if_modified_since[0] ? parse_http_date(req->if_modified_since) : -1;
        not_modified = ims >= 0 && b->last_modified <= ims;
    }
    http_date(b->last_modified, lm, sizeof lm);
    head(out, not_modified ? 304 : 200, not_modified ? "Not Modified" : "OK", now);
    dp_buf_printf(&out->head,
                  "Cache-Control: %s, no-cache\r\nETag: %s\r\nLast-Modified: %s\r\n"
                  "Vary: Accept-Encoding\r\nX-Content-Type-Options: nosniff\r\n"
                  "Referrer-Policy: no-referrer\r\n",
                  cache, etag, lm);
    if (not_modified) {
        dp_buf_printf(&out->head, "Connection: %s\r\n\r\n", out->close ? "close" : "keep-alive");
        return;
    }
    if (gz)
        dp_buf_puts(&out->head, "Content-Encoding: gzip\r\n");
    out->body = gz ? b->gz : b->plain;
    out->body_len = gz ? b->gz_len : b->plain_len;
    finish(out, b->type, out->body_len, is_head);
}

static void serve_feed(const dp_site *s, const dp_req *req, const char *token, size_t len,
                       int64_t now, dp_response *out)
{
    const dp_token_entry *t = find_token(s, token, len);
    const dp_blob *b = NULL;

    if (t && t->revoked_s && now >= t->revoked_s + REVOKED_GRACE_S)
        t = NULL; /* gone for good */
    if (t)
        b = t->revoked_s ? &s->empty : find_feed(s, t->file);
    if (t)
        snprintf(out->log_target, sizeof out->log_target, "/feeds/#%lld.ics", (long long) t->id);
    else
        snprintf(out->log_target, sizeof out->log_target, "/feeds/?.ics");
    if (!b) {
        simple(out, 404, "Not Found", "not found\n", now, req->method == HTTP_HEAD);
        return;
    }
    serve_blob(b, req, now, "private", out);
}

static void serve_overview(const dp_site *s, const dp_req *req, int64_t now,
                           const char *reload_error, dp_response *out)
{
    /* The page is assembled into the head buffer (it is small), so it needs
     * no borrowed bytes. */
    dp_buf page;

    dp_buf_init(&page);
    dp_buf_puts(&page, s->overview_head);
    if (reload_error) {
        dp_buf_puts(&page, "<div class=\"error\" role=\"alert\"><strong>De laatste wijziging is "
                           "niet overgenomen; het rooster hieronder is het vorige.</strong>\n");
        for (const char *p = reload_error; *p; p++) {
            if (*p == '<')
                dp_buf_puts(&page, "&lt;");
            else if (*p == '>')
                dp_buf_puts(&page, "&gt;");
            else if (*p == '&')
                dp_buf_puts(&page, "&amp;");
            else
                dp_buf_append(&page, p, 1);
        }
        dp_buf_puts(&page, "</div>\n");
    }
    dp_buf_puts(&page, s->overview_tail);
    head(out, 200, "OK", now);
    dp_buf_puts(&out->head, "Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n");
    finish(out, "text/html; charset=utf-8", page.len, false);
    if (req->method != HTTP_HEAD && page.data)
        dp_buf_append(&out->head, page.data, page.len);
    dp_buf_release(&page);
    out->body = NULL;
    out->body_len = 0;
}

static void log_path(const char *url, size_t len, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 1 < size && url[i] != '?'; i++)
        out[o++] = url[i] > 32 && url[i] < 127 && url[i] != '"' ? url[i] : '_';
    out[o] = '\0';
}

void dp__site_respond(const dp_site *s, const dp_req *req, int64_t now, const char *reload_error,
                      dp_response *out)
{
    static const char feeds[] = "/feeds/", ics[] = ".ics";
    size_t len = strcspn(req->url, "?");
    bool is_head = req->method == HTTP_HEAD;

    memset(out, 0, sizeof *out);
    out->close = !req->keep_alive;
    if (len > sizeof feeds - 1 + sizeof ics - 1 && memcmp(req->url, feeds, sizeof feeds - 1) == 0 &&
        memcmp(req->url + len - 4, ics, 4) == 0) {
        snprintf(out->log_target, sizeof out->log_target, "/feeds/?.ics");
    } else {
        log_path(req->url, len, out->log_target, sizeof out->log_target);
    }
    if (req->method != HTTP_GET && !is_head) {
        head(out, 405, "Method Not Allowed", now);
        dp_buf_puts(&out->head, "Allow: GET, HEAD\r\n");
        out->body = "method not allowed\n";
        out->body_len = strlen(out->body);
        finish(out, "text/plain; charset=utf-8", out->body_len, false);
        return;
    }
    static const char pages[] = "/overview/";
    const dp_blob *page = NULL;
    char name[sizeof page->name];
    if (!s->overview_head && s->n_pages) {
        /* The municipality's pages: / and /overview/ are the list of weeks,
         * /overview/NAME one page (no further slashes). */
        if ((len == 1 && req->url[0] == '/') ||
            (len == sizeof pages - 2 && memcmp(req->url, pages, len) == 0)) {
            /* The pages link to each other relatively: send / there. */
            head(out, 302, "Found", now);
            dp_buf_puts(&out->head, "Location: /overview/\r\nCache-Control: no-cache\r\n");
            out->body = "/overview/\n";
            out->body_len = strlen(out->body);
            finish(out, "text/plain; charset=utf-8", out->body_len, is_head);
            return;
        }
        if (len >= sizeof pages - 1 && memcmp(req->url, pages, sizeof pages - 1) == 0 &&
            len - (sizeof pages - 1) < sizeof name &&
            !memchr(req->url + sizeof pages - 1, '/', len - (sizeof pages - 1))) {
            memcpy(name, req->url + sizeof pages - 1, len - (sizeof pages - 1));
            name[len - (sizeof pages - 1)] = '\0';
            page = dp__site_page(s, name[0] ? name : "index.html");
        }
    }
    if (page) {
        serve_blob(page, req, now, "public", out);
    } else if (len == 1 && req->url[0] == '/' && s->overview_head) {
        serve_overview(s, req, now, reload_error, out);
    } else if (len == 12 && memcmp(req->url, "/favicon.ico", 12) == 0) {
        /* Browsers ask for it on every page: no icon, and no 404 in their
         * consoles. */
        head(out, 204, "No Content", now);
        dp_buf_printf(&out->head, "Cache-Control: public, max-age=86400\r\nConnection: %s\r\n\r\n",
                      out->close ? "close" : "keep-alive");
    } else if (len == 8 && memcmp(req->url, "/healthz", 8) == 0) {
        simple(out, 200, "OK", "ok\n", now, is_head);
    } else if (len > sizeof feeds - 1 + sizeof ics - 1 &&
               memcmp(req->url, feeds, sizeof feeds - 1) == 0 &&
               memcmp(req->url + len - 4, ics, 4) == 0) {
        serve_feed(s, req, req->url + sizeof feeds - 1, len - (sizeof feeds - 1) - 4, now, out);
    } else {
        simple(out, 404, "Not Found", "not found\n", now, is_head);
    }
}
