/* core/model.c - model lifetime and lookups. */
#include "dagplan/model.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/rules.h"
#include "model_impl.h"

dp__model *dp__model_new(void)
{
    dp__model *mm = calloc(1, sizeof *mm);

    if (!mm)
        return NULL;
    mm->arena = dp__arena_new();
    if (!mm->arena) {
        free(mm);
        return NULL;
    }
    for (int k = 0; k < DP_N_KINDS; k++)
        dp__intern_init(&mm->ids[k], mm->arena);
    mm->pub.centre.home = DP_NONE;
    mm->pub.centre.max_activities = 2;
    return mm;
}

void dp_model_free(dp_model *m)
{
    dp__model *mm = (dp__model *) m;

    if (!mm)
        return;
    dp_rules_free(mm->pub.rules);
    for (int k = 0; k < DP_N_KINDS; k++)
        dp__intern_release(&mm->ids[k]);
    dp__arena_free(mm->arena);
    free(mm);
}

const char *dp__model_strdup(dp__model *mm, const char *s, size_t len)
{
    return dp__arena_strndup(mm->arena, s, len);
}

dp_id dp_model_find(const dp_model *m, dp_kind kind, const char *s, size_t len)
{
    const dp__model *mm = (const dp__model *) m;

    if ((int) kind < 0 || kind >= DP_N_KINDS)
        return DP_NONE;
    return dp__intern_find(&mm->ids[kind], s, len);
}

dp_id dp_model_choice_of(const dp_model *m, dp_id child, dp_id activity)
{
    const dp_child *c = &m->children[child];

    for (uint32_t i = c->choice0; i < c->choice0 + c->n_choices; i++)
        if (m->choices[i].activity == activity)
            return i;
    return DP_NONE;
}

const char *dp_day_name(int day)
{
    static const char *const names[DP_N_DAYS] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    return day >= 0 && day < DP_N_DAYS ? names[day] : "?";
}

size_t dp_model_bytes(const dp_model *m)
{
    const dp__model *mm = (const dp__model *) m;
    size_t n = sizeof *mm + dp__arena_used(mm->arena);

    for (int k = 0; k < DP_N_KINDS; k++)
        n += mm->ids[k].n_slots * sizeof(uint32_t) + mm->ids[k].cap * (sizeof(char *) + 4);
    return n;
}
