/* core/cli/cmd_ratio.c - `dagplan ratio`: how many professionals one group of
 * children needs under the Dutch or Flemish ratio rules (FORMAT.md section 4).
 *
 * The answer is a verdict, not an error: a group the rules forbid prints
 * allowed false and exits 0. Exit 2 is for wrong usage (unknown country, bad
 * --ages). The work is a few table lookups; the command answers in well under
 * a millisecond. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "dagplan/ratio.h"
#include "dagplan/time.h"

static const char help[] =
    "Usage: dagplan ratio --country NL|BE-VL --ages A,B,... [--rules 2024|2019] [--nap]\n"
    "                     [--date YYYY-MM-DD] [--json]\n\n"
    "Prints how many qualified professionals one group of children needs, and\n"
    "whether the rules allow the group at all. Ages are whole years on the day\n"
    "of care, 0 to 12: '0,0,1,3' is a daycare group, '4,6,9' out-of-school care.\n"
    "A group mixing under-fours (BE-VL: under-threes) with older children is\n"
    "assessed by the daycare rules, the older children counted as the oldest\n"
    "daycare class.\n\n"
    "  --country NL|BE-VL  which rules apply (required)\n"
    "  --ages A,B,...      the children's ages (required)\n"
    "  --rules 2024|2019   NL out-of-school care: the rules since 1 July 2024\n"
    "                      (default) or Tabel 2 of 2019\n"
    "  --nap               BE-VL daycare: the children are asleep (1 carer per 14)\n"
    "  --date YYYY-MM-DD   BE-VL: the day of care (default today); from 2027-01-01 the\n"
    "                      announced ratios apply (1 per 5 babies, 1 per 7 mixed)\n"
    "  --json              print {\"required\": N, \"allowed\": true, \"max_group\": M,\n"
    "                      \"explanation\": \"...\"}; required is null when not allowed\n\n"
    "Exit status: 0 answered (allowed or not), 2 wrong usage.\n";

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "dagplan ratio: %s%s%s (see 'dagplan ratio --help')\n", msg, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

/* Writes s as a JSON string body (without the quotes). */
static void put_json_string(const char *s, FILE *f)
{
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", (unsigned) *p);
        else
            fputc(*p, f);
    }
}

static void print_json(const dp_ratio_verdict *v, FILE *f)
{
    fputs("{\"required\": ", f);
    if (v->allowed)
        fprintf(f, "%u", v->required);
    else
        fputs("null", f);
    fprintf(f, ", \"allowed\": %s, \"max_group\": ", v->allowed ? "true" : "false");
    if (v->max_group)
        fprintf(f, "%u", v->max_group);
    else
        fputs("null", f);
    fputs(", \"explanation\": \"", f);
    put_json_string(v->explanation, f);
    fputs("\"}\n", f);
}

static void print_text(const dp_ratio_verdict *v, FILE *f)
{
    const char *care = v->care == DP_RATIO_DAYCARE ? "daycare" : "out-of-school care";

    if (v->allowed)
        fprintf(f, "Required: %u professional%s (%s).\n", v->required, v->required == 1 ? "" : "s",
                care);
    else
        fprintf(f, "Not allowed (%s).\n", care);
    if (v->max_group)
        fprintf(f, "Largest group: %u children.\n", v->max_group);
    fprintf(f, "%s\n", v->explanation);
}

/* Reads --country, --rules, --nap and --date into *rules; 0 or an exit
 * status. */
static int read_rules(dp_opt *opts, size_t n, dp_ratio_rules *rules)
{
    const dp_opt *country = dp__args_get(opts, n, "country");
    const dp_opt *set = dp__args_get(opts, n, "rules");

    memset(rules, 0, sizeof *rules);
    if (!country->given)
        return usage("missing --country NL|BE-VL", NULL);
    if (strcmp(country->value, "NL") == 0)
        rules->country = DP_RATIO_NL;
    else if (strcmp(country->value, "BE-VL") == 0)
        rules->country = DP_RATIO_BE_VL;
    else
        return usage("expected --country NL or BE-VL, got", country->value);
    if (set->given && rules->country != DP_RATIO_NL)
        return usage("--rules applies to --country NL only", NULL);
    if (set->given && strcmp(set->value, "2019") == 0)
        rules->bso_rules = DP_RATIO_BSO_2019;
    else if (set->given && strcmp(set->value, "2024") != 0)
        return usage("expected --rules 2024 or 2019, got", set->value);
    if (dp__args_get(opts, n, "nap")->given && rules->country != DP_RATIO_BE_VL)
        return usage("--nap applies to --country BE-VL only", NULL);
    const dp_opt *date = dp__args_get(opts, n, "date");
    int32_t day = (int32_t) (time(NULL) / 86400);
    if (date->given && rules->country != DP_RATIO_BE_VL)
        return usage("--date applies to --country BE-VL only", NULL);
    if (date->given && dp_date_parse(date->value, strlen(date->value), &day) != 0)
        return usage("expected --date YYYY-MM-DD, got", date->value);
    rules->be_rules = dp_ratio_be_rules_on(day);
    return 0;
}

int dp__cmd_ratio(int argc, char **argv)
{
    dp_opt opts[] = {{"country", true, NULL, false}, {"ages", true, NULL, false},
                     {"rules", true, NULL, false},   {"nap", false, NULL, false},
                     {"date", true, NULL, false},    {"json", false, NULL, false}};
    size_t n = sizeof opts / sizeof *opts;
    dp_args args;
    dp_ratio_rules rules;
    dp_ratio_group group;
    dp_ratio_verdict verdict;
    dp_error err = {0};

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    if (args.n_positional > 0)
        return usage("unexpected argument", args.positional[0]);
    int status = read_rules(opts, n, &rules);
    if (status != 0)
        return status;
    const dp_opt *ages = dp__args_get(opts, n, "ages");
    if (!ages->given)
        return usage("missing --ages A,B,... (ages in whole years, 0 to 12)", NULL);
    if (dp_ratio_parse_ages(ages->value, strlen(ages->value), &group, &err) != DP_OK) {
        fputs("dagplan ratio: ", stderr);
        dp_error_print(&err, stderr, false);
        return 2;
    }
    group.nap = dp__args_get(opts, n, "nap")->given;
    if (dp_ratio_assess(&rules, &group, &verdict, &err) != DP_OK) {
        fputs("dagplan ratio: ", stderr);
        dp_error_print(&err, stderr, false);
        return 2;
    }
    if (dp__args_get(opts, n, "json")->given)
        print_json(&verdict, stdout);
    else
        print_text(&verdict, stdout);
    return 0;
}
