/* core/cli/main.c - the dagplan command: dispatch to a subcommand.
 *
 * Exit status everywhere: 0 success, 1 the data, rules or solve failed, 2 wrong
 * usage (FORMAT.md section 4). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
    const char *name;    /* as typed */
    dp_cmd_fn run;       /* implementation */
    const char *summary; /* one line for dagplan --help */
} command;

static const command commands[] = {
    {"check", dp__cmd_check, "load and validate a centre, report every problem"},
    {"init", dp__cmd_init, "create a new centre directory with commented templates"},
    {"solve", dp__cmd_solve, "plan the week: assign children, time sessions, store"},
    {"explain", dp__cmd_explain, "a child's week and why each wish was or was not granted"},
    {"ratio", dp__cmd_ratio, "professionals a group of children needs (NL, BE-VL ratios)"},
    {"export", dp__cmd_export, "write the centre out: LP model (--lp), calendar feeds (--ics)"},
    {"serve", dp__cmd_serve, "serve the calendar feeds over HTTP, reload on edits"},
    {"feeds", dp__cmd_feeds, "calendar feed addresses: list, add, rotate, revoke tokens"},
    {"history", dp__cmd_history, "list the stored schedule versions of each week"},
    {"rollback", dp__cmd_rollback, "make an earlier version of a week current again"},
    {"diff", dp__cmd_diff, "per child, what changed between two versions and why"},
    {"report", dp__cmd_report, "a municipality's equity report and gap analysis (HTML, CSV)"},
    {"import-closures", dp__cmd_import_closures, "add the holidays of an .ics to closures.csv"},
};

static void print_help(FILE *f)
{
    fprintf(f,
            "dagplan %s - plans the day arrangement of every child in an integrated\n"
            "child centre: school, childcare and the extra programme in one day.\n\n"
            "Usage: dagplan COMMAND [options]\n\nCommands:\n",
            DP_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'dagplan COMMAND --help' describes a command's options.\n"
               "Exit status: 0 success, 1 the data, rules or solve failed, 2 wrong usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("dagplan %s\n", DP_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "dagplan: unknown command '%s' (see 'dagplan --help')\n", argv[1]);
    return 2;
}
