/* core/cli/args.c - see args.h. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dp_opt *dp__args_get(dp_opt *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

static dp_opt *find_opt(dp_opt *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

static int usage_error(const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dagplan %s: %s '%s' (see 'dagplan %s --help')\n", cmd, what, arg, cmd);
    return 2;
}

int dp__args_parse(int argc, char **argv, dp_opt *opts, size_t n, dp_args *out)
{
    const char *cmd = argv[0];
    bool only_positional = false;

    memset(out, 0, sizeof *out);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            if (out->n_positional == DP_MAX_POSITIONAL)
                return usage_error(cmd, "too many arguments at", a);
            out->positional[out->n_positional++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            out->help = true;
            continue;
        }
        if (a[1] != '-')
            return usage_error(cmd, "unknown option", a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t) (eq - name) : strlen(name);
        dp_opt *o = find_opt(opts, n, name, len);
        if (!o)
            return usage_error(cmd, "unknown option", a);
        o->given = true;
        if (!o->takes_value) {
            if (eq)
                return usage_error(cmd, "option takes no value:", a);
            continue;
        }
        if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            return usage_error(cmd, "missing value after", a);
        }
    }
    return 0;
}

int dp__args_uint(const char *s, unsigned long long *out)
{
    char *end = NULL;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}
