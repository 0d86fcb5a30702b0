/* plugins/pins/pins.c - the planner's pins (pins.csv, issue 7) as a hard
 * constraint: a pinned child is granted exactly the pinned section of that
 * activity, a forbidden one is never granted the forbidden section. One
 * violation per pin not kept.
 *
 * The solve places every pin before construction (and fails naming the
 * pins.csv line when a pin breaks another hard rule), so from then on the
 * search only sees moves that keep them. The state indexes the pins by child
 * so a move costs the pins of the children it touches. */
#include <stdio.h>
#include <stdlib.h>

#include "dagplan/plugin.h"

typedef struct pins_state {
    uint32_t *pin0; /* [n_children + 1]: the child's pins are pin_idx[pin0[c] .. pin0[c+1]) */
    uint32_t *pin_idx;
} pins_state;

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    const dp_model *m = v->m;
    pins_state *ps = calloc(1, sizeof *ps);

    *state = ps;
    if (!ps)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the pins");
    ps->pin0 = calloc((size_t) m->n_children + 2, sizeof *ps->pin0);
    ps->pin_idx = malloc(((size_t) m->n_pins + 1) * sizeof *ps->pin_idx);
    if (!ps->pin0 || !ps->pin_idx)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the pins");
    for (uint32_t i = 0; i < m->n_pins; i++)
        ps->pin0[m->pins[i].child + 1]++;
    for (dp_id c = 0; c < m->n_children; c++)
        ps->pin0[c + 1] += ps->pin0[c];
    uint32_t *fill = calloc((size_t) m->n_children + 1, sizeof *fill);
    if (!fill)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the pins");
    for (uint32_t i = 0; i < m->n_pins; i++) {
        dp_id c = m->pins[i].child;
        ps->pin_idx[ps->pin0[c] + fill[c]++] = i;
    }
    free(fill);
    return DP_OK;
}

static void release(void *state)
{
    pins_state *ps = state;

    if (!ps)
        return;
    free(ps->pin0);
    free(ps->pin_idx);
    free(ps);
}

/* Pins of child c broken by the grants g[0..n) (a dp_child_hard_fn: the
 * session times do not matter). A child without pins costs one comparison. */
static int64_t broken(const void *state, const dp_state_view *v, const dp_move *mv, int after,
                      dp_id c, const dp_grant *g, uint8_t n)
{
    const pins_state *ps = state;
    const dp_model *m = v->m;
    int64_t k = 0;

    (void) mv;
    (void) after;

    for (uint32_t i = ps->pin0[c]; i < ps->pin0[c + 1]; i++) {
        const dp_pin *p = &m->pins[ps->pin_idx[i]];
        if (p->choice == DP_NONE)
            continue; /* a forbid of an activity the child did not choose */
        dp_id sec = dp_grant_section(g, n, p->choice);
        k += p->forbid ? sec == p->section : sec != p->section;
    }
    return k;
}

static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    dp_child_hard_delta(state, v, mv, broken, out);
}

/* No pins: nothing to check, whatever the move. */
static int idle(void *state, const dp_state_view *v)
{
    const pins_state *ps = state;

    return ps->pin0[v->m->n_children] == 0;
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    dp_child_hard_full(state, v, broken, out);
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    const pins_state *ps = state;
    const dp_model *m = v->m;
    dp_id c = m->choices[choice].child;

    for (uint32_t i = ps->pin0[c]; i < ps->pin0[c + 1]; i++) {
        const dp_pin *p = &m->pins[ps->pin_idx[i]];
        if (p->choice != choice)
            continue;
        if (p->forbid && p->section == section) {
            snprintf(buf, len, "a pin forbids %s in %s (pins.csv line %u%s%s)", m->children[c].id,
                     m->sections[section].id, p->line, p->note[0] ? ": " : "", p->note);
            return 1;
        }
        if (!p->forbid && p->section != section) {
            snprintf(buf, len, "%s is pinned to %s (pins.csv line %u%s%s)", m->children[c].id,
                     m->sections[p->section].id, p->line, p->note[0] ? ": " : "", p->note);
            return 1;
        }
    }
    return 0;
}

const dp_plugin dp_plugin_pins = {
    .abi = DP_PLUGIN_ABI,
    .name = "pins",
    .term = DP_TERM_NONE,
    .init = init,
    .free = release,
    .delta = delta,
    .full = full,
    .explain = explain,
    .idle = idle,
};
