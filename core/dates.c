/* core/dates.c - questions about sections' dates (sections.csv `dates`,
 * issue 8) that the solver's plugins and the warm start share. */
#include "dagplan/model.h"

bool dp_model_section_underway(const dp_model *m, dp_id s)
{
    const dp_section *sec = &m->sections[s];
    int32_t monday = m->week_monday;

    if (!m->baseline.section || !monday || sec->n_sessions == 0)
        return false;
    for (uint32_t i = sec->range0; i < sec->range0 + sec->n_ranges; i++)
        if (m->date_ranges[i].from_day < monday && m->date_ranges[i].to_day >= monday)
            return true;
    return false;
}
