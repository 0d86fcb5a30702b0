/* plugins/ratio/ages.c - parses the --ages list of `dagplan ratio`
 * ("0,0,1,3") into a composition.
 *
 * The text comes straight from the command line (and from the fuzzer), so
 * every byte is checked: digits only, an age of 0 to 12, at most
 * DP_RATIO_MAX_N children of one age. Errors name the 1-based column. */
#include <stdio.h>
#include <string.h>

#include "ratio_impl.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Describes the byte at text[i] for a message: "'x'" or "the end". */
static void describe(const char *text, size_t len, size_t i, char *buf, size_t size)
{
    if (i >= len || text[i] == ',')
        snprintf(buf, size, "%s", i >= len ? "the end of the list" : "','");
    else if ((unsigned char) text[i] < 0x20 || (unsigned char) text[i] >= 0x7f)
        snprintf(buf, size, "byte 0x%02x", (unsigned) (unsigned char) text[i]);
    else
        snprintf(buf, size, "'%c'", text[i]);
}

static dp_status fail_at(dp_error *err, size_t col, const char *msg)
{
    dp_loc at = {"--ages", 1, col > 0xffffu ? 0 : (unsigned) col};
    return DP_FAIL(err, DP_EINPUT, &at, "%s", msg);
}

/* Parses one age starting at *i; leaves *i after it and any spaces. */
static dp_status parse_one(const char *text, size_t len, size_t *i, unsigned *age, dp_error *err)
{
    char what[32], msg[96];
    size_t start;
    unsigned v = 0;

    while (*i < len && is_space(text[*i]))
        (*i)++;
    start = *i;
    if (*i < len && text[*i] == '-')
        return fail_at(err, start + 1,
                       "expected an age in whole years from 0 to 12, got a negative number");
    while (*i < len && text[*i] >= '0' && text[*i] <= '9') {
        if (v <= DP_RATIO_MAX_AGE)
            v = v * 10 + (unsigned) (text[*i] - '0');
        (*i)++;
    }
    if (*i == start) {
        describe(text, len, *i, what, sizeof what);
        snprintf(msg, sizeof msg, "expected an age in whole years from 0 to 12, got %s", what);
        return fail_at(err, start + 1, msg);
    }
    if (v > DP_RATIO_MAX_AGE) {
        int shown = *i - start > 12 ? 12 : (int) (*i - start);
        snprintf(msg, sizeof msg,
                 "expected an age from 0 to 12 (out-of-school care ends at 13), got %.*s%s", shown,
                 text + start, *i - start > 12 ? "..." : "");
        return fail_at(err, start + 1, msg);
    }
    while (*i < len && is_space(text[*i]))
        (*i)++;
    *age = v;
    return DP_OK;
}

dp_status dp_ratio_parse_ages(const char *text, size_t len, dp_ratio_group *out, dp_error *err)
{
    dp_ratio_group g;
    char what[32], msg[96];
    size_t i = 0;

    memset(&g, 0, sizeof g);
    if (!text || len == 0)
        return fail_at(err, 1,
                       "expected a comma-separated list of ages such as 0,0,1,3, got an empty "
                       "list");
    for (;;) {
        unsigned age = 0;
        dp_status rc = parse_one(text, len, &i, &age, err);
        if (rc != DP_OK)
            return rc;
        if (g.n_age[age] == DP_RATIO_MAX_N)
            return fail_at(err, i, "expected at most 9999 children of one age, got more");
        g.n_age[age]++;
        if (i == len)
            break;
        if (text[i] != ',') {
            describe(text, len, i, what, sizeof what);
            snprintf(msg, sizeof msg, "expected ',' or the end of the list, got %s", what);
            return fail_at(err, i + 1, msg);
        }
        i++;
    }
    *out = g;
    return DP_OK;
}
