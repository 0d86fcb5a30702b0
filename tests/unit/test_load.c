/* tests/unit/test_load.c - the centre loader: the model built from
 * tests/data/tiny (ids, grouping, travel, slots, lookups), a table of broken
 * variants of tiny each with the exact first diagnostic, municipality
 * listing, and loading from memory. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dagplan/load.h"
#include "dagplan/model.h"
#include "dagplan/time.h"
#include "harness.h"
#include "load/load_impl.h"

#define TINY DP_TEST_DATA "/tiny"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t) n + 1);
        if (buf && fread(buf, 1, (size_t) n, f) != (size_t) n) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = '\0';
            *len = (size_t) n;
        }
    }
    fclose(f);
    return buf;
}

static void write_all(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
}

/* Copies every file of src into the new directory dst. */
static void copy_dir(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL) {
        char from[1024], to[1024];
        size_t len;
        if (e->d_name[0] == '.')
            continue;
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        char *text = read_all(from, &len);
        if (text)
            write_all(to, text, len);
        free(text);
    }
    if (d)
        closedir(d);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d)) != NULL) {
        char path[1024];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            remove_dir(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Replaces line `line` (1-based) of dir/file with text; line 0 replaces the
 * whole file; text NULL deletes the file. */
static void patch(const char *dir, const char *file, unsigned line, const char *text)
{
    char path[1024];
    size_t len = 0;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (!text) {
        unlink(path);
        return;
    }
    if (line == 0) {
        write_all(path, text, strlen(text));
        return;
    }
    char *old = read_all(path, &len);
    char *out = malloc(len + strlen(text) + 2);
    size_t n = 0, i = 0;
    for (unsigned l = 1; i < len; l++) {
        size_t end = i;
        while (end < len && old[end] != '\n')
            end++;
        if (l == line) {
            memcpy(out + n, text, strlen(text));
            n += strlen(text);
        } else {
            memcpy(out + n, old + i, end - i);
            n += end - i;
        }
        out[n++] = '\n';
        i = end + 1;
    }
    write_all(path, out, n);
    free(out);
    free(old);
}

/* Makes dir (a mkdtemp template, rewritten) a fresh copy of the tiny centre
 * and returns a new diags list to load it with; NULL, after a failed CHECK
 * and with nothing to free, when either cannot be made. */
static dp_diags *tiny_copy(char *dir)
{
    dp_diags *diags = dp_diags_new();

    if (!mkdtemp(dir) || !diags) {
        CHECK(!"cannot make a temporary directory");
        dp_diags_free(diags);
        return NULL;
    }
    copy_dir(TINY, dir);
    return diags;
}

/* Formats a diagnostic as dp_diags_print does. */
static const char *format_diag(const dp_diag *d, char *buf, size_t size)
{
    const char *sev = d->severity == DP_SEV_ERROR ? "error" : "warning";

    if (d->line && d->column)
        snprintf(buf, size, "%s:%u:%u: %s: %s", d->file, d->line, d->column, sev, d->msg);
    else if (d->line)
        snprintf(buf, size, "%s:%u: %s: %s", d->file, d->line, sev, d->msg);
    else
        snprintf(buf, size, "%s: %s: %s", d->file, sev, d->msg);
    return buf;
}

static dp_model *load_tiny(void)
{
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};

    CHECK(dp_load_centre(TINY, diags, &m, &err) == DP_OK);
    CHECK(dp_diags_count(diags) == 0);
    dp_diags_sort(diags);
    dp_diags_print(diags, stderr);
    dp_diags_free(diags);
    return m;
}

static dp_id find(const dp_model *m, dp_kind kind, const char *s)
{
    return dp_model_find(m, kind, s, strlen(s));
}

static void test_load_tiny_entities(void)
{
    dp_model *m = load_tiny();
    if (!m)
        return;
    CHECK(m->n_children == 12 && m->n_locations == 4 && m->n_activities == 4);
    CHECK(m->n_sections == 5 && m->n_sessions == 6 && m->n_staff == 5 && m->n_choices == 16);
    CHECK_STR(m->children[0].id, "c01");
    CHECK(m->children[0].line == 2);
    CHECK_STR(m->children[5].name, "Emma \"Em\" Jansen");
    CHECK_STR(m->children[5].first_name, "Emma");
    CHECK_STR(m->children[2].name, "Ids Öztürk");
    CHECK(m->children[9].group == 0 && m->children[3].group == 8);
    CHECK(m->children[0].birth_days == dp_date_from_civil(2022, 1, 27));
    CHECK(m->children[3].family == DP_NONE);
    CHECK(m->children[0].family == m->children[1].family);
    CHECK(m->children[6].priority == 0 && m->children[5].priority == 3);
    CHECK(find(m, DP_KIND_CHILD, "c05") == 4);
    CHECK(find(m, DP_KIND_CHILD, "c99") == DP_NONE);
    CHECK(find(m, DP_KIND_LOCATION, "bieb") == 2);
    CHECK(find(m, DP_KIND_STAFF, "s4") == 3);
    CHECK(m->staff[2].max_minutes == DP_UNLIMITED && m->staff[2].role == DP_ROLE_TEACHER);
    CHECK(m->staff[3].role == DP_ROLE_VOLUNTEER && m->staff[1].bkr && !m->staff[0].bkr);
    CHECK_STR(m->locations[0].address, "Heechterp 1, Leeuwarden");
    CHECK(m->locations[3].rooms == 1 && m->locations[3].capacity == DP_UNLIMITED);
    CHECK(m->locations[1].capacity == 20 && m->locations[0].rooms == 2);
    CHECK(m->themes.n == 4 && m->care_groups.n == 3 && m->neighbourhoods.n == 3);
    CHECK_STR(m->themes.name[m->activities[0].theme], "sport");
    dp_id bso1 = find(m, DP_KIND_CARE_GROUP, "bso-1");
    CHECK(bso1 != DP_NONE && m->children[0].care_group == bso1);
    CHECK_STR(m->neighbourhoods.name[m->children[2].neighbourhood], "Aldlân");
    CHECK(m->activities[1].escort && !m->activities[0].escort);
    CHECK(m->activities[1].min_size == 1 && m->activities[1].max_size == 8);
    dp_model_free(m);
}

static void test_load_tiny_grouping(void)
{
    dp_model *m = load_tiny();
    if (!m)
        return;
    /* Sections are grouped by activity: judo-a, judo-b, voorlezen-a, gitaar-a, techlab-a. */
    CHECK(find(m, DP_KIND_SECTION, "judo-b") == 1);
    CHECK(find(m, DP_KIND_SECTION, "voorlezen-a") == 2);
    for (uint32_t a = 0; a < m->n_activities; a++)
        for (uint32_t s = 0; s < m->activities[a].n_sections; s++)
            CHECK(m->sections[m->activities[a].section0 + s].activity == a);
    CHECK(m->activities[0].section0 == 0 && m->activities[0].n_sections == 2);
    CHECK(m->sections[1].max_size == 8 && m->sections[1].min_size == 4);
    CHECK(m->sections[3].min_size == 3 && m->sections[3].max_size == 6);
    CHECK(m->sections[0].staff == 0 && m->sections[0].location == 1);
    /* Sessions grouped by section: judo-a has tue and fri. */
    CHECK(m->sections[0].session0 == 0 && m->sections[0].n_sessions == 2);
    CHECK(m->sessions[1].line == 7);
    CHECK(m->slots[m->sessions[1].slot0].day == 4);
    for (uint32_t s = 0; s < m->n_sections; s++)
        for (uint32_t i = 0; i < m->sections[s].n_sessions; i++)
            CHECK(m->sessions[m->sections[s].session0 + i].section == s);
    /* gitaar-a: tue|thu x 15:00|15:45, days outer. */
    const dp_session *g = &m->sessions[m->sections[3].session0];
    CHECK(g->n_slots == 4 && g->minutes == 45);
    CHECK(m->slots[g->slot0].day == 1 && m->slots[g->slot0].start_min == 900);
    CHECK(m->slots[g->slot0 + 1].day == 1 && m->slots[g->slot0 + 1].start_min == 945);
    CHECK(m->slots[g->slot0 + 2].day == 3 && m->slots[g->slot0 + 3].start_min == 945);
    CHECK(m->n_slots == 9);
    /* c05's windows sorted by (day, from). */
    const dp_child *c = &m->children[4];
    CHECK(c->n_windows == 3);
    CHECK(m->windows[c->window0].day == 0 && m->windows[c->window0].from_min == 855);
    CHECK(m->windows[c->window0 + 1].from_min == 960 && m->windows[c->window0 + 2].day == 4);
    CHECK(m->windows[c->window0].line == 11);
    for (uint32_t i = 0; i < m->n_children; i++)
        for (uint32_t w = 0; w < m->children[i].n_windows; w++)
            CHECK(m->windows[m->children[i].window0 + w].child == i);
    /* c03's choices by rank: gitaar, judo, techlab. */
    c = &m->children[2];
    CHECK(c->n_choices == 3);
    CHECK(m->choices[c->choice0].activity == 2 && m->choices[c->choice0].rank == 1);
    CHECK(m->choices[c->choice0 + 2].activity == 3);
    CHECK(dp_model_choice_of(m, 2, 0) == c->choice0 + 1);
    CHECK(m->children[0].n_choices == 0);
    dp_model_free(m);
}

static void test_load_tiny_travel_school_rota_centre(void)
{
    dp_model *m = load_tiny();
    if (!m)
        return;
    CHECK(dp_model_travel(m, 0, 1) == 5 && dp_model_travel(m, 1, 0) == 5);
    CHECK(dp_model_travel(m, 0, 2) == 3 && dp_model_travel(m, 2, 0) == 4);
    CHECK(dp_model_travel(m, 3, 1) == -1 && dp_model_travel(m, 1, 3) == -1);
    for (uint32_t i = 0; i < m->n_locations; i++)
        CHECK(dp_model_travel(m, i, i) == 0);
    CHECK(m->school[1][2].start_min == 510 && m->school[1][2].end_min == 750);
    CHECK(m->school[8][4].line == 40 && m->school[0][0].line == 0);
    CHECK(m->has_rota && m->n_rota == 5);
    CHECK(m->rota[1].location == m->centre.home && m->rota[1].care_group == DP_NONE);
    CHECK(m->rota[0].care_group == find(m, DP_KIND_CARE_GROUP, "bso-1"));
    CHECK(m->rota[4].from_min == 450 && m->rota[4].to_min == 810);
    CHECK_STR(m->centre.id, "tiny");
    CHECK_STR(m->centre.timezone, "Europe/Amsterdam");
    CHECK_STR(m->centre.country, "NL");
    CHECK_STR(m->centre.ratio_rules, "2024");
    CHECK_STR(m->centre.dir, TINY);
    CHECK(m->centre.home == 0 && m->centre.max_activities == 2);
    dp_model_free(m);
}

/* One broken variant of tiny. */
typedef struct variant {
    const char *file; /* file to change */
    unsigned line;    /* line to replace, 0: the whole file */
    const char *text; /* replacement; NULL deletes the file */
    const char *diag; /* expected first diagnostic after sorting */
    int n_errors;     /* expected error count, -1: not checked */
} variant;

static const variant variants[] = {
    {"children.csv", 0, NULL, "children.csv: error: missing required file children.csv", 1},
    {"centre.lua", 0, NULL, "centre.lua: error: missing required file centre.lua", 1},
    {"children.csv", 0, "",
     "children.csv:1:1: error: empty file: expected a header line with "
     "the columns id, name, group",
     1},
    {"sessions.csv", 1, "section,day,start",
     "sessions.csv:1:1: error: missing required column "
     "'minutes' in the header line",
     1},
    {"staff.csv", 1, "id,name,role,bkr,max_minutes,phone",
     "staff.csv:1:30: warning: unknown column 'phone' is ignored (expected one of: id, name, "
     "role, bkr, max_minutes)",
     0},
    {"children.csv", 3, "c02,,4,2019-03-02,f01,Heechterp,2,bso-1",
     "children.csv:3:5: error: expected a display name in column 'name', got an empty field", 1},
    {"locations.csv", 5, "mu ziek,Muziekschool,muziekschool,,,",
     "locations.csv:5:3: error: expected a location id of 1 to 64 letters, digits, '_', '.' or "
     "'-', got 'mu ziek'",
     -1},
    {"children.csv", 13, "c12,Bram Mulder,8,,,,,\nc03,Ander Kind,3",
     "children.csv:14:1: error: duplicate child id 'c03' (first at line 4)", 1},
    {"availability.csv", 2, "c99,tue,14:15,18:00,1",
     "availability.csv:2:1: error: unknown child 'c99': expected an id from children.csv", 1},
    {"choices.csv", 2, "c02,gitar,1",
     "choices.csv:2:5: error: unknown activity 'gitar': expected an id from activities.csv", -1},
    {"choices.csv", 17, "c13,judo,1",
     "choices.csv:17:1: error: unknown child 'c13': expected an id from children.csv", 1},
    {"sections.csv", 2, "judo-a,jodo,sporthal,s1,,",
     "sections.csv:2:8: error: unknown activity 'jodo': expected an id from activities.csv", 1},
    {"sections.csv", 2, "judo-a,judo,sportzaal,s1,,",
     "sections.csv:2:13: error: unknown location 'sportzaal': expected an id from locations.csv",
     1},
    {"sections.csv", 2, "judo-a,judo,sporthal,s9,,",
     "sections.csv:2:22: error: unknown staff member 's9': expected an id from staff.csv", 1},
    {"staff.csv", 0, NULL,
     "rota.csv:2:1: error: unknown staff member 's2': expected an id from staff.csv", -1},
    {"sessions.csv", 3, "judo-c,thu,16:00,60",
     "sessions.csv:3:1: error: unknown section 'judo-c': expected an id from sections.csv", 1},
    {"rota.csv", 3, "s7,tue,14:00,18:00,,",
     "rota.csv:3:1: error: unknown staff member 's7': expected an id from staff.csv", 1},
    {"rota.csv", 3, "s5,tue,14:00,18:00,gym,",
     "rota.csv:3:20: error: unknown location 'gym': expected an id from locations.csv", 1},
    {"rota.csv", 3, "s5,tue,14:00,18:00,,bso-9",
     "rota.csv:3:21: error: unknown care group 'bso-9': expected an id from the care_group "
     "column of children.csv",
     1},
    {"travel.csv", 2, "ikc,sporthal,5\nikc,zwembad,7",
     "travel.csv:3:5: error: unknown location 'zwembad': expected an id from locations.csv", 1},
    {"sessions.csv", 2, "judo-a,tue,25:00,60",
     "sessions.csv:2:12: error: expected a time HH:MM between 00:00 and 24:00, got '25:00'", 1},
    {"availability.csv", 2, "c01,tue,14:15,14:00,1",
     "availability.csv:2:15: error: expected 'to' after 'from' (14:15), got '14:00'", 1},
    {"school.csv", 2, "1,mon,08:30,08:30",
     "school.csv:2:13: error: expected the end after the start (08:30), got '08:30'", 1},
    {"rota.csv", 2, "s2,mon,18:00,14:00,ikc,bso-1",
     "rota.csv:2:14: error: expected 'to' after 'from' (18:00), got '14:00'", 1},
    {"availability.csv", 3, "c01,maandag,14:15,18:00,1",
     "availability.csv:3:5: error: expected a day mon, tue, wed, thu, fri, sat or sun, got "
     "'maandag'",
     1},
    {"sessions.csv", 5, "gitaar-a,tue||thu,15:00|15:45,45",
     "sessions.csv:5:14: error: expected a day mon, tue, wed, thu, fri, sat or sun, or "
     "candidates separated by '|', got 'tue||thu' (an empty candidate)",
     1},
    {"sessions.csv", 5, "gitaar-a,tue|thu,15:00|15:00,45",
     "sessions.csv:5:24: error: candidate '15:00' is listed twice in '15:00|15:00': expected "
     "distinct candidates",
     1},
    {"sessions.csv", 5, "gitaar-a,tue|thu,15:00|3pm,45",
     "sessions.csv:5:24: error: expected a time HH:MM between 00:00 and 24:00, or candidates "
     "separated by '|', got '15:00|3pm' ('3pm')",
     1},
    {"children.csv", 2, "c01,Sophie de Vries,9,2022-01-27,f01,Heechterp,2,bso-1",
     "children.csv:2:21: error: expected a school group between 0 and 8, got '9'", 1},
    {"children.csv", 2, "c01,Sophie de Vries,1,2022-01-27,f01,Heechterp,4,bso-1",
     "children.csv:2:48: error: expected a priority between 0 and 3, got '4'", 1},
    {"choices.csv", 2, "c02,gitaar,0",
     "choices.csv:2:12: error: expected a rank between 1 and 255, got '0'", -1},
    {"sessions.csv", 2, "judo-a,tue,15:30,0",
     "sessions.csv:2:18: error: expected a duration in minutes between 1 and 1440, got '0'", 1},
    {"activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,3,8,4,twaalf,0",
     "activities.csv:2:42: error: expected a maximum size between 1 and 9999, got 'twaalf'", 1},
    {"locations.csv", 3, "sporthal,Sporthal Heechterp,sporthal,Sportlaan 4,0,20",
     "locations.csv:3:50: error: expected a number of rooms between 1 and 1000, got '0'", 1},
    {"locations.csv", 3, "sporthal,Sporthal Heechterp,sporthal,Sportlaan 4,1,0",
     "locations.csv:3:52: error: expected a capacity in children between 1 and 1000000, got "
     "'0'",
     1},
    {"staff.csv", 3, "s2,Fatima Yilmaz,pm,1,-5",
     "staff.csv:3:23: error: expected weekly minutes between 0 and 10080, got '-5'", 1},
    {"availability.csv", 2, "c01,tue,14:15,18:00,2",
     "availability.csv:2:21: error: expected 0 or 1 in column 'care', got '2'", 1},
    {"activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,3,8,4,12,ja",
     "activities.csv:2:45: error: expected 0 or 1 in column 'escort', got 'ja'", 1},
    {"staff.csv", 3, "s2,Fatima Yilmaz,pm,yes,1440",
     "staff.csv:3:21: error: expected 0 or 1 in column 'bkr', got 'yes'", 1},
    {"activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,8,3,4,12,0",
     "activities.csv:2:36: error: expected min_group (8) at most max_group (3)", 1},
    {"activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,3,8,13,12,0",
     "activities.csv:2:40: error: expected min_size (13) at most max_size (12)", 1},
    {"sections.csv", 4, "judo-b,judo,sporthal,s1,,3",
     "sections.csv:4:26: error: expected a minimum size (4) at most the maximum size (3) of the "
     "section",
     1},
    {"sessions.csv", 2, "judo-a,tue,23:30,60",
     "sessions.csv:2:18: error: the session runs past 24:00: it starts at 23:30 and lasts 60 "
     "minutes",
     1},
    {"sessions.csv", 6, "techlab-a,mon,15:00,300",
     "sessions.csv:6:21: error: a session of 300 minutes is longer than every availability "
     "window of the children in groups 5-8 (the longest is 270 minutes)",
     1},
    {"availability.csv", 11, "c05,mon,15:30,17:30,0",
     "availability.csv:10:9: error: window 16:00-17:30 of child 'c05' on mon overlaps the "
     "window 15:30-17:30 at line 11: expected separate windows",
     1},
    {"school.csv", 3, "1,mon,08:30,14:15",
     "school.csv:3:1: error: duplicate school hours for group 1 on mon (first at line 2)", 1},
    {"children.csv", 3, "c02,Daan de Vries,4,2019-02-30,f01,Heechterp,2,bso-1",
     "children.csv:3:21: error: expected a date YYYY-MM-DD between 1900 and 2199, got "
     "'2019-02-30'",
     1},
    {"choices.csv", 3, "c02,judo,1",
     "choices.csv:3:10: error: rank 1 of child 'c02' is also given at line 2: expected ranks "
     "1..n, each once",
     1},
    {"choices.csv", 3, "c02,judo,3",
     "choices.csv:3:10: error: rank 3 of child 'c02' leaves out rank 2: expected ranks 1..n "
     "without gaps",
     1},
    {"choices.csv", 3, "c02,gitaar,2",
     "choices.csv:3:5: error: activity 'gitaar' is chosen twice by child 'c02' (first at line "
     "2)",
     1},
    {"choices.csv", 12, "c07,voorlezen,1",
     "choices.csv:12:5: warning: child 'c07' in group 7 chose 'voorlezen' for groups 1-3: the "
     "choice cannot be granted",
     0},
    {"travel.csv", 5, "sporthal,muziek,8",
     "sections.csv:5:17: error: location 'muziek' cannot be reached from the home location "
     "'ikc': expected a travel.csv row between them",
     1},
    {"travel.csv", 4, "bieb,ikc,-4",
     "travel.csv:4:10: error: expected walking minutes between 0 and 1440, got '-4'", 1},
    {"travel.csv", 6, "ikc,ikc,2",
     "travel.csv:6:9: error: expected 0 minutes from a location to itself, got 2", 1},
    {"travel.csv", 6, "ikc,sporthal,6",
     "travel.csv:6:1: error: duplicate travel from 'ikc' to 'sporthal' (first at line 2)", 1},
    {"sessions.csv", 3, "judo-b,\"thu,16:00,60",
     "sessions.csv:3:8: error: unterminated quoted field: expected a closing quote", 1},
    {"staff.csv", 3, "s2,Fatima \"Fa\" Yilmaz,pm,1,1440",
     "staff.csv:3:11: error: a quote inside an unquoted field: expected the whole field in "
     "quotes with the quote doubled (\"\")",
     -1},
    {"children.csv", 4, "c03,Ids \xC3zt\xC3\xBCrk,5,2017-10-11,f02,Aldl\xC3\xA2n,0,",
     "children.csv:4:9: error: invalid UTF-8: expected the file to be saved as UTF-8", -1},
    {"activities.csv", 3, "voorlezen,Voorlezen groep 1-3,lezen,DBieb,1,3,,8,1,extra",
     "activities.csv:3:52: error: field 10 is beyond the header's 9 columns: expected at most 9 "
     "fields",
     1},
    {"centre.lua", 7, "  home = \"school\",",
     "centre.lua:2: error: unknown home location 'school': expected a location id from "
     "locations.csv",
     1},
    {"centre.lua", 5, "  timezone = \"Europe/Leeuwarden\",",
     "centre.lua:2: error: unknown time zone 'Europe/Leeuwarden': expected an IANA name such as "
     "Europe/Amsterdam",
     1},
    {"centre.lua", 6, "  country = \"DE\",",
     "centre.lua:2: error: centre{...}: 'country' must be the country whose childcare rules "
     "apply, such as \"NL\" or \"BE-VL\"; got \"DE\"",
     1},
    {"centre.lua", 7, "  -- no home",
     "centre.lua:2: error: centre{...} has no 'home'; expected an id of 1 to 64 letters, digits, "
     "'_', '.' or '-', such as home = "
     "\"ikc\"",
     1},
    /* pins.csv and series activities (issue 7). */
    {"pins.csv", 0, "child,section,action,note\nc02,judo-a,keep,\n",
     "pins.csv:2:12: error: expected pin or forbid, got 'keep'", 1},
    {"pins.csv", 0, "child,section,action\nc04,judo-a,pin\n",
     "pins.csv:2:5: error: child 'c04' did not choose 'judo': a pin needs the child's choice in "
     "choices.csv",
     1},
    {"pins.csv", 0, "child,section,action\nc02,judo-z,pin\n",
     "pins.csv:2:5: error: unknown section 'judo-z': expected an id from sections.csv", 1},
    {"pins.csv", 0, "child,section,action\nc02,judo-a,pin\nc02,judo-b,pin\n",
     "pins.csv:3:5: error: child 'c02' is already pinned to 'judo-a' of the same activity (line "
     "2): a child joins one section of an activity",
     1},
    {"pins.csv", 0, "child,section,action\nc02,judo-a,pin\nc02,judo-a,forbid\n",
     "pins.csv:3:12: error: child 'c02' is both pinned to and forbidden 'judo-a' (line 2)", 1},
    {"pins.csv", 0, "child,section,action\nc03,judo-a,pin\nc03,gitaar-a,pin\nc03,techlab-a,pin\n",
     "pins.csv:4:1: error: pin contradicts a hard rule: child 'c03' is pinned to more than "
     "max_activities (2) activities",
     1},
    {"pins.csv", 0, "child,section\nc02,judo-a\n",
     "pins.csv:1:1: error: missing required column 'action' in the header line", 1},
    {"activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,3,8,4,12,0,6",
     "activities.csv:2:47: error: field 10 is beyond the header's 9 columns: expected at most 9 "
     "fields",
     1},
    {"activities.csv", 0,
     "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,weeks,starts\n"
     "judo,Judo groep 3-8,sport,Judoclub,3,8,4,12,0,6,\n"
     "voorlezen,Voorlezen groep 1-3,lezen,DBieb,1,3,,8,1,,\n"
     "gitaar,Gitaar groep 4-8,muziek,Muziekschool,4,8,2,6,0,,2027-W05\n"
     "techlab,Techlab groep 5-8,techniek,IKC,5,8,3,10,0,60,2027-W05\n",
     "activities.csv:2:49: error: expected the first week of the series as YYYY-Www (e.g. "
     "2027-W03), got ''",
     3},
    /* closures.csv, holiday windows, on_holiday (issue 7). */
    {"closures.csv", 0,
     "date_from,date_to,kind,name\n2027-02-15,2027-02-19,holiday,Voorjaar\n"
     "2027-02-19,2027-02-19,studyday,Studiedag\n",
     "closures.csv:3:1: error: closure overlaps the closure of line 2 (2027-02-15 to 2027-02-19, "
     "Voorjaar): expected closures that do not share a day",
     1},
    {"closures.csv", 0, "date_from,date_to,kind,name\n2027-02-15,2027-02-19,vacation,x\n",
     "closures.csv:2:23: error: expected a kind holiday, studyday or closed, got 'vacation'", 1},
    {"closures.csv", 0, "date_from,date_to,kind,name\n2027-02-15,2027-02-14,holiday,x\n",
     "closures.csv:2:12: error: expected date_to on or after date_from, got '2027-02-14'", 1},
    {"closures.csv", 0, "date_from,date_to,kind\n2027-02-31,2027-03-01,holiday\n",
     "closures.csv:2:1: error: expected a date YYYY-MM-DD between 1900 and 2199, got '2027-02-31'",
     1},
    {"activities.csv", 0,
     "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,on_holiday\n"
     "judo,Judo groep 3-8,sport,Judoclub,3,8,4,12,0,skip\n"
     "voorlezen,Voorlezen groep 1-3,lezen,DBieb,1,3,,8,1,run\n"
     "gitaar,Gitaar groep 4-8,muziek,Muziekschool,4,8,2,6,0,cancel\n"
     "techlab,Techlab groep 5-8,techniek,IKC,5,8,3,10,0,\n",
     "activities.csv:2:47: error: expected on_holiday cancel or run, got 'skip'", 1},
    {"sessions.csv", 0,
     "section,day,start,minutes\njudo-a,tue,15:30,60\nvoorlezen-a,wed,14:00,45\n"
     "gitaar-a,tue|thu,15:00|15:45,45\ntechlab-a,mon,15:00,90\njudo-a,fri,15:30,60\n",
     "sections.csv:4:1: warning: section 'judo-b' has no session in sessions.csv: it never meets "
     "and no child is assigned to it",
     0},
    {"sections.csv", 1,
     "id,activity,location,staff,min_size,max_size,dates\njudo-a,judo,sporthal,s1,,,2027-07-09.."
     "2027-07-05",
     "sections.csv:2:27: error: date range '2027-07-09..2027-07-05' ends before it starts: "
     "expected FROM..TO with TO on or after FROM",
     -1},
    {"sections.csv", 1,
     "id,activity,location,staff,min_size,max_size,dates\njudo-a,judo,sporthal,s1,,,2027-07-05.."
     "2027-07-09|2027-13-01",
     "sections.csv:2:27: error: expected date ranges YYYY-MM-DD..YYYY-MM-DD separated by '|' (e.g. "
     "2027-07-05..2027-07-09|2027-07-19..2027-07-23), got '2027-13-01'",
     -1},
    {"sections.csv", 1,
     "id,activity,location,staff,min_size,max_size,dates\njudo-a,judo,sporthal,s1,,,2027-07-12.."
     "2027-07-16|2027-07-05..2027-07-12",
     "sections.csv:2:27: error: date ranges overlap (2027-07-05..2027-07-12 and the one from "
     "2027-07-12): expected ranges that do not share a day",
     -1},
    {"activities.csv", 1,
     "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,overnight\njudo,Judo "
     "groep 3-8,sport,Judoclub,3,8,4,12,0,yes",
     "activities.csv:2:47: error: expected 0 or 1 in column 'overnight', got 'yes'", -1},
    {"choices.csv", 1, "child,activity,rank,week\nc02,gitaar,1,2027-28",
     "choices.csv:2:14: error: expected the week of the choice as YYYY-Www (e.g. 2027-W28), got "
     "'2027-28'",
     1},
    {"availability.csv", 0, "child,day,from,to,care,holiday\nc01,tue,14:15,18:00,1,yes\n",
     "availability.csv:2:23: error: expected 0 or 1 in column 'holiday', got 'yes'", -1},
};

static void run_variant(const variant *v, const char *tmpl)
{
    char dir[64];
    dp_diags *diags = NULL;
    dp_model *m = NULL;
    dp_error err = {0};
    char buf[1024];

    snprintf(dir, sizeof dir, "%s", tmpl);
    diags = tiny_copy(dir);
    if (!diags)
        return;
    patch(dir, v->file, v->line, v->text);
    dp_status rc = dp_load_centre(dir, diags, &m, &err);
    dp_diags_sort(diags);
    const dp_diag *d = dp_diags_get(diags, 0);
    CHECK(d != NULL);
    if (d)
        CHECK_STR(format_diag(d, buf, sizeof buf), v->diag);
    if (v->n_errors >= 0 && dp_diags_n_errors(diags) != (size_t) v->n_errors) {
        fprintf(stderr, "  %s: %zu errors, expected %d:\n", v->diag, dp_diags_n_errors(diags),
                v->n_errors);
        dp_diags_print(diags, stderr);
        CHECK(dp_diags_n_errors(diags) == (size_t) v->n_errors);
    }
    CHECK(v->n_errors == 0 ? rc == DP_OK && m : rc == DP_EINPUT && !m);
    dp_model_free(m);
    dp_diags_free(diags);
    remove_dir(dir);
}

static void test_load_broken_variants(void)
{
    size_t n = sizeof variants / sizeof variants[0];

    CHECK(n >= 30);
    for (size_t i = 0; i < n; i++)
        run_variant(&variants[i], "/tmp/dp_test_load_XXXXXX");
}

/* The semicolon dialect, CRLF and quoting of a whole file still load. */
static void test_load_semicolon_crlf_file(void)
{
    variant v = {"locations.csv", 0,
                 "id;name;kind;address;rooms;capacity\r\n"
                 "ikc;IKC De Kleine Vlinder;ikc;\"Heechterp 1; Leeuwarden\";2;\r\n"
                 "sporthal;Sporthal Heechterp;sporthal;Sportlaan 4, Leeuwarden;1;20\r\n"
                 "\r\n"
                 "bieb;DBieb Heechterp;bibliotheek;Bieblaan 2;1;15\r\n"
                 "muziek;Muziekschool;muziekschool;;;\r\n",
                 NULL, 0};
    char dir[64] = "/tmp/dp_test_load_XXXXXX";
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;

    CHECK(mkdtemp(dir) != NULL);
    copy_dir(TINY, dir);
    patch(dir, v.file, 0, v.text);
    CHECK(dp_load_centre(dir, diags, &m, NULL) == DP_OK);
    CHECK(dp_diags_count(diags) == 0);
    if (m) {
        CHECK_STR(m->locations[0].address, "Heechterp 1; Leeuwarden");
        CHECK_STR(m->locations[1].address, "Sportlaan 4, Leeuwarden");
        CHECK(m->n_locations == 4 && m->locations[2].line == 5);
    }
    dp_model_free(m);
    dp_diags_free(diags);
    remove_dir(dir);
}

static void test_load_missing_directory(void)
{
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    dp_error err = {0};

    CHECK(dp_load_centre("/nonexistent/dagplan", diags, &m, &err) == DP_EIO);
    CHECK(strstr(err.msg, "/nonexistent/dagplan") != NULL);
    CHECK(m == NULL);
    dp_diags_free(diags);
}

static void test_load_municipality(void)
{
    char dir[64] = "/tmp/dp_test_mun_XXXXXX", sub[128];
    dp_diags *diags = dp_diags_new();
    char **list = NULL;
    size_t n = 0;

    CHECK(mkdtemp(dir) != NULL);
    CHECK(!dp_load_is_municipality(dir));
    CHECK(dp_load_municipality(dir, diags, &list, &n, NULL) == DP_EINPUT);
    CHECK(dp_diags_n_errors(diags) == 1);
    const char *names[] = {"zuid", "noord", "empty"};
    for (int i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
        mkdir(sub, 0700);
        if (i < 2)
            copy_dir(TINY, sub);
    }
    CHECK(dp_load_is_municipality(dir));
    CHECK(!dp_load_is_municipality(TINY));
    CHECK(dp_load_municipality(dir, diags, &list, &n, NULL) == DP_OK);
    CHECK(n == 2);
    if (n == 2) {
        snprintf(sub, sizeof sub, "%s/noord", dir);
        CHECK_STR(list[0], sub);
        snprintf(sub, sizeof sub, "%s/zuid", dir);
        CHECK_STR(list[1], sub);
    }
    dp_load_free_list(list, n);
    dp_diags_free(diags);
    remove_dir(dir);
}

/* The in-memory entry point used by the fuzz target: tiny's files and a conf. */
static void test_load_from_memory(void)
{
    static const char *const names[] = {"children.csv",  "availability.csv", "school.csv",
                                        "locations.csv", "travel.csv",       "activities.csv",
                                        "sections.csv",  "sessions.csv",     "staff.csv",
                                        "rota.csv",      "choices.csv",      "centre.lua"};
    dp__load_file files[12];
    char *texts[12];
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;

    for (int i = 0; i < 12; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", TINY, names[i]);
        texts[i] = read_all(path, &files[i].len);
        files[i].name = names[i];
        files[i].data = texts[i];
    }
    dp__load_src src = {"mem", files, 12, NULL, 0};
    CHECK(dp__load_centre_src(&src, diags, &m, NULL) == DP_OK);
    CHECK(m && m->n_children == 12 && m->n_slots == 9);
    dp_model_free(m);
    m = NULL;
    /* Without centre.lua, a given conf stands in for it. */
    char id[] = "mem", name[] = "Mem", tz[] = "UTC", home[] = "ikc";
    dp_centre_conf conf = {.id = {id, 1},
                           .name = {name, 1},
                           .timezone = {tz, 1},
                           .home = {home, 1},
                           .max_activities = 2};
    src.n_files = 11;
    src.conf = &conf;
    CHECK(dp__load_centre_src(&src, diags, &m, NULL) == DP_OK);
    CHECK(m && m->centre.home == 0);
    CHECK(m && strcmp(m->centre.country, "NL") == 0);
    dp_model_free(m);
    CHECK(dp_diags_count(diags) == 0);
    dp_diags_free(diags);
    for (int i = 0; i < 12; i++)
        free(texts[i]);
}

/* pins.csv and series columns read into the model (issue 7). */
static void test_load_pins_and_series(void)
{
    char dir[] = "/tmp/dp-test-load-pins-XXXXXX";
    dp_diags *diags = tiny_copy(dir);
    dp_model *m = NULL;
    dp_error err = {0};

    if (!diags)
        return;
    patch(dir, "pins.csv", 0,
          "child,section,action,note\nc02,judo-b,pin,parents asked\nc07,judo-a,forbid,\n"
          "c04,judo-a,forbid,\n");
    patch(dir, "activities.csv", 1,
          "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,weeks,starts");
    patch(dir, "activities.csv", 4,
          "gitaar,Gitaar groep 4-8,muziek,Muziekschool,4,8,2,6,0,6,2027-W05");
    CHECK(dp_load_centre(dir, diags, &m, &err) == DP_OK);
    dp_diags_print(diags, stderr);
    if (m) {
        CHECK(m->n_pins == 3);
        CHECK(m->pins[0].child == find(m, DP_KIND_CHILD, "c02"));
        CHECK(m->pins[0].section == find(m, DP_KIND_SECTION, "judo-b"));
        CHECK(!m->pins[0].forbid);
        CHECK_STR(m->pins[0].note, "parents asked");
        CHECK(m->pins[0].choice ==
              dp_model_choice_of(m, m->pins[0].child, find(m, DP_KIND_ACTIVITY, "judo")));
        CHECK(m->pins[0].line == 2);
        CHECK(m->pins[1].forbid && m->pins[1].choice != DP_NONE);
        CHECK(m->pins[2].forbid && m->pins[2].choice == DP_NONE); /* c04 did not choose judo */
        const dp_activity *g = &m->activities[find(m, DP_KIND_ACTIVITY, "gitaar")];
        CHECK(g->series_weeks == 6);
        CHECK(g->series_start == dp_isoweek_monday(2027, 5));
        CHECK(m->activities[find(m, DP_KIND_ACTIVITY, "judo")].series_weeks == 0);
        CHECK(m->centre.stability == 20);
    }
    dp_model_free(m);
    dp_diags_free(diags);
    remove_dir(dir);
}

/* Closures applied to a week (issue 7): school hours gone on the closure
 * days, windows replaced by holiday windows (none on a closed day), sessions
 * on closure days cancelled unless on_holiday = run, candidate times on them
 * dropped. */
static void test_load_apply_closures(void)
{
    char dir[] = "/tmp/dp-test-load-closures-XXXXXX";
    dp_diags *diags = tiny_copy(dir);
    dp_model *m = NULL;
    dp_error err = {0};
    uint32_t cancelled = 0;

    if (!diags)
        return;
    /* 2027-W07: tue 16 Feb a study day, thu 18 Feb closed. */
    patch(dir, "closures.csv", 0,
          "date_from,date_to,kind,name\n2027-02-16,2027-02-16,studyday,Studiedag\n"
          "2027-02-18,2027-02-18,closed,Verhuizing\n2027-03-01,2027-03-05,holiday,Later\n");
    patch(dir, "availability.csv", 1, "child,day,from,to,care,holiday");
    char *avail = NULL;
    size_t len = 0;
    char path[256];
    snprintf(path, sizeof path, "%s/availability.csv", dir);
    avail = read_all(path, &len);
    if (avail) {
        char *more = malloc(len + 200);
        if (more) {
            memcpy(more, avail, len);
            const char *extra = "c01,tue,08:30,18:00,1,1\nc02,thu,08:30,18:00,1,1\n";
            memcpy(more + len, extra, strlen(extra));
            write_all(path, more, len + strlen(extra));
            free(more);
        }
        free(avail);
    }
    patch(dir, "activities.csv", 1,
          "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,on_holiday");
    patch(dir, "activities.csv", 3, "voorlezen,Voorlezen groep 1-3,lezen,DBieb,1,3,,8,1,run");
    patch(dir, "sessions.csv", 4, "voorlezen-a,tue,14:00,45");
    CHECK(dp_load_centre(dir, diags, &m, &err) == DP_OK);
    dp_diags_print(diags, stderr);
    if (!m)
        goto done;
    CHECK(m->n_closures == 3 && m->n_holiday_windows == 2);
    dp_id c01 = find(m, DP_KIND_CHILD, "c01"), c02 = find(m, DP_KIND_CHILD, "c02");
    uint32_t sessions_before = m->n_sessions;
    CHECK(dp_model_apply_closures(m, 2027, 7, &cancelled, &err) == DP_OK);
    CHECK(m->day_closure[0] == 0 && m->day_closure[1] == DP_CLOSURE_STUDYDAY &&
          m->day_closure[3] == DP_CLOSURE_CLOSED);
    CHECK(m->school[1][1].end_min == 0 && m->school[1][0].end_min != 0);
    /* c01: its tuesday window is the holiday window 08:30-18:00. */
    bool tue_holiday = false;
    for (uint32_t w = m->children[c01].window0;
         w < m->children[c01].window0 + m->children[c01].n_windows; w++)
        if (m->windows[w].day == 1)
            tue_holiday = m->windows[w].from_min == 8 * 60 + 30;
    CHECK(tue_holiday);
    /* c02: nothing on the closed thursday, holiday window or not. */
    for (uint32_t w = m->children[c02].window0;
         w < m->children[c02].window0 + m->children[c02].n_windows; w++)
        CHECK(m->windows[w].day != 3);
    /* judo-a tue (cancel) and judo-b thu are cancelled, voorlezen tue (run)
     * stays; gitaar loses its tue and thu candidates: all of them. */
    CHECK(cancelled == 3);
    CHECK(m->n_sessions == sessions_before - 3);
    const dp_section *va = &m->sections[find(m, DP_KIND_SECTION, "voorlezen-a")];
    CHECK(va->n_sessions == 1 && m->slots[m->sessions[va->session0].slot0].day == 1);
    const dp_section *ja = &m->sections[find(m, DP_KIND_SECTION, "judo-a")];
    CHECK(ja->n_sessions == 1 && m->slots[m->sessions[ja->session0].slot0].day == 4);
    CHECK(m->sections[find(m, DP_KIND_SECTION, "gitaar-a")].n_sessions == 0);
    for (dp_id sec = 0; sec < m->n_sections; sec++)
        for (uint32_t k = m->sections[sec].session0;
             k < m->sections[sec].session0 + m->sections[sec].n_sessions; k++)
            CHECK(m->sessions[k].section == sec);
done:
    dp_model_free(m);
    dp_diags_free(diags);
    remove_dir(dir);
}

/* Summer programmes (issue 8): sections.csv dates, choices.csv week and
 * activities.csv overnight, loaded for the template and for two weeks. */
static void test_load_summer_week(void)
{
    char dir[] = "/tmp/dp-test-load-summer-XXXXXX";
    dp_diags *diags = tiny_copy(dir);
    dp_model *m = NULL;
    dp_error err = {0};

    if (!diags)
        return;
    /* judo-b: a camp over two weeks; gitaar-a (tue|thu): only tue 6 July. */
    patch(dir, "sections.csv", 1, "id,activity,location,staff,min_size,max_size,dates");
    patch(dir, "sections.csv", 4, "judo-b,judo,sporthal,s1,,8,2027-07-05..2027-07-16");
    patch(dir, "sections.csv", 5, "gitaar-a,gitaar,muziek,s3,3,,2027-07-06|2027-08-02..2027-08-06");
    patch(dir, "activities.csv", 1,
          "id,name,theme,provider,min_group,max_group,min_size,max_size,escort,overnight");
    patch(dir, "activities.csv", 2, "judo,Judo groep 3-8,sport,Judoclub,3,8,4,12,0,1");
    patch(dir, "choices.csv", 0,
          "child,activity,rank,week\nc02,gitaar,1,2027-W27\nc02,judo,2,2027-W27\n"
          "c12,judo,1,2027-W27\nc12,gitaar,1,2027-W28\nc07,judo,1,\n"
          "c03,techlab,1,2027-W28\n");
    /* c02's pin in gitaar-a (chosen for W27) and c03's in techlab-a (W28). */
    patch(dir, "pins.csv", 0, "child,section,action,note\nc02,gitaar-a,pin,\nc03,techlab-a,pin,\n");
    /* The template: only the choice without a week; dates ignored; a pin of
     * a weeked choice is an error there (no week says which). */
    CHECK(dp_load_centre(dir, diags, &m, &err) == DP_EINPUT);
    CHECK(dp_diags_n_errors(diags) == 2);
    dp_diags_free(diags);
    diags = dp_diags_new();
    patch(dir, "pins.csv", 0, "child,section,action,note\nc02,gitaar-a,pin,\nc03,techlab-a,pin,\n");
    patch(dir, "pins.csv", 0, NULL);
    CHECK(dp_load_centre(dir, diags, &m, &err) == DP_OK);
    patch(dir, "pins.csv", 0, "child,section,action,note\nc02,gitaar-a,pin,\nc03,techlab-a,pin,\n");
    dp_diags_print(diags, stderr);
    if (m) {
        CHECK(m->n_choices == 1 && m->n_sessions == 6 && m->loaded_monday == 0);
        CHECK(m->activities[find(m, DP_KIND_ACTIVITY, "judo")].overnight);
        CHECK(!m->activities[find(m, DP_KIND_ACTIVITY, "gitaar")].overnight);
        const dp_section *jb = &m->sections[find(m, DP_KIND_SECTION, "judo-b")];
        CHECK(jb->n_ranges == 1 &&
              m->date_ranges[jb->range0].from_day == dp_isoweek_monday(2027, 27));
        CHECK(m->sections[find(m, DP_KIND_SECTION, "gitaar-a")].n_ranges == 2);
    }
    dp_model_free(m);
    m = NULL;
    /* 2027-W27: the week's own choices and the one without; gitaar-a keeps
     * its tuesday candidates only. */
    CHECK(dp_load_centre_week(dir, 2027, 27, diags, &m, &err) == DP_OK);
    dp_diags_print(diags, stderr);
    if (m) {
        CHECK(m->n_choices == 4);
        CHECK(m->n_pins == 1); /* c03's techlab is a choice of W28 */
        CHECK(m->loaded_monday == dp_isoweek_monday(2027, 27));
        const dp_section *ga = &m->sections[find(m, DP_KIND_SECTION, "gitaar-a")];
        CHECK(ga->n_sessions == 1);
        if (ga->n_sessions == 1) {
            const dp_session *k = &m->sessions[ga->session0];
            CHECK(k->n_slots == 2 && m->slots[k->slot0].day == 1 &&
                  m->slots[k->slot0 + 1].day == 1);
        }
        CHECK(m->sections[find(m, DP_KIND_SECTION, "judo-b")].n_sessions == 1);
        CHECK(m->sections[find(m, DP_KIND_SECTION, "judo-a")].n_sessions == 2);
    }
    dp_model_free(m);
    m = NULL;
    /* 2027-W28: c12's judo of W27 is carried (judo-b runs over both weeks),
     * ranks per week (c12: judo 1 carried, gitaar 1 of its own) are fine;
     * c02's choices of W27 are not (gitaar-a does not run over two weeks,
     * judo... does: c02's judo is carried too); gitaar-a does not meet. */
    CHECK(dp_load_centre_week(dir, 2027, 28, diags, &m, &err) == DP_OK);
    dp_diags_print(diags, stderr);
    if (m) {
        dp_id c02 = find(m, DP_KIND_CHILD, "c02"), c12 = find(m, DP_KIND_CHILD, "c12");
        CHECK(m->children[c12].n_choices == 2);
        CHECK(m->children[c02].n_choices == 1);
        CHECK(dp_model_choice_of(m, c02, find(m, DP_KIND_ACTIVITY, "gitaar")) == DP_NONE);
        CHECK(m->n_choices == 5);
        CHECK(m->n_pins == 1); /* c02's gitaar-a: chosen for W27, and it does not meet */
        CHECK(m->sections[find(m, DP_KIND_SECTION, "gitaar-a")].n_sessions == 0);
        CHECK(m->sections[find(m, DP_KIND_SECTION, "judo-b")].n_sessions == 1);
    }
    dp_model_free(m);
    m = NULL;
    /* Two choices of one camp over both weeks count in both: an error in
     * each week, none in the template (which counts neither). */
    patch(dir, "choices.csv", 0,
          "child,activity,rank,week\nc12,judo,1,2027-W27\nc12,judo,1,2027-W28\n");
    patch(dir, "pins.csv", 0, NULL);
    CHECK(dp_diags_n_errors(diags) == 0);
    CHECK(dp_load_centre_week(dir, 2027, 27, diags, &m, &err) == DP_EINPUT);
    CHECK(dp_load_centre_week(dir, 2027, 28, diags, &m, &err) == DP_EINPUT);
    CHECK(dp_diags_n_errors(diags) == 2);
    CHECK(dp_load_centre(dir, diags, &m, &err) == DP_OK);
    dp_model_free(m);
    dp_diags_free(diags);
    remove_dir(dir);
}

int main(void)
{
    RUN(test_load_tiny_entities);
    RUN(test_load_tiny_grouping);
    RUN(test_load_tiny_travel_school_rota_centre);
    RUN(test_load_broken_variants);
    RUN(test_load_semicolon_crlf_file);
    RUN(test_load_missing_directory);
    RUN(test_load_municipality);
    RUN(test_load_from_memory);
    RUN(test_load_pins_and_series);
    RUN(test_load_apply_closures);
    RUN(test_load_summer_week);
    return harness_report();
}
