/* core/cli/args.h - the command line's small option parser.
 *
 * Subcommands describe their options in a table; parsing accepts
 * "--name value", "--name=value" and flags, stops at "--", collects positional
 * arguments, and reports an unknown option or a missing value as a usage
 * error (exit 2) with the subcommand's name. */
#ifndef DAGPLAN_CLI_ARGS_H
#define DAGPLAN_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dp_opt {
    const char *name;  /* long name without "--" */
    bool takes_value;  /* --name VALUE */
    const char *value; /* OUT: the value (NULL when not given) */
    bool given;        /* OUT: seen on the command line */
} dp_opt;

/* An entry of an option table: DP_OPT("week", true). */
#define DP_OPT(name_, takes_value_)                    \
    {                                                  \
        .name = (name_), .takes_value = (takes_value_) \
    }

#define DP_MAX_POSITIONAL 8

typedef struct dp_args {
    const char *positional[DP_MAX_POSITIONAL]; /* OUT: non-option arguments */
    int n_positional;                          /* OUT */
    bool help;                                 /* OUT: --help or -h given */
} dp_args;

/* Parses argv[1..argc) (argv[0] is the subcommand name) against opts (n of
 * them). Returns 0, or 2 after printing a usage error to stderr. */
int dp__args_parse(int argc, char **argv, dp_opt *opts, size_t n, dp_args *out);

/* Returns the option called name in opts (which must exist). */
dp_opt *dp__args_get(dp_opt *opts, size_t n, const char *name);

/* Parses a non-negative decimal integer; 0 or -1 (bad text or overflow). */
int dp__args_uint(const char *s, unsigned long long *out);

#endif
