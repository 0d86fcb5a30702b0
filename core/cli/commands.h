/* core/cli/commands.h - the subcommands of the dagplan command.
 *
 * Each subcommand lives in core/cli/cmd_<name>.c and has the signature of
 * dp_cmd_fn: argv[0] is the subcommand's name. It returns the process exit
 * status: 0 success, 1 the data, rules or solve failed, 2 wrong usage. */
#ifndef DAGPLAN_CLI_COMMANDS_H
#define DAGPLAN_CLI_COMMANDS_H

typedef int (*dp_cmd_fn)(int argc, char **argv);

int dp__cmd_check(int argc, char **argv);
int dp__cmd_init(int argc, char **argv);
int dp__cmd_solve(int argc, char **argv);
int dp__cmd_explain(int argc, char **argv);
int dp__cmd_ratio(int argc, char **argv);
int dp__cmd_export(int argc, char **argv);
int dp__cmd_feeds(int argc, char **argv);
int dp__cmd_serve(int argc, char **argv); /* core/serve/cmd_serve.c */
int dp__cmd_history(int argc, char **argv);
int dp__cmd_rollback(int argc, char **argv);
int dp__cmd_diff(int argc, char **argv);
int dp__cmd_import_closures(int argc, char **argv);

/* `dagplan solve CITYDIR` (cmd_solve_city.c): dp__solve_is_city tells from
 * the arguments of solve whether its DIR is a municipality directory. */
#include <stdbool.h>
bool dp__solve_is_city(int argc, char **argv);
int dp__cmd_solve_city(int argc, char **argv);
int dp__cmd_report(int argc, char **argv); /* cmd_report.c */
/* `dagplan export CITYDIR --html DIR` (cmd_export_city.c) */
bool dp__export_is_city_html(int argc, char **argv);
int dp__cmd_export_city(int argc, char **argv);

#endif
