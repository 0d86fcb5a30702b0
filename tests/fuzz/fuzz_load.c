/* tests/fuzz/fuzz_load.c - bytes into the whole centre loader, in memory.
 *
 * The input is split at 0xFF bytes (never part of UTF-8 text) into the
 * centre's CSV files, in the order of names[] below; the settings come as a
 * fixed centre conf (home "ikc"), so no disk and no Lua are involved. Every
 * diagnostic must carry a file name; a load that succeeds must give a model
 * whose grouped runs stay inside their arrays. Each input is loaded twice:
 * as the weekly template and for the week 2027-W27 (choices.csv week,
 * sections.csv dates: the week selection of issue 8). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dagplan/load.h"
#include "dagplan/time.h"
#include "fuzz_centre.h"
#include "load/load_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"locations.csv",  "travel.csv",       "staff.csv",
                                    "activities.csv", "sections.csv",     "sessions.csv",
                                    "children.csv",   "availability.csv", "school.csv",
                                    "choices.csv",    "rota.csv"};
#define N_FILES (sizeof names / sizeof names[0])

static void check_model(const dp_model *m)
{
    for (uint32_t a = 0; a < m->n_activities; a++)
        if (m->activities[a].section0 + m->activities[a].n_sections > m->n_sections)
            abort();
    for (uint32_t s = 0; s < m->n_sections; s++)
        if (m->sections[s].session0 + m->sections[s].n_sessions > m->n_sessions)
            abort();
    for (uint32_t s = 0; s < m->n_sessions; s++)
        if (m->sessions[s].slot0 + m->sessions[s].n_slots > m->n_slots)
            abort();
    for (uint32_t c = 0; c < m->n_children; c++)
        if (m->children[c].window0 + m->children[c].n_windows > m->n_windows ||
            m->children[c].choice0 + m->children[c].n_choices > m->n_choices)
            abort();
    for (uint32_t s = 0; s < m->n_sections; s++)
        if (m->sections[s].range0 + m->sections[s].n_ranges > m->n_date_ranges)
            abort();
    for (uint32_t r = 0; r < m->n_date_ranges; r++)
        if (m->date_ranges[r].to_day < m->date_ranges[r].from_day)
            abort();
}

static void load_once(dp__load_file *files, size_t n, const dp_centre_conf *conf, int32_t monday)
{
    dp__load_src src = {"fuzz", files, n, conf, monday};
    dp_diags *diags = dp_diags_new();
    dp_model *m = NULL;
    if (!diags)
        return;
    dp_status rc = dp__load_centre_src(&src, diags, &m, NULL);
    dp_diags_sort(diags);
    for (size_t i = 0; i < dp_diags_n_kept(diags); i++)
        if (!dp_diags_get(diags, i)->file[0])
            abort();
    if (rc == DP_OK)
        check_model(m);
    else if (m)
        abort();
    dp_model_free(m);
    dp_diags_free(diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dp__load_file files[N_FILES];
    size_t n = 0, start = 0;
    dp_centre_conf conf = fuzz_centre_conf();

    for (size_t i = 0; i <= size && n < N_FILES; i++) {
        if (i == size || data[i] == 0xFF) {
            files[n].name = names[n];
            files[n].data = (const char *) data + start;
            files[n].len = i - start;
            n++;
            start = i + 1;
        }
    }
    load_once(files, n, &conf, 0);
    load_once(files, n, &conf, dp_isoweek_monday(2027, 27));
    return 0;
}
