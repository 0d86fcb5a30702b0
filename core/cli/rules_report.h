/* core/cli/rules_report.h - what the commands say about centre.lua's rules
 * around a solve: the date the rules refer to, a failed custom rule or a
 * broken hard rule (the solve is then not stored), and each rule's penalty in
 * the summary. */
#ifndef DAGPLAN_CLI_RULES_REPORT_H
#define DAGPLAN_CLI_RULES_REPORT_H

#include <stdbool.h>

#include "dagplan/model.h"
#include "dagplan/solve.h"

/* Sets the rules' reference date: the Monday of ISO week (year, week) when
 * is_set, else today. */
void dp__cli_rules_date(const dp_model *m, bool is_set, int year, int week);

/* After dp_solve (whether it succeeded or not): 1, with the message printed,
 * when a custom rule failed during the solve; else 0. */
int dp__cli_rules_failed(const char *cmd, const dp_model *m);

/* After a successful dp_solve: 0 when the rules are fine, 1 (with the message printed as
 * "dagplan CMD: centre.lua:LINE: error: ...") when a custom rule failed or a
 * hard rule is broken in the schedule. */
int dp__cli_rules_check(const char *cmd, const dp_model *m, const dp_solution *sol);

/* Prints one line per rule with its violations and, for soft rules, its
 * penalty (nothing when the centre has no rules). */
void dp__cli_rules_summary(const dp_model *m, const dp_solution *sol);

#endif
