/* core/model_impl.h - the loader's side of the model: the arena and the
 * intern tables behind a dp_model. Not installed.
 *
 * A dp_model handed out by the loader is the pub field of a dp__model; the
 * loader fills pub's arrays from the arena and registers every entity's string
 * id in ids[kind], so that dp_model_find works. */
#ifndef DAGPLAN_MODEL_IMPL_H
#define DAGPLAN_MODEL_IMPL_H

#include "arena.h"
#include "dagplan/model.h"
#include "intern.h"

typedef struct dp__model {
    dp_model pub;              /* what callers see; must stay first */
    dp_arena *arena;           /* owns every array and string of pub */
    dp_intern ids[DP_N_KINDS]; /* string id -> dense id, per kind */
} dp__model;

/* Returns a new empty model (travel matrix not yet allocated); NULL on OOM. */
dp__model *dp__model_new(void);

static inline dp__model *dp__model_of(dp_model *m)
{
    return (dp__model *) m;
}

/* Copies a string into the model's arena; NULL on OOM. */
const char *dp__model_strdup(dp__model *mm, const char *s, size_t len);

#endif
