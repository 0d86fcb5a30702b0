/* tests/fuzz/fuzz_rules.c - bytes as the rules part of centre.lua.
 *
 * The input is appended to a fixed centre{} call and loaded, in memory, with
 * a small fixed centre (two activities, three sections, six children, two
 * families); every rule.<kind>{...} call is compiled against it. When the
 * centre loads, a construction-only solve runs the rules plugin (init, full,
 * delta, apply, explain) on it and every rule is evaluated once more. Lua
 * errors, limits and invalid arguments must only ever become diagnostics. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/load.h"
#include "dagplan/rules.h"
#include "dagplan/solve.h"
#include "load/load_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char settings[] = "centre{id = \"f\", name = \"F\", timezone = \"Europe/Amsterdam\", "
                               "home = \"ikc\", max_activities = 2}\n";

static const dp__load_file fixed[] = {
    {"locations.csv", "id,name,rooms\nikc,IKC,3\nhal,Hal,2\n", 0},
    {"travel.csv", "from,to,minutes\nikc,hal,5\n", 0},
    {"activities.csv",
     "id,name,theme,min_group,max_group,max_size\njudo,Judo,sport,1,8,3\n"
     "lezen,Lezen,lezen,1,8,4\n",
     0},
    {"sections.csv", "id,activity,location\njudo-a,judo,hal\njudo-b,judo,hal\nlezen-a,lezen,ikc\n",
     0},
    {"sessions.csv",
     "section,day,start,minutes\njudo-a,tue,15:00|16:00,60\njudo-b,thu,15:30,60\n"
     "lezen-a,tue|wed,14:30,45\n",
     0},
    {"children.csv",
     "id,name,group,birth_date,family,neighbourhood,priority\n"
     "c1,A,3,2019-01-01,f1,Noord,0\nc2,B,5,2017-02-02,f1,Noord,2\nc3,C,4,2018-03-03,,Zuid,1\n"
     "c4,D,6,2016-04-04,f2,Zuid,3\nc5,E,7,2015-05-05,f2,Noord,0\nc6,F,2,2020-06-06,,,0\n",
     0},
    {"availability.csv",
     "child,day,from,to\nc1,tue,14:00,18:00\nc2,tue,14:00,18:00\nc3,tue,14:00,18:00\n"
     "c4,thu,14:00,18:00\nc5,wed,14:00,18:00\nc6,tue,14:00,18:00\nc1,thu,14:00,18:00\n"
     "c2,thu,14:00,18:00\nc3,wed,14:00,18:00\nc4,tue,14:00,18:00\n",
     0},
    {"school.csv", "group,day,start,end\n3,tue,08:30,14:00\n", 0},
    {"choices.csv",
     "child,activity,rank\nc1,judo,1\nc1,lezen,2\nc2,judo,1\nc3,lezen,1\nc3,judo,2\n"
     "c4,judo,1\nc5,lezen,1\nc6,judo,1\nc2,lezen,2\n",
     0},
};
#define N_FIXED (sizeof fixed / sizeof fixed[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp__load_file files[N_FIXED + 1];
    size_t len = sizeof settings - 1 + size;
    char *script = malloc(len + 1);
    dp_diags *d = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};

    if (!script || !d) {
        free(script);
        dp_diags_free(d);
        return 0;
    }
    memcpy(script, settings, sizeof settings - 1);
    memcpy(script + sizeof settings - 1, data, size);
    for (size_t i = 0; i < N_FIXED; i++) {
        files[i] = fixed[i];
        files[i].len = strlen(fixed[i].data);
    }
    files[N_FIXED] = (dp__load_file){"centre.lua", script, len};
    dp__load_src src = {"fuzz", files, N_FIXED + 1, NULL, 0};
    if (dp__load_centre_src(&src, d, &m, &err) == DP_OK) {
        dp_solve_options o;
        dp_solution *sol = NULL;
        dp_solve_options_init(&o);
        o.time_limit_s = 0; /* construction only */
        if (dp_solve(m, &o, &sol, &err) == DP_OK && dp_rules_status(m, &err) == DP_OK) {
            uint32_t n = dp_rules_count(m);
            int64_t *units = calloc(n + 1, sizeof *units);
            if (units)
                (void) dp_rules_evaluate(sol, units, &err);
            free(units);
            for (dp_id ch = 0; ch < m->n_choices; ch++) {
                uint32_t nr;
                (void) dp_solution_reasons(sol, ch, &nr);
            }
        }
        dp_solution_free(sol);
        dp_model_free(m);
    }
    dp_diags_free(d);
    free(script);
    return 0;
}
