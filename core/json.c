/* core/json.c - see json.h.
 *
 * A recursive-descent parser over the byte buffer. Containers are first
 * collected in a growable scratch vector and copied into the arena once their
 * size is known, so the tree holds plain arrays. Positions for errors are
 * computed only when an error is reported (line and column by rescanning),
 * keeping the hot path free of bookkeeping. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct dp_json_doc {
    dp_arena *arena; /* owns every node and string */
    dp_json root;    /* the top-level value */
};

typedef struct parser {
    const char *s;    /* text */
    size_t len;       /* its length */
    size_t pos;       /* next byte */
    const char *file; /* for errors; may be NULL */
    dp_arena *arena;  /* where nodes go */
    dp_error *err;    /* where errors go */
    dp_status rc;     /* first failure */
} parser;

static dp_status fail(parser *p, const char *what)
{
    unsigned line = 1, col = 1;

    if (p->rc != DP_OK)
        return p->rc;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char) p->s[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    dp_loc at = {p->file, line, col};
    p->rc = DP_FAIL(p->err, DP_EINPUT, &at, "expected %s", what);
    return p->rc;
}

static dp_status oom(parser *p)
{
    if (p->rc == DP_OK)
        p->rc = DP_FAIL(p->err, DP_ENOMEM, NULL, "out of memory reading JSON");
    return p->rc;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char) p->s[p->pos] : -1;
}

static bool literal(parser *p, const char *word)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return false;
    p->pos += n;
    return true;
}

static int hex4(parser *p, unsigned *out)
{
    unsigned v = 0;

    if (p->len - p->pos < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned) (c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned) (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned) (c - 'A' + 10);
        else
            return -1;
        v = v * 16 + d;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char) (0xC0 | (cp >> 6));
        o[1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char) (0xE0 | (cp >> 12));
        o[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char) (0xF0 | (cp >> 18));
    o[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned cp, min;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

static dp_status escape(parser *p, char *o, size_t *n)
{
    unsigned cp, lo;
    char c;

    if (p->pos >= p->len)
        return fail(p, "an escape after '\\'");
    c = p->s[p->pos++];
    switch (c) {
    case '"':
        o[(*n)++] = '"';
        return DP_OK;
    case '\\':
        o[(*n)++] = '\\';
        return DP_OK;
    case '/':
        o[(*n)++] = '/';
        return DP_OK;
    case 'b':
        o[(*n)++] = '\b';
        return DP_OK;
    case 'f':
        o[(*n)++] = '\f';
        return DP_OK;
    case 'n':
        o[(*n)++] = '\n';
        return DP_OK;
    case 'r':
        o[(*n)++] = '\r';
        return DP_OK;
    case 't':
        o[(*n)++] = '\t';
        return DP_OK;
    case 'u':
        break;
    default:
        p->pos--;
        return fail(p, "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
    }
    if (hex4(p, &cp) != 0)
        return fail(p, "four hex digits after \\u");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, "a high surrogate before a low one");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (!literal(p, "\\u") || hex4(p, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
            return fail(p, "a low surrogate \\uDC00-\\uDFFF after a high one");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    *n += put_utf8(o + *n, cp);
    return DP_OK;
}

/* Parses a string at p->pos (at its opening quote) into the arena. Decoded
 * text is never longer than the source, so one allocation of the source
 * length suffices. */
static dp_status string(parser *p, const char **out, size_t *out_len)
{
    size_t start = ++p->pos, end = start, n = 0;
    char *o;

    while (end < p->len && p->s[end] != '"')
        end += p->s[end] == '\\' && end + 1 < p->len ? 2 : 1;
    if (end >= p->len)
        return fail(p, "a closing '\"'");
    o = dp__arena_alloc(p->arena, end - start + 1, 1);
    if (!o)
        return oom(p);
    while (p->pos < end) {
        unsigned char c = (unsigned char) p->s[p->pos];
        if (c == '\\') {
            p->pos++;
            if (escape(p, o, &n) != DP_OK)
                return p->rc;
            continue;
        }
        if (c < 0x20)
            return fail(p, "no control characters in a string (escape them)");
        size_t k = utf8_len((const unsigned char *) p->s + p->pos, end - p->pos);
        if (k == 0)
            return fail(p, "valid UTF-8 in a string");
        memcpy(o + n, p->s + p->pos, k);
        n += k;
        p->pos += k;
    }
    p->pos = end + 1;
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return DP_OK;
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static dp_status number(parser *p, dp_json *v)
{
    size_t start = p->pos;
    char tmp[64];

    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
    } else if (is_digit(peek(p))) {
        while (is_digit(peek(p)))
            p->pos++;
    } else {
        return fail(p, "a digit");
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!is_digit(peek(p)))
            return fail(p, "a digit after '.'");
        while (is_digit(peek(p)))
            p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!is_digit(peek(p)))
            return fail(p, "a digit in the exponent");
        while (is_digit(peek(p)))
            p->pos++;
    }
    if (p->pos - start >= sizeof tmp) {
        p->pos = start;
        return fail(p, "a number of at most 63 characters");
    }
    memcpy(tmp, p->s + start, p->pos - start);
    tmp[p->pos - start] = '\0';
    v->type = DP_JSON_NUMBER;
    v->number = strtod(tmp, NULL);
    return DP_OK;
}

static dp_status value(parser *p, dp_json *v, unsigned depth);

/* A growable vector of values (and keys) for one container being parsed. */
typedef struct vec {
    dp_json *items;
    const char **keys;
    size_t n, cap;
} vec;

static dp_status vec_push(parser *p, vec *x, bool with_keys)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 8;
        dp_json *items = realloc(x->items, cap * sizeof *items);
        if (!items)
            return oom(p);
        x->items = items;
        if (with_keys) {
            const char **keys = realloc((void *) x->keys, cap * sizeof *keys);
            if (!keys)
                return oom(p);
            x->keys = keys;
        }
        x->cap = cap;
    }
    memset(&x->items[x->n], 0, sizeof x->items[x->n]);
    x->n++;
    return DP_OK;
}

/* Moves the collected elements into the arena. */
static dp_status vec_finish(parser *p, vec *x, dp_json *v, bool with_keys)
{
    v->len = x->n;
    if (x->n) {
        v->items = dp__arena_array(p->arena, x->n, sizeof *v->items);
        if (!v->items)
            return oom(p);
        memcpy(v->items, x->items, x->n * sizeof *v->items);
        if (with_keys) {
            v->keys = dp__arena_array(p->arena, x->n, sizeof *v->keys);
            if (!v->keys)
                return oom(p);
            memcpy((void *) v->keys, (const void *) x->keys, x->n * sizeof *v->keys);
        }
    }
    return DP_OK;
}

static dp_status container(parser *p, dp_json *v, unsigned depth, bool obj)
{
    vec x = {0};
    char close = obj ? '}' : ']';
    dp_status rc = DP_OK;

    v->type = obj ? DP_JSON_OBJECT : DP_JSON_ARRAY;
    p->pos++;
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return DP_OK;
    }
    for (;;) {
        skip_ws(p);
        if ((rc = vec_push(p, &x, obj)) != DP_OK)
            break;
        if (obj) {
            size_t klen;
            if (peek(p) != '"') {
                rc = fail(p, "a member name in double quotes");
                break;
            }
            if ((rc = string(p, &x.keys[x.n - 1], &klen)) != DP_OK)
                break;
            skip_ws(p);
            if (peek(p) != ':') {
                rc = fail(p, "':' after a member name");
                break;
            }
            p->pos++;
        }
        if ((rc = value(p, &x.items[x.n - 1], depth + 1)) != DP_OK)
            break;
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == close) {
            p->pos++;
            break;
        }
        rc = fail(p, obj ? "',' or '}'" : "',' or ']'");
        break;
    }
    if (rc == DP_OK)
        rc = vec_finish(p, &x, v, obj);
    free(x.items);
    free((void *) x.keys);
    return rc;
}

static dp_status value(parser *p, dp_json *v, unsigned depth)
{
    if (depth > DP_JSON_MAX_DEPTH)
        return fail(p, "at most 64 nested arrays and objects");
    skip_ws(p);
    switch (peek(p)) {
    case '{':
        return container(p, v, depth, true);
    case '[':
        return container(p, v, depth, false);
    case '"':
        v->type = DP_JSON_STRING;
        return string(p, &v->str, &v->len);
    case 't':
    case 'f':
        v->type = DP_JSON_BOOL;
        v->boolean = peek(p) == 't';
        if (literal(p, v->boolean ? "true" : "false"))
            return DP_OK;
        return fail(p, "true or false");
    case 'n':
        v->type = DP_JSON_NULL;
        if (literal(p, "null"))
            return DP_OK;
        return fail(p, "null");
    default:
        if (peek(p) == '-' || is_digit(peek(p)))
            return number(p, v);
        return fail(p, "a JSON value");
    }
}

dp_status dp__json_parse(const char *text, size_t len, const char *file, dp_json_doc **out,
                         dp_error *err)
{
    dp_json_doc *doc = calloc(1, sizeof *doc);
    parser p = {text, len, 0, file, NULL, err, DP_OK};

    if (!doc || !(doc->arena = dp__arena_new())) {
        free(doc);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading JSON");
    }
    p.arena = doc->arena;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    if (value(&p, &doc->root, 0) == DP_OK) {
        skip_ws(&p);
        if (p.pos != len)
            fail(&p, "the end of the text after the value");
    }
    if (p.rc != DP_OK) {
        dp__json_free(doc);
        return p.rc;
    }
    *out = doc;
    return DP_OK;
}

void dp__json_free(dp_json_doc *doc)
{
    if (!doc)
        return;
    dp__arena_free(doc->arena);
    free(doc);
}

const dp_json *dp__json_root(const dp_json_doc *doc)
{
    return &doc->root;
}

const dp_json *dp__json_get(const dp_json *o, const char *key)
{
    if (!o || o->type != DP_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < o->len; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->items[i];
    return NULL;
}

const char *dp__json_get_str(const dp_json *o, const char *key)
{
    const dp_json *v = dp__json_get(o, key);

    return v && v->type == DP_JSON_STRING ? v->str : NULL;
}
