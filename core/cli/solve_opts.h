/* core/cli/solve_opts.h - the options `dagplan solve DIR` and `dagplan solve
 * CITYDIR` share: --week, --seed, --max-moves, --verify-every, --time-limit.
 * One place reads and checks them, so both commands accept exactly the same
 * values with the same messages. */
#ifndef DAGPLAN_CLI_SOLVE_OPTS_H
#define DAGPLAN_CLI_SOLVE_OPTS_H

#include <stddef.h>

#include "args.h"
#include "dagplan/export.h"
#include "dagplan/solve.h"

/* Reads the shared options from a parsed table (opts, n of them: it must
 * contain those five) into week, week_text (16 bytes, "" for the template)
 * and o (already initialised with dp_solve_options_init). Returns 0, or 2
 * after printing a usage error. */
int dp__solve_opts_read(dp_opt *opts, size_t n, dp_week *week, char *week_text,
                        dp_solve_options *o);

#endif
