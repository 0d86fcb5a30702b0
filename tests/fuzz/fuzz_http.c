/* tests/fuzz/fuzz_http.c - the feed server's request handling on arbitrary
 * bytes: llhttp parsing with the server's limits (core/serve/request.c) and
 * the answer to every parsed request (core/serve/site.c) against a small
 * in-memory site with one feed and one token. The input is fed in pieces at
 * split points taken from its first byte, as reads from a socket split it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/request.h"
#include "serve/site.h"

static dp_site site;
static dp_blob feed;
static dp_token_entry slots[16];

static void setup(void)
{
    static char body[] = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    static unsigned char hash[32]; /* the SHA-256 of no token in particular */

    if (site.refs)
        return;
    snprintf(feed.name, sizeof feed.name, "family-f1.ics");
    feed.plain = body;
    feed.plain_len = sizeof body - 1;
    feed.gz = body; /* not real gzip: only lengths matter here */
    feed.gz_len = 8;
    snprintf(feed.etag, sizeof feed.etag, "\"abc\"");
    snprintf(feed.etag_gz, sizeof feed.etag_gz, "\"abc.gz\"");
    feed.type = "text/calendar; charset=utf-8";
    site.refs = 1;
    site.feeds = &feed;
    site.n_feeds = 1;
    site.empty = feed;
    site.overview_head = (char *) "<html>";
    site.overview_tail = (char *) "</html>";
    site.slots = slots;
    site.n_slots = 16;
    memset(hash, 0x42, sizeof hash);
    memcpy(slots[2].hash, hash, 32);
    slots[2].used = true;
    slots[2].id = 7;
    snprintf(slots[2].file, sizeof slots[2].file, "family-f1.ics");
}

static int on_request(void *ud, const dp_req *req)
{
    dp_response r;

    (void) ud;
    dp__site_respond(&site, req, 1700000000, req->url_len & 1 ? "an error <b>" : NULL, &r);
    if (r.status < 200 || r.status > 599 || !r.head.data || r.body_len > feed.plain_len)
        __builtin_trap();
    dp_buf_release(&r.head);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp_req_parser *p = malloc(sizeof *p);
    size_t step, off = 0;

    if (!p || size == 0) {
        free(p);
        return 0;
    }
    setup();
    step = (size_t) data[0] % 64 + 1;
    dp__req_init(p, on_request, NULL);
    data++;
    size--;
    while (off < size) {
        size_t n = size - off < step ? size - off : step;
        int status = dp__req_feed(p, (const char *) data + off, n);
        if (status) {
            dp_response r;
            if (status != 400 && status != 414 && status != 431)
                __builtin_trap();
            dp__site_error(status, 1700000000, &r);
            dp_buf_release(&r.head);
            break;
        }
        off += n;
    }
    free(p);
    return 0;
}
