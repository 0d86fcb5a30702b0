/* core/solve/timetable.c - a first timetable for sessions with candidate
 * times.
 *
 * Construction fills sections around the times they have, so it matters where
 * a session with candidate times starts. Each such session starts at the
 * candidate that fits the most children who chose its activity (weighted by
 * priority, as the objective weighs them), probed one child at a time on the
 * empty schedule; two passes, because a child must fit every session of a
 * section and the other sessions move too. The local search moves sessions
 * further (slot moves, ruin and recreate). */
#include "search.h"

#define MAX_PROBES 64 /* children probed per session and candidate time */

static int64_t fitting(dp_search *s, dp_id k, uint32_t slot)
{
    dp_engine *e = &s->e;
    dp_id sec = s->m->sessions[k].section;
    uint32_t n = s->sec_opt0[sec + 1] - s->sec_opt0[sec];
    uint32_t step = n > MAX_PROBES ? n / MAX_PROBES : 1;
    int64_t fit = 0, dv;

    for (uint32_t i = 0; i < n; i += step) {
        dp_option o = s->opts[s->sec_opt[s->sec_opt0[sec] + i]];
        dp__mv_begin(e);
        if (slot != e->session_slot[k])
            dp__mv_slot(e, k, slot, false);
        dp__mv_assign(e, o.choice, sec);
        if (dp__mv_eval(e, &dv))
            fit += 1 + s->m->children[s->m->choices[o.choice].child].priority;
    }
    return fit;
}

void dp__initial_timetable(dp_search *s)
{
    dp_engine *e = &s->e;
    int64_t saved = 0, dv;

    if (s->n_cand_sessions == 0)
        return;
    if (s->min_size_plugin != UINT32_MAX) {
        saved = e->relax[s->min_size_plugin];
        dp__engine_relax(e, s->min_size_plugin, 1);
    }
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < s->n_cand_sessions; i++) {
            dp_id k = s->cand_sessions[i];
            const dp_session *ks = &s->m->sessions[k];
            uint32_t best_slot = e->session_slot[k];
            int64_t best = fitting(s, k, best_slot);
            for (uint32_t slot = ks->slot0; slot < ks->slot0 + ks->n_slots; slot++) {
                int64_t f = slot == best_slot ? best : fitting(s, k, slot);
                if (f > best) {
                    best = f;
                    best_slot = slot;
                }
            }
            if (best_slot == e->session_slot[k])
                continue;
            dp__mv_begin(e);
            dp__mv_slot(e, k, best_slot, true);
            if (dp__mv_eval(e, &dv))
                dp__mv_commit(e);
        }
    if (s->min_size_plugin != UINT32_MAX)
        dp__engine_relax(e, s->min_size_plugin, saved);
}
