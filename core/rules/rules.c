/* core/rules/rules.c - the rule API of centre.lua: recording rule.<kind>{...}
 * calls while the script runs, and compiling them against the loaded model.
 *
 * Recording happens in Lua (a list in the registry: kind, line, argument
 * table), because activities, groups and children are read after centre.lua.
 * Compiling reads each argument table with raw accesses only (no metamethod
 * of the script runs), checks every key and reports every problem at the
 * rule's line, and builds byte maps over the model's dense ids. It runs as a
 * protected C function, so an allocation failure in Lua becomes an error and
 * never a panic; everything malloc'd is attached to the dp_rules at once, so
 * nothing leaks when Lua unwinds. */
#include "rules/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "dagplan/time.h"

#define MAX_RULES  10000 /* rules in one script */
#define MAX_NAME   100   /* bytes of a rule's name */
#define MAX_WEIGHT 1000000
#define ALL_GROUPS 0x1ffu
#define ALL_PRIO   0xfu
#define ALL_DAYS   0x7fu
#define MAX_AGE    40

static char list_key; /* registry[&list_key]: the recorded rules */

static const char *const kind_names[DP_N_RULE_KINDS] = {
    "max_activities", "max_minutes", "not_before", "not_after", "reserve", "siblings", "theme_once",
    "at_least_one",   "only_for",    "apart",      "pin",       "mix",     "custom",   "forbid"};

const char *dp__rule_kind_name(dp_rule_kind k)
{
    return (unsigned) k < DP_N_RULE_KINDS ? kind_names[k] : "?";
}

/* ------------------------------------------------------------------------ */
/* Recording                                                                  */

static unsigned caller_line(lua_State *L)
{
    lua_Debug ar;

    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "l", &ar) && ar.currentline > 0)
            return (unsigned) ar.currentline;
    }
    return 0;
}

static int record(lua_State *L, dp_rule_kind kind)
{
    unsigned line = caller_line(L);
    lua_Integer n;

    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L,
                          "rule.%s expects its settings in braces, such as rule.%s{name = "
                          "\"...\", ...}; got a %s",
                          kind_names[kind], kind_names[kind], luaL_typename(L, 1));
    lua_settop(L, 1);
    int t = lua_rawgetp(L, LUA_REGISTRYINDEX, &list_key);
    if (t == LUA_TBOOLEAN)
        return luaL_error(L, "rule.%s{...} can only be used while centre.lua is read",
                          kind_names[kind]);
    if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &list_key);
    }
    n = (lua_Integer) lua_rawlen(L, -1);
    if (n >= MAX_RULES)
        return luaL_error(L, "more than %d rules; that many cannot be meant", MAX_RULES);
    lua_createtable(L, 3, 0);
    lua_pushinteger(L, kind);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer) line);
    lua_rawseti(L, -2, 2);
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, 3);
    lua_rawseti(L, -2, n + 1);
    return 0;
}

#define RECORDER(kind, fn)      \
    static int fn(lua_State *L) \
    {                           \
        return record(L, kind); \
    }
RECORDER(DP_RULE_MAX_ACTIVITIES, rule_max_activities)
RECORDER(DP_RULE_MAX_MINUTES, rule_max_minutes)
RECORDER(DP_RULE_NOT_BEFORE, rule_not_before)
RECORDER(DP_RULE_NOT_AFTER, rule_not_after)
RECORDER(DP_RULE_RESERVE, rule_reserve)
RECORDER(DP_RULE_SIBLINGS, rule_siblings)
RECORDER(DP_RULE_THEME_ONCE, rule_theme_once)
RECORDER(DP_RULE_AT_LEAST_ONE, rule_at_least_one)
RECORDER(DP_RULE_ONLY_FOR, rule_only_for)
RECORDER(DP_RULE_APART, rule_apart)
RECORDER(DP_RULE_PIN, rule_pin)
RECORDER(DP_RULE_MIX, rule_mix)
RECORDER(DP_RULE_CUSTOM, rule_custom)
RECORDER(DP_RULE_FORBID, rule_forbid)

static const luaL_Reg rule_lib[] = {
    {"max_activities", rule_max_activities},
    {"max_minutes", rule_max_minutes},
    {"not_before", rule_not_before},
    {"not_after", rule_not_after},
    {"reserve", rule_reserve},
    {"siblings", rule_siblings},
    {"theme_once", rule_theme_once},
    {"at_least_one", rule_at_least_one},
    {"only_for", rule_only_for},
    {"apart", rule_apart},
    {"pin", rule_pin},
    {"mix", rule_mix},
    {"custom", rule_custom},
    {"forbid", rule_forbid},
    {NULL, NULL},
};

dp_status dp__rules_register(dp_sandbox *sb, dp_error *err)
{
    return dp__sandbox_register_lib(sb, "rule", rule_lib, NULL, err);
}

/* ------------------------------------------------------------------------ */
/* Compiling                                                                  */

typedef struct compile_ctx {
    dp_rules *rs;      /* being built */
    const dp_model *m; /* compiled against */
    const char *file;  /* display name */
    dp_diags *diags;   /* where problems go */
    size_t n_errors;   /* errors reported */
    dp_error first;    /* the first */
    bool nomem;        /* a host allocation failed */
    dp_rule *r;        /* the rule being compiled */
    int args;          /* stack index of its argument table */
} compile_ctx;

static void problem(compile_ctx *cc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* An error at the current rule's line, prefixed with the rule's name. */
static void problem(compile_ctx *cc, const char *fmt, ...)
{
    dp_loc at = {cc->file, cc->r->line, 0};
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char who[MAX_NAME + 40];

    if (cc->r->name)
        snprintf(who, sizeof who, "rule.%s '%s'", kind_names[cc->r->kind], cc->r->name);
    else
        snprintf(who, sizeof who, "rule.%s", kind_names[cc->r->kind]);
    if (cc->n_errors++ == 0)
        DP_FAIL(&cc->first, DP_ERULE, &at, "%s: %s", who, msg);
    if (cc->diags && dp_diags_add(cc->diags, DP_SEV_ERROR, &at, "%s: %s", who, msg) != DP_OK)
        cc->nomem = true;
}

static void *cc_calloc(compile_ctx *cc, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        cc->nomem = true;
    return p;
}

/* Pushes args[key] (raw) and returns its type. */
static int arg(compile_ctx *cc, lua_State *L, const char *key)
{
    lua_pushstring(L, key);
    return lua_rawget(L, cc->args);
}

static bool has_arg(compile_ctx *cc, lua_State *L, const char *key)
{
    bool has = arg(cc, L, key) != LUA_TNIL;

    lua_pop(L, 1);
    return has;
}

/* Calls each(cc, L, i) with the value at the top of the stack for every
 * element of the value at the top of the stack: the elements of a list, or
 * the value itself. */
typedef void (*each_fn)(compile_ctx *cc, lua_State *L, const char *key, void *out);

static void for_each(compile_ctx *cc, lua_State *L, const char *key, each_fn fn, void *out)
{
    if (lua_type(L, -1) != LUA_TTABLE) {
        fn(cc, L, key, out);
        return;
    }
    lua_Integer n = (lua_Integer) lua_rawlen(L, -1);
    if (n == 0)
        problem(cc, "'%s' is an empty list; leave it out to mean everyone", key);
    for (lua_Integer i = 1; i <= n && i <= 100000; i++) {
        lua_rawgeti(L, -1, i);
        fn(cc, L, key, out);
        lua_pop(L, 1);
    }
}

static const char *describe(lua_State *L, char *buf, size_t len)
{
    if (lua_type(L, -1) == LUA_TSTRING)
        snprintf(buf, len, "\"%.40s\"", lua_tostring(L, -1));
    else if (lua_type(L, -1) == LUA_TNUMBER)
        snprintf(buf, len, "%.10g", lua_tonumber(L, -1));
    else if (lua_type(L, -1) == LUA_TNIL)
        snprintf(buf, len, "nothing");
    else
        snprintf(buf, len, "a %s", luaL_typename(L, -1));
    return buf;
}

/* A whole number in [lo, hi] at the top of the stack, or reports. */
static bool whole(compile_ctx *cc, lua_State *L, const char *key, lua_Integer lo, lua_Integer hi,
                  lua_Integer *out)
{
    int isint = 0;
    char b[64];

    if (lua_type(L, -1) == LUA_TNUMBER)
        *out = lua_tointegerx(L, -1, &isint);
    if (!isint || *out < lo || *out > hi) {
        problem(cc, "'%s' must be a whole number from %lld to %lld, got %s", key, (long long) lo,
                (long long) hi, describe(L, b, sizeof b));
        return false;
    }
    return true;
}

static void each_group(compile_ctx *cc, lua_State *L, const char *key, void *out)
{
    lua_Integer g = 0; /* whole() sets it when it returns true; -O2 cannot tell */

    if (whole(cc, L, key, 0, DP_MAX_GROUP, &g))
        *(uint16_t *) out |= (uint16_t) (1u << g);
}

static void each_prio(compile_ctx *cc, lua_State *L, const char *key, void *out)
{
    lua_Integer p = 0;

    if (whole(cc, L, key, 0, 3, &p))
        *(uint8_t *) out |= (uint8_t) (1u << p);
}

static void each_age(compile_ctx *cc, lua_State *L, const char *key, void *out)
{
    lua_Integer a = 0;

    if (whole(cc, L, key, 0, MAX_AGE, &a))
        *(uint64_t *) out |= (uint64_t) 1 << a;
}

static void each_day(compile_ctx *cc, lua_State *L, const char *key, void *out)
{
    size_t len;
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    int d = s ? dp_day_parse(s, len) : -1;
    char b[64];

    if (d < 0) {
        problem(cc, "'%s' must name days mon, tue, wed, thu, fri, sat or sun, got %s", key,
                describe(L, b, sizeof b));
        return;
    }
    *(uint8_t *) out |= (uint8_t) (1u << d);
}

/* An id of a kind in the model: on a string naming one, marks sel[id]. */
typedef struct id_target {
    dp_kind kind;
    uint8_t *sel;
    const char *what;  /* "activity" */
    const char *where; /* "activities.csv" */
} id_target;

/* The themes FORMAT.md names: a rule may name one before any activity has it. */
static bool is_standard_theme(const char *s)
{
    static const char *const themes[] = {"taal",     "lezen",    "studievaardigheden",
                                         "huiswerk", "cultuur",  "muziek",
                                         "sport",    "techniek", "ict",
                                         "natuur",   NULL};

    for (const char *const *t = themes; *t; t++)
        if (strcmp(s, *t) == 0)
            return true;
    return false;
}

static void each_id(compile_ctx *cc, lua_State *L, const char *key, void *out)
{
    id_target *t = out;
    size_t len;
    const char *s;
    char b[64];
    dp_id id;

    if (lua_type(L, -1) != LUA_TSTRING) {
        problem(cc, "'%s' must list %s ids in quotes, got %s", key, t->what,
                describe(L, b, sizeof b));
        return;
    }
    s = lua_tolstring(L, -1, &len);
    id = dp_model_find(cc->m, t->kind, s, len);
    if (id == DP_NONE && t->kind == DP_KIND_THEME && is_standard_theme(s))
        return; /* a theme of FORMAT.md no activity has (yet): selects nothing */
    if (id == DP_NONE) {
        problem(cc, "unknown %s '%.64s' in '%s' (not in %s)", t->what, s, key, t->where);
        return;
    }
    if (t->sel)
        t->sel[id] = 1;
}

static uint32_t kind_count(const dp_model *m, dp_kind k)
{
    switch (k) {
    case DP_KIND_CHILD:
        return m->n_children;
    case DP_KIND_ACTIVITY:
        return m->n_activities;
    case DP_KIND_SECTION:
        return m->n_sections;
    case DP_KIND_THEME:
        return m->themes.n;
    case DP_KIND_FAMILY:
        return m->families.n;
    case DP_KIND_NEIGHBOURHOOD:
        return m->neighbourhoods.n;
    default:
        return 0;
    }
}

/* Reads the list key of ids into a new map (NULL when the key is absent). */
static uint8_t *id_map(compile_ctx *cc, lua_State *L, const char *key, dp_kind kind,
                       const char *what, const char *where)
{
    id_target t = {kind, NULL, what, where};

    if (arg(cc, L, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return NULL;
    }
    t.sel = cc_calloc(cc, kind_count(cc->m, kind), 1);
    if (t.sel)
        for_each(cc, L, key, each_id, &t);
    lua_pop(L, 1);
    return t.sel;
}

/* The selection keys every rule except pin and apart accepts. */
static void read_selection(compile_ctx *cc, lua_State *L, bool children_key)
{
    dp_rule *r = cc->r;
    lua_Integer p = 0;

    r->group_mask = ALL_GROUPS;
    r->prio_mask = ALL_PRIO;
    r->day_mask = ALL_DAYS;
    if (arg(cc, L, "groups") != LUA_TNIL) {
        r->group_mask = 0;
        for_each(cc, L, "groups", each_group, &r->group_mask);
    }
    lua_pop(L, 1);
    if (arg(cc, L, "priority") != LUA_TNIL) {
        r->prio_mask = 0;
        for_each(cc, L, "priority", each_prio, &r->prio_mask);
    }
    lua_pop(L, 1);
    if (arg(cc, L, "min_priority") != LUA_TNIL && whole(cc, L, "min_priority", 0, 3, &p))
        r->prio_mask &= (uint8_t) (ALL_PRIO & ~((1u << p) - 1u));
    lua_pop(L, 1);
    if (arg(cc, L, "ages") != LUA_TNIL)
        for_each(cc, L, "ages", each_age, &r->age_mask);
    lua_pop(L, 1);
    if (arg(cc, L, "days") != LUA_TNIL) {
        r->day_mask = 0;
        for_each(cc, L, "days", each_day, &r->day_mask);
    }
    lua_pop(L, 1);
    r->nb_sel =
        id_map(cc, L, "neighbourhoods", DP_KIND_NEIGHBOURHOOD, "neighbourhood", "children.csv");
    r->fam_sel = id_map(cc, L, "families", DP_KIND_FAMILY, "family", "children.csv");
    if (children_key)
        r->id_sel = id_map(cc, L, "children", DP_KIND_CHILD, "child", "children.csv");
    r->act_sel = id_map(cc, L, "activities", DP_KIND_ACTIVITY, "activity", "activities.csv");
    if (arg(cc, L, "themes") != LUA_TNIL) {
        uint8_t *themes = cc_calloc(cc, cc->m->themes.n, 1);
        id_target t = {DP_KIND_THEME, themes, "theme", "activities.csv"};
        if (themes) {
            for_each(cc, L, "themes", each_id, &t);
            if (!r->act_sel)
                r->act_sel = cc_calloc(cc, cc->m->n_activities, 1);
            for (dp_id a = 0; r->act_sel && a < cc->m->n_activities; a++)
                if (themes[cc->m->activities[a].theme])
                    r->act_sel[a] = 1;
            free(themes);
        }
    }
    lua_pop(L, 1);
}

static bool selects_children(const dp_rule *r)
{
    return r->group_mask != ALL_GROUPS || r->prio_mask != ALL_PRIO || r->age_mask || r->nb_sel ||
           r->fam_sel || r->id_sel;
}

/* Reads a time "HH:MM" of key into *minutes. */
static bool read_time(compile_ctx *cc, lua_State *L, const char *key, int *minutes)
{
    size_t len;
    const char *s;
    char b[64];
    bool ok = false;

    if (arg(cc, L, key) == LUA_TNIL) {
        problem(cc, "missing '%s': give a time such as %s = \"16:00\"", key, key);
    } else if (lua_type(L, -1) != LUA_TSTRING || (s = lua_tolstring(L, -1, &len)) == NULL ||
               dp_time_parse(s, len, minutes) != 0) {
        problem(cc, "'%s' must be a time HH:MM between 00:00 and 24:00, such as \"16:00\"; got %s",
                key, describe(L, b, sizeof b));
    } else {
        ok = true;
    }
    lua_pop(L, 1);
    return ok;
}

/* Reads one id of kind at key (required). */
static dp_id read_one_id(compile_ctx *cc, lua_State *L, const char *key, dp_kind kind,
                         const char *what, const char *where)
{
    size_t len;
    const char *s;
    char b[64];
    dp_id id = DP_NONE;

    if (arg(cc, L, key) == LUA_TNIL) {
        problem(cc, "missing '%s': give the %s id, such as %s = \"...\"", key, what, key);
    } else if (lua_type(L, -1) != LUA_TSTRING) {
        problem(cc, "'%s' must be a %s id in quotes, got %s", key, what, describe(L, b, sizeof b));
    } else {
        s = lua_tolstring(L, -1, &len);
        id = dp_model_find(cc->m, kind, s, len);
        if (id == DP_NONE)
            problem(cc, "unknown %s '%.64s' (not in %s)", what, s, where);
    }
    lua_pop(L, 1);
    return id;
}

/* Reads name, hard and weight. */
static void read_common(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    size_t len;
    const char *s;
    char b[64];
    int isint = 0;
    bool has_weight = false;

    if (arg(cc, L, "name") == LUA_TSTRING && (s = lua_tolstring(L, -1, &len)) != NULL && len > 0 &&
        len <= MAX_NAME && !memchr(s, '\0', len)) {
        r->name = malloc(len + 1);
        if (!r->name)
            cc->nomem = true;
        else
            memcpy(r->name, s, len + 1);
        lua_pop(L, 1);
    } else {
        describe(L, b, sizeof b);
        lua_pop(L, 1);
        problem(cc,
                "every rule needs a name of 1 to %d characters, such as name = \"groepen 1-2 "
                "niet na 16:00\"; got %s",
                MAX_NAME, b);
    }
    int t = arg(cc, L, "weight");
    if (t != LUA_TNIL) {
        has_weight = true;
        lua_Integer w = t == LUA_TNUMBER ? lua_tointegerx(L, -1, &isint) : 0;
        if (t != LUA_TNUMBER)
            problem(cc, "'weight' must be a number, such as weight = 10; got %s",
                    describe(L, b, sizeof b));
        else if (!isint || w < 0 || w > MAX_WEIGHT) /* 0: only watched (docs/rules.md) */
            problem(cc, "'weight' must be a whole number from 0 to %d, got %s", MAX_WEIGHT,
                    describe(L, b, sizeof b));
        else
            r->weight = w;
    }
    lua_pop(L, 1);
    t = arg(cc, L, "hard");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        problem(cc, "'hard' must be true or false, got %s", describe(L, b, sizeof b));
    r->hard = t == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (r->hard && has_weight)
        problem(cc, "give either hard = true or a weight, not both");
    else if (!r->hard && !has_weight)
        problem(cc, "say how much it matters: hard = true (never broken) or weight = N (a soft "
                    "rule, N points per violation)");
    if (r->hard)
        r->weight = 0;
}

/* Reports keys not in the rule's list (typos such as 'wieght'). */
static void check_keys(compile_ctx *cc, lua_State *L, const char *const *known)
{
    char names[400];
    size_t off = 0;

    for (const char *const *k = known; *k; k++)
        off += (size_t) snprintf(names + off, off < sizeof names ? sizeof names - off : 0, "%s%s",
                                 k == known ? "" : ", ", *k);
    lua_pushnil(L);
    while (lua_next(L, cc->args)) {
        lua_pop(L, 1);
        bool ok = false;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (const char *const *k = known; *k && !ok; k++)
                ok = strcmp(lua_tostring(L, -1), *k) == 0;
        if (!ok) {
            if (lua_type(L, -1) == LUA_TSTRING)
                problem(cc, "unknown setting '%.40s' (known: %s)", lua_tostring(L, -1), names);
            else
                problem(cc, "a value without a name; write each setting as name = value");
        }
    }
}

#define COMMON      "name", "hard", "weight"
#define SELECT_KIDS "groups", "ages", "priority", "min_priority", "neighbourhoods", "families"
#define SELECT_ACTS "activities", "themes", "days"

static const char *const keys_max[] = {COMMON, SELECT_KIDS, "children", SELECT_ACTS,
                                       "max",  "per",       NULL};
static const char *const keys_time[] = {COMMON, SELECT_KIDS, "children", SELECT_ACTS, "time", NULL};
static const char *const keys_reserve[] = {COMMON,   SELECT_KIDS,  "children", "activity",
                                           "places", "until_date", NULL};
static const char *const keys_siblings[] = {COMMON, SELECT_KIDS, SELECT_ACTS, "together", NULL};
static const char *const keys_plain[] = {COMMON, SELECT_KIDS, "children", SELECT_ACTS, NULL};
static const char *const keys_apart[] = {COMMON, "children", "activities", "themes", NULL};
static const char *const keys_pin[] = {COMMON, "child", "section", NULL};
static const char *const keys_mix[] = {COMMON, "activities", "themes", "by", "max_share", NULL};
static const char *const keys_custom[] = {COMMON,   SELECT_KIDS, "children", "activities",
                                          "themes", "scope",     "check",    NULL};

static void compile_max(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    lua_Integer n = 0;
    size_t len;
    const char *s;
    char b[64];

    read_selection(cc, L, true);
    if (arg(cc, L, "max") == LUA_TNIL)
        problem(cc, "missing 'max': give the most %s allowed, such as max = %s",
                r->kind == DP_RULE_MAX_MINUTES ? "minutes" : "activities",
                r->kind == DP_RULE_MAX_MINUTES ? "120" : "1");
    else if (whole(cc, L, "max", 0, r->kind == DP_RULE_MAX_MINUTES ? 7 * DP_MINUTES_DAY : 1000, &n))
        r->max = (int32_t) n;
    lua_pop(L, 1);
    int t = arg(cc, L, "per");
    s = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (t == LUA_TNIL || (s && strcmp(s, "week") == 0))
        r->per_day = false;
    else if (s && strcmp(s, "day") == 0)
        r->per_day = true;
    else
        problem(cc, "'per' must be \"week\" or \"day\", got %s", describe(L, b, sizeof b));
    lua_pop(L, 1);
}

static void compile_reserve(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    lua_Integer n = 0;
    size_t len;
    const char *s;
    char b[64];

    read_selection(cc, L, true);
    r->day_mask = ALL_DAYS;
    if (!selects_children(r))
        problem(cc, "say for whom the places are kept, such as min_priority = 2");
    r->activity = read_one_id(cc, L, "activity", DP_KIND_ACTIVITY, "activity", "activities.csv");
    r->capacity = 0;
    if (r->activity != DP_NONE) {
        const dp_activity *a = &cc->m->activities[r->activity];
        for (uint32_t sec = a->section0; sec < a->section0 + a->n_sections; sec++)
            r->capacity += cc->m->sections[sec].max_size;
    }
    if (arg(cc, L, "places") == LUA_TNIL)
        problem(cc, "missing 'places': how many places to keep, such as places = 4");
    else if (whole(cc, L, "places", 1, 100000, &n)) {
        r->places = (int32_t) n;
        if (r->activity != DP_NONE && n > r->capacity)
            problem(cc, "'places' is %lld but %s has only %d places in its sections", (long long) n,
                    cc->m->activities[r->activity].id, r->capacity);
    }
    lua_pop(L, 1);
    r->until_days = INT32_MIN;
    r->active = true;
    if (arg(cc, L, "until_date") != LUA_TNIL) {
        s = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        if (!s || dp_date_parse(s, len, &r->until_days) != 0)
            problem(cc, "'until_date' must be a date YYYY-MM-DD, such as \"2027-02-01\"; got %s",
                    describe(L, b, sizeof b));
    }
    lua_pop(L, 1);
}

static void compile_siblings(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    size_t len;
    const char *s;
    char b[64];
    int t;

    read_selection(cc, L, false);
    t = arg(cc, L, "together");
    s = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (t == LUA_TNIL || (s && strcmp(s, "section") == 0))
        r->same_day = false;
    else if (s && strcmp(s, "day") == 0)
        r->same_day = true;
    else
        problem(cc, "'together' must be \"section\" or \"day\", got %s", describe(L, b, sizeof b));
    lua_pop(L, 1);
    r->scope = DP_SCOPE_FAMILY;
}

static void compile_apart(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    char b[64];

    r->group_mask = ALL_GROUPS;
    r->prio_mask = ALL_PRIO;
    r->day_mask = ALL_DAYS;
    r->act_sel = id_map(cc, L, "activities", DP_KIND_ACTIVITY, "activity", "activities.csv");
    if (has_arg(cc, L, "themes"))
        problem(cc, "'themes' is not supported here; list 'activities'");
    if (arg(cc, L, "children") != LUA_TTABLE || lua_rawlen(L, -1) < 2) {
        problem(cc,
                "'children' must list at least two child ids, such as children = {\"c001\", "
                "\"c002\"}; got %s",
                describe(L, b, sizeof b));
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    r->id_sel = id_map(cc, L, "children", DP_KIND_CHILD, "child", "children.csv");
    if (!r->id_sel)
        return;
    for (dp_id c = 0; c < cc->m->n_children; c++)
        r->n_set += r->id_sel[c];
    r->set = cc_calloc(cc, r->n_set, sizeof *r->set);
    r->n_set = 0;
    for (dp_id c = 0; r->set && c < cc->m->n_children; c++)
        if (r->id_sel[c])
            r->set[r->n_set++] = c;
    if (r->set && r->n_set < 2)
        problem(cc, "'children' must name at least two different children");
    r->scope = DP_SCOPE_SET;
}

/* pin and forbid name one child and one section. */
static void compile_pin(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    const dp_model *m = cc->m;

    r->group_mask = ALL_GROUPS;
    r->prio_mask = ALL_PRIO;
    r->day_mask = ALL_DAYS;
    r->child = read_one_id(cc, L, "child", DP_KIND_CHILD, "child", "children.csv");
    r->section = read_one_id(cc, L, "section", DP_KIND_SECTION, "section", "sections.csv");
    if (r->child == DP_NONE || r->section == DP_NONE)
        return;
    r->id_sel = cc_calloc(cc, m->n_children, 1);
    if (r->id_sel)
        r->id_sel[r->child] = 1;
    if (r->kind == DP_RULE_PIN &&
        dp_model_choice_of(m, r->child, m->sections[r->section].activity) == DP_NONE)
        problem(cc, "child %s did not choose %s (choices.csv), so it cannot be pinned to %s",
                m->children[r->child].id, m->activities[m->sections[r->section].activity].id,
                m->sections[r->section].id);
}

static void compile_mix(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    size_t len;
    const char *s;
    char b[64];
    int t;

    r->group_mask = ALL_GROUPS;
    r->prio_mask = ALL_PRIO;
    r->day_mask = ALL_DAYS;
    read_selection(cc, L, false);
    if (r->hard)
        problem(cc, "a mix rule can only be soft: give it a weight instead of hard = true");
    t = arg(cc, L, "by");
    s = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (s && strcmp(s, "neighbourhood") == 0)
        r->mix_by = DP_MIX_NEIGHBOURHOOD;
    else if (s && strcmp(s, "priority") == 0)
        r->mix_by = DP_MIX_PRIORITY;
    else
        problem(cc, "'by' must be \"neighbourhood\" or \"priority\", got %s",
                describe(L, b, sizeof b));
    lua_pop(L, 1);
    r->share_pm = 500;
    if (arg(cc, L, "max_share") != LUA_TNIL) {
        double x = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : -1;
        if (!(x > 0 && x < 1))
            problem(cc, "'max_share' must be a number between 0 and 1, such as 0.5; got %s",
                    describe(L, b, sizeof b));
        else
            r->share_pm = (int32_t) (x * 1000 + 0.5);
    }
    lua_pop(L, 1);
    r->scope = DP_SCOPE_SECTION;
}

static void compile_custom(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    size_t len;
    const char *s;
    char b[64];
    int t;

    read_selection(cc, L, true);
    t = arg(cc, L, "scope");
    s = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (s && strcmp(s, "child") == 0)
        r->custom_section = false;
    else if (s && strcmp(s, "section") == 0)
        r->custom_section = true;
    else
        problem(cc, "'scope' must be \"child\" or \"section\", got %s", describe(L, b, sizeof b));
    lua_pop(L, 1);
    if (r->custom_section && selects_children(r))
        problem(cc, "a rule with scope \"section\" selects sections by 'activities' or 'themes' "
                    "only");
    if (arg(cc, L, "check") != LUA_TFUNCTION) {
        problem(cc,
                "'check' must be a function, such as check = function(ctx) return 0 end; "
                "got %s",
                describe(L, b, sizeof b));
        lua_pop(L, 1);
    } else {
        r->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    r->scope = r->custom_section ? DP_SCOPE_SECTION : DP_SCOPE_CHILD;
}

static void compile_rule(compile_ctx *cc, lua_State *L)
{
    dp_rule *r = cc->r;
    dp_rule_kind kind = r->kind;

    read_common(cc, L);
    r->child = r->section = r->activity = DP_NONE;
    r->fn_ref = LUA_NOREF;
    r->scope = DP_SCOPE_CHILD;
    switch (kind) {
    case DP_RULE_MAX_ACTIVITIES:
    case DP_RULE_MAX_MINUTES:
        check_keys(cc, L, keys_max);
        compile_max(cc, L);
        break;
    case DP_RULE_NOT_BEFORE:
    case DP_RULE_NOT_AFTER:
        check_keys(cc, L, keys_time);
        read_selection(cc, L, true);
        read_time(cc, L, "time", &r->time_min);
        break;
    case DP_RULE_RESERVE:
        check_keys(cc, L, keys_reserve);
        compile_reserve(cc, L);
        r->scope = DP_SCOPE_ACTIVITY;
        break;
    case DP_RULE_SIBLINGS:
        check_keys(cc, L, keys_siblings);
        compile_siblings(cc, L);
        break;
    case DP_RULE_THEME_ONCE:
    case DP_RULE_AT_LEAST_ONE:
        check_keys(cc, L, keys_plain);
        read_selection(cc, L, true);
        if (kind == DP_RULE_AT_LEAST_ONE && !r->act_sel)
            problem(cc, "say at least one of what: give 'themes' or 'activities'");
        break;
    case DP_RULE_ONLY_FOR:
        check_keys(cc, L, keys_plain);
        read_selection(cc, L, true);
        if (!r->act_sel)
            problem(cc, "say which activities are reserved: give 'activities' or 'themes'");
        if (!selects_children(r))
            problem(cc, "say for whom: give groups, ages, priority, neighbourhoods, families or "
                        "children");
        break;
    case DP_RULE_APART:
        check_keys(cc, L, keys_apart);
        compile_apart(cc, L);
        break;
    case DP_RULE_PIN:
    case DP_RULE_FORBID:
        check_keys(cc, L, keys_pin);
        compile_pin(cc, L);
        break;
    case DP_RULE_MIX:
        check_keys(cc, L, keys_mix);
        compile_mix(cc, L);
        break;
    case DP_RULE_CUSTOM:
        check_keys(cc, L, keys_custom);
        compile_custom(cc, L);
        break;
    case DP_N_RULE_KINDS:
        break;
    }
}

/* Groups the children by family (siblings rules). */
static void index_families(compile_ctx *cc)
{
    const dp_model *m = cc->m;
    dp_rules *rs = cc->rs;
    uint32_t nf = m->families.n;

    rs->fam0 = cc_calloc(cc, (size_t) nf + 2, sizeof *rs->fam0);
    rs->fam_child = cc_calloc(cc, m->n_children, sizeof *rs->fam_child);
    if (!rs->fam0 || !rs->fam_child)
        return;
    for (dp_id c = 0; c < m->n_children; c++)
        if (m->children[c].family != DP_NONE)
            rs->fam0[m->children[c].family + 2]++;
    for (uint32_t f = 0; f < nf; f++)
        rs->fam0[f + 2] += rs->fam0[f + 1];
    for (dp_id c = 0; c < m->n_children; c++)
        if (m->children[c].family != DP_NONE)
            rs->fam_child[rs->fam0[m->children[c].family + 1]++] = c;
}

/* The protected compile: arg 1 is the compile_ctx. */
static int compile_all(lua_State *L)
{
    compile_ctx *cc = lua_touserdata(L, 1);
    dp_rules *rs = cc->rs;
    lua_Integer n;

    /* From now on rule.<kind>{...} refuses: the list is compiled. */
    int t = lua_rawgetp(L, LUA_REGISTRYINDEX, &list_key);
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &list_key);
    if (t != LUA_TTABLE)
        return 0;
    int list = lua_gettop(L);
    n = (lua_Integer) lua_rawlen(L, list);
    rs->rules = cc_calloc(cc, (size_t) n, sizeof *rs->rules);
    if (!rs->rules)
        return 0;
    for (lua_Integer i = 1; i <= n; i++) {
        dp_rule *r = &rs->rules[rs->n++];
        lua_rawgeti(L, list, i);
        lua_rawgeti(L, -1, 1);
        r->kind = (dp_rule_kind) lua_tointeger(L, -1);
        lua_rawgeti(L, -2, 2);
        r->line = (unsigned) lua_tointeger(L, -1);
        lua_rawgeti(L, -3, 3);
        cc->r = r;
        cc->args = lua_gettop(L);
        compile_rule(cc, L);
        lua_settop(L, list);
        if (cc->nomem)
            return 0;
    }
    index_families(cc);
    return 0;
}

static int32_t today_days(void)
{
    time_t now = time(NULL);

    return (int32_t) (now / 86400);
}

/* Age in whole years on day `on` of a child born on day `born`. */
static int age_on(int32_t born, int32_t on)
{
    int by, bm, bd, y, mo, d;

    dp_date_to_civil(born, &by, &bm, &bd);
    dp_date_to_civil(on, &y, &mo, &d);
    int age = y - by;
    if (mo < bm || (mo == bm && d < bd))
        age--;
    return age;
}

static void select_children(dp_rules *rs, dp_rule *r)
{
    const dp_model *m = rs->m;

    if (!r->child_sel)
        return;
    for (dp_id c = 0; c < m->n_children; c++) {
        const dp_child *ch = &m->children[c];
        bool sel = ch->group >= 0 && ((unsigned) r->group_mask >> (unsigned) ch->group) & 1u;
        sel = sel && (((unsigned) r->prio_mask >> (unsigned) ch->priority) & 1u);
        if (sel && r->age_mask) {
            int age =
                ch->birth_days == DP_NO_BIRTH_DATE ? -1 : age_on(ch->birth_days, rs->ref_days);
            sel = age >= 0 && age <= MAX_AGE && ((r->age_mask >> age) & 1u);
        }
        sel = sel && (!r->nb_sel || (ch->neighbourhood != DP_NONE && r->nb_sel[ch->neighbourhood]));
        sel = sel && (!r->fam_sel || (ch->family != DP_NONE && r->fam_sel[ch->family]));
        sel = sel && (!r->id_sel || r->id_sel[c]);
        if (r->kind == DP_RULE_ONLY_FOR) {
            sel = !sel; /* the rule is about the children outside the selection */
        } else if (sel && r->kind == DP_RULE_AT_LEAST_ONE) {
            bool chose = false; /* only where the child's wishes allow it */
            for (uint32_t i = ch->choice0; i < ch->choice0 + ch->n_choices && !chose; i++)
                chose = dp__rule_act(r, m->choices[i].activity);
            sel = chose;
        }
        r->child_sel[c] = sel;
    }
}

void dp__rules_reselect(dp_rules *rs)
{
    for (uint32_t i = 0; i < rs->n; i++) {
        dp_rule *r = &rs->rules[i];
        select_children(rs, r);
        if (r->kind == DP_RULE_RESERVE)
            r->active = r->until_days == INT32_MIN || rs->ref_days < r->until_days;
    }
}

void dp_rules_free(dp_rules *rs)
{
    if (!rs)
        return;
    for (uint32_t i = 0; i < rs->n; i++) {
        dp_rule *r = &rs->rules[i];
        free(r->name);
        free(r->child_sel);
        free(r->act_sel);
        free(r->nb_sel);
        free(r->fam_sel);
        free(r->id_sel);
        free(r->set);
    }
    free(rs->rules);
    free(rs->fam0);
    free(rs->fam_child);
    free(rs->script);
    dp__sandbox_free(rs->sb);
    free(rs);
}

dp_status dp__rules_compile(dp_sandbox **sb_inout, const dp_model *m, const char *file,
                            dp_diags *diags, dp_rules **out, dp_error *err)
{
    lua_State *L = dp__sandbox_lua(*sb_inout);
    compile_ctx cc;
    dp_rules *rs;
    bool custom = false;

    *out = NULL;
    memset(&cc, 0, sizeof cc);
    rs = calloc(1, sizeof *rs);
    if (!rs)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory compiling the rules");
    rs->m = m;
    rs->ref_days = today_days();
    cc.rs = rs;
    cc.m = m;
    cc.file = file;
    cc.diags = diags;
    lua_pushcfunction(L, compile_all);
    lua_pushlightuserdata(L, &cc);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        cc.nomem = true;
    }
    for (uint32_t i = 0; i < rs->n && !cc.nomem; i++) {
        dp_rule *r = &rs->rules[i];
        custom = custom || r->kind == DP_RULE_CUSTOM;
        if (r->kind != DP_RULE_APART && r->kind != DP_RULE_MIX &&
            !(r->kind == DP_RULE_CUSTOM && r->custom_section)) {
            r->child_sel = cc_calloc(&cc, m->n_children, 1);
        }
    }
    if (cc.nomem) {
        dp_rules_free(rs);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory compiling the rules of %s", file);
    }
    if (cc.n_errors) {
        dp_rules_free(rs);
        if (err) {
            *err = cc.first;
            if (err->at.file)
                err->at.file = err->file_buf;
        }
        return DP_ERULE;
    }
    if (rs->n == 0) {
        dp_rules_free(rs);
        return DP_OK;
    }
    dp__rules_reselect(rs);
    if (custom) {
        rs->sb = *sb_inout;
        *sb_inout = NULL;
    }
    *out = rs;
    return DP_OK;
}

/* ------------------------------------------------------------------------ */
/* Public queries                                                             */

uint32_t dp_rules_count(const dp_model *m)
{
    return m->rules ? m->rules->n : 0;
}

void dp_rules_info(const dp_model *m, uint32_t i, dp_rule_info *out)
{
    const dp_rule *r = &m->rules->rules[i];

    out->name = r->name;
    out->kind = kind_names[r->kind];
    out->line = r->line;
    out->hard = r->hard;
    out->weight = r->weight;
}

void dp_rules_set_date(const dp_model *m, int32_t days)
{
    if (!m->rules)
        return;
    m->rules->ref_days = days;
    dp__rules_reselect(m->rules);
}

void dp__rules_solve_begin(const dp_model *m)
{
    dp_rules *rs = m->rules;

    if (!rs)
        return;
    rs->failed = false; /* a new solve */
    if (m->week_monday && rs->ref_days != m->week_monday)
        dp_rules_set_date(m, m->week_monday); /* the planned week's Monday */
}

bool dp__rules_use_lua(const dp_model *m)
{
    return m->rules && m->rules->sb;
}

bool dp__rules_failure(const dp_rules *rs, dp_error *why)
{
    if (!rs->failed)
        return false;
    if (why) {
        *why = rs->fail;
        if (why->at.file)
            why->at.file = why->file_buf;
    }
    return true;
}

void dp__rules_set_failure(dp_rules *rs, const dp_error *why)
{
    rs->failed = true;
    rs->fail = *why;
    if (rs->fail.at.file)
        rs->fail.at.file = rs->fail.file_buf;
}

dp_status dp_rules_status(const dp_model *m, dp_error *err)
{
    if (!m->rules || !m->rules->failed)
        return DP_OK;
    if (err) {
        *err = m->rules->fail;
        if (err->at.file)
            err->at.file = err->file_buf;
    }
    return DP_ERULE;
}
