/* core/cli/cmd_feeds.c - `dagplan feeds DIR list|add|rotate|revoke`: the
 * secret addresses of the calendar feeds.
 *
 * A token is 192 bits from the OS random source (getrandom), written in
 * base64url (32 characters); the store keeps only its SHA-256, so a token is
 * printed once, when it is made, and a lost one is replaced by `rotate`. The
 * subscription URLs are BASE/feeds/TOKEN.ics in https:// and webcal:// form,
 * BASE from --base-url or centre.lua's base_url. A revoked token keeps
 * answering with a valid empty calendar for DP_FEED_REVOKED_GRACE_DAYS days
 * (so subscribed apps clear the events), then 404 (see `dagplan serve`). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "common.h"
#include "dagplan/time.h"
#include "export_ics.h"

#define TOKEN_BYTES 24 /* 192 bits */

static const char help[] =
    "Usage: dagplan feeds DIR list [--db FILE]\n"
    "       dagplan feeds DIR add KIND SUBJECT [--base-url URL] [--db FILE]\n"
    "       dagplan feeds DIR rotate ID [--base-url URL] [--db FILE]\n"
    "       dagplan feeds DIR revoke ID [--db FILE]\n\n"
    "Manages the secret addresses of the calendar feeds of the centre in DIR.\n\n"
    "  list     every token: id, whose feed, created, valid or revoked\n"
    "  add      a new token for the feed of KIND (family, staff, location,\n"
    "           activity) SUBJECT (its id; a child without a family: the child's\n"
    "           id) and print its subscription URLs (shown only now: the store\n"
    "           keeps only a hash of the token)\n"
    "  rotate   revoke token ID and add a new one for the same feed\n"
    "  revoke   revoke token ID: it serves an empty calendar for 28 days (so\n"
    "           subscribed apps clear the events), then 404\n\n"
    "  --base-url URL  e.g. https://kalender.example.nl (default: centre.lua's\n"
    "                  base_url)\n"
    "  --db FILE       the store (default DIR/dagplan.db)\n\n"
    "Exit status: 0 done, 1 the centre, store or token failed, 2 wrong usage.\n";

static int parse_kind(const char *s, dp_feed_kind *out)
{
    for (int k = DP_FEED_FAMILY; k <= DP_FEED_ACTIVITY; k++)
        if (strcmp(s, dp_store_feed_kind_name((dp_feed_kind) k)) == 0) {
            *out = (dp_feed_kind) k;
            return 0;
        }
    return -1;
}

/* True when the model has a feed for kind/subject (as dp_ical_export writes). */
static bool subject_exists(const dp_model *m, dp_feed_kind kind, const char *s)
{
    size_t n = strlen(s);
    dp_id c;

    switch (kind) {
    case DP_FEED_FAMILY:
        if (dp_model_find(m, DP_KIND_FAMILY, s, n) != DP_NONE)
            return true;
        c = dp_model_find(m, DP_KIND_CHILD, s, n);
        return c != DP_NONE && m->children[c].family == DP_NONE;
    case DP_FEED_STAFF:
        return dp_model_find(m, DP_KIND_STAFF, s, n) != DP_NONE;
    case DP_FEED_LOCATION:
        return dp_model_find(m, DP_KIND_LOCATION, s, n) != DP_NONE;
    case DP_FEED_ACTIVITY:
        return dp_model_find(m, DP_KIND_ACTIVITY, s, n) != DP_NONE;
    }
    return false;
}

static int make_token(char out[64])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[TOKEN_BYTES];
    size_t o = 0;

    if (getrandom(raw, sizeof raw, 0) != (ssize_t) sizeof raw)
        return -1;
    for (size_t i = 0; i < sizeof raw; i += 3) {
        unsigned v = (unsigned) raw[i] << 16 | (unsigned) raw[i + 1] << 8 | raw[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = b64[v >> 6 & 63];
        out[o++] = b64[v & 63];
    }
    out[o] = '\0';
    return 0;
}

static void print_urls(const char *base, const char *token)
{
    const char *rest = NULL;

    if (base && strncmp(base, "https://", 8) == 0)
        rest = base + 8;
    else if (base && strncmp(base, "http://", 7) == 0)
        rest = base + 7;
    if (!rest || !*rest) {
        printf("  /feeds/%s.ics\n  (no base URL: set base_url in centre.lua or give --base-url "
               "to print full addresses)\n",
               token);
        return;
    }
    size_t n = strlen(rest);
    int trim = rest[n - 1] == '/';
    printf("  webcal://%.*s/feeds/%s.ics\n", (int) (n - (size_t) trim), rest, token);
    printf("  %.*s/feeds/%s.ics\n", (int) (strlen(base) - (size_t) trim), base, token);
}

static int add_token(dp_store *store, const dp_model *m, dp_feed_kind kind, const char *subject,
                     const char *base)
{
    char token[64];
    int64_t id = 0;
    dp_error err = {0};

    if (!subject_exists(m, kind, subject)) {
        fprintf(stderr, "dagplan feeds: %s has no %s '%s'\n", m->centre.dir,
                dp_store_feed_kind_name(kind), subject);
        return 1;
    }
    if (make_token(token) != 0) {
        fprintf(stderr, "dagplan feeds: the system's random source failed: %s\n", strerror(errno));
        return 1;
    }
    if (dp_store_add_token(store, kind, subject, token, 0, &id, &err) != DP_OK) {
        fprintf(stderr, "dagplan feeds: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    printf("token %lld for the %s feed of %s:\n", (long long) id, dp_store_feed_kind_name(kind),
           subject);
    print_urls(base, token);
    printf("Shown only now: the store keeps only a hash of the token.\n");
    return 0;
}

static int list(dp_store *store)
{
    dp_store_token *v = NULL;
    size_t n = 0;
    dp_error err = {0};
    int64_t now = (int64_t) time(NULL);

    if (dp_store_list_tokens(store, &v, &n, &err) != DP_OK) {
        fprintf(stderr, "dagplan feeds: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    printf("%-5s %-9s %-24s %-10s %s\n", "id", "kind", "subject", "created", "state");
    for (size_t i = 0; i < n; i++) {
        char created[16], revoked[16], until[16];
        dp_date_format((int32_t) (v[i].created_s / 86400), created);
        printf("%-5lld %-9s %-24s %-10s ", (long long) v[i].id, dp_store_feed_kind_name(v[i].kind),
               v[i].subject, created);
        if (!v[i].revoked_s) {
            printf("valid\n");
            continue;
        }
        int64_t end = v[i].revoked_s + DP_FEED_REVOKED_GRACE_DAYS * INT64_C(86400);
        dp_date_format((int32_t) (v[i].revoked_s / 86400), revoked);
        dp_date_format((int32_t) (end / 86400), until);
        if (now < end)
            printf("revoked %s (empty calendar until %s)\n", revoked, until);
        else
            printf("revoked %s (gone)\n", revoked);
    }
    printf("%zu tokens\n", n);
    dp_store_free(v);
    return 0;
}

/* Finds token id in the store; 0 or 1 after printing. */
static int find_id(dp_store *store, const char *text, dp_store_token *out)
{
    dp_store_token *v = NULL;
    size_t n = 0;
    dp_error err = {0};
    unsigned long long id;
    int status = 1;

    if (dp__args_uint(text, &id) != 0) {
        fprintf(stderr,
                "dagplan feeds: expected a token id (see 'dagplan feeds DIR list'), got "
                "'%s'\n",
                text);
        return 2;
    }
    if (dp_store_list_tokens(store, &v, &n, &err) != DP_OK) {
        fprintf(stderr, "dagplan feeds: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    for (size_t i = 0; i < n && status; i++)
        if ((unsigned long long) v[i].id == id) {
            *out = v[i];
            status = 0;
        }
    if (status)
        fprintf(stderr, "dagplan feeds: there is no token %llu\n", id);
    dp_store_free(v);
    return status;
}

static int revoke(dp_store *store, const dp_store_token *t)
{
    dp_error err = {0};

    if (dp_store_revoke_token(store, t->id, 0, &err) != DP_OK) {
        fprintf(stderr, "dagplan feeds: ");
        dp_error_print(&err, stderr, false);
        return 1;
    }
    printf("token %lld (%s feed of %s) revoked: it serves an empty calendar for %d days, then "
           "404\n",
           (long long) t->id, dp_store_feed_kind_name(t->kind), t->subject,
           DP_FEED_REVOKED_GRACE_DAYS);
    return 0;
}

static int run(const char *dir, const char *verb, const char *const *rest, int n_rest,
               const char *base, dp_store *store)
{
    dp_model *m = NULL;
    dp_store_token t;
    dp_feed_kind kind;
    int status;

    if (strcmp(verb, "list") == 0 && n_rest == 0)
        return list(store);
    if (strcmp(verb, "revoke") == 0 && n_rest == 1) {
        status = find_id(store, rest[0], &t);
        return status ? status : revoke(store, &t);
    }
    if (strcmp(verb, "add") == 0 && n_rest == 2) {
        if (parse_kind(rest[0], &kind) != 0) {
            fprintf(stderr,
                    "dagplan feeds: expected family, staff, location or activity, got "
                    "'%s'\n",
                    rest[0]);
            return 2;
        }
        if (dp__cli_load("feeds", dir, &m) != 0)
            return 1;
        status = add_token(store, m, kind, rest[1], base ? base : m->centre.base_url);
        dp_model_free(m);
        return status;
    }
    if (strcmp(verb, "rotate") == 0 && n_rest == 1) {
        status = find_id(store, rest[0], &t);
        if (status)
            return status;
        if (dp__cli_load("feeds", dir, &m) != 0)
            return 1;
        status = t.revoked_s ? 0 : revoke(store, &t);
        if (status == 0)
            status = add_token(store, m, t.kind, t.subject, base ? base : m->centre.base_url);
        dp_model_free(m);
        return status;
    }
    fprintf(stderr, "dagplan feeds: expected list, add KIND SUBJECT, rotate ID or revoke ID\n\n%s",
            help);
    return 2;
}

int dp__cmd_feeds(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("base-url", true), DP_OPT("db", true)};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    dp_store *store = NULL;
    int status;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    if (args.n_positional < 2) {
        fprintf(stderr, "dagplan feeds: expects a centre directory and an action\n\n%s", help);
        return 2;
    }
    const char *base = dp__args_get(opts, n, "base-url")->value;
    if (base && strncmp(base, "https://", 8) != 0 && strncmp(base, "http://", 7) != 0) {
        fprintf(stderr, "dagplan feeds: --base-url expects https://HOST[/PATH], got '%s'\n", base);
        return 2;
    }
    if (dp__cli_open_store("feeds", args.positional[0], dp__args_get(opts, n, "db")->value,
                           &store) != 0)
        return 1;
    status = run(args.positional[0], args.positional[1], args.positional + 2, args.n_positional - 2,
                 base, store);
    dp_store_close(store);
    return status;
}
