/* tests/fuzz/fuzz_timetable.c - bytes as a stored schedule JSON, read back
 * against a small fixed centre (dp_timetable_parse, which the calendar feeds
 * use; with the optional "escorts" of a session, issue 5).
 *
 * The centre is loaded once, in memory, from the CSV text below. A schedule
 * that parses must give meetings and assignments with ids inside the model
 * and escorts inside the escort array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/load.h"
#include "dagplan/timetable.h"
#include "fuzz_centre.h"
#include "load/load_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[][2] = {
    {"locations.csv", "id,name,kind,address,rooms,capacity\nikc,IKC,school,Straat 1,2,60\n"
                      "hal,Hal,sport,Laan 2,1,30\n"},
    {"travel.csv", "from,to,minutes\nikc,hal,10\n"},
    {"staff.csv", "id,name,role,bkr\ns1,Anna,pm,1\ns2,Bram,coach,0\n"},
    {"activities.csv", "id,name,theme,min_group,max_group,max_size,escort\n"
                       "judo,Judo,sport,1,8,20,1\nlego,Lego,techniek,1,8,20,0\n"},
    {"sections.csv", "id,activity,location,staff\njudo-a,judo,hal,s2\nlego-a,lego,ikc,\n"},
    {"sessions.csv", "section,day,start,minutes\njudo-a,mon,15:00,60\njudo-a,wed,15:00,60\n"
                     "lego-a,tue,15:00,60\n"},
    {"children.csv", "id,name,group\nc1,Kind Een,3\nc2,Kind Twee,4\n"},
    {"availability.csv", "child,day,from,to,care\nc1,mon,14:00,18:00,1\nc2,mon,14:00,18:00,1\n"},
    {"school.csv", "group,day,start,end\n"},
    {"choices.csv", "child,activity,rank\nc1,judo,1\nc2,lego,1\n"},
    {"rota.csv", "staff,day,from,to\ns1,mon,14:00,18:00\n"},
};
#define N_FILES (sizeof files / sizeof files[0])

static dp_model *model(void)
{
    static dp_model *m;
    static int tried;
    dp__load_file f[N_FILES];
    dp_centre_conf conf = fuzz_centre_conf();

    if (tried)
        return m;
    tried = 1;
    for (size_t i = 0; i < N_FILES; i++) {
        f[i].name = files[i][0];
        f[i].data = files[i][1];
        f[i].len = strlen(files[i][1]);
    }
    dp__load_src src = {"fuzz", f, N_FILES, &conf};
    dp_diags *diags = dp_diags_new();
    if (!diags || dp__load_centre_src(&src, diags, &m, NULL) != DP_OK)
        abort(); /* the fixed centre must load */
    dp_diags_free(diags);
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const dp_model *m = model();
    dp_timetable *t = NULL;

    if (dp_timetable_parse(m, (const char *) data, size, 20819, "fuzz", &t, NULL) != DP_OK) {
        if (t)
            abort();
        return 0;
    }
    for (size_t i = 0; i < t->n_meetings; i++) {
        const dp_meeting *mt = &t->meetings[i];
        if (mt->section >= m->n_sections || mt->location >= m->n_locations ||
            (mt->staff != DP_NONE && mt->staff >= m->n_staff) ||
            (size_t) mt->escort0 + mt->n_escorts > t->n_escort_ids ||
            mt->n_escorts > mt->escorts_needed || mt->escort_from > mt->escort_to)
            abort();
        for (uint32_t k = mt->escort0; k < mt->escort0 + mt->n_escorts; k++)
            if (t->escorts[k] >= m->n_staff)
                abort();
    }
    for (size_t i = 0; i < t->n_assignments; i++)
        if (t->assignments[i].child >= m->n_children || t->assignments[i].section >= m->n_sections)
            abort();
    dp_timetable_free(t);
    return 0;
}
