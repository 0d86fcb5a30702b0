/* core/cli/rules_report.c - see rules_report.h. */
#include "rules_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/rules.h"
#include "dagplan/time.h"

void dp__cli_rules_date(const dp_model *m, bool is_set, int year, int week)
{
    if (is_set)
        dp_rules_set_date(m, dp_isoweek_monday(year, week));
}

int dp__cli_rules_failed(const char *cmd, const dp_model *m)
{
    dp_error err = {0};

    if (dp_rules_status(m, &err) == DP_OK)
        return 0;
    fprintf(stderr, "dagplan %s: ", cmd);
    dp_error_print(&err, stderr, false);
    fprintf(stderr, "dagplan %s: nothing was stored\n", cmd);
    return 1;
}

int dp__cli_rules_check(const char *cmd, const dp_model *m, const dp_solution *sol)
{
    uint32_t n = dp_rules_count(m);
    int64_t *units;
    dp_error err = {0};
    int status = 0;

    if (dp__cli_rules_failed(cmd, m))
        return 1;
    if (n == 0)
        return 0;
    units = calloc(n, sizeof *units);
    if (!units || dp_rules_evaluate(sol, units, &err) != DP_OK) {
        if (!units)
            DP_FAIL(&err, DP_ENOMEM, NULL, "out of memory checking the rules");
        fprintf(stderr, "dagplan %s: ", cmd);
        dp_error_print(&err, stderr, false);
        free(units);
        return 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        dp_rule_info r;
        dp_rules_info(m, i, &r);
        if (!r.hard || units[i] == 0)
            continue;
        fprintf(stderr,
                "dagplan %s: centre.lua:%u: error: hard rule '%s' is broken %" PRId64
                " time%s in the best schedule found; nothing was stored (the data may not "
                "allow it: see 'dagplan explain')\n",
                cmd, r.line, r.name, units[i], units[i] == 1 ? "" : "s");
        status = 1;
    }
    free(units);
    return status;
}

void dp__cli_rules_summary(const dp_model *m, const dp_solution *sol)
{
    uint32_t n = dp_rules_count(m);
    int64_t *units = n ? calloc(n, sizeof *units) : NULL;
    dp_error err = {0};

    if (!units || dp_rules_evaluate(sol, units, &err) != DP_OK) {
        free(units);
        return;
    }
    printf("  rules:\n");
    for (uint32_t i = 0; i < n; i++) {
        dp_rule_info r;
        dp_rules_info(m, i, &r);
        if (r.hard)
            printf("    %-32s centre.lua:%-4u hard, %" PRId64 " violations\n", r.name, r.line,
                   units[i]);
        else
            printf("    %-32s centre.lua:%-4u weight %" PRId64 ", %" PRId64
                   " violations, penalty %" PRId64 "\n",
                   r.name, r.line, r.weight, units[i], r.weight * units[i]);
    }
    free(units);
}
