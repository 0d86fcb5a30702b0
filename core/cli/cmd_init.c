/* core/cli/cmd_init.c - `dagplan init DIR`: scaffold a new centre directory
 * with a template of every file, each holding an example row, so that a
 * planner starts from something that `dagplan check` accepts and edits it.
 *
 * Never overwrites: an existing file stops the command before anything is
 * written (files are created with O_EXCL). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "Usage: dagplan init DIR\n\n"
    "Creates the centre directory DIR with a template of every file: centre.lua\n"
    "(settings, with comments) and the CSV files, each with its header and an\n"
    "example row. Existing files are never overwritten. Edit the files, then run\n"
    "'dagplan check DIR'.\n";

typedef struct template_file {
    const char *name;
    const char *text;
} template_file;

static const template_file templates[] = {
    {"centre.lua",
     "-- centre.lua: the settings of this centre (Lua 5.4, run in a sandbox).\n"
     "-- Lines starting with -- are comments. See docs/ in the dagplan sources.\n"
     "centre {\n"
     "  id = \"vlinder\",                 -- short id of the centre\n"
     "  name = \"IKC De Vlinder\",        -- shown in calendars and reports\n"
     "  timezone = \"Europe/Amsterdam\",  -- IANA time zone of the centre\n"
     "  country = \"NL\",                 -- NL or BE-VL: which childcare ratios apply\n"
     "  home = \"ikc\",                   -- locations.csv id of the centre's own building\n"
     "  max_activities = 2,             -- most activities per child per week\n"
     "}\n"
     "\n"
     "-- Local rules (docs/rules.md). hard = true: never broken; weight = N: a wish,\n"
     "-- each violation costs N points. Selections: groups, ages, priority,\n"
     "-- min_priority, neighbourhoods, families, children, activities, themes, days.\n"
     "rule.not_after{ name = \"groepen 1-4 niet na 17:00\", groups = {1, 2, 3, 4},\n"
     "                time = \"17:00\", hard = true }\n"
     "rule.siblings{ name = \"broertjes en zusjes samen\", together = \"section\", weight = 20 }\n"
     "\n"
     "-- More examples (remove the -- to use them):\n"
     "-- rule.max_activities{ name = \"een per dag\", max = 1, per = \"day\", weight = 50 }\n"
     "-- rule.max_minutes{ name = \"groep 3 rustig\", groups = 3, max = 120, weight = 2 }\n"
     "-- rule.not_before{ name = \"woensdag na de lunch\", days = \"wed\", time = \"13:00\",\n"
     "--                  weight = 10 }\n"
     "-- rule.reserve{ name = \"judo: 3 plekken voor voorrang\", activity = \"judo\", places = 3,\n"
     "--               min_priority = 2, until_date = \"2027-02-01\", hard = true }\n"
     "-- rule.theme_once{ name = \"breed aanbod\", weight = 30 }\n"
     "-- rule.at_least_one{ name = \"sport voor voorrang\", min_priority = 2,\n"
     "--                    themes = \"sport\", weight = 40 }\n"
     "-- rule.only_for{ name = \"judo vanaf groep 5\", activities = \"judo\",\n"
     "--                groups = {5, 6, 7, 8}, hard = true }\n"
     "-- rule.apart{ name = \"niet samen\", children = {\"c001\", \"c002\"}, weight = 100 }\n"
     "-- rule.pin{ name = \"Sem bij judo-a\", child = \"c001\", section = \"judo-a\", hard = true "
     "}\n"
     "-- rule.forbid{ name = \"Sem niet bij judo-a\", child = \"c001\", section = \"judo-a\",\n"
     "--              hard = true }\n"
     "-- rule.mix{ name = \"wijken mengen\", by = \"neighbourhood\", max_share = 0.6, weight = 10 "
     "}\n"
     "-- rule.custom{ name = \"hoogstens twee dagen\", scope = \"child\", weight = 15,\n"
     "--   check = function(ctx)\n"
     "--     local days = 0\n"
     "--     for _, d in ipairs({\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"}) do\n"
     "--       if ctx:sessions_on(d) > 0 then days = days + 1 end\n"
     "--     end\n"
     "--     return math.max(0, days - 2)\n"
     "--   end }\n"},
    {"children.csv", "id,name,group,birth_date,family,neighbourhood,priority,care_group\n"
                     "c001,Sem de Vries,4,2019-03-14,f001,Heechterp,1,bso-midden-1\n"
                     "c002,Noor de Vries,6,2017-05-02,f001,Heechterp,1,bso-boven-1\n"},
    {"availability.csv", "child,day,from,to,care\n"
                         "c001,tue,14:15,18:00,1\n"
                         "c002,tue,14:15,18:00,1\n"},
    {"school.csv", "group,day,start,end\n"
                   "4,tue,08:30,14:15\n"
                   "6,tue,08:30,14:15\n"},
    {"locations.csv", "id,name,kind,address,rooms,capacity\n"
                      "ikc,IKC De Vlinder,ikc,\"Schoolstraat 1, Leeuwarden\",3,\n"
                      "sporthal,Sporthal Noord,sporthal,\"Sportlaan 2, Leeuwarden\",2,\n"},
    {"travel.csv", "from,to,minutes\n"
                   "ikc,sporthal,8\n"},
    {"activities.csv", "id,name,theme,provider,min_group,max_group,min_size,max_size,escort\n"
                       "judo,Judo,sport,Sport BV,3,8,1,12,0\n"},
    {"sections.csv", "id,activity,location,staff,min_size,max_size\n"
                     "judo-a,judo,sporthal,s001,,\n"},
    {"sessions.csv", "section,day,start,minutes\n"
                     "judo-a,tue,15:00,60\n"},
    {"staff.csv", "id,name,role,bkr,max_minutes\n"
                  "s001,Anne Postma,coach,0,600\n"},
    {"choices.csv", "child,activity,rank\n"
                    "c001,judo,1\n"
                    "c002,judo,1\n"},
};

static int write_new_file(const char *dir, const template_file *t)
{
    char path[4096];
    int fd;

    if (snprintf(path, sizeof path, "%s/%s", dir, t->name) >= (int) sizeof path) {
        fprintf(stderr, "dagplan init: %s: path too long\n", dir);
        return 1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        fprintf(stderr, "dagplan init: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t len = strlen(t->text);
    ssize_t n = write(fd, t->text, len);
    if (close(fd) != 0 || n < 0 || (size_t) n != len) {
        fprintf(stderr, "dagplan init: %s: write failed\n", path);
        return 1;
    }
    return 0;
}

int dp__cmd_init(int argc, char **argv)
{
    dp_args args;
    char path[4096];
    struct stat st;

    if (dp__args_parse(argc, argv, NULL, 0, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    if (args.n_positional != 1) {
        fputs(help, stderr);
        return 2;
    }
    const char *dir = args.positional[0];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan init: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    /* Check first, so that nothing is written when any file is in the way. */
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, templates[i].name);
        if (stat(path, &st) == 0) {
            fprintf(stderr, "dagplan init: %s already exists; nothing was written\n", path);
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
        if (write_new_file(dir, &templates[i]) != 0)
            return 1;
    printf("created %s: edit its files, then run 'dagplan check %s'\n", dir, dir);
    return 0;
}
