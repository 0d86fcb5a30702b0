/* plugins/rules/rules.c - the centre's local rules (centre.lua, docs/rules.md)
 * as one plugin: FORMAT.md section 3 item 7 (hard rules) and the `rules` term
 * of section 2 (soft rules, minus weight x violations).
 *
 * Every rule has a scope, the smallest part of the schedule its violations
 * depend on: one child's grants and their times, a family, a listed set of
 * children, the holders of one activity's places, or one section's members.
 * delta() re-evaluates only the scopes the move touches, before and after
 * (the "after" side reads a child's grants from the move when it is listed,
 * from the schedule otherwise). Declarative rules are evaluated in C;
 * rule.custom calls its Lua function only for touched scopes. The current
 * value of every child, family and section scope is kept, so a move costs
 * one evaluation of each touched scope (its "after" side); delta() remembers
 * those values and apply() stores them (when the move's serial, dp_move in
 * dagplan/plugin.h, is the one of the last delta(); else they are computed
 * again). gain() bounds a move's score from above by the points (weight x
 * units) the scopes it touches hold now, kept per child, family and section
 * by apply(), so that the engine can skip delta() for a move it would reject
 * anyway; never for a move that may call a custom rule (see gain()).
 *
 * A hard rule counts its violations as hard (a move that adds one is refused)
 * and also costs HARD_STEER points each, so that the search is drawn towards
 * meeting a hard rule that the empty schedule breaks (rule.pin,
 * rule.at_least_one). A solve that still breaks a hard rule is a failed solve
 * (the command line reports it); the steering points never appear in a
 * returned schedule's score otherwise.
 *
 * A custom rule that fails (a Lua error, a limit, a wrong result) marks the
 * rules failed (dp_rules_status) and makes every later move look infeasible,
 * so the search ends quickly; the caller must then discard the solve. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "dagplan/plugin.h"
#include "dagplan/rules.h"
#include "dagplan/solve.h"
#include "dagplan/time.h"
#include "rules/rules.h"

#define HARD_STEER  1000    /* points per violation of a hard rule (see above) */
#define FAILED_HARD 1000000 /* hard violations reported once a custom rule failed */
#define MAX_UNITS   1000000000.0

typedef struct pend {
    uint32_t rule; /* index of the custom rule */
    dp_id id;      /* child or section */
    int64_t units; /* its value after the move */
} pend;

/* Which schedule a scope is evaluated in: the view's (mv NULL or after 0:
 * before the move) or the one after the move. */
typedef struct side {
    const dp_state_view *v;
    const dp_move *mv;
    int after;
} side;

typedef struct rstate rstate;

#define C_OWN 1 /* cflag: the child's index has rules outside m_allc */
#define C_AGG 2 /* cflag: the child's index has rules with an aggregate */

/* A value of a child's row after the move being judged (see child_move). */
typedef struct upd {
    uint32_t q; /* its place in the row */
    int32_t x;  /* its value */
} upd;

/* A grant that comes or goes in the move being judged (see mix_delta). */
typedef struct mev {
    dp_id sec, child;
    uint32_t step; /* 1: comes, UINT32_MAX (-1): goes */
} mev;

/* One aggregate value of a child's row: every rule with an aggregate has
 * units that are a sum over its values of a function of the value alone
 * (agg_units), so a move's change of a child's units is found value by
 * value, only for the values the move changes. For a value x (never
 * negative: a count or minutes), the units are
 *     max_activities, max_minutes: x - max when over max (lo = max, cap none)
 *     not_before, not_after, only_for: x (lo 0, cap none)
 *     forbid: 1 when x > 0 (lo 0, cap 1)
 *     at_least_one, pin: 1 when x == 0, that is 1 - min(x, 1) (lo 0, cap 1,
 *                   sign -1: the 1 drops out of a difference)
 * so a change from x0 to x is sign x (clamp(x) - clamp(x0)) units, with
 * clamp(x) = min(max(x - lo, 0), cap): no branch on the kind. */
typedef struct aword {
    int32_t lo, cap;
    int64_t hard; /* hard violations per clamped unit: sign for a hard rule, else 0 */
    int64_t pts;  /* points per clamped unit: sign x (the weight, or HARD_STEER) */
} aword;

/* Mix: the counter rows of the sections a move touches, as they are after
 * it (each: the section, then its row with the units in the last place). */
typedef struct mixrows {
    uint32_t *rows;
    uint32_t n, cap;
} mixrows;

/* What the Lua ctx object shows: one child or one section, in one side. */
typedef struct lua_view {
    rstate *st;
    side sd;
    bool section; /* a section view, else a child view */
    dp_id id;     /* the child or section */
    const dp_grant *g;
    uint8_t n;
    const dp_id *members; /* section view: its children */
    uint32_t n_members;
    bool days_known; /* the per-day figures below are filled */
    uint16_t count[DP_N_DAYS], minutes[DP_N_DAYS], first[DP_N_DAYS], last[DP_N_DAYS];
} lua_view;

struct rstate {
    dp_rules *rs;
    const dp_model *m;
    dp_id *sec_act;                           /* [n_sections]: each section's activity */
    uint32_t *child_stamp, *child_idx, stamp; /* children listed in the move */
    uint32_t *fam_stamp;                      /* [n_families] */
    uint32_t *sec_stamp;                      /* [n_sections] */
    uint32_t *set_stamp;                      /* [n_rules] */
    uint32_t scope_stamp;                     /* for fam/sec/set dedupe */
    int64_t *outside; /* [n_rules]: reserve, children outside holding places */
    /* siblings: per rule, family f's pairs of children that can count
     * (fpair[ri][2 * k], k from fpair0[ri][f] to fpair0[ri][f + 1]) */
    uint32_t **fpair0;
    dp_id **fpair;
    int64_t **cache; /* [n_rules]: custom, value per child or section */
    pend *pend;      /* values computed by the last delta */
    uint32_t n_pend, cap_pend;
    uint64_t pend_serial; /* the move they belong to (dp_move.serial, never 0) */
    bool pend_ok;         /* pend, upd and mc hold a complete set for pend_serial */
    dp_delta pend_out;    /* and what delta() answered for it */
    dp_id *members;       /* [n_children]: section members scratch */
    uint32_t *hist;       /* [max(n_neighbourhoods, 4)]: mix histogram */
    uint32_t n_custom;    /* custom rules */
    /* Child-scope rules keep their state child by child, next to the
     * child's rule mask (rm_child), so that a move's child costs one cache
     * line: row c of crow (64-byte aligned) is rw mask words, then cwords
     * 32-bit values. The first aw of them are the aggregates of the rules
     * that have one (agg_width() > 0: minutes, a count of activities, per
     * day or per week, ...): each is a sum over the child's grants of a
     * contribution that depends only on the grant's section and its session
     * times, so a section's contributions to all of them are kept once per
     * section (sc, and swm: which are not 0), and a move changes a child's
     * aggregates by adding and subtracting the contributions of the grants
     * it changes, value by value where they are not 0 (child_move). The
     * values after aw are the units of the other child rules (theme_once,
     * custom). A child's values of rules outside its index (cvm: the
     * aggregate values of those inside) are filled once and never read
     * again: no move can change those rules' units for the child, and
     * explain() asks only about rules of the child's index (or of every
     * child's, which every index holds). */
    uint32_t cwords;     /* 32-bit values of a row */
    uint32_t max_grants; /* the most grants a child can hold: its choices, at most 255 */
    uint32_t cap_move;   /* upd and mev have room for a move of so many children */
    uint32_t aw;         /* aggregate values of a row */
    uint32_t *ckey;      /* [n_rules]: offset of the rule's values, UINT32_MAX for others */
    uint32_t cstride;    /* 64-bit words of a row */
    uint64_t *crow;      /* [n_children * cstride] */
    uint64_t *m_inc;     /* [rw]: child-scope rules with an aggregate */
    uint64_t *m_sess;    /* [rw]: those whose contributions read session times */
    uint8_t *cflag;      /* [n_children]: C_OWN | C_AGG */
    int32_t *sc;         /* [n_sections * aw]: each section's contributions at its times now */
    struct aword *wd;    /* [aw]: what each aggregate value is (agg_units, word by word) */
    uint32_t ww;         /* 64-bit words of a mask over the aggregate values */
    uint64_t *swm;       /* [n_sections * ww]: the values each section contributes to (not 0) */
    uint64_t *wm;        /* [ww]: scratch of child_move */
    const int32_t **cl;  /* [512]: scratch of child_move: the contributions a child changes */
    int32_t *cs;         /* [512]: and their signs */
    /* The row values the move being judged changes: child i's are
     * upd[upd0[i] .. upd0[i + 1]). */
    struct upd *upd;
    uint32_t n_upd, cap_upd, *upd0;
    int64_t *upts; /* [n_children + 1]: child i's change of points (gain()), for apply() */
    /* Grants that come or go (mix events), for the mix rules. */
    struct mev *mev;
    uint32_t n_mev, cap_mev;
    bool has_mix;
    struct sess_t *ps; /* [max sessions of a section]: one grant's sessions (grant_profile) */
    /* Sections whose sessions the move being judged moves: msec_idx[sec] is
     * the section's index in mc/mwm (its contributions after the move) when
     * msec_stamp[sec] == mstamp. */
    uint32_t *msec_stamp, *msec_idx, mstamp;
    dp_id *msec;   /* [cap_mc]: the moved sections */
    int32_t *mc;   /* [cap_mc * aw] */
    uint64_t *mwm; /* [cap_mc * ww] */
    uint32_t *cc0; /* [n_sections]: the section's first row in cct/ccm, or UINT32_MAX */
    int32_t *cct;  /* contributions of every section at each combination of its times */
    uint64_t *ccm; /* and the masks of those not 0 */
    uint32_t n_mc, cap_mc;
    /* The index of the rules (see classify()): masks over rule indices, rw
     * 64-bit words each, made once per solve. */
    uint32_t rw; /* words of a rule mask */
    /* rm_child(c): rules the child's grants can affect (in crow) */
    uint64_t *rm_act;  /* [n_activities * rw]: rules a grant of the activity can affect */
    uint64_t *rm_oth;  /* [n_activities * rw]: those without an aggregate (see grant_change) */
    uint64_t *m_child; /* [rw]: child-scope rules */
    uint64_t *m_held;  /* [rw]: rules that depend only on which activities are held */
    uint64_t *m_heldx; /* [rw]: m_held without the child-scope rules (see child_move) */
    uint64_t *cvm;     /* [n_children * ww]: the aggregate values of the child's rules */
    uint64_t **tbit;   /* [n_rules]: theme_once, per activity: 1 << theme, 0 if not looked at */
    uint64_t *m_start; /* [rw]: rules that depend on session start times */
    uint64_t *m_day;   /* [rw]: rules that depend on session days (not start times) */
    uint64_t *m_allc;  /* [rw]: rules every child's grants can affect (mix: no row to read) */
    uint64_t *m_mix;   /* [rw]: mix rules (counter rows) */
    bool has_reserve;  /* a rule of DP_SCOPE_ACTIVITY */
    uint64_t *c_rules; /* [n_children / 64 + 1]: bit c: the child's row has rules outside m_allc */
    bool has_allc;     /* m_allc is not empty */
    uint8_t *tdays;    /* [n_rules]: days whose sessions the timed rule looks at */
    /* The move being judged, classified: rel[i] are the rules child i of the
     * move can change, any the union, tmove the rules its session moves can
     * change. */
    uint64_t *rel;   /* [n_children * rw] */
    uint64_t *any;   /* [rw] */
    uint64_t *tmove; /* [rw] */
    /* mix: per section a row of nc + 2 counters, mix_stride() apart:
     * children, children per category, and the section's current units */
    uint32_t **mixcnt;  /* [n_rules] */
    uint32_t **mixtop;  /* [n_rules]: the largest category allowed (mix_allowed) */
    uint32_t **mixtop0; /* [n_rules][n_sections + 1]: section sec's sizes start here */
    struct mixrows *mx; /* [n_rules]: mix_delta's rows after the move, for apply() */
    dp_id **mixcat;     /* [n_rules][n_children]: each child's category (DP_NONE: none) */
    int ctx_ref;        /* registry ref of the ctx userdata */
    bool cached;        /* the caches were filled (by the first full()) */
    lua_view view;      /* what ctx shows during a custom call */
    uint64_t seed;      /* the seed math.random was last seeded with */
    bool oom;
    /* gain(): the points every scope holds now (weight x units; a hard
     * rule's HARD_STEER x units, see add_units), filled by the first full()
     * and kept exact by apply(). A move can give back at most the points of
     * the scopes it touches (see gain()). */
    int64_t *gpts;    /* [n_rules]: points per unit (weight, HARD_STEER; 0: watched) */
    int64_t *qpts;    /* [cwords]: points per unit of row value q >= aw (q < aw: wd) */
    int64_t *cpen;    /* [n_children]: child-scope rules of the child's index */
    int64_t *fpen;    /* [n_families]: siblings */
    int64_t *spen;    /* [n_sections]: mix and custom section rules */
    int64_t *setu;    /* [n_rules]: apart: the rule's units now */
    uint32_t *gother; /* set and activity rules with points (apart, reserve) */
    uint32_t n_gother;
    int64_t pen_child, pen_fam, pen_sec; /* the sums of cpen, fpen, spen */
    int64_t pen_set;                     /* and of the apart rules' points */
    bool gain_reserve;                   /* gother holds a reserve rule */
    bool gain_zero;                      /* no rule has points and none is custom: gain() is 0 */
    bool custom_sec;                     /* a custom rule of scope section */
    uint64_t *m_custom;                  /* [rw]: custom rules */
};

/* math.random follows the solve's seed (dagplan/plugin.h: the view carries it
 * from the first move on; the first full() may still see 0): the Lua state is
 * reseeded whenever the view shows a seed it was not seeded with. */
static void follow_seed(rstate *st, const dp_state_view *v)
{
    if (v->seed != st->seed) { /* noted without a sandbox too: delta() asks once */
        st->seed = v->seed;
        if (st->rs->sb)
            dp__sandbox_reseed(st->rs->sb, v->seed);
    }
}

/* ------------------------------------------------------------------------ */
/* Reading a side                                                             */

/* Every child, family and custom section scope keeps its current value (a
 * cache miss costs less than evaluating the scope before the move too); mix
 * rules keep counters, the others nothing. */
static bool bit(const uint64_t *mask, uint32_t i)
{
    return (mask[i / 64] >> (i % 64)) & 1u;
}

static uint64_t *rm_child(const rstate *st, dp_id c)
{
    return &st->crow[(size_t) c * st->cstride];
}

static int32_t *cvals(const rstate *st, dp_id c)
{
    return (int32_t *) &st->crow[(size_t) c * st->cstride + st->rw];
}

static int64_t excess(int64_t n, int64_t max)
{
    return n > max ? n - max : 0;
}

/* Child-scope rules with an aggregate: how many 32-bit values it takes (0:
 * the rule keeps its units instead). Every one of these rules' units is a
 * function (agg_units) of a sum over the child's grants of a per-grant
 * contribution (agg_add), so a move changes the sum by the grants it
 * changes. */
static uint32_t agg_width(const dp_rule *r)
{
    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        return r->per_day ? DP_N_DAYS : 1;
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
    case DP_RULE_AT_LEAST_ONE:
    case DP_RULE_ONLY_FOR:
    case DP_RULE_PIN:
    case DP_RULE_FORBID:
        return 1;
    default:
        return 0; /* theme_once (depends on pairs of grants), custom */
    }
}

/* Whether the rule's contributions read a grant's session times. */
static bool agg_sessions(const dp_rule *r)
{
    return r->kind == DP_RULE_MAX_ACTIVITIES || r->kind == DP_RULE_MAX_MINUTES ||
           r->kind == DP_RULE_NOT_BEFORE || r->kind == DP_RULE_NOT_AFTER;
}

/* One session of a grant, in the side it is read in. */
typedef struct sess_t {
    uint16_t start, end, minutes;
    uint8_t day;
} sess_t;

/* Adds sign x the contribution of one grant (section sec of activity act,
 * its sessions ps[0..n)) to rule r's aggregate agg. */
static void agg_add(const dp_rule *r, dp_id sec, dp_id act, const sess_t *ps, uint32_t n,
                    int32_t sign, int32_t *agg)
{
    unsigned days = 0;

    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
        if (!dp__rule_act(r, act))
            return;
        for (uint32_t j = 0; j < n; j++)
            days |= (r->day_mask >> ps[j].day & 1u) << ps[j].day;
        if (!r->per_day)
            agg[0] += sign * (days != 0);
        for (; r->per_day && days; days &= days - 1)
            agg[__builtin_ctz(days)] += sign;
        return;
    case DP_RULE_MAX_MINUTES:
        if (!dp__rule_act(r, act))
            return;
        for (uint32_t j = 0; j < n; j++)
            if (r->day_mask >> ps[j].day & 1u)
                agg[r->per_day ? ps[j].day : 0] += sign * ps[j].minutes;
        return;
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
        if (!dp__rule_act(r, act))
            return;
        for (uint32_t j = 0; j < n; j++)
            if ((r->day_mask >> ps[j].day & 1u) &&
                (r->kind == DP_RULE_NOT_BEFORE ? ps[j].start < r->time_min
                                               : ps[j].end > r->time_min))
                agg[0] += sign;
        return;
    case DP_RULE_AT_LEAST_ONE:
    case DP_RULE_ONLY_FOR:
        agg[0] += sign * dp__rule_act(r, act);
        return;
    case DP_RULE_PIN:
    case DP_RULE_FORBID:
        agg[0] += sign * (sec == r->section);
        return;
    default:
        return;
    }
}

/* The units of rule r for a child whose aggregate is agg (see agg_width). */
static int64_t agg_units(const dp_rule *r, const int32_t *agg)
{
    int64_t units = 0;

    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        if (!r->per_day)
            return excess(agg[0], r->max);
        for (int d = 0; d < DP_N_DAYS; d++)
            units += excess(agg[d], r->max);
        return units;
    case DP_RULE_AT_LEAST_ONE:
    case DP_RULE_PIN:
        return agg[0] == 0;
    case DP_RULE_FORBID:
        return agg[0] > 0;
    default:
        return agg[0];
    }
}

static int64_t cache_get(const rstate *st, uint32_t ri, dp_id id)
{
    uint32_t k = st->ckey[ri];
    const dp_rule *r = &st->rs->rules[ri];

    if (k == UINT32_MAX)
        return st->cache[ri][id];
    return bit(st->m_inc, ri) ? agg_units(r, &cvals(st, id)[k]) : cvals(st, id)[k];
}

/* Whether the child's grants stay the same (it is listed only because a
 * session of its section moves): rules that ignore times need not look. */
static bool grants_same(const dp_child_change *cc)
{
    if (cc->n_before != cc->n_after)
        return false;
    for (uint8_t i = 0; i < cc->n_before; i++)
        if (cc->before[i].choice != cc->after[i].choice ||
            cc->before[i].section != cc->after[i].section)
            return false;
    return true;
}

/* How the rule's units depend on session times: 2 on start times (and
 * days), 1 on days only, 0 not at all. */
static int rule_timed(const dp_rule *r)
{
    switch (r->kind) {
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
    case DP_RULE_CUSTOM:
        return 2;
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        return r->per_day || r->day_mask != 0x7f;
    case DP_RULE_SIBLINGS:
        return r->same_day;
    default:
        return 0;
    }
}

static void set_bit(uint64_t *mask, uint32_t i)
{
    mask[i / 64] |= (uint64_t) 1 << (i % 64);
}

static void mark_move(rstate *st, const dp_move *mv)
{
    st->stamp++;
    if (st->stamp == 0) {
        memset(st->child_stamp, 0, st->m->n_children * sizeof *st->child_stamp);
        st->stamp = 1;
    }
    for (uint32_t i = 0; mv && i < mv->n_children; i++) {
        st->child_stamp[mv->children[i].child] = st->stamp;
        st->child_idx[mv->children[i].child] = i;
    }
}

static uint32_t next_scope_stamp(rstate *st)
{
    if (++st->scope_stamp == 0) {
        memset(st->fam_stamp, 0, (st->m->families.n + 1) * sizeof *st->fam_stamp);
        memset(st->sec_stamp, 0, (st->m->n_sections + 1) * sizeof *st->sec_stamp);
        memset(st->set_stamp, 0, (st->rs->n + 1) * sizeof *st->set_stamp);
        st->scope_stamp = 1;
    }
    return st->scope_stamp;
}

/* One side of a child's change: its grants after the move (after != 0) or
 * before it, in g/n, and those of the other side in og/on. */
static inline void change_side(const dp_child_change *cc, int after, const dp_grant **g, uint8_t *n,
                               const dp_grant **og, uint8_t *on)
{
    *g = after ? cc->after : cc->before;
    *n = after ? cc->n_after : cc->n_before;
    *og = after ? cc->before : cc->after;
    *on = after ? cc->n_before : cc->n_after;
}

static void grants_of(const rstate *st, const side *sd, dp_id c, const dp_grant **g, uint8_t *n)
{
    if (sd->mv && st->child_stamp[c] == st->stamp) {
        const dp_child_change *cc = &sd->mv->children[st->child_idx[c]];
        *g = sd->after ? cc->after : cc->before;
        *n = sd->after ? cc->n_after : cc->n_before;
        return;
    }
    *g = sd->v->child_grants[c];
    *n = sd->v->child_n_grants[c];
}

static uint32_t slot_of(const side *sd, dp_id session)
{
    if (!sd->mv || sd->mv->n_sessions == 0)
        return sd->v->session_slot[session];
    return dp_move_slot(sd->v, sd->mv, session, sd->after);
}

static dp_id act_of(const rstate *st, const dp_grant *g)
{
    return st->sec_act[g->section];
}

/* Days (bit mask) on which section sec meets. */
static unsigned section_days(const dp_model *m, const side *sd, dp_id sec)
{
    const dp_section *s = &m->sections[sec];
    unsigned mask = 0;

    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++)
        mask |= 1u << m->slots[slot_of(sd, k)].day;
    return mask;
}

static bool has_section(const dp_grant *g, uint8_t n, dp_id sec)
{
    for (uint8_t i = 0; i < n; i++)
        if (g[i].section == sec)
            return true;
    return false;
}

/* The members of sec in a side, into st->members (a child once per grant in
 * it); returns how many. */
static uint32_t members_of(rstate *st, const side *sd, dp_id sec)
{
    const dp_state_view *v = sd->v;
    const dp_model *m = st->m;
    uint32_t n = 0;

    for (uint32_t i = 0; i < v->section_count[sec]; i++) {
        dp_id c = m->choices[v->section_members[v->member0[sec] + i]].child;
        if (sd->mv && sd->after && st->child_stamp[c] == st->stamp)
            continue; /* its grants after the move are counted below */
        st->members[n++] = c;
    }
    if (sd->mv && sd->after) {
        for (uint32_t i = 0; i < sd->mv->n_children; i++) {
            const dp_child_change *cc = &sd->mv->children[i];
            for (uint8_t k = 0; k < cc->n_after; k++)
                if (cc->after[k].section == sec)
                    st->members[n++] = cc->child;
        }
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* Custom rules: the ctx object and the call                                  */

static void fail(rstate *st, const dp_rule *r, const dp_error *e, const char *text)
{
    dp_rules *rs = st->rs;
    dp_loc at = {"centre.lua", r->line, 0};
    char msg[300];

    if (rs->failed)
        return;
    if (e) {
        snprintf(msg, sizeof msg, "%s", e->msg);
        if (e->at.line)
            at.line = e->at.line;
    } else {
        snprintf(msg, sizeof msg, "%s", text);
    }
    rs->failed = true;
    DP_FAIL(&rs->fail, DP_ERULE, &at, "rule.custom '%s' (line %u) failed while solving: %s",
            r->name, r->line, msg);
}

static int64_t call_custom(rstate *st, const dp_rule *r)
{
    dp_sandbox *sb = st->rs->sb;
    lua_State *L = dp__sandbox_lua(sb);
    dp_error e = {0};
    int64_t units = 0;

    if (st->rs->failed)
        return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->fn_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, st->ctx_ref);
    if (dp__sandbox_call(sb, 1, 1, &e) != DP_OK) {
        fail(st, r, &e, NULL);
        return 0;
    }
    switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN:
        units = lua_toboolean(L, -1) ? 0 : 1;
        break;
    case LUA_TNUMBER: {
        double x = lua_tonumber(L, -1);
        if (!(x >= 0 && x <= MAX_UNITS))
            fail(st, r, NULL,
                 "check returned a number that is negative, too large or not a number; a "
                 "penalty must be a number from 0 to 1e9");
        else
            units = (int64_t) llround(x);
        break;
    }
    default: {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "check returned %s; expected a number (the penalty), true (fine) or false "
                 "(broken)",
                 lua_type(L, -1) == LUA_TNIL      ? "nothing"
                 : lua_type(L, -1) == LUA_TSTRING ? "a string"
                                                  : "a table or another value");
        fail(st, r, NULL, msg);
    }
    }
    lua_pop(L, 1);
    return units;
}

static lua_view *check_view(lua_State *L)
{
    return *(lua_view **) lua_touserdata(L, 1);
}

static void push_time(lua_State *L, int minutes)
{
    char buf[8];

    dp_time_format(minutes, buf);
    lua_pushstring(L, buf);
}

static dp_id arg_id(lua_State *L, const dp_model *m, int idx, dp_kind kind)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);

    return dp_model_find(m, kind, s, len);
}

static int arg_day(lua_State *L, int idx)
{
    static const char names[] = "montuewedthufrisatsun";
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);

    if (len == 3) /* the usual lower-case names, without a call */
        for (int d = 0; d < DP_N_DAYS; d++)
            if (memcmp(s, names + 3 * d, 3) == 0)
                return d;
    int d = dp_day_parse(s, len);

    if (d < 0)
        return luaL_error(L, "expected a day mon .. sun, got '%s'", s);
    return d;
}

static int ctx_has(lua_State *L)
{
    lua_view *vw = check_view(L);
    dp_id a = arg_id(L, vw->st->m, 2, DP_KIND_ACTIVITY);
    bool has = false;

    for (uint8_t i = 0; i < vw->n && !has; i++)
        has = act_of(vw->st, &vw->g[i]) == a;
    lua_pushboolean(L, has);
    return 1;
}

static int ctx_has_theme(lua_State *L)
{
    lua_view *vw = check_view(L);
    dp_id t = arg_id(L, vw->st->m, 2, DP_KIND_THEME);
    bool has = false;

    for (uint8_t i = 0; i < vw->n && !has; i++)
        has = vw->st->m->activities[act_of(vw->st, &vw->g[i])].theme == t;
    lua_pushboolean(L, has);
    return 1;
}

/* ctx:activity(i), ctx:section(i), ctx:theme(i) of the child's i-th grant. */
static int grant_field(lua_State *L, int what)
{
    lua_view *vw = check_view(L);
    const dp_model *m = vw->st->m;
    lua_Integer i = luaL_checkinteger(L, 2);

    if (i < 1 || i > vw->n) {
        lua_pushnil(L);
        return 1;
    }
    const dp_grant *g = &vw->g[i - 1];
    if (what == 0)
        lua_pushstring(L, m->activities[act_of(vw->st, g)].id);
    else if (what == 1)
        lua_pushstring(L, m->sections[g->section].id);
    else
        lua_pushstring(L, m->themes.name[m->activities[act_of(vw->st, g)].theme]);
    return 1;
}

static int ctx_activity(lua_State *L)
{
    return grant_field(L, 0);
}

static int ctx_section(lua_State *L)
{
    return grant_field(L, 1);
}

static int ctx_theme(lua_State *L)
{
    return grant_field(L, 2);
}

/* Sessions of the child on a day: count, minutes, first start, last end. */
/* Fills the child view's per-day figures (once per call of check). */
static void know_days(lua_view *vw)
{
    const dp_model *m = vw->st->m;

    memset(vw->count, 0, sizeof vw->count);
    memset(vw->minutes, 0, sizeof vw->minutes);
    memset(vw->last, 0, sizeof vw->last);
    for (int d = 0; d < DP_N_DAYS; d++)
        vw->first[d] = DP_MINUTES_DAY;
    for (uint8_t i = 0; i < vw->n; i++) {
        const dp_section *s = &m->sections[vw->g[i].section];
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
            const dp_slot *sl = &m->slots[slot_of(&vw->sd, k)];
            int d = sl->day, end = sl->start_min + m->sessions[k].minutes;
            vw->count[d]++;
            vw->minutes[d] = (uint16_t) (vw->minutes[d] + m->sessions[k].minutes);
            vw->first[d] = sl->start_min < vw->first[d] ? sl->start_min : vw->first[d];
            vw->last[d] = (uint16_t) (end > vw->last[d] ? end : vw->last[d]);
        }
    }
    vw->days_known = true;
}

/* Sessions of the child on a day: count, minutes, first start, last end. */
static int day_stat(lua_State *L, int what)
{
    lua_view *vw = check_view(L);
    int d = arg_day(L, 2);

    if (!vw->days_known)
        know_days(vw);
    if (what == 0)
        lua_pushinteger(L, vw->count[d]);
    else if (what == 1)
        lua_pushinteger(L, vw->minutes[d]);
    else if (vw->count[d] == 0)
        lua_pushnil(L);
    else
        push_time(L, what == 2 ? vw->first[d] : vw->last[d]);
    return 1;
}

static int ctx_sessions_on(lua_State *L)
{
    return day_stat(L, 0);
}

static int ctx_minutes_on(lua_State *L)
{
    return day_stat(L, 1);
}

static int ctx_first_start(lua_State *L)
{
    return day_stat(L, 2);
}

static int ctx_last_end(lua_State *L)
{
    return day_stat(L, 3);
}

/* Section view: ctx:member(i) is the i-th child's id. */
static int ctx_member(lua_State *L)
{
    lua_view *vw = check_view(L);
    lua_Integer i = luaL_checkinteger(L, 2);

    if (i < 1 || (uint64_t) i > vw->n_members)
        lua_pushnil(L);
    else
        lua_pushstring(L, vw->st->m->children[vw->members[i - 1]].id);
    return 1;
}

/* Section view: ctx:count(field, value) - members whose field has value. */
static int ctx_count(lua_State *L)
{
    lua_view *vw = check_view(L);
    const dp_model *m = vw->st->m;
    const char *field = luaL_checkstring(L, 2);
    lua_Integer n = 0;

    for (uint32_t i = 0; i < vw->n_members; i++) {
        const dp_child *c = &m->children[vw->members[i]];
        if (strcmp(field, "group") == 0 || strcmp(field, "priority") == 0) {
            lua_Integer want = luaL_checkinteger(L, 3);
            n += (strcmp(field, "group") == 0 ? c->group : c->priority) == want;
        } else if (strcmp(field, "neighbourhood") == 0 || strcmp(field, "family") == 0) {
            const char *want = luaL_checkstring(L, 3);
            dp_id id = strcmp(field, "family") == 0 ? c->family : c->neighbourhood;
            const dp_names *names =
                strcmp(field, "family") == 0 ? &m->families : &m->neighbourhoods;
            n += id != DP_NONE && strcmp(names->name[id], want) == 0;
        } else {
            return luaL_error(L,
                              "ctx:count: expected \"group\", \"priority\", \"neighbourhood\" "
                              "or \"family\", got '%s'",
                              field);
        }
    }
    lua_pushinteger(L, n);
    return 1;
}

/* Section view: ctx:day(i) and ctx:start(i) of the section's i-th session. */
static int session_field(lua_State *L, bool start)
{
    lua_view *vw = check_view(L);
    const dp_model *m = vw->st->m;
    const dp_section *s = &m->sections[vw->id];
    lua_Integer i = luaL_checkinteger(L, 2);

    if (i < 1 || (uint64_t) i > s->n_sessions) {
        lua_pushnil(L);
        return 1;
    }
    const dp_slot *sl = &m->slots[slot_of(&vw->sd, s->session0 + (uint32_t) i - 1)];
    if (start)
        push_time(L, sl->start_min);
    else
        lua_pushstring(L, dp_day_name(sl->day));
    return 1;
}

static int ctx_day(lua_State *L)
{
    return session_field(L, false);
}

static int ctx_start(lua_State *L)
{
    return session_field(L, true);
}

static int push_name_or_nil(lua_State *L, const dp_names *names, dp_id id)
{
    if (id == DP_NONE)
        lua_pushnil(L);
    else
        lua_pushstring(L, names->name[id]);
    return 1;
}

/* Fields of the ctx views: __index looks the key up in a table made once
 * (upvalue 1 for a child, 2 for a section) that maps it to a method (a C
 * function) or to one of these codes. */
enum {
    F_ID = 1,
    F_GROUP,
    F_PRIORITY,
    F_NEIGHBOURHOOD,
    F_FAMILY,
    F_N,
    F_ACTIVITY,
    F_THEME,
    F_LOCATION,
    F_SIZE,
    F_MAX_SIZE,
    F_SESSIONS
};

typedef struct ctx_key {
    const char *name;
    int code;         /* a field, or 0 for a method */
    lua_CFunction fn; /* the method */
} ctx_key;

static const ctx_key child_keys[] = {
    {"id", F_ID, NULL},
    {"group", F_GROUP, NULL},
    {"priority", F_PRIORITY, NULL},
    {"neighbourhood", F_NEIGHBOURHOOD, NULL},
    {"family", F_FAMILY, NULL},
    {"n", F_N, NULL},
    {"has", 0, ctx_has},
    {"has_theme", 0, ctx_has_theme},
    {"activity", 0, ctx_activity},
    {"section", 0, ctx_section},
    {"theme", 0, ctx_theme},
    {"sessions_on", 0, ctx_sessions_on},
    {"minutes_on", 0, ctx_minutes_on},
    {"first_start", 0, ctx_first_start},
    {"last_end", 0, ctx_last_end},
    {NULL, 0, NULL},
};

static const ctx_key section_keys[] = {
    {"id", F_ID, NULL},
    {"activity", F_ACTIVITY, NULL},
    {"theme", F_THEME, NULL},
    {"location", F_LOCATION, NULL},
    {"size", F_SIZE, NULL},
    {"max_size", F_MAX_SIZE, NULL},
    {"sessions", F_SESSIONS, NULL},
    {"member", 0, ctx_member},
    {"count", 0, ctx_count},
    {"day", 0, ctx_day},
    {"start", 0, ctx_start},
    {NULL, 0, NULL},
};

static int child_field(lua_State *L, const lua_view *vw, int code)
{
    const dp_model *m = vw->st->m;
    const dp_child *c = &m->children[vw->id];

    switch (code) {
    case F_ID:
        lua_pushstring(L, c->id);
        return 1;
    case F_GROUP:
        lua_pushinteger(L, c->group);
        return 1;
    case F_PRIORITY:
        lua_pushinteger(L, c->priority);
        return 1;
    case F_NEIGHBOURHOOD:
        return push_name_or_nil(L, &m->neighbourhoods, c->neighbourhood);
    case F_FAMILY:
        return push_name_or_nil(L, &m->families, c->family);
    default:
        lua_pushinteger(L, vw->n);
        return 1;
    }
}

static int section_field(lua_State *L, const lua_view *vw, int code)
{
    const dp_model *m = vw->st->m;
    const dp_section *s = &m->sections[vw->id];

    switch (code) {
    case F_ID:
        lua_pushstring(L, s->id);
        break;
    case F_ACTIVITY:
        lua_pushstring(L, m->activities[s->activity].id);
        break;
    case F_THEME:
        lua_pushstring(L, m->themes.name[m->activities[s->activity].theme]);
        break;
    case F_LOCATION:
        lua_pushstring(L, m->locations[s->location].id);
        break;
    case F_SIZE:
        lua_pushinteger(L, vw->n_members);
        break;
    case F_MAX_SIZE:
        lua_pushinteger(L, s->max_size);
        break;
    default:
        lua_pushinteger(L, s->n_sessions);
    }
    return 1;
}

static int ctx_index(lua_State *L)
{
    lua_view *vw = check_view(L);

    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    int t = lua_rawget(L, lua_upvalueindex(vw->section ? 2 : 1));
    if (t == LUA_TFUNCTION)
        return 1;
    if (t != LUA_TNUMBER)
        return luaL_error(L, "a %s has no field '%s' (see docs/rules.md)",
                          vw->section ? "section" : "child",
                          lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
    int code = (int) lua_tointeger(L, -1);
    lua_pop(L, 1);
    return vw->section ? section_field(L, vw, code) : child_field(L, vw, code);
}

static void push_keys(lua_State *L, const ctx_key *keys)
{
    lua_newtable(L);
    for (; keys->name; keys++) {
        if (keys->fn)
            lua_pushcfunction(L, keys->fn);
        else
            lua_pushinteger(L, keys->code);
        lua_setfield(L, -2, keys->name);
    }
}

static int ctx_newindex(lua_State *L)
{
    return luaL_error(L, "ctx is read-only");
}

/* Creates the ctx userdata (protected: arg 1 is the rstate). */
static int make_ctx(lua_State *L)
{
    rstate *st = lua_touserdata(L, 1);
    lua_view **p = lua_newuserdatauv(L, sizeof *p, 0);

    *p = &st->view;
    lua_createtable(L, 0, 3);
    push_keys(L, child_keys);
    push_keys(L, section_keys);
    lua_pushcclosure(L, ctx_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ctx_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    st->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Units of violation per scope                                               */

/* The units of child c with the grants g[0..n) (its grants in side sd). */
static int64_t child_units_g(rstate *st, const dp_rule *r, const side *sd, dp_id c,
                             const dp_grant *g, uint8_t n)
{
    const dp_model *m = st->m;
    int64_t units = 0, per[DP_N_DAYS] = {0}, week = 0;

    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        for (uint8_t i = 0; i < n; i++) {
            const dp_section *s = &m->sections[g[i].section];
            unsigned days = 0;
            if (!dp__rule_act(r, s->activity))
                continue;
            for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
                int d = m->slots[slot_of(sd, k)].day;
                if (!((r->day_mask >> d) & 1u))
                    continue;
                if (r->kind == DP_RULE_MAX_MINUTES) {
                    per[d] += m->sessions[k].minutes;
                    week += m->sessions[k].minutes;
                } else if (!((days >> d) & 1u)) {
                    per[d]++;
                }
                days |= 1u << d;
            }
            if (r->kind == DP_RULE_MAX_ACTIVITIES && days)
                week++;
        }
        if (!r->per_day)
            return excess(week, r->max);
        for (int d = 0; d < DP_N_DAYS; d++)
            units += excess(per[d], r->max);
        return units;
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
        for (uint8_t i = 0; i < n; i++) {
            const dp_section *s = &m->sections[g[i].section];
            if (!dp__rule_act(r, s->activity))
                continue;
            for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
                const dp_slot *sl = &m->slots[slot_of(sd, k)];
                if (!((r->day_mask >> sl->day) & 1u))
                    continue;
                if (r->kind == DP_RULE_NOT_BEFORE
                        ? sl->start_min < r->time_min
                        : sl->start_min + m->sessions[k].minutes > r->time_min)
                    units++;
            }
        }
        return units;
    case DP_RULE_THEME_ONCE:
        for (uint8_t i = 0; i < n; i++) {
            dp_id a = act_of(st, &g[i]);
            if (!dp__rule_act(r, a))
                continue;
            for (uint8_t j = 0; j < i; j++) {
                dp_id b = act_of(st, &g[j]);
                if (dp__rule_act(r, b) && m->activities[b].theme == m->activities[a].theme) {
                    units++;
                    break;
                }
            }
        }
        return units;
    case DP_RULE_AT_LEAST_ONE:
        for (uint8_t i = 0; i < n; i++)
            if (dp__rule_act(r, act_of(st, &g[i])))
                return 0;
        return 1;
    case DP_RULE_ONLY_FOR:
        for (uint8_t i = 0; i < n; i++)
            units += dp__rule_act(r, act_of(st, &g[i]));
        return units;
    case DP_RULE_PIN:
        return has_section(g, n, r->section) ? 0 : 1;
    case DP_RULE_FORBID:
        return has_section(g, n, r->section) ? 1 : 0;
    case DP_RULE_CUSTOM:
        st->view = (lua_view){st, *sd, false, c, g, n, NULL, 0, false, {0}, {0}, {0}, {0}};
        return call_custom(st, r);
    default:
        return 0;
    }
}

static int64_t child_units(rstate *st, const dp_rule *r, const side *sd, dp_id c)
{
    const dp_grant *g;
    uint8_t n;

    grants_of(st, sd, c, &g, &n);
    return child_units_g(st, r, sd, c, g, n);
}

/* Siblings, one pair: the activities of the rule both children hold in
 * different sections (or on different days). */
static int64_t pair_units(rstate *st, const dp_rule *r, const side *sd, const dp_grant *ga,
                          uint8_t na, const dp_grant *gb, uint8_t nb)
{
    const dp_model *m = st->m;
    int64_t units = 0;

    for (uint8_t x = 0; x < na; x++) {
        dp_id act = act_of(st, &ga[x]);
        if (!dp__rule_act(r, act))
            continue;
        for (uint8_t y = 0; y < nb; y++) {
            if (act_of(st, &gb[y]) != act)
                continue;
            if (r->same_day
                    ? section_days(m, sd, ga[x].section) != section_days(m, sd, gb[y].section)
                    : ga[x].section != gb[y].section)
                units++;
        }
    }
    return units;
}

/* Siblings: pairs of selected children of family f sharing an activity in
 * different sections (or on different days). */
static int64_t family_units(rstate *st, const dp_rule *r, const side *sd, dp_id f)
{
    const dp_rules *rs = st->rs;
    int64_t units = 0;

    for (uint32_t i = rs->fam0[f]; i < rs->fam0[f + 1]; i++) {
        dp_id a = rs->fam_child[i];
        const dp_grant *ga;
        uint8_t na;
        if (!dp__rule_selects(r, a))
            continue;
        grants_of(st, sd, a, &ga, &na);
        for (uint32_t j = i + 1; j < rs->fam0[f + 1]; j++) {
            dp_id b = rs->fam_child[j];
            const dp_grant *gb;
            uint8_t nb;
            if (!dp__rule_selects(r, b))
                continue;
            grants_of(st, sd, b, &gb, &nb);
            units += pair_units(st, r, sd, ga, na, gb, nb);
        }
    }
    return units;
}

/* Siblings as family_units, over the family's pairs that can count
 * (sibling_pairs): both selected and sharing a chosen activity of the rule,
 * the only pairs whose grants can meet (a child holds only activities it
 * chose). delta() uses it; full() enumerates every pair (family_units). */
static int64_t family_pairs_units(rstate *st, uint32_t ri, const side *sd, dp_id f)
{
    const dp_rule *r = &st->rs->rules[ri];
    const dp_id *pr = st->fpair[ri];
    int64_t units = 0;

    for (uint32_t k = st->fpair0[ri][f]; k < st->fpair0[ri][f + 1]; k++) {
        const dp_grant *ga, *gb;
        uint8_t na, nb;
        grants_of(st, sd, pr[2 * k], &ga, &na);
        grants_of(st, sd, pr[2 * k + 1], &gb, &nb);
        units += pair_units(st, r, sd, ga, na, gb, nb);
    }
    return units;
}

/* Apart: pairs of the listed children that share a section. */
static int64_t set_units(rstate *st, const dp_rule *r, const side *sd)
{
    int64_t units = 0;

    for (uint32_t i = 0; i < r->n_set; i++) {
        const dp_grant *ga;
        uint8_t na;
        grants_of(st, sd, r->set[i], &ga, &na);
        for (uint32_t j = i + 1; j < r->n_set; j++) {
            const dp_grant *gb;
            uint8_t nb;
            grants_of(st, sd, r->set[j], &gb, &nb);
            for (uint8_t x = 0; x < na; x++)
                if (dp__rule_act(r, act_of(st, &ga[x])) && has_section(gb, nb, ga[x].section))
                    units++;
        }
    }
    return units;
}

static int64_t reserve_units(const dp_rule *r, int64_t outside)
{
    return r->active ? excess(outside, r->capacity - r->places) : 0;
}

static bool holds(const rstate *st, const dp_grant *g, uint8_t n, dp_id act)
{
    for (uint8_t i = 0; i < n; i++)
        if (act_of(st, &g[i]) == act)
            return true;
    return false;
}

/* How many of the grants g[0..n) are of activity a. */
static unsigned grants_of_act(const rstate *st, const dp_grant *g, uint8_t n, dp_id a)
{
    unsigned k = 0;

    for (uint8_t i = 0; i < n; i++)
        k += act_of(st, &g[i]) == a;
    return k;
}

/* The part of classify() for the move's session changes: st->tmove, the
 * timed rules that look at a moved session's activity and at its day before
 * or after (rules that count per day only when it changes day). */
static void classify_times(rstate *st, const dp_move *mv)
{
    const dp_model *m = st->m;
    uint32_t rw = st->rw;

    memset(st->tmove, 0, rw * sizeof *st->tmove);
    if (mv->n_sessions) {
        unsigned days = 0;
        bool new_day = false;
        memset(st->any, 0, rw * sizeof *st->any); /* first: the moved activities' rules */
        for (uint32_t i = 0; i < mv->n_sessions; i++) {
            const dp_session_change *sc = &mv->sessions[i];
            dp_id a = m->sections[m->sessions[sc->session].section].activity;
            unsigned db = m->slots[sc->slot_before].day, da = m->slots[sc->slot_after].day;
            days |= 1u << db | 1u << da;
            new_day = new_day || db != da;
            for (uint32_t w = 0; w < rw; w++)
                st->any[w] |= st->rm_act[(size_t) a * rw + w];
        }
        for (uint32_t w = 0; w < rw; w++) {
            uint64_t timed = st->m_start[w] | (new_day ? st->m_day[w] : 0);
            for (uint64_t bits = timed & st->any[w]; bits; bits &= bits - 1) {
                uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
                if (st->tdays[ri] & days)
                    set_bit(st->tmove, ri);
            }
        }
    }
}

/* Classifies the move with the index of the rules: which rules each listed
 * child can change (st->rel), and all rules the move can change (st->any).
 * Only those are evaluated; a rule the move does not touch costs nothing.
 *   - A grant kept as it was changes nothing.
 *   - A grant that comes or goes can change the rules that select the child
 *     and look at its activity; rules that depend only on which activities a
 *     child holds (theme_once, at_least_one, only_for, reserve) only when the
 *     activity itself comes or goes, not when it changes section.
 *   - A session that moves can change the timed rules that look at its
 *     activity and at its day before or after (rules that count per day only
 *     when it changes day).
 * delta() uses the same logic in child_move(); explain() uses this. */
static void classify(rstate *st, const dp_move *mv)
{
    uint32_t rw = st->rw;

    classify_times(st, mv);
    /* A section rule may look at times even in a section without members. */
    memcpy(st->any, st->tmove, rw * sizeof *st->any);
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        uint64_t *rel = &st->rel[(size_t) i * rw], touched = 0;
        if (!st->has_allc && !(st->c_rules[cc->child / 64] >> (cc->child % 64) & 1u)) {
            memset(rel, 0, rw * sizeof *rel); /* no rule can change for this child */
            continue;
        }
        memcpy(rel, st->tmove, rw * sizeof *rel);
        for (int side_i = 0; side_i < 2; side_i++) {
            const dp_grant *g, *og;
            uint8_t n, on;
            change_side(cc, side_i, &g, &n, &og, &on);
            for (uint8_t k = 0; k < n; k++) {
                if (dp_grant_in(g[k], og, on))
                    continue;
                dp_id a = act_of(st, &g[k]);
                const uint64_t *am = &st->rm_act[(size_t) a * rw];
                int comes_or_goes = -1; /* asked only for rules that look at holdings */
                for (uint32_t w = 0; w < rw; w++) {
                    if (comes_or_goes < 0 && (am[w] & st->m_held[w]))
                        comes_or_goes = grants_of_act(st, g, n, a) != grants_of_act(st, og, on, a);
                    rel[w] |= am[w] & (comes_or_goes > 0 ? ~(uint64_t) 0 : ~st->m_held[w]);
                }
            }
        }
        for (uint32_t w = 0; w < rw; w++)
            touched |= rel[w] & ~st->m_allc[w];
        if (touched && !(st->c_rules[cc->child / 64] >> (cc->child % 64) & 1u)) {
            for (uint32_t w = 0; w < rw; w++) /* no rule of its own: rel[w] & m_allc */
                rel[w] &= st->m_allc[w];
            touched = 0;
        }
        if (!touched) { /* the child's row need not be read */
            for (uint32_t w = 0; w < rw; w++)
                st->any[w] |= rel[w];
            continue;
        }
        const uint64_t *cm = rm_child(st, cc->child);
        for (uint32_t w = 0; w < rw; w++) {
            rel[w] &= cm[w] | st->m_allc[w];
            st->any[w] |= rel[w];
        }
    }
}

/* Whether rule ri may change for child i of the classified move. */
static bool rel_has(const rstate *st, uint32_t i, uint32_t ri)
{
    return bit(&st->rel[(size_t) i * st->rw], ri);
}

/* The sessions of section sec in side sd, into st->ps; returns how many. */
static uint32_t grant_profile(rstate *st, const side *sd, dp_id sec)
{
    const dp_model *m = st->m;
    const dp_section *s = &m->sections[sec];

    for (uint32_t j = 0; j < s->n_sessions; j++) {
        uint32_t k = s->session0 + j;
        const dp_slot *sl = &m->slots[slot_of(sd, k)];
        uint16_t min = (uint16_t) m->sessions[k].minutes;
        st->ps[j] = (sess_t){(uint16_t) sl->start_min, (uint16_t) (sl->start_min + min), min,
                             (uint8_t) sl->day};
    }
    return s->n_sessions;
}

static void add_units(const dp_rule *r, int64_t du, dp_delta *out)
{
    if (r->hard) {
        out->hard += du;
        out->score -= HARD_STEER * du;
    } else {
        out->score -= r->weight * du;
    }
}

/* d[0..n) += s[0..n). */
static void vadd(int32_t *d, const int32_t *s, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        d[k] += s[k];
}

/* Section sec's contributions to the aggregates of every rule of m_inc,
 * with its sessions as in side sd, into out[0..aw). They do not depend on
 * the child (a rule that does not select the child is not in its index). */
static void sec_contrib_ps(rstate *st, const side *sd, dp_id sec, int32_t *out, uint64_t *wmask)
{
    uint32_t rw = st->rw, ns = 0;
    dp_id act = st->sec_act[sec];
    bool read = sd == NULL; /* NULL: st->ps holds the sessions already */

    if (read)
        ns = st->m->sections[sec].n_sessions;
    memset(out, 0, st->aw * sizeof *out);
    for (uint32_t w = 0; w < rw; w++) {
        for (uint64_t bits = st->m_inc[w]; bits; bits &= bits - 1) {
            uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
            if (!read && bit(st->m_sess, ri)) {
                ns = grant_profile(st, sd, sec);
                read = true;
            }
            agg_add(&st->rs->rules[ri], sec, act, st->ps, ns, 1, &out[st->ckey[ri]]);
        }
    }
    memset(wmask, 0, st->ww * sizeof *wmask);
    for (uint32_t q = 0; q < st->aw; q++)
        if (out[q])
            set_bit(wmask, q);
}

/* Section sec's contributions in side sd: from the table of its times
 * (cc0, made once: sections whose sessions have at most SEC_TIMES
 * combinations of times), else computed. */
#define SEC_TIMES 64

static void sec_contrib(rstate *st, const side *sd, dp_id sec, int32_t *out, uint64_t *wmask)
{
    const dp_model *m = st->m;
    const dp_section *s = &m->sections[sec];
    uint32_t idx = 0;

    if (st->cc0[sec] == UINT32_MAX) {
        sec_contrib_ps(st, sd, sec, out, wmask);
        return;
    }
    for (uint32_t j = s->n_sessions; j-- > 0;) { /* session 0 is the lowest digit */
        const dp_session *k = &m->sessions[s->session0 + j];
        idx = idx * k->n_slots + (slot_of(sd, s->session0 + j) - k->slot0);
    }
    memcpy(out, &st->cct[(size_t) (st->cc0[sec] + idx) * st->aw], st->aw * sizeof *out);
    memcpy(wmask, &st->ccm[(size_t) (st->cc0[sec] + idx) * st->ww], st->ww * sizeof *wmask);
}

/* The table of sec_contrib: for every section with at most SEC_TIMES
 * combinations of its sessions' times, its contributions at each. */
static dp_status sec_table(rstate *st)
{
    const dp_model *m = st->m;
    uint32_t total = 0;

    st->cc0 = calloc((size_t) m->n_sections + 1, sizeof *st->cc0);
    if (!st->cc0)
        return DP_ENOMEM;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        const dp_section *s = &m->sections[sec];
        uint32_t combos = 1;
        for (uint32_t j = 0; j < s->n_sessions && combos <= SEC_TIMES; j++)
            combos *= m->sessions[s->session0 + j].n_slots;
        st->cc0[sec] = combos <= SEC_TIMES ? total : UINT32_MAX;
        total += combos <= SEC_TIMES ? combos : 0;
    }
    st->cct = calloc((size_t) total * st->aw + 1, sizeof *st->cct);
    st->ccm = calloc((size_t) total * st->ww + 1, sizeof *st->ccm);
    if (!st->cct || !st->ccm)
        return DP_ENOMEM;
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        const dp_section *s = &m->sections[sec];
        uint32_t combos = 1;
        if (st->cc0[sec] == UINT32_MAX)
            continue;
        for (uint32_t j = 0; j < s->n_sessions; j++)
            combos *= m->sessions[s->session0 + j].n_slots;
        for (uint32_t idx = 0; idx < combos; idx++) {
            for (uint32_t j = 0, r = idx; j < s->n_sessions; j++) {
                uint32_t k = s->session0 + j, n = m->sessions[k].n_slots;
                const dp_slot *sl = &m->slots[m->sessions[k].slot0 + r % n];
                uint16_t min = (uint16_t) m->sessions[k].minutes;
                st->ps[j] = (sess_t){(uint16_t) sl->start_min, (uint16_t) (sl->start_min + min),
                                     min, (uint8_t) sl->day};
                r /= n;
            }
            sec_contrib_ps(st, NULL, sec, &st->cct[(size_t) (st->cc0[sec] + idx) * st->aw],
                           &st->ccm[(size_t) (st->cc0[sec] + idx) * st->ww]);
        }
    }
    return DP_OK;
}

/* The contributions of every section at the view's times, and every
 * child's aggregates from them (full() before the first move). */
static void fill_rows(rstate *st, const dp_state_view *v)
{
    const dp_model *m = st->m;
    side sd = {v, NULL, 0};
    uint32_t aw = st->aw;

    for (dp_id sec = 0; sec < m->n_sections; sec++)
        sec_contrib(st, &sd, sec, &st->sc[(size_t) sec * aw], &st->swm[(size_t) sec * st->ww]);
    for (dp_id c = 0; c < m->n_children; c++) {
        int32_t *row = cvals(st, c);
        memset(row, 0, aw * sizeof *row);
        for (uint8_t k = 0; k < v->child_n_grants[c]; k++)
            vadd(row, &st->sc[(size_t) v->child_grants[c][k].section * aw], aw);
    }
}

/* The move's session changes: tmove (classify_times) and the sections
 * they move with their contributions after the move (mc). */
static void moves_prepare(rstate *st, const dp_state_view *v, const dp_move *mv)
{
    const dp_model *m = st->m;
    side after = {v, mv, 1};
    uint32_t aw = st->aw;

    st->n_mc = 0;
    if (!mv->n_sessions) {
        for (uint32_t w = 0; w < st->rw; w++)
            st->tmove[w] = 0;
        return;
    }
    classify_times(st, mv);
    if (++st->mstamp == 0) {
        memset(st->msec_stamp, 0, (m->n_sections + 1) * sizeof *st->msec_stamp);
        st->mstamp = 1;
    }
    if (mv->n_sessions > st->cap_mc) {
        uint32_t cap = mv->n_sessions > 2 * st->cap_mc ? mv->n_sessions : 2 * st->cap_mc;
        int32_t *mc = realloc(st->mc, ((size_t) cap * aw + 1) * sizeof *mc);
        if (mc)
            st->mc = mc;
        dp_id *msec = realloc(st->msec, ((size_t) cap + 1) * sizeof *msec);
        if (msec)
            st->msec = msec;
        uint64_t *mwm = realloc(st->mwm, ((size_t) cap * st->ww + 1) * sizeof *mwm);
        if (mwm)
            st->mwm = mwm;
        if (!mc || !msec || !mwm) {
            st->oom = true;
            return;
        }
        st->cap_mc = cap;
    }
    for (uint32_t i = 0; i < mv->n_sessions; i++) {
        dp_id sec = m->sessions[mv->sessions[i].session].section;
        if (st->msec_stamp[sec] == st->mstamp)
            continue;
        st->msec_stamp[sec] = st->mstamp;
        st->msec_idx[sec] = st->n_mc;
        st->msec[st->n_mc] = sec;
        sec_contrib(st, &after, sec, &st->mc[(size_t) st->n_mc * aw],
                    &st->mwm[(size_t) st->n_mc * st->ww]);
        st->n_mc++;
    }
}

/* The clamped units of one aggregate value (see aword). */
static inline int64_t wclamp(const aword *w, int32_t x)
{
    int64_t u = (int64_t) x - w->lo;

    u = u > 0 ? u : 0;
    return u < w->cap ? u : w->cap;
}

/* The change of clamped units from x0 to x: none while both stay at or
 * below lo, the usual case (a maximum not reached), found without the
 * clamps. */
static inline int64_t wdelta(const aword *w, int32_t x0, int32_t x)
{
    if (x <= w->lo && x0 <= w->lo)
        return 0;
    return wclamp(w, x) - wclamp(w, x0);
}

/* Aggregate value q of a child goes from x0 to x in the move: recorded for
 * apply() in up, and its units' change added to hard and score. */
static inline __attribute__((always_inline)) void value_change(const rstate *st, uint32_t q,
                                                               int32_t x0, int32_t x,
                                                               upd *restrict up, uint32_t *n_upd,
                                                               int64_t *hard, int64_t *score)
{
    up[(*n_upd)++] = (upd){q, x};
    const aword *wd = &st->wd[q];
    int64_t du = wdelta(wd, x0, x);
    if (du) {
        *hard += wd->hard * du;
        *score -= wd->pts * du;
    }
}

/* A grant g of child change cc that goes (after 0) or comes (after 1), in
 * children_move_w: it adds its section's contributions (as they were when
 * it goes, as they are after the move when it comes) to st->cl/cs (*nl of
 * them) and the values they touch to st->wm, becomes a mix event (*n_mev),
 * and adds to rel the rules of other kinds its activity can change. */
static inline __attribute__((always_inline)) void
grant_change(rstate *st, const dp_child_change *cc, dp_grant g, const int after, const bool agg,
             const uint32_t rw, const uint32_t ww, uint64_t *restrict rel, uint32_t *nl,
             uint32_t *n_mev)
{
    const dp_id sec = g.section;

    if (agg) {
        const int32_t *cv = &st->sc[(size_t) sec * st->aw];
        const uint64_t *cz = &st->swm[(size_t) sec * ww];
        if (after && st->n_mc && st->msec_stamp[sec] == st->mstamp) {
            cv = &st->mc[(size_t) st->msec_idx[sec] * st->aw];
            cz = &st->mwm[(size_t) st->msec_idx[sec] * ww];
        }
        st->cl[*nl] = cv;
        st->cs[(*nl)++] = after ? 1 : -1;
        for (uint32_t u = 0; u < ww; u++)
            st->wm[u] |= cz[u];
    }
    if (st->has_mix)
        st->mev[(*n_mev)++] = (mev){sec, cc->child, after ? 1u : UINT32_MAX};
    const dp_id a = st->sec_act[sec];
    const uint64_t *am = &st->rm_oth[(size_t) a * rw];
    if (!st->has_reserve) { /* m_heldx is empty: the usual case, without the test */
        for (uint32_t w = 0; w < rw; w++)
            rel[w] |= am[w];
        return;
    }
    int comes_or_goes = -1; /* asked only for rules that look at holdings */
    for (uint32_t w = 0; w < rw; w++) {
        if (comes_or_goes < 0 && (am[w] & st->m_heldx[w]))
            comes_or_goes = grants_of_act(st, cc->after, cc->n_after, a) !=
                            grants_of_act(st, cc->before, cc->n_before, a);
        rel[w] |= am[w] & (comes_or_goes > 0 ? ~(uint64_t) 0 : ~st->m_heldx[w]);
    }
}

/* The grants of child change cc that go and come (grant_change), in one
 * walk over its lists. The solver's after-list keeps the order of the
 * before-list (a grant whose section changes stays in its place, one that
 * goes is left out, new ones follow at the end), so a grant is kept as it
 * was exactly when it meets its equal at the walk's place. In another order
 * a kept grant may be taken as going and coming again: its contributions
 * and mix events cancel, so that costs time, never a wrong value. A kept
 * grant whose section's sessions move takes out its contributions as they
 * were and adds them as they are after the move (the timed rules of other
 * kinds are in tmove). */
static inline __attribute__((always_inline)) void
grant_walk(rstate *st, const dp_child_change *cc, const bool agg, const uint32_t rw,
           const uint32_t ww, uint64_t *restrict rel, uint32_t *nl, uint32_t *n_mev)
{
    uint8_t j = 0;

    for (uint8_t i = 0; i < cc->n_before; i++) {
        const dp_grant b = cc->before[i];
        if (j < cc->n_after && cc->after[j].choice == b.choice) {
            const dp_grant a = cc->after[j++];
            if (a.section == b.section) { /* kept */
                if (agg && st->n_mc && st->msec_stamp[a.section] == st->mstamp) {
                    const dp_id sec = a.section, t = st->msec_idx[sec];
                    st->cl[*nl] = &st->sc[(size_t) sec * st->aw];
                    st->cs[(*nl)++] = -1;
                    st->cl[*nl] = &st->mc[(size_t) t * st->aw];
                    st->cs[(*nl)++] = 1;
                    for (uint32_t u = 0; u < ww; u++)
                        st->wm[u] |= st->swm[(size_t) sec * ww + u] | st->mwm[(size_t) t * ww + u];
                }
                continue;
            }
            grant_change(st, cc, a, 1, agg, rw, ww, rel, nl, n_mev);
        }
        grant_change(st, cc, b, 0, agg, rw, ww, rel, nl, n_mev);
    }
    for (; j < cc->n_after; j++)
        grant_change(st, cc, cc->after[j], 1, agg, rw, ww, rel, nl, n_mev);
}

/* The move's children, each in one pass over the grants it changes: the
 * change of their child-scope rules goes to out, the values of child i's
 * row that change to st->upd[st->upd0[i] ..] (apply() stores them),
 * st->rel[i] gets the rules of other scopes it can change (rule_delta reads
 * them; st->any their union), and each grant that comes or goes becomes a
 * mix event.
 *   - Aggregates: a grant that goes, or whose section's sessions move,
 *     takes out its section's contributions as they were; one that comes,
 *     or moves, adds them as they are after the move. Only the values
 *     those contributions touch are computed (swm), of the rules the
 *     child's index holds (cvm), and the units of those that change.
 *   - theme_once and custom child rules, and the rules of other scopes:
 *     as classify() decides (a grant kept as it was changes nothing; rules
 *     of other scopes that look only at the activities held change only
 *     when an activity comes or goes; moved sessions: tmove), evaluated
 *     over the child's grants after the move. theme_once is evaluated
 *     whenever a grant of its activities changes (cheap, by theme bits).
 * full() evaluates every rule from scratch with child_units_g, which is
 * what --verify-every and tests/unit/test_plugins.c compare with. */
static inline __attribute__((always_inline)) void
children_move_w(rstate *st, const dp_state_view *v, const dp_move *mv, dp_delta *out,
                const uint32_t rw, const uint32_t ww)
{
    const uint32_t nch = mv->n_children;
    const int32_t **restrict cl = st->cl;
    int32_t *restrict cs = st->cs;
    uint64_t *restrict wm = st->wm;
    uint64_t *restrict any = st->any;
    uint32_t *restrict upd0 = st->upd0;
    upd *restrict up = st->upd;
    uint32_t n_mev = 0, n_upd = 0;
    int64_t hard = 0, score = 0;

    for (uint32_t i = 0; i < nch; i++) {
        const dp_child_change *cc = &mv->children[i];
        const dp_id c = cc->child;
        uint64_t *restrict rel = &st->rel[(size_t) i * rw];
        const uint8_t fl = st->cflag[c];
        const bool own = fl & C_OWN, agg = fl & C_AGG;
        uint32_t nl = 0;

        upd0[i] = n_upd;
        st->upts[i] = 0;
        if (!own && !agg && !st->has_allc) { /* no rule can change for this child */
            for (uint32_t w = 0; w < rw; w++)
                rel[w] = 0;
            continue;
        }
        const int64_t score0 = score;
        for (uint32_t w = 0; w < rw; w++)
            rel[w] = st->tmove[w];
        for (uint32_t u = 0; u < ww; u++)
            wm[u] = 0;
        grant_walk(st, cc, agg, rw, ww, rel, &nl, &n_mev);
        const uint64_t *cm = rm_child(st, c);
        const int32_t *now = cvals(st, c);
        const uint64_t *restrict vm = &st->cvm[(size_t) c * ww];
        for (uint32_t u = 0; nl == 1 && u < ww; u++) { /* one grant: each value changes */
            const int32_t *c0 = cl[0], s0 = cs[0];
            for (uint64_t bits = wm[u] & vm[u]; bits; bits &= bits - 1) {
                uint32_t q = u * 64 + (uint32_t) __builtin_ctzll(bits);
                int32_t x0 = now[q];
                value_change(st, q, x0, x0 + s0 * c0[q], up, &n_upd, &hard, &score);
            }
        }
        for (uint32_t u = 0; nl > 1 && u < ww; u++)
            for (uint64_t bits = wm[u] & vm[u]; bits; bits &= bits - 1) {
                uint32_t q = u * 64 + (uint32_t) __builtin_ctzll(bits);
                int32_t x0 = now[q], x = x0;
                for (uint32_t e = 0; e < nl; e++)
                    x += cs[e] * cl[e][q];
                if (x != x0)
                    value_change(st, q, x0, x, up, &n_upd, &hard, &score);
            }
        int64_t pts = score0 - score; /* the aggregates' points: minus their score */
        for (uint32_t w = 0; w < rw; w++) {
            rel[w] &= (own ? cm[w] : 0) | st->m_allc[w];
            uint64_t others = rel[w] & st->m_child[w] & ~st->m_inc[w];
            any[w] |= rel[w] & ~st->m_child[w];
            for (; others; others &= others - 1) {
                uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(others), k = st->ckey[ri];
                const dp_rule *r = &st->rs->rules[ri];
                int64_t ua = 0;
                if (st->tbit[ri]) { /* theme_once: the grants whose theme came before */
                    const uint64_t *tb = st->tbit[ri];
                    uint64_t seen = 0;
                    for (uint8_t k2 = 0; k2 < cc->n_after; k2++) {
                        uint64_t b = tb[st->sec_act[cc->after[k2].section]];
                        ua += (seen & b) != 0;
                        seen |= b;
                    }
                } else {
                    side after = {v, mv, 1};
                    ua = child_units_g(st, r, &after, c, cc->after, cc->n_after);
                }
                if (ua == now[k])
                    continue;
                up[n_upd++] = (upd){k, (int32_t) ua};
                add_units(r, ua - now[k], out);
                pts += st->qpts[k] * (ua - now[k]);
            }
        }
        st->upts[i] = pts;
    }
    upd0[nch] = n_upd;
    st->n_upd = n_upd;
    st->n_mev = n_mev;
    out->hard += hard;
    out->score += score;
}

/* Makes room in st->upd and st->mev for what children_move may record for
 * a move of nch children: each child's values that change (at most its
 * row) and a mix event per grant that comes or goes (at most its grants
 * before and after, each at most one per choice of the child: max_grants).
 * Bounded by the number of children, so that delta() need not count the
 * move's grants. */
static bool room_for_move(rstate *st, uint32_t nch)
{
    uint32_t nu = nch * st->cwords, ne = nch * 2 * st->max_grants;

    if (nu > st->cap_upd) {
        upd *u = realloc(st->upd, ((size_t) nu + 1) * sizeof *u);
        if (!u)
            goto nomem;
        st->upd = u;
        st->cap_upd = nu;
    }
    if (ne > st->cap_mev) {
        mev *e = realloc(st->mev, ((size_t) ne + 1) * sizeof *e);
        if (!e)
            goto nomem;
        st->mev = e;
        st->cap_mev = ne;
    }
    st->cap_move = nch;
    return true;
nomem:
    st->oom = true;
    return false;
}

/* Stores the values child_move computed for the move's children, and the
 * children's points for gain(): the change child_move found with them
 * (upts: an aggregate's clamped units times its signed points, aword, else
 * units times the rule's points). */
static void child_commit(rstate *st, const dp_move *mv)
{
    for (uint32_t i = 0; i < mv->n_children; i++) {
        dp_id c = mv->children[i].child;
        int32_t *row = cvals(st, c);
        for (uint32_t p = st->upd0[i]; p < st->upd0[i + 1]; p++)
            row[st->upd[p].q] = st->upd[p].x;
        st->cpen[c] += st->upts[i];
        st->pen_child += st->upts[i];
    }
}

/* Reserve: change of the number of children outside the selection holding a
 * place of the activity. */
static int64_t reserve_change(const rstate *st, const dp_rule *r, const dp_move *mv)
{
    int64_t d = 0;

    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        if (dp__rule_selects(r, cc->child))
            continue;
        d += holds(st, cc->after, cc->n_after, r->activity) -
             holds(st, cc->before, cc->n_before, r->activity);
    }
    return d;
}

/* Mix: the largest number of children of one category that section sec
 * with n children may hold without a penalty (docs/rules.md, rule.mix):
 * max(floor(n x max_share), the least the section's pool allows). */
static int64_t mix_allowed(const rstate *st, uint32_t ri, dp_id sec, uint32_t n)
{
    const uint32_t *t0 = st->mixtop0[ri];

    if (t0[sec] + n >= t0[sec + 1])
        return n; /* more children than the pool holds: no penalty */
    return st->mixtop[ri][t0[sec] + n];
}

static int64_t section_units(rstate *st, const dp_rule *r, const side *sd, dp_id sec)
{
    const dp_model *m = st->m;
    uint32_t n = members_of(st, sd, sec), top = 0;

    if (r->kind == DP_RULE_CUSTOM) {
        st->view =
            (lua_view){st, *sd, true, sec, NULL, 0, st->members, n, false, {0}, {0}, {0}, {0}};
        return call_custom(st, r);
    }
    if (n < 2)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        const dp_child *c = &m->children[st->members[i]];
        dp_id cat = r->mix_by == DP_MIX_PRIORITY ? c->priority : c->neighbourhood;
        if (cat == DP_NONE)
            continue;
        if (++st->hist[cat] > top)
            top = st->hist[cat];
    }
    for (uint32_t i = 0; i < n; i++) {
        const dp_child *c = &m->children[st->members[i]];
        dp_id cat = r->mix_by == DP_MIX_PRIORITY ? c->priority : c->neighbourhood;
        if (cat != DP_NONE)
            st->hist[cat] = 0;
    }
    return excess(top, mix_allowed(st, (uint32_t) (r - st->rs->rules), sec, n));
}

static uint32_t mix_ncat(const dp_model *m, const dp_rule *r)
{
    return r->mix_by == DP_MIX_PRIORITY ? 4 : m->neighbourhoods.n;
}

/* Mix: the counter rows' stride: nc + 2 words, at least MIX_ROW, so that
 * the usual short row (at most six categories) is copied as a constant
 * number of bytes (mix_delta, mix_commit). */
#define MIX_ROW 8

static uint32_t mix_stride(uint32_t nc)
{
    return nc + 2 > MIX_ROW ? nc + 2 : MIX_ROW;
}

static dp_id mix_cat(const dp_model *m, const dp_rule *r, dp_id c)
{
    return r->mix_by == DP_MIX_PRIORITY ? m->children[c].priority : m->children[c].neighbourhood;
}

/* Mix: the units of section sec with the counters row (children, then
 * children per category). */
static int64_t mix_row_units(const rstate *st, uint32_t ri, dp_id sec, const uint32_t *row)
{
    uint32_t top = 0, nc = mix_ncat(st->m, &st->rs->rules[ri]);

    if (row[0] < 2)
        return 0;
    for (uint32_t k = 0; k < nc; k++)
        top = row[1 + k] > top ? row[1 + k] : top;
    return excess(top, mix_allowed(st, ri, sec, row[0]));
}

/* Mix: fills the rule's counters from the schedule of side sd. */
static void mix_fill(rstate *st, uint32_t ri, const side *sd)
{
    const dp_model *m = st->m;
    const dp_rule *r = &st->rs->rules[ri];
    uint32_t nc = mix_ncat(m, r);

    memset(st->mixcnt[ri], 0, ((size_t) m->n_sections * mix_stride(nc) + 1) * sizeof **st->mixcnt);
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        uint32_t n = members_of(st, sd, sec), *row = &st->mixcnt[ri][(size_t) sec * mix_stride(nc)];
        row[0] = n;
        for (uint32_t i = 0; i < n; i++) {
            dp_id cat = mix_cat(m, r, st->members[i]);
            if (cat != DP_NONE)
                row[1 + cat]++;
        }
        row[nc + 1] = (uint32_t) mix_row_units(st, ri, sec, row);
    }
}

/* ------------------------------------------------------------------------ */
/* Whole-schedule evaluation                                                   */

static int64_t rule_full_side(rstate *st, uint32_t ri, const side *sdp)
{
    const dp_rule *r = &st->rs->rules[ri];
    const dp_model *m = st->m;
    side sd = *sdp;
    int64_t units = 0;

    switch (r->scope) {
    case DP_SCOPE_CHILD:
        for (dp_id c = 0; c < m->n_children; c++) {
            if (!dp__rule_selects(r, c))
                continue;
            int64_t u = child_units(st, r, &sd, c);
            if (!st->cached && !bit(st->m_inc, ri)) /* the units of theme_once, custom */
                cvals(st, c)[st->ckey[ri]] = (int32_t) u;
            units += u;
        }
        return units;
    case DP_SCOPE_FAMILY:
        for (dp_id f = 0; f < m->families.n; f++) {
            int64_t u = family_units(st, r, &sd, f);
            if (st->cache[ri] && !st->cached)
                st->cache[ri][f] = u;
            units += u;
        }
        return units;
    case DP_SCOPE_SET:
        units = set_units(st, r, &sd);
        if (!st->cached)
            st->setu[ri] = units;
        return units;
    case DP_SCOPE_ACTIVITY: {
        int64_t outside = 0;
        for (dp_id c = 0; c < m->n_children; c++) {
            const dp_grant *g;
            uint8_t n;
            if (dp__rule_selects(r, c))
                continue;
            grants_of(st, &sd, c, &g, &n);
            outside += holds(st, g, n, r->activity);
        }
        if (!st->cached)
            st->outside[ri] = outside;
        return reserve_units(r, outside);
    }
    case DP_SCOPE_SECTION:
        if (st->mixcnt[ri] && !st->cached)
            mix_fill(st, ri, &sd);
        for (dp_id sec = 0; sec < m->n_sections; sec++) {
            if (!dp__rule_act(r, st->sec_act[sec]))
                continue;
            int64_t u = section_units(st, r, &sd, sec);
            if (st->cache[ri] && !st->cached)
                st->cache[ri][sec] = u;
            units += u;
        }
        return units;
    }
    return 0;
}

static int64_t rule_full(rstate *st, uint32_t ri, const dp_state_view *v)
{
    side sd = {v, NULL, 0};

    return rule_full_side(st, ri, &sd);
}

static void remember(rstate *st, uint32_t ri, dp_id id, int64_t units)
{
    if (st->n_pend == st->cap_pend) {
        uint32_t cap = st->cap_pend ? 2 * st->cap_pend : 64;
        pend *p = realloc(st->pend, cap * sizeof *p);
        if (!p) {
            st->oom = true;
            return;
        }
        st->pend = p;
        st->cap_pend = cap;
    }
    st->pend[st->n_pend++] = (pend){ri, id, units};
}

/* Mix events of a move that child_move did not see (explain()): every
 * grant that comes or goes. */
static void mix_scan(rstate *st, const dp_move *mv)
{
    st->n_mev = 0;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const dp_child_change *cc = &mv->children[i];
        for (int side_i = 0; side_i < 2; side_i++) {
            const dp_grant *g, *og;
            uint8_t n, on;
            change_side(cc, side_i, &g, &n, &og, &on);
            for (uint8_t k = 0; k < n; k++) {
                if (dp_grant_in(g[k], og, on))
                    continue;
                if (st->n_mev == st->cap_mev) {
                    uint32_t cap = st->cap_mev ? 2 * st->cap_mev : 64;
                    mev *e = realloc(st->mev, (size_t) cap * sizeof *e);
                    if (!e) {
                        st->oom = true;
                        return;
                    }
                    st->mev = e;
                    st->cap_mev = cap;
                }
                st->mev[st->n_mev++] = (mev){g[k].section, cc->child, side_i ? 1u : UINT32_MAX};
            }
        }
    }
}

/* Mix: the change of units by the move, from its events (grants that come
 * or go, child_move): the touched sections' counter rows are copied to
 * st->mx[ri] (a few: found by a linear search) and adjusted, then compared
 * with the rows kept; each copy keeps its units after the move, and
 * apply() stores the copies. */
static int64_t mix_delta(rstate *st, uint32_t ri)
{
    const dp_model *m = st->m;
    const dp_rule *r = &st->rs->rules[ri];
    mixrows *mx = &st->mx[ri];
    const uint32_t nc = mix_ncat(m, r), rl = nc + 2, rs = mix_stride(nc), w = rs + 1;
    const uint32_t n_mev = st->n_mev;
    const uint32_t *const cnt = st->mixcnt[ri], *const t0 = st->mixtop0[ri];
    const uint32_t *const tops = st->mixtop[ri];
    const mev *const ev = st->mev;
    const dp_id *const sec_act = st->sec_act, *const mcat = st->mixcat[ri];
    uint32_t nt = 0, *rows = mx->rows;
    int64_t du = 0;

    if (mx->cap < n_mev) { /* at most a row per event */
        rows = realloc(mx->rows, ((size_t) n_mev * w + 1) * sizeof *rows);
        if (!rows) {
            st->oom = true;
            mx->n = 0;
            return 0;
        }
        mx->rows = rows;
        mx->cap = n_mev;
    }
    for (uint32_t e = 0; e < n_mev; e++) {
        const dp_id sec = ev[e].sec;
        if (!dp__rule_act(r, sec_act[sec]))
            continue;
        uint32_t t = 0;
        while (t < nt && rows[(size_t) t * w] != sec)
            t++;
        uint32_t *row = &rows[(size_t) t * w];
        if (t == nt) {
            row[0] = sec;
            if (rs == MIX_ROW) /* a constant size: copied without a call */
                memcpy(row + 1, &cnt[(size_t) sec * rs], MIX_ROW * sizeof *rows);
            else
                memcpy(row + 1, &cnt[(size_t) sec * rs], rs * sizeof *rows);
            nt++;
        }
        const dp_id cat = mcat[ev[e].child];
        row[1] += ev[e].step;
        if (cat != DP_NONE)
            row[2 + cat] += ev[e].step;
    }
    for (uint32_t t = 0; t < nt; t++) { /* units after: as mix_row_units */
        uint32_t *row = &rows[(size_t) t * w];
        const dp_id sec = row[0];
        const uint32_t n = row[1];
        int64_t ua = 0;
        if (n >= 2) {
            uint32_t top = 0;
            for (uint32_t k = 0; k < nc; k++)
                top = row[2 + k] > top ? row[2 + k] : top;
            int64_t allowed = t0[sec] + n >= t0[sec + 1] ? n : tops[t0[sec] + n];
            ua = excess(top, allowed);
        }
        du += ua - (int64_t) row[rl]; /* after - before */
        row[rl] = (uint32_t) ua;
    }
    mx->n = nt;
    return du;
}

/* Mix: stores the rows mix_delta made for the move. */
static void mix_commit(rstate *st, uint32_t ri)
{
    const mixrows *mx = &st->mx[ri];
    const uint32_t nc = mix_ncat(st->m, &st->rs->rules[ri]), rs = mix_stride(nc), w = rs + 1;
    uint32_t *const cnt = st->mixcnt[ri];

    for (uint32_t t = 0; t < mx->n; t++) {
        const uint32_t *row = &mx->rows[(size_t) t * w];
        const dp_id sec = row[0];
        if (st->gpts[ri]) { /* the units after the move, against those kept (gain()) */
            int64_t dp = st->gpts[ri] * ((int64_t) row[nc + 2] - cnt[(size_t) sec * rs + nc + 1]);
            st->spen[sec] += dp;
            st->pen_sec += dp;
        }
        if (rs == MIX_ROW) /* a constant size: copied without a call */
            memcpy(&cnt[(size_t) row[0] * rs], row + 1, MIX_ROW * sizeof *row);
        else
            memcpy(&cnt[(size_t) row[0] * rs], row + 1, rs * sizeof *row);
    }
}

/* Change of rule ri's units by the move. With record, the new values of
 * family and section scopes are remembered for apply(). Child-scope rules
 * are evaluated here only for explain() (the moves go through child_move). */
static int64_t rule_delta(rstate *st, uint32_t ri, const dp_state_view *v, const dp_move *mv,
                          bool record)
{
    const dp_rule *r = &st->rs->rules[ri];
    const dp_model *m = st->m;
    side before = {v, mv, 0}, after = {v, mv, 1};
    int64_t du = 0;
    uint32_t stamp;

    switch (r->scope) {
    case DP_SCOPE_CHILD:
        for (uint32_t i = 0; i < mv->n_children; i++) {
            dp_id c = mv->children[i].child;
            if (!rel_has(st, i, ri))
                continue;
            du += child_units(st, r, &after, c) - cache_get(st, ri, c);
        }
        return du;
    case DP_SCOPE_FAMILY:
        stamp = next_scope_stamp(st);
        for (uint32_t i = 0; i < mv->n_children; i++) {
            dp_id f = m->children[mv->children[i].child].family;
            if (!rel_has(st, i, ri) || f == DP_NONE || st->fam_stamp[f] == stamp)
                continue;
            st->fam_stamp[f] = stamp;
            int64_t ua = st->fpair[ri] ? family_pairs_units(st, ri, &after, f)
                                       : family_units(st, r, &after, f);
            if (st->cache[ri]) {
                du += ua - st->cache[ri][f];
                if (record && ua != st->cache[ri][f])
                    remember(st, ri, f, ua);
            } else {
                du += ua - (st->fpair[ri] ? family_pairs_units(st, ri, &before, f)
                                          : family_units(st, r, &before, f));
            }
        }
        return du;
    case DP_SCOPE_SET:
        for (uint32_t i = 0; i < mv->n_children; i++)
            if (rel_has(st, i, ri)) {
                int64_t ua = set_units(st, r, &after);
                if (record && ua != st->setu[ri]) /* the units now, for gain() */
                    remember(st, ri, 0, ua);
                return ua - set_units(st, r, &before);
            }
        return 0;
    case DP_SCOPE_ACTIVITY:
        return reserve_units(r, st->outside[ri] + reserve_change(st, r, mv)) -
               reserve_units(r, st->outside[ri]);
    case DP_SCOPE_SECTION:
        if (st->mixcnt[ri]) {
            mix_scan(st, mv);
            return mix_delta(st, ri);
        }
        stamp = next_scope_stamp(st);
        for (uint32_t i = 0; i < mv->n_children; i++) {
            const dp_child_change *cc = &mv->children[i];
            if (!rel_has(st, i, ri) || grants_same(cc)) /* membership unchanged; times: below */
                continue;
            for (int side_i = 0; side_i < 2; side_i++) {
                const dp_grant *g, *og;
                uint8_t n, on;
                change_side(cc, side_i, &g, &n, &og, &on);
                for (uint8_t k = 0; k < n; k++) {
                    dp_id sec = g[k].section;
                    if (st->sec_stamp[sec] == stamp || !dp__rule_act(r, st->sec_act[sec]) ||
                        dp_grant_in(g[k], og, on))
                        continue; /* done, not selected, or kept (members unchanged) */
                    st->sec_stamp[sec] = stamp;
                    int64_t ua = section_units(st, r, &after, sec);
                    if (st->cache[ri]) {
                        du += ua - st->cache[ri][sec];
                        if (record && ua != st->cache[ri][sec])
                            remember(st, ri, sec, ua);
                    } else {
                        du += ua - section_units(st, r, &before, sec);
                    }
                }
            }
        }
        /* A custom section rule may look at session times. */
        for (uint32_t i = 0; st->cache[ri] && bit(st->tmove, ri) && i < mv->n_sessions; i++) {
            dp_id sec = m->sessions[mv->sessions[i].session].section;
            if (st->sec_stamp[sec] == stamp || !dp__rule_act(r, st->sec_act[sec]))
                continue;
            st->sec_stamp[sec] = stamp;
            int64_t ua = section_units(st, r, &after, sec);
            du += ua - st->cache[ri][sec];
            if (record)
                remember(st, ri, sec, ua);
        }
        return du;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The plugin                                                                 */

static void state_free(void *state)
{
    rstate *st = state;

    if (!st)
        return;
    if (st->rs && st->rs->sb && st->ctx_ref != LUA_NOREF)
        luaL_unref(dp__sandbox_lua(st->rs->sb), LUA_REGISTRYINDEX, st->ctx_ref);
    for (uint32_t i = 0; st->cache && i < st->rs->n; i++)
        free(st->cache[i]);
    for (uint32_t i = 0; st->mixcnt && i < st->rs->n; i++) {
        free(st->mixcnt[i]);
        free(st->mixtop[i]);
        free(st->mixtop0[i]);
    }
    free(st->mixcnt);
    free(st->mixtop);
    free(st->mixtop0);
    for (uint32_t i = 0; st->mx && i < st->rs->n; i++)
        free(st->mx[i].rows);
    free(st->mx);
    for (uint32_t i = 0; st->mixcat && i < st->rs->n; i++)
        free(st->mixcat[i]);
    free(st->mixcat);
    free(st->cache);
    free(st->cflag);
    free(st->sc);
    free(st->msec_stamp);
    free(st->msec_idx);
    free(st->msec);
    free(st->mc);
    free(st->wd);
    free(st->m_mix);
    free(st->crow);
    free(st->m_inc);
    free(st->m_sess);
    free(st->swm);
    free(st->wm);
    free(st->cl);
    free(st->cs);
    free(st->upd);
    free(st->upd0);
    free(st->upts);
    free(st->mev);
    free(st->mwm);
    free(st->cc0);
    free(st->cct);
    free(st->ccm);
    free(st->ps);
    free(st->ckey);
    free(st->rm_act);
    free(st->m_child);
    free(st->m_held);
    free(st->m_heldx);
    free(st->rm_oth);
    free(st->cvm);
    for (uint32_t i = 0; st->tbit && i < st->rs->n; i++)
        free(st->tbit[i]);
    free(st->tbit);
    free(st->m_start);
    free(st->m_day);
    free(st->m_allc);
    free(st->c_rules);
    free(st->tdays);
    free(st->rel);
    free(st->any);
    free(st->tmove);
    free(st->child_stamp);
    free(st->sec_act);
    free(st->child_idx);
    free(st->fam_stamp);
    free(st->sec_stamp);
    free(st->set_stamp);
    free(st->outside);
    for (uint32_t i = 0; st->fpair && i < st->rs->n; i++) {
        free(st->fpair[i]);
        free(st->fpair0[i]);
    }
    free(st->fpair);
    free(st->fpair0);
    free(st->pend);
    free(st->members);
    free(st->hist);
    free(st->gpts);
    free(st->qpts);
    free(st->cpen);
    free(st->fpen);
    free(st->spen);
    free(st->setu);
    free(st->gother);
    free(st->m_custom);
    free(st);
}

/* Mix pools. Whether child c could attend section sec: its school group is
 * eligible for the activity and each of the section's sessions has a time
 * (one of its candidates) inside one of the child's available windows, with
 * the walk from and back to the home location, clear of the group's school
 * hours: the test of plugins/availability, for every candidate time. */
static bool could_attend(const dp_model *m, dp_id c, dp_id sec)
{
    const dp_section *s = &m->sections[sec];
    const dp_activity *a = &m->activities[s->activity];
    const dp_child *ch = &m->children[c];
    int to = dp_model_travel(m, m->centre.home, s->location);
    int back = dp_model_travel(m, s->location, m->centre.home);

    if (ch->group < a->min_group || ch->group > a->max_group || to < 0 || back < 0 ||
        s->n_sessions == 0)
        return false;
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        bool fits = false;
        for (uint32_t o = 0; o < m->sessions[k].n_slots && !fits; o++) {
            int day, start, end;
            dp_session_span(m, k, m->sessions[k].slot0 + o, &day, &start, &end);
            const dp_school_day *sd = &m->school[ch->group][day];
            if (sd->end_min > sd->start_min && start - to < sd->end_min &&
                end + back > sd->start_min)
                continue;
            for (uint32_t w = ch->window0; w < ch->window0 + ch->n_windows && !fits; w++) {
                const dp_window *win = &m->windows[w];
                fits = win->day == day && win->from_min <= start - to && end + back <= win->to_min;
            }
        }
        if (!fits)
            return false;
    }
    return true;
}

/* Mix rule ri: for every section of its activities and every size n up to
 * its pool, the largest category allowed: max(floor(n x max_share), t) with
 * t the least largest category a section of n children drawn from its pool
 * can have (the children who chose the activity and could attend it,
 * could_attend): the least t with none + sum over categories of min(k, t) >= n,
 * where none counts the pool's children without a category and k those of
 * each category. docs/rules.md has a worked example. */
static dp_status mix_pool(rstate *st, uint32_t ri)
{
    const dp_model *m = st->m;
    const dp_rule *r = &st->rs->rules[ri];
    uint32_t nc = mix_ncat(m, r), total = 0;
    uint32_t *kc = calloc((size_t) m->n_sections * (nc + 1) + 1, sizeof *kc);
    uint32_t *t0 = calloc((size_t) m->n_sections + 2, sizeof *t0);
    uint32_t *pool = calloc((size_t) m->n_sections + 1, sizeof *pool);

    st->mixtop0[ri] = t0;
    if (!kc || !t0 || !pool)
        goto nomem;
    for (dp_id q = 0; q < m->n_choices; q++) { /* pool sizes first, for the offsets */
        const dp_choice *ch = &m->choices[q];
        if (!dp__rule_act(r, ch->activity))
            continue;
        const dp_activity *a = &m->activities[ch->activity];
        for (dp_id sec = a->section0; sec < a->section0 + a->n_sections; sec++)
            pool[sec] += could_attend(m, ch->child, sec);
    }
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        t0[sec] = total;
        total += pool[sec] + 1; /* sizes 0 .. pool */
    }
    t0[m->n_sections] = total;
    st->mixtop[ri] = calloc((size_t) total + 1, sizeof **st->mixtop);
    if (!st->mixtop[ri])
        goto nomem;
    for (dp_id q = 0; q < m->n_choices; q++) { /* the pools' categories */
        const dp_choice *ch = &m->choices[q];
        const dp_activity *a = &m->activities[ch->activity];
        if (!dp__rule_act(r, ch->activity))
            continue;
        for (dp_id sec = a->section0; sec < a->section0 + a->n_sections; sec++) {
            if (!could_attend(m, ch->child, sec))
                continue;
            dp_id cat = mix_cat(m, r, ch->child);
            kc[(size_t) sec * (nc + 1) + (cat == DP_NONE ? nc : cat)]++;
        }
    }
    for (dp_id sec = 0; sec < m->n_sections; sec++) {
        const uint32_t *k = &kc[(size_t) sec * (nc + 1)];
        uint32_t none = k[nc];
        if (!pool[sec])
            continue;
        for (uint32_t n = 0, t = 0; n <= pool[sec]; n++) {
            for (;;) { /* the least t that seats n children (it grows with n) */
                uint32_t seats = none;
                for (uint32_t c = 0; c < nc; c++)
                    seats += k[c] < t ? k[c] : t;
                if (seats >= n)
                    break;
                t++;
            }
            uint32_t share = (uint32_t) ((int64_t) n * r->share_pm / 1000);
            st->mixtop[ri][t0[sec] + n] = share > t ? share : t;
        }
    }
    free(kc);
    free(pool);
    return DP_OK;
nomem:
    free(kc);
    free(pool);
    return DP_ENOMEM;
}

/* Siblings: whether child c has a sibling that rule r selects too and that
 * chose one of the rule's activities c chose (only such pairs can be
 * counted: a child holds only activities it chose, see child_can_change). */
static bool sibling_shares(const dp_model *m, const dp_rules *rs, const dp_rule *r, dp_id c,
                           dp_id f)
{
    const dp_child *ch = &m->children[c];

    for (uint32_t i = rs->fam0[f]; i < rs->fam0[f + 1]; i++) {
        dp_id b = rs->fam_child[i];
        if (b == c || !dp__rule_selects(r, b))
            continue;
        for (uint32_t q = ch->choice0; q < ch->choice0 + ch->n_choices; q++) {
            dp_id a = m->choices[q].activity;
            if (!dp__rule_act(r, a))
                continue;
            for (uint32_t p = m->children[b].choice0;
                 p < m->children[b].choice0 + m->children[b].n_choices; p++)
                if (m->choices[p].activity == a)
                    return true;
        }
    }
    return false;
}

/* Siblings: whether children a and b both chose one of rule r's
 * activities. */
static bool pair_shares(const dp_model *m, const dp_rule *r, dp_id a, dp_id b)
{
    const dp_child *ca = &m->children[a], *cb = &m->children[b];

    for (uint32_t q = ca->choice0; q < ca->choice0 + ca->n_choices; q++) {
        dp_id act = m->choices[q].activity;
        if (!dp__rule_act(r, act))
            continue;
        for (uint32_t p = cb->choice0; p < cb->choice0 + cb->n_choices; p++)
            if (m->choices[p].activity == act)
                return true;
    }
    return false;
}

/* Siblings rule ri: per family the pairs family_pairs_units counts. */
static dp_status sibling_pairs(rstate *st, uint32_t ri)
{
    const dp_model *m = st->m;
    const dp_rules *rs = st->rs;
    const dp_rule *r = &rs->rules[ri];
    uint32_t n = 0;

    st->fpair0[ri] = calloc((size_t) m->families.n + 2, sizeof **st->fpair0);
    if (!st->fpair0[ri])
        return DP_ENOMEM;
    for (int fill = 0; fill < 2; fill++) { /* count, then fill */
        n = 0;
        for (dp_id f = 0; f < m->families.n; f++) {
            st->fpair0[ri][f] = n;
            for (uint32_t i = rs->fam0[f]; i < rs->fam0[f + 1]; i++)
                for (uint32_t j = i + 1; j < rs->fam0[f + 1]; j++) {
                    dp_id a = rs->fam_child[i], b = rs->fam_child[j];
                    if (!dp__rule_selects(r, a) || !dp__rule_selects(r, b) ||
                        !pair_shares(m, r, a, b))
                        continue;
                    if (fill) {
                        st->fpair[ri][2 * n] = a;
                        st->fpair[ri][2 * n + 1] = b;
                    }
                    n++;
                }
        }
        st->fpair0[ri][m->families.n] = n;
        if (!fill) {
            st->fpair[ri] = calloc(2 * (size_t) n + 1, sizeof **st->fpair);
            if (!st->fpair[ri])
                return DP_ENOMEM;
        }
    }
    return DP_OK;
}

/* max_activities, max_minutes: the most section sec can add to a child's
 * count of rule r, per day (day[]) and per week: a session counts on every
 * day one of its candidate times falls on (an upper bound). */
static void section_bound(const dp_model *m, const dp_rule *r, dp_id sec, int32_t day[DP_N_DAYS],
                          int32_t *week)
{
    const dp_section *s = &m->sections[sec];
    unsigned any = 0;

    memset(day, 0, DP_N_DAYS * sizeof *day);
    *week = 0;
    for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++) {
        unsigned days = 0;
        for (uint32_t o = 0; o < m->sessions[k].n_slots; o++)
            days |= 1u << m->slots[m->sessions[k].slot0 + o].day;
        days &= r->day_mask;
        any |= days;
        for (int d = 0; d < DP_N_DAYS; d++)
            if (days >> d & 1u)
                day[d] = r->kind == DP_RULE_MAX_MINUTES ? day[d] + m->sessions[k].minutes : 1;
        if (days && r->kind == DP_RULE_MAX_MINUTES)
            *week += m->sessions[k].minutes;
    }
    if (r->kind == DP_RULE_MAX_ACTIVITIES)
        *week = any != 0;
}

/* Whether child-scope rule r's units for child c can change at all, from
 * c's choices: a child holds only activities it chose, each choice at most
 * once, in a section of that activity (the strict eligibility constraint
 * keeps every schedule the search visits so; tests/unit/test_plugins.c
 * exercises the rules plugin under that condition). A rule whose units
 * cannot change for c is left out of c's index: no move evaluates it. */
static bool child_can_change(const dp_model *m, const dp_rule *r, dp_id c)
{
    const dp_child *ch = &m->children[c];
    int32_t week = 0, day[DP_N_DAYS] = {0};
    bool chosen = false;

    for (uint32_t q = ch->choice0; q < ch->choice0 + ch->n_choices; q++) {
        const dp_activity *a = &m->activities[m->choices[q].activity];
        if (!dp__rule_act(r, m->choices[q].activity))
            continue;
        chosen = true;
        if (r->kind == DP_RULE_THEME_ONCE) /* two chosen activities of one theme */
            for (uint32_t p = ch->choice0; p < q; p++)
                if (dp__rule_act(r, m->choices[p].activity) &&
                    m->activities[m->choices[p].activity].theme == a->theme)
                    return true;
        if (r->kind != DP_RULE_MAX_ACTIVITIES && r->kind != DP_RULE_MAX_MINUTES)
            continue;
        int32_t aw = 0, ad[DP_N_DAYS] = {0}; /* the most one section of a adds */
        for (dp_id sec = a->section0; sec < a->section0 + a->n_sections; sec++) {
            int32_t sw, sd[DP_N_DAYS];
            section_bound(m, r, sec, sd, &sw);
            aw = sw > aw ? sw : aw;
            for (int d = 0; d < DP_N_DAYS; d++)
                ad[d] = sd[d] > ad[d] ? sd[d] : ad[d];
        }
        week += aw;
        for (int d = 0; d < DP_N_DAYS; d++)
            day[d] += ad[d];
    }
    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        if (!r->per_day)
            return week > r->max;
        for (int d = 0; d < DP_N_DAYS; d++)
            if (day[d] > r->max)
                return true;
        return false;
    case DP_RULE_THEME_ONCE:
        return false;          /* no two chosen activities share a theme */
    case DP_RULE_AT_LEAST_ONE: /* without a chosen one: always broken, never changes */
    case DP_RULE_ONLY_FOR:
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
        return chosen;
    default:
        return true; /* pin, forbid, custom */
    }
}

/* not_before, not_after: whether a session of activity a can break rule r
 * at one of its candidate times (a session only ever takes one of those).
 * The grants of an activity that cannot never change the rule's units, so
 * the index leaves them out. */
static bool time_can_break(const dp_model *m, const dp_rule *r, dp_id a)
{
    const dp_activity *act = &m->activities[a];

    for (dp_id sec = act->section0; sec < act->section0 + act->n_sections; sec++) {
        const dp_section *s = &m->sections[sec];
        for (uint32_t k = s->session0; k < s->session0 + s->n_sessions; k++)
            for (uint32_t o = 0; o < m->sessions[k].n_slots; o++) {
                int day, start, end;
                dp_session_span(m, k, m->sessions[k].slot0 + o, &day, &start, &end);
                if ((r->day_mask >> day & 1u) &&
                    (r->kind == DP_RULE_NOT_BEFORE ? start < r->time_min : end > r->time_min))
                    return true;
            }
    }
    return false;
}

/* Makes the index of the rules that classify() reads: per child and per
 * activity the rules they can affect, and the kinds of rules. */
static dp_status index_rules(rstate *st)
{
    const dp_rules *rs = st->rs;
    const dp_model *m = st->m;
    uint32_t rw = (rs->n + 63) / 64;

    st->rw = rw;
    uint32_t max_sess = 1;
    for (dp_id sec = 0; sec < m->n_sections; sec++)
        max_sess = m->sections[sec].n_sessions > max_sess ? m->sections[sec].n_sessions : max_sess;
    st->cstride = rw + (st->cwords + 1) / 2;
    while (st->cstride < 8 && (st->cstride & (st->cstride - 1))) /* rows within a cache line */
        st->cstride++;
    size_t crow_bytes = ((size_t) m->n_children * st->cstride + 1) * sizeof *st->crow;
    crow_bytes = (crow_bytes + 63) / 64 * 64;
    st->crow = aligned_alloc(64, crow_bytes);
    if (st->crow)
        memset(st->crow, 0, crow_bytes);
    st->m_inc = calloc(rw, sizeof *st->m_inc);
    st->m_sess = calloc(rw, sizeof *st->m_sess);
    st->ww = (st->aw + 63) / 64;
    st->swm = calloc((size_t) m->n_sections * st->ww + 1, sizeof *st->swm);
    st->wm = calloc(st->ww + 1, sizeof *st->wm);
    st->cl = calloc(512, sizeof *st->cl);
    st->cs = calloc(512, sizeof *st->cs);
    st->upd0 = calloc((size_t) m->n_children + 2, sizeof *st->upd0);
    st->upts = calloc((size_t) m->n_children + 1, sizeof *st->upts);
    st->ps = calloc(max_sess, sizeof *st->ps);
    st->cflag = calloc((size_t) m->n_children + 1, 1);
    st->sc = calloc((size_t) m->n_sections * st->aw + 1, sizeof *st->sc);
    st->wd = calloc((size_t) st->aw + 1, sizeof *st->wd);
    st->msec_stamp = calloc((size_t) m->n_sections + 1, sizeof *st->msec_stamp);
    st->msec_idx = calloc((size_t) m->n_sections + 1, sizeof *st->msec_idx);
    st->m_mix = calloc(rw + 1, sizeof *st->m_mix);
    if (!st->m_inc || !st->m_sess || !st->swm || !st->wm || !st->cl || !st->cs || !st->upd0 ||
        !st->upts || !st->ps || !st->cflag || !st->sc || !st->wd || !st->msec_stamp ||
        !st->msec_idx || !st->m_mix)
        return DP_ENOMEM;
    for (uint32_t ri = 0; ri < rs->n; ri++) { /* what each aggregate value is */
        const dp_rule *r = &rs->rules[ri];
        if (r->scope != DP_SCOPE_CHILD || !agg_width(r))
            continue;
        bool excess = r->kind == DP_RULE_MAX_ACTIVITIES || r->kind == DP_RULE_MAX_MINUTES;
        bool none = r->kind == DP_RULE_AT_LEAST_ONE || r->kind == DP_RULE_PIN;
        bool one = none || r->kind == DP_RULE_FORBID;
        int64_t sign = none ? -1 : 1;
        for (uint32_t j = 0; j < agg_width(r); j++)
            st->wd[st->ckey[ri] + j] =
                (aword){excess ? r->max : 0, one ? 1 : INT32_MAX, r->hard ? sign : 0,
                        sign * (r->hard ? HARD_STEER : r->weight)};
    }
    st->rm_act = calloc((size_t) m->n_activities * rw + 1, sizeof *st->rm_act);
    st->rel = calloc((size_t) m->n_children * rw + 1, sizeof *st->rel);
    st->m_child = calloc(rw, sizeof *st->m_child);
    st->m_held = calloc(rw, sizeof *st->m_held);
    st->m_heldx = calloc(rw, sizeof *st->m_heldx);
    st->cvm = calloc((size_t) m->n_children * st->ww + 1, sizeof *st->cvm);
    st->tbit = calloc((size_t) rs->n + 1, sizeof *st->tbit);
    st->m_start = calloc(rw, sizeof *st->m_start);
    st->m_day = calloc(rw, sizeof *st->m_day);
    st->m_allc = calloc(rw, sizeof *st->m_allc);
    st->c_rules = calloc((size_t) m->n_children / 64 + 1, sizeof *st->c_rules);
    st->any = calloc(rw, sizeof *st->any);
    st->tmove = calloc(rw, sizeof *st->tmove);
    st->tdays = calloc(rs->n, 1);
    if (!st->crow || !st->rm_act || !st->rel || !st->m_child || !st->m_held || !st->m_heldx ||
        !st->cvm || !st->tbit || !st->m_start || !st->m_day || !st->m_allc || !st->c_rules ||
        !st->any || !st->tmove || !st->tdays)
        return DP_ENOMEM;
    for (uint32_t ri = 0; ri < rs->n; ri++) {
        const dp_rule *r = &rs->rules[ri];
        int timed = rule_timed(r);
        if (r->scope == DP_SCOPE_CHILD)
            set_bit(st->m_child, ri);
        if (r->scope == DP_SCOPE_CHILD && agg_width(r))
            set_bit(st->m_inc, ri);
        if (r->scope == DP_SCOPE_CHILD && agg_width(r) && agg_sessions(r))
            set_bit(st->m_sess, ri);
        if (st->mixcnt[ri]) {
            set_bit(st->m_mix, ri);
            st->has_mix = true;
        }
        st->has_reserve = st->has_reserve || r->scope == DP_SCOPE_ACTIVITY;
        if (r->kind == DP_RULE_THEME_ONCE || r->kind == DP_RULE_AT_LEAST_ONE ||
            r->kind == DP_RULE_ONLY_FOR || r->kind == DP_RULE_RESERVE)
            set_bit(st->m_held, ri);
        if (r->kind == DP_RULE_RESERVE)
            set_bit(st->m_heldx, ri);
        if (r->kind == DP_RULE_THEME_ONCE && r->scope == DP_SCOPE_CHILD && m->themes.n <= 64) {
            st->tbit[ri] = calloc((size_t) m->n_activities + 1, sizeof **st->tbit);
            if (!st->tbit[ri])
                return DP_ENOMEM;
            for (dp_id a = 0; a < m->n_activities; a++)
                if (dp__rule_act(r, a))
                    st->tbit[ri][a] = (uint64_t) 1 << m->activities[a].theme;
        }
        if (timed)
            set_bit(timed == 2 ? st->m_start : st->m_day, ri);
        st->tdays[ri] =
            r->kind == DP_RULE_CUSTOM || r->kind == DP_RULE_SIBLINGS ? 0x7f : r->day_mask;
        /* The activities whose grants it looks at. */
        for (dp_id a = 0; a < m->n_activities; a++) {
            bool looks;
            switch (r->kind) {
            case DP_RULE_RESERVE:
                looks = a == r->activity;
                break;
            case DP_RULE_PIN:
            case DP_RULE_FORBID:
                looks = a == m->sections[r->section].activity;
                break;
            case DP_RULE_CUSTOM:
                looks = r->custom_section ? dp__rule_act(r, a) : true; /* ctx shows all */
                break;
            case DP_RULE_NOT_BEFORE:
            case DP_RULE_NOT_AFTER:
                looks = dp__rule_act(r, a) && time_can_break(m, r, a);
                break;
            default:
                looks = dp__rule_act(r, a);
            }
            if (looks)
                set_bit(&st->rm_act[(size_t) a * rw], ri);
        }
        /* The children whose grants it looks at. */
        bool all_children = true;
        for (dp_id c = 0; c < m->n_children; c++) {
            bool looks;
            dp_id f = m->children[c].family;
            switch (r->scope) {
            case DP_SCOPE_CHILD:
                looks = dp__rule_selects(r, c) && child_can_change(m, r, c);
                break;
            case DP_SCOPE_FAMILY:
                looks = f != DP_NONE && dp__rule_selects(r, c) && sibling_shares(m, rs, r, c, f);
                break;
            case DP_SCOPE_SET:
                looks = r->id_sel[c] != 0;
                break;
            case DP_SCOPE_ACTIVITY:
                looks = !dp__rule_selects(r, c); /* children outside hold the places */
                break;
            default:
                looks = true; /* section members */
            }
            if (looks)
                set_bit(rm_child(st, c), ri);
            all_children = all_children && looks;
        }
        if (all_children && m->n_children) {
            set_bit(st->m_allc, ri);
            st->has_allc = true;
        }
    }
    st->rm_oth = calloc((size_t) m->n_activities * rw + 1, sizeof *st->rm_oth);
    if (!st->rm_oth)
        return DP_ENOMEM;
    for (size_t k = 0; k < (size_t) m->n_activities * rw; k++)
        st->rm_oth[k] = st->rm_act[k] & ~st->m_inc[k % rw];
    for (dp_id c = 0; c < m->n_children; c++) {
        const uint64_t *cm = rm_child(st, c);
        for (uint32_t w = 0; w < rw; w++) {
            if (cm[w] & ~st->m_allc[w]) {
                set_bit(st->c_rules, c);
                st->cflag[c] |= C_OWN;
            }
            if (cm[w] & st->m_inc[w])
                st->cflag[c] |= C_AGG;
            for (uint64_t bits = cm[w] & st->m_inc[w]; bits; bits &= bits - 1) {
                uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
                for (uint32_t j = 0; j < agg_width(&rs->rules[ri]); j++)
                    set_bit(&st->cvm[(size_t) c * st->ww], st->ckey[ri] + j);
            }
        }
    }
    return sec_table(st);
}

static dp_status state_new(const dp_model *m, rstate **out, dp_error *err)
{
    dp_rules *rs = m->rules;
    rstate *st = calloc(1, sizeof *st);
    size_t nh = m->neighbourhoods.n > 4 ? m->neighbourhoods.n : 4;

    *out = NULL;
    if (!st)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the rules");
    st->rs = rs;
    st->m = m;
    st->ctx_ref = LUA_NOREF;
    st->sec_act = calloc((size_t) m->n_sections + 1, sizeof *st->sec_act);
    for (dp_id c = 0; c < m->n_children; c++)
        if (m->children[c].n_choices > st->max_grants)
            st->max_grants = m->children[c].n_choices < 255 ? m->children[c].n_choices : 255;
    for (dp_id sec = 0; st->sec_act && sec < m->n_sections; sec++)
        st->sec_act[sec] = m->sections[sec].activity;
    st->child_stamp = calloc((size_t) m->n_children + 1, sizeof *st->child_stamp);
    st->child_idx = calloc((size_t) m->n_children + 1, sizeof *st->child_idx);
    st->fam_stamp = calloc((size_t) m->families.n + 1, sizeof *st->fam_stamp);
    st->sec_stamp = calloc((size_t) m->n_sections + 1, sizeof *st->sec_stamp);
    st->set_stamp = calloc((size_t) rs->n + 1, sizeof *st->set_stamp);
    st->outside = calloc((size_t) rs->n + 1, sizeof *st->outside);
    st->fpair = calloc((size_t) rs->n + 1, sizeof *st->fpair);
    st->fpair0 = calloc((size_t) rs->n + 1, sizeof *st->fpair0);
    st->cache = calloc((size_t) rs->n + 1, sizeof *st->cache);
    st->ckey = calloc((size_t) rs->n + 1, sizeof *st->ckey);
    st->mixcnt = calloc((size_t) rs->n + 1, sizeof *st->mixcnt);
    st->mixtop = calloc((size_t) rs->n + 1, sizeof *st->mixtop);
    st->mixtop0 = calloc((size_t) rs->n + 1, sizeof *st->mixtop0);
    st->mx = calloc((size_t) rs->n + 1, sizeof *st->mx);
    st->mixcat = calloc((size_t) rs->n + 1, sizeof *st->mixcat);
    st->members = calloc((size_t) m->n_choices + 1, sizeof *st->members);
    st->hist = calloc(nh, sizeof *st->hist);
    st->gpts = calloc((size_t) rs->n + 1, sizeof *st->gpts);
    st->cpen = calloc((size_t) m->n_children + 1, sizeof *st->cpen);
    st->fpen = calloc((size_t) m->families.n + 1, sizeof *st->fpen);
    st->spen = calloc((size_t) m->n_sections + 1, sizeof *st->spen);
    st->setu = calloc((size_t) rs->n + 1, sizeof *st->setu);
    st->gother = calloc((size_t) rs->n + 1, sizeof *st->gother);
    st->m_custom = calloc((size_t) rs->n / 64 + 1, sizeof *st->m_custom);
    if (!st->sec_act || !st->child_stamp || !st->child_idx || !st->fam_stamp || !st->sec_stamp ||
        !st->set_stamp || !st->outside || !st->cache || !st->members || !st->hist || !st->mixcnt ||
        !st->ckey || !st->mixtop || !st->mixtop0 || !st->mx || !st->mixcat || !st->fpair ||
        !st->fpair0 || !st->gpts || !st->cpen || !st->fpen || !st->spen || !st->setu ||
        !st->gother || !st->m_custom)
        goto nomem;
    st->gain_zero = true;
    for (uint32_t i = 0; i < rs->n; i++) { /* gain(): what each rule can give back */
        const dp_rule *r = &rs->rules[i];
        st->gpts[i] = r->hard ? HARD_STEER : r->weight;
        st->gain_zero = st->gain_zero && st->gpts[i] == 0 && r->kind != DP_RULE_CUSTOM;
        if (r->kind == DP_RULE_CUSTOM) {
            set_bit(st->m_custom, i);
            st->custom_sec = st->custom_sec || r->scope == DP_SCOPE_SECTION;
        }
        if (st->gpts[i] && (r->scope == DP_SCOPE_SET || r->scope == DP_SCOPE_ACTIVITY))
            st->gother[st->n_gother++] = i;
        st->gain_reserve = st->gain_reserve || (st->gpts[i] && r->scope == DP_SCOPE_ACTIVITY);
    }
    for (uint32_t i = 0; i < rs->n; i++) {
        const dp_rule *r = &rs->rules[i];
        size_t n = r->scope == DP_SCOPE_CHILD     ? m->n_children
                   : r->scope == DP_SCOPE_FAMILY  ? m->families.n
                   : r->scope == DP_SCOPE_SECTION ? m->n_sections
                                                  : 0;
        st->ckey[i] = UINT32_MAX;
        st->n_custom += r->kind == DP_RULE_CUSTOM;
        if (r->scope == DP_SCOPE_CHILD) {
            if (agg_width(r)) { /* the aggregates first (see cwords) */
                st->ckey[i] = st->cwords;
                st->cwords += agg_width(r);
            }
        } else if (r->scope == DP_SCOPE_FAMILY || r->kind == DP_RULE_CUSTOM) {
            st->cache[i] = calloc(n + 1, sizeof **st->cache);
            if (!st->cache[i])
                goto nomem;
            if (r->kind == DP_RULE_SIBLINGS && sibling_pairs(st, i) != DP_OK)
                goto nomem;
        } else if (r->kind == DP_RULE_MIX) {
            st->mixcnt[i] = calloc((size_t) m->n_sections * mix_stride(mix_ncat(m, r)) + 1,
                                   sizeof **st->mixcnt);
            st->mixcat[i] = calloc((size_t) m->n_children + 1, sizeof **st->mixcat);
            if (!st->mixcnt[i] || !st->mixcat[i] || mix_pool(st, i) != DP_OK)
                goto nomem;
            for (dp_id c = 0; c < m->n_children; c++)
                st->mixcat[i][c] = mix_cat(m, r, c);
        }
    }
    st->aw = st->cwords;
    for (uint32_t i = 0; i < rs->n; i++)
        if (rs->rules[i].scope == DP_SCOPE_CHILD && !agg_width(&rs->rules[i]))
            st->ckey[i] = st->cwords++; /* then the units of the others */
    st->qpts = calloc((size_t) st->cwords + 1, sizeof *st->qpts);
    if (!st->qpts)
        goto nomem;
    for (uint32_t i = 0; i < rs->n; i++)
        if (rs->rules[i].scope == DP_SCOPE_CHILD && !agg_width(&rs->rules[i]))
            st->qpts[st->ckey[i]] = st->gpts[i];
    if (index_rules(st) != DP_OK)
        goto nomem;
    if (rs->sb) {
        lua_State *L = dp__sandbox_lua(rs->sb);
        lua_pushcfunction(L, make_ctx);
        lua_pushlightuserdata(L, st);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_pop(L, 1);
            goto nomem;
        }
    }
    *out = st;
    return DP_OK;
nomem:
    state_free(st);
    return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the rules");
}

static dp_status init(void **state, const dp_state_view *v, dp_error *err)
{
    rstate *st = NULL;
    dp_status rc;

    *state = NULL;
    if (!v->m->rules || v->m->rules->n == 0)
        return DP_OK;
    /* dp_solve forgot an earlier failure and set the date before any search
     * started (dp__rules_solve_begin): a failure in a first phase or in an
     * earlier search of the same solve stays. The date is set here too for
     * engines built without dp_solve (tests); then it is already right. */
    if (v->m->rules->sb) /* math.random: from the solve's seed (follow_seed) */
        dp__sandbox_reseed(v->m->rules->sb, v->seed);
    if (v->m->week_monday && v->m->rules->ref_days != v->m->week_monday)
        dp_rules_set_date(v->m, v->m->week_monday); /* the planned week's Monday */
    rc = state_new(v->m, &st, err);
    if (st)
        st->seed = v->seed;
    *state = st;
    return rc;
}

/* delta() for rule masks of rw words and aggregate masks of ww (see
 * children_move). */
static inline __attribute__((always_inline)) void delta_w(rstate *st, const dp_state_view *v,
                                                          const dp_move *mv, dp_delta *out,
                                                          const uint32_t rw, const uint32_t ww)
{
    if (v->seed != st->seed)
        follow_seed(st, v);
    if (mv->serial && st->pend_ok && st->pend_serial == mv->serial) {
        *out = st->pend_out; /* asked again for the same move (the engine's commit) */
        return;
    }
    st->n_pend = 0;
    st->pend_serial = mv->serial;
    st->pend_ok = mv->serial != 0; /* serial 0: a move built by hand, nothing to keep */
    if (mv->n_sessions) {
        moves_prepare(st, v, mv);
    } else {
        st->n_mc = 0;
        for (uint32_t w = 0; w < rw; w++)
            st->tmove[w] = 0;
    }
    /* Child-scope rules child by child (children_move, which also
     * classifies the move for the others), then the others rule by rule;
     * only the rules the move can change. A section rule may look at times
     * even in a section without members: any starts with tmove. */
    for (uint32_t w = 0; w < rw; w++)
        st->any[w] = st->tmove[w];
    if (mv->n_children > st->cap_move && !room_for_move(st, mv->n_children)) {
        out->hard = FAILED_HARD;
        st->pend_ok = false;
        return;
    }
    children_move_w(st, v, mv, out, rw, ww);
    bool marked = false; /* the stamps that grants_of reads: not for mix */
    for (uint32_t w = 0; w < rw; w++) {
        for (uint64_t bits = st->any[w] & st->m_mix[w]; bits; bits &= bits - 1) {
            uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
            int64_t du = mix_delta(st, ri);
            if (du)
                add_units(&st->rs->rules[ri], du, out);
        }
        for (uint64_t bits = st->any[w] & ~st->m_child[w] & ~st->m_mix[w]; bits; bits &= bits - 1) {
            uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
            if (!marked) {
                mark_move(st, mv);
                marked = true;
            }
            int64_t du = rule_delta(st, ri, v, mv, true);
            if (du)
                add_units(&st->rs->rules[ri], du, out);
        }
    }
    if (st->rs->failed || st->oom) {
        out->hard = FAILED_HARD;
        st->pend_ok = false;
    }
    st->pend_out = *out;
}

/* The usual case of at most 64 rules and 64 aggregate values (one word per
 * mask: the compiler drops the loops over words), or any other. */
static void delta(void *state, const dp_state_view *v, const dp_move *mv, dp_delta *out)
{
    rstate *st = state;

    out->hard = 0;
    out->score = 0;
    if (!st)
        return;
    if (st->rw == 1 && st->ww == 1)
        delta_w(st, v, mv, out, 1, 1);
    else
        delta_w(st, v, mv, out, st->rw, st->ww);
}

/* Stores one value delta() remembered (family, custom section, apart), and
 * the scope's points for gain(). */
static void pend_commit(rstate *st, const pend *p)
{
    const dp_rule_scope scope = st->rs->rules[p->rule].scope;
    int64_t *now = scope == DP_SCOPE_SET ? &st->setu[p->rule] : &st->cache[p->rule][p->id];
    int64_t dp = st->gpts[p->rule] * (p->units - *now);

    *now = p->units;
    if (scope == DP_SCOPE_FAMILY) {
        st->fpen[p->id] += dp;
        st->pen_fam += dp;
    } else if (scope == DP_SCOPE_SECTION) {
        st->spen[p->id] += dp;
        st->pen_sec += dp;
    } else {
        st->pen_set += dp;
    }
}

/* Stores what delta() computed for the move: the children's rows, the
 * family and custom values, the mix counter rows and the moved sections'
 * contributions. When the last delta() was not this move's (another move
 * evaluated in between, explain(), a move built by hand), delta() runs
 * again first. */
static void apply(void *state, const dp_state_view *v, const dp_move *mv)
{
    rstate *st = state;
    uint32_t rw, aw;

    if (!st)
        return;
    follow_seed(st, v);
    for (uint32_t i = 0; st->has_reserve && i < st->rs->n; i++) {
        if (st->rs->rules[i].scope == DP_SCOPE_ACTIVITY)
            st->outside[i] += reserve_change(st, &st->rs->rules[i], mv);
    }
    if (!st->pend_ok || st->pend_serial != mv->serial) {
        dp_delta d;
        delta(st, v, mv, &d);
    }
    if (st->oom)
        return; /* the solve has failed (every move reports FAILED_HARD) */
    rw = st->rw;
    aw = st->aw;
    child_commit(st, mv);
    for (uint32_t i = 0; i < st->n_pend; i++)
        pend_commit(st, &st->pend[i]);
    for (uint32_t w = 0; w < rw; w++) /* any: the move's classification */
        for (uint64_t bits = st->any[w] & st->m_mix[w]; bits; bits &= bits - 1)
            mix_commit(st, w * 64 + (uint32_t) __builtin_ctzll(bits));
    for (uint32_t t = 0; t < st->n_mc; t++) {
        memcpy(&st->sc[(size_t) st->msec[t] * aw], &st->mc[(size_t) t * aw], aw * sizeof *st->sc);
        memcpy(&st->swm[(size_t) st->msec[t] * st->ww], &st->mwm[(size_t) t * st->ww],
               st->ww * sizeof *st->swm);
    }
    st->n_pend = 0;
    st->pend_ok = false;
}

/* gain()'s points of every scope, from the values the first full() kept. */
static void gain_fill(rstate *st)
{
    const dp_model *m = st->m;
    const dp_rules *rs = st->rs;

    st->pen_child = st->pen_fam = st->pen_sec = st->pen_set = 0;
    for (dp_id c = 0; c < m->n_children; c++) {
        const uint64_t *cm = rm_child(st, c);
        int64_t p = 0;
        for (uint32_t w = 0; w < st->rw; w++) /* the rules of its index (child_commit) */
            for (uint64_t bits = cm[w] & st->m_child[w]; bits; bits &= bits - 1) {
                uint32_t ri = w * 64 + (uint32_t) __builtin_ctzll(bits);
                if (st->gpts[ri])
                    p += st->gpts[ri] * cache_get(st, ri, c);
            }
        st->cpen[c] = p;
        st->pen_child += p;
    }
    memset(st->fpen, 0, (size_t) m->families.n * sizeof *st->fpen);
    memset(st->spen, 0, (size_t) m->n_sections * sizeof *st->spen);
    for (uint32_t ri = 0; ri < rs->n; ri++) {
        const dp_rule *r = &rs->rules[ri];
        const int64_t pts = st->gpts[ri];
        if (r->scope == DP_SCOPE_SET)
            st->pen_set += pts * st->setu[ri];
        if (pts && r->scope == DP_SCOPE_FAMILY) {
            for (dp_id f = 0; f < m->families.n; f++) {
                st->fpen[f] += pts * st->cache[ri][f];
                st->pen_fam += pts * st->cache[ri][f];
            }
        } else if (pts && r->scope == DP_SCOPE_SECTION) {
            const uint32_t nc = mix_ncat(m, r), rstride = mix_stride(nc);
            for (dp_id sec = 0; sec < m->n_sections; sec++) {
                if (!dp__rule_act(r, st->sec_act[sec]))
                    continue; /* never evaluated: units 0 (rule_full_side) */
                int64_t u = st->mixcnt[ri] ? st->mixcnt[ri][(size_t) sec * rstride + nc + 1]
                                           : st->cache[ri][sec];
                st->spen[sec] += pts * u;
                st->pen_sec += pts * u;
            }
        }
    }
}

bool dp__rules_points_ok(void *state)
{
    rstate *st = state;

    if (!st || !st->cached)
        return true;
    const dp_model *m = st->m;
    int64_t kept[4] = {st->pen_child, st->pen_fam, st->pen_sec, st->pen_set};
    size_t nc = (size_t) m->n_children, nf = m->families.n, ns = m->n_sections;
    int64_t *copy = malloc((nc + nf + ns + 1) * sizeof *copy);
    bool ok = copy != NULL;

    if (copy) {
        memcpy(copy, st->cpen, nc * sizeof *copy);
        memcpy(copy + nc, st->fpen, nf * sizeof *copy);
        memcpy(copy + nc + nf, st->spen, ns * sizeof *copy);
    }
    gain_fill(st);
    ok = ok && kept[0] == st->pen_child && kept[1] == st->pen_fam && kept[2] == st->pen_sec &&
         kept[3] == st->pen_set && memcmp(copy, st->cpen, nc * sizeof *copy) == 0 &&
         memcmp(copy + nc, st->fpen, nf * sizeof *copy) == 0 &&
         memcmp(copy + nc + nf, st->spen, ns * sizeof *copy) == 0;
    free(copy);
    return ok;
}

/* gain(): whether delta() could call a custom rule for the move. Skipping
 * that call would change the Lua state's random stream (math.random) and
 * could hide a rule's failure, so such a move is always evaluated. A custom
 * rule of scope child is in the index of every child it can judge, one of
 * scope section in every child's (index_rules); a section rule also looks
 * at session times. */
static bool custom_touched(const rstate *st, const dp_move *mv)
{
    if (st->custom_sec && mv->n_sessions)
        return true;
    for (uint32_t i = 0; i < mv->n_children; i++) {
        const uint64_t *cm = rm_child(st, mv->children[i].child);
        for (uint32_t w = 0; w < st->rw; w++)
            if (cm[w] & st->m_custom[w])
                return true;
    }
    return false;
}

/* An upper bound of delta()'s score for mv (dagplan/plugin.h). The score is
 * minus the points of the rules' units (add_units), and units are never
 * negative, so a move gains at most the points that the scopes it can
 * change hold now:
 *   - child-scope rules: the points of each listed child (cpen: the rules of
 *     its index, the only ones children_move evaluates);
 *   - siblings: the points of each listed child's family;
 *   - mix (and custom section rules): the points of every section a grant
 *     comes to or goes from (a section whose members stay the same keeps
 *     its units; mix ignores times);
 *   - apart: the rule's points when a listed child is in its set;
 *   - reserve: its points when a listed child outside the selection gives
 *     up the activity (only that lowers the children outside, and the units
 *     grow with them).
 * O(the move's children and their grants); 0 at once when no rule has
 * points (watched rules, weight 0) or no scope holds any. A move that may
 * call a custom rule (custom_touched), or after a custom rule failed or
 * memory ran out, gets GAIN_UNKNOWN: evaluate it. */
#define GAIN_UNKNOWN (INT64_MAX / 4)

/* gain(): the points of section sec, once per move (stamp). */
static inline int64_t section_once(rstate *st, dp_id sec, uint32_t stamp)
{
    if (st->sec_stamp[sec] == stamp)
        return 0;
    st->sec_stamp[sec] = stamp;
    return st->spen[sec];
}

/* gain(): the points of the sections child change cc's grants come to or
 * go from, in one walk as grant_walk (a grant kept as it was changes no
 * section's members; in another order than the solver's, a kept grant is
 * taken as going and coming: its section counts, which is only looser). */
static int64_t section_points(rstate *st, const dp_child_change *cc, uint32_t stamp)
{
    int64_t g = 0;
    uint8_t j = 0;

    for (uint8_t i = 0; i < cc->n_before; i++) {
        const dp_grant b = cc->before[i];
        if (j < cc->n_after && cc->after[j].choice == b.choice) {
            const dp_grant a = cc->after[j++];
            if (a.section == b.section)
                continue; /* kept */
            g += section_once(st, a.section, stamp);
        }
        g += section_once(st, b.section, stamp);
    }
    for (; j < cc->n_after; j++)
        g += section_once(st, cc->after[j].section, stamp);
    return g;
}

static int64_t gain(void *state, const dp_state_view *v, const dp_move *mv)
{
    rstate *st = state;
    int64_t g = 0;

    (void) v;
    if (!st)
        return 0;
    if (st->rs->failed || st->oom)
        return GAIN_UNKNOWN;
    if (st->gain_zero)
        return 0;
    if (st->n_custom && custom_touched(st, mv))
        return GAIN_UNKNOWN;
    const uint32_t nch = mv->n_children;
    if (st->pen_child)
        for (uint32_t i = 0; i < nch; i++)
            g += st->cpen[mv->children[i].child];
    if (st->pen_fam || st->pen_sec) {
        uint32_t stamp = next_scope_stamp(st); /* each family and section once */
        for (uint32_t i = 0; i < nch; i++) {
            const dp_child_change *cc = &mv->children[i];
            dp_id f = st->m->children[cc->child].family;
            if (st->pen_fam && f != DP_NONE && st->fam_stamp[f] != stamp) {
                st->fam_stamp[f] = stamp;
                g += st->fpen[f];
            }
            if (st->pen_sec)
                g += section_points(st, cc, stamp);
        }
    }
    for (uint32_t j = 0; (st->pen_set || st->gain_reserve) && j < st->n_gother; j++) {
        const uint32_t ri = st->gother[j];
        const dp_rule *r = &st->rs->rules[ri];
        if (r->scope == DP_SCOPE_SET) {
            if (!st->setu[ri])
                continue;
            for (uint32_t i = 0; i < nch; i++)
                if (r->id_sel[mv->children[i].child]) {
                    g += st->gpts[ri] * st->setu[ri];
                    break;
                }
        } else {
            int64_t u = reserve_units(r, st->outside[ri]);
            if (!u)
                continue;
            for (uint32_t i = 0; i < nch; i++) {
                const dp_child_change *cc = &mv->children[i];
                if (!dp__rule_selects(r, cc->child) &&
                    holds(st, cc->before, cc->n_before, r->activity) &&
                    !holds(st, cc->after, cc->n_after, r->activity)) {
                    g += st->gpts[ri] * u;
                    break;
                }
            }
        }
    }
    return g;
}

static void full(void *state, const dp_state_view *v, dp_delta *out)
{
    rstate *st = state;

    out->hard = 0;
    out->score = 0;
    if (!st)
        return;
    follow_seed(st, v);
    mark_move(st, NULL);
    if (!st->cached)
        fill_rows(st, v);
    for (uint32_t i = 0; i < st->rs->n; i++)
        add_units(&st->rs->rules[i], rule_full(st, i, v), out);
    if (!st->cached)
        gain_fill(st);
    st->cached = true; /* the engine calls full() right after init() */
    if (st->rs->failed || st->oom)
        out->hard = FAILED_HARD;
}

/* A short statement of what the rule asks. */
static void rule_says(const dp_model *m, const dp_rule *r, char *buf, size_t len)
{
    char t[8];

    switch (r->kind) {
    case DP_RULE_MAX_ACTIVITIES:
        snprintf(buf, len, "at most %d activit%s per %s", r->max, r->max == 1 ? "y" : "ies",
                 r->per_day ? "day" : "week");
        break;
    case DP_RULE_MAX_MINUTES:
        snprintf(buf, len, "at most %d minutes per %s", r->max, r->per_day ? "day" : "week");
        break;
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
        dp_time_format(r->time_min, t);
        snprintf(buf, len, "no session %s %s", r->kind == DP_RULE_NOT_BEFORE ? "before" : "after",
                 t);
        break;
    case DP_RULE_RESERVE:
        snprintf(buf, len, "%d places of %s are kept for other children", r->places,
                 m->activities[r->activity].id);
        break;
    case DP_RULE_SIBLINGS:
        snprintf(buf, len, "siblings together %s",
                 r->same_day ? "on the same days" : "in one section");
        break;
    case DP_RULE_THEME_ONCE:
        snprintf(buf, len, "each theme at most once");
        break;
    case DP_RULE_AT_LEAST_ONE:
        snprintf(buf, len, "at least one of its activities");
        break;
    case DP_RULE_ONLY_FOR:
        snprintf(buf, len, "the activity is only for other children");
        break;
    case DP_RULE_APART:
        snprintf(buf, len, "these children are kept apart");
        break;
    case DP_RULE_PIN:
        snprintf(buf, len, "%s belongs in %s", m->children[r->child].id,
                 m->sections[r->section].id);
        break;
    case DP_RULE_FORBID:
        snprintf(buf, len, "%s may not be in %s", m->children[r->child].id,
                 m->sections[r->section].id);
        break;
    default:
        snprintf(buf, len, "a custom rule");
    }
}

static int explain(void *state, const dp_state_view *v, dp_id choice, dp_id section, char *buf,
                   size_t len)
{
    rstate *st = state;
    const dp_model *m = v->m;
    dp_id child = m->choices[choice].child;
    dp_grant after[256];
    uint8_t n = 0, nb = v->child_n_grants[child];
    const dp_grant *before = v->child_grants[child];
    char says[160];

    if (!st || st->rs->failed)
        return 0;
    for (uint8_t i = 0; i < nb; i++)
        if (before[i].choice != choice)
            after[n++] = before[i];
    if (n == 255)
        return 0;
    after[n++] = (dp_grant){choice, section};
    dp_child_change cc = {child, before, nb, after, n};
    dp_section_change sc = {section, v->section_count[section], v->section_count[section] + 1};
    dp_move mv = {&cc, 1, &sc, 1, NULL, 0, 0};
    st->pend_ok = false; /* classify() below replaces the last move's classification */
    mark_move(st, &mv);
    classify(st, &mv);
    for (uint32_t i = 0; i < st->rs->n; i++) {
        const dp_rule *r = &st->rs->rules[i];
        if (!r->hard || rule_delta(st, i, v, &mv, false) <= 0)
            continue;
        rule_says(m, r, says, sizeof says);
        snprintf(buf, len, "%s would break rule '%s' (centre.lua:%u: %s)", m->sections[section].id,
                 r->name, r->line, says);
        return 1;
    }
    return 0;
}

const dp_plugin dp_plugin_rules = {
    .abi = DP_PLUGIN_ABI,
    .name = "rules",
    .term = DP_TERM_RULES,
    .init = init,
    .free = state_free,
    .delta = delta,
    .apply = apply,
    .full = full,
    .explain = explain,
    .idle = dp_idle_without_state,
    .gain = gain,
};

/* ------------------------------------------------------------------------ */
/* dp_rules_evaluate: per-rule violations of a solution                        */

dp_status dp_rules_evaluate(const dp_solution *sol, int64_t *units, dp_error *err)
{
    const dp_model *m = dp_solution_model(sol);
    const dp_id *cs = dp_solution_choice_sections(sol);
    dp_state_view v = {0};
    dp_grant *grants = NULL;
    const dp_grant **cg = NULL;
    uint8_t *cn = NULL;
    uint32_t *member0 = NULL, *fill = NULL;
    dp_id *members = NULL;
    rstate *st = NULL;
    dp_status rc = DP_OK;

    if (!m->rules || m->rules->n == 0)
        return DP_OK;
    grants = calloc((size_t) m->n_choices + 1, sizeof *grants);
    cg = calloc((size_t) m->n_children + 1, sizeof *cg);
    cn = calloc((size_t) m->n_children + 1, 1);
    member0 = calloc((size_t) m->n_sections + 1, sizeof *member0);
    fill = calloc((size_t) m->n_sections + 1, sizeof *fill);
    members = calloc((size_t) m->n_choices + 1, sizeof *members);
    if (!grants || !cg || !cn || !member0 || !fill || !members) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory evaluating the rules");
        goto done;
    }
    const uint32_t *count = dp_solution_section_counts(sol);
    for (dp_id s = 0, off = 0; s < m->n_sections; s++) {
        member0[s] = off;
        off += count[s];
    }
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        cg[c] = &grants[ch->choice0];
        for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices; i++) {
            if (cs[i] == DP_NONE)
                continue;
            grants[ch->choice0 + cn[c]++] = (dp_grant){i, cs[i]};
            members[member0[cs[i]] + fill[cs[i]]++] = i;
        }
    }
    v.m = m;
    v.choice_section = cs;
    v.section_count = count;
    v.session_slot = dp_solution_session_slots(sol);
    v.child_grants = cg;
    v.child_n_grants = cn;
    v.section_members = members;
    v.member0 = member0;
    rc = state_new(m, &st, err);
    if (rc != DP_OK)
        goto done;
    mark_move(st, NULL);
    for (uint32_t i = 0; i < m->rules->n; i++)
        units[i] = rule_full(st, i, &v);
    rc = dp_rules_status(m, err);
    if (rc == DP_OK && st->oom)
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory evaluating the rules");
done:
    state_free(st);
    free(grants);
    free(cg);
    free(cn);
    free(member0);
    free(fill);
    free(members);
    return rc;
}
