/* core/rules/sandbox.c - the Lua sandbox that runs centre.lua and rules.
 *
 * Invariants:
 *   - mem_used never exceeds mem_limit: the allocator refuses the request
 *     instead. Lua then runs an emergency collection and asks again; a second
 *     refusal of the same request trips the memory stop.
 *   - A stop (memory or instructions) is sticky. The count hook raises it again
 *     every time it fires, and once tripped it fires on every instruction, so a
 *     pcall or xpcall in the script can catch it but never get past it.
 *   - The message handler and the stop path allocate nothing: the stop error
 *     is a string made at creation and kept in the registry.
 *   - Scripts see the globals table G, which holds only the script's own
 *     globals; the built-ins live in a hidden table B behind G's __index.
 *     G's __newindex refuses built-in names, and after dp__sandbox_seal()
 *     every name (the script's globals move into B). Library tables are
 *     read-only proxies. rawset and setmetatable refuse those tables.
 *   - No mutable globals: everything lives in struct dp_sandbox, which the
 *     Lua state reaches through its extra space.
 *
 * Tuned for small scripts (a few hundred lines) that run once per load, and
 * for rule functions called a few thousand times per solve. */
#include "rules/sandbox.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

/* The hook counts in steps of this many instructions (or fewer, for a limit
 * below it); the limit is exact when it is a multiple of the step. */
#define HOOK_STEP 1000

typedef enum stop_kind {
    STOP_NONE = 0,     /* running normally */
    STOP_MEMORY,       /* the memory cap was hit */
    STOP_INSTRUCTIONS, /* the instruction limit was hit */
} stop_kind;

struct dp_sandbox {
    lua_State *L;                 /* the state; NULL while being created */
    char name[128];               /* display name, e.g. "centre.lua" */
    char chunkname[130];          /* "=" + name: Lua prints it as it is */
    size_t mem_used;              /* bytes held by L */
    size_t mem_limit;             /* cap on mem_used */
    const void *refused_ptr;      /* last refused request (block) */
    size_t refused_size;          /* last refused request (new size); 0: none */
    bool host_oom;                /* realloc itself failed */
    long max_instructions;        /* per run or call */
    long n_instructions;          /* counted in this run or call */
    int hook_step;                /* instructions between hook calls */
    size_t max_source;            /* longest script or load() text */
    stop_kind stop;               /* sticky once set */
    unsigned stop_line;           /* script line where the instruction limit hit */
    unsigned err_line;            /* script line the message handler found */
    bool sealed;                  /* globals read-only */
    int stop_ref;                 /* registry ref of the stop message string */
    int builtins_ref;             /* registry ref of B */
    int readonly_ref;             /* registry ref of the set of read-only tables */
    uint64_t seed;                /* for math.random */
    dp_sandbox_print_fn print_fn; /* print() output; NULL: dropped */
    void *print_ud;               /* for print_fn */
    char *source;                 /* the main chunk last run (malloc'd), NULL if none */
    size_t source_len;            /* its length */
};

/* ------------------------------------------------------------------------ */
/* Memory, hook and message handler                                          */

static void count_hook(lua_State *L, lua_Debug *ar);

/* Sets the memory stop and makes the hook fire at the very next instruction,
 * so that a script that catches the memory error cannot go on. lua_sethook
 * only sets fields of the state (Lua allows it even from signal handlers), so
 * calling it from inside the allocator is safe. */
static void trip_memory_stop(dp_sandbox *sb)
{
    sb->stop = STOP_MEMORY;
    lua_sethook(sb->L, count_hook, LUA_MASKCOUNT, 1);
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    dp_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;
    void *p;

    if (nsize == 0) {
        free(ptr);
        sb->mem_used -= old;
        return NULL;
    }
    if (nsize > old && nsize - old > sb->mem_limit - sb->mem_used) {
        /* Lua retries once after an emergency collection: a second refusal
         * of the same request means the script really holds too much. */
        if (sb->L && sb->refused_size == nsize && sb->refused_ptr == ptr)
            trip_memory_stop(sb);
        sb->refused_ptr = ptr;
        sb->refused_size = nsize;
        return NULL;
    }
    p = realloc(ptr, nsize);
    if (!p) {
        sb->host_oom = true;
        return NULL;
    }
    sb->refused_size = 0;
    sb->mem_used = sb->mem_used - old + nsize;
    return p;
}

dp_sandbox *dp__sandbox_of(lua_State *L)
{
    dp_sandbox *sb;

    memcpy(&sb, lua_getextraspace(L), sizeof sb);
    return sb;
}

/* The current line of the innermost active function of the script's own main
 * chunk, from stack level `level` up; 0 when there is none. Allocates
 * nothing, so the message handler and the hook may use it. */
static unsigned script_line(const dp_sandbox *sb, lua_State *L, int level)
{
    lua_Debug ar;

    for (int lv = level; lua_getstack(L, lv, &ar); lv++) {
        if (!lua_getinfo(L, "Sl", &ar))
            continue;
        if (ar.currentline > 0 && strcmp(ar.source, sb->chunkname) == 0)
            return (unsigned) ar.currentline;
    }
    return 0;
}

/* Raises the stop error: a string made at creation, so nothing is allocated. */
static int raise_stop(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->stop_ref);
    return lua_error(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    (void) ar;
    if (sb->stop == STOP_NONE) {
        sb->n_instructions += sb->hook_step;
        if (sb->n_instructions < sb->max_instructions)
            return;
        sb->stop = STOP_INSTRUCTIONS;
        sb->stop_line = script_line(sb, L, 0);
    }
    /* From now on fire on every instruction: the script may catch this error
     * with pcall, but it cannot run another instruction after that. */
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    raise_stop(L);
}

/* Records where the error happened and returns the message unchanged. It
 * must not allocate: it also runs for errors raised near the memory cap. */
static int message_handler(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    sb->err_line = script_line(sb, L, 1);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Turning a Lua failure into a dp_error                                      */

/* Skips "centre.lua:12: ", "(load):3: " or "[string \"...\"]:3: " at the start
 * of msg; sets *line for the script's own chunk. */
static const char *strip_where(const dp_sandbox *sb, const char *msg, unsigned *line)
{
    size_t n = strlen(sb->name);
    const char *p = msg;
    bool ours = false;
    unsigned v = 0;

    if (strncmp(p, sb->name, n) == 0 && p[n] == ':') {
        p += n + 1;
        ours = true;
    } else if (strncmp(p, "(load):", 7) == 0) {
        p += 7;
    } else if (strncmp(p, "[string \"", 9) == 0 && strstr(p, "\"]:")) {
        p = strstr(p, "\"]:") + 3;
    } else {
        return msg;
    }
    if (*p < '0' || *p > '9')
        return msg;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v < 100000000u)
            v = v * 10 + (unsigned) (*p - '0');
    }
    if (*p != ':')
        return msg;
    p += p[1] == ' ' ? 2 : 1;
    if (ours)
        *line = v;
    return p;
}

static bool name_in(const char *name, size_t len, const char *const *list)
{
    for (; *list; list++) {
        if (strlen(*list) == len && memcmp(*list, name, len) == 0)
            return true;
    }
    return false;
}

/* Rewrites Lua's "attempt to call a nil value (global 'io')" into words a
 * planner understands; other messages are copied. */
static void friendly_message(const char *msg, char *out, size_t size)
{
    static const char *const blocked_globals[] = {
        "io",       "os",        "debug",          "package", "require", "dofile",
        "loadfile", "coroutine", "collectgarbage", "warn",    NULL};
    static const char *const blocked_fields[] = {"find", "match", "gmatch", "gsub", "dump", NULL};
    const char *what = strstr(msg, "a nil value (");
    const char *q1, *q2;

    q1 = what ? strchr(what, '\'') : NULL;
    q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    if (!q2 || !strstr(msg, "attempt to")) {
        snprintf(out, size, "%s", msg);
        return;
    }
    int len = (int) (q2 - q1 - 1);
    if (strncmp(what + 13, "global", 6) == 0 && name_in(q1 + 1, (size_t) len, blocked_globals))
        snprintf(out, size,
                 "'%.*s' is not available: scripts cannot use files, commands, "
                 "modules or the debug library",
                 len, q1 + 1);
    else if (strncmp(what + 13, "global", 6) == 0)
        snprintf(out, size, "'%.*s' is not defined (is the name misspelt?)", len, q1 + 1);
    else if (name_in(q1 + 1, (size_t) len, blocked_fields))
        snprintf(out, size,
                 "string.%.*s is not available (patterns can run for minutes); use "
                 "string.contains, starts_with, ends_with, split or trim",
                 len, q1 + 1);
    else
        snprintf(out, size, "%s", msg);
}

static void format_bytes(size_t bytes, char *buf, size_t size)
{
    const size_t mib = (size_t) 1024 * 1024;

    if (bytes % mib == 0)
        snprintf(buf, size, "%zu MiB", bytes / mib);
    else
        snprintf(buf, size, "%zu bytes", bytes);
}

/* Converts a failed load or call (status, error value on top of the stack)
 * into err; does not pop. */
static dp_status script_error(dp_sandbox *sb, int status, dp_error *err)
{
    dp_loc at = {sb->name, 0, 0};
    char text[256], limit[40];
    const char *msg, *rest;

    if (sb->host_oom)
        return DP_FAIL(err, DP_ENOMEM, &at, "out of memory while running the script");
    if (sb->stop == STOP_MEMORY || status == LUA_ERRMEM) {
        sb->stop = STOP_MEMORY;
        format_bytes(sb->mem_limit, limit, sizeof limit);
        return DP_FAIL(err, DP_ERULE, &at, "the script used more than %s of memory", limit);
    }
    if (sb->stop == STOP_INSTRUCTIONS) {
        at.line = sb->stop_line;
        return DP_FAIL(err, DP_ERULE, &at,
                       "the script ran more than %ld instructions (endless loop?)",
                       sb->max_instructions);
    }
    if (lua_type(sb->L, -1) != LUA_TSTRING) {
        at.line = sb->err_line;
        return DP_FAIL(err, DP_ERULE, &at,
                       "the script raised an error with a %s instead of a message",
                       luaL_typename(sb->L, -1));
    }
    msg = lua_tostring(sb->L, -1);
    at.line = sb->err_line;
    for (int i = 0; i < 3; i++) {
        rest = strip_where(sb, msg, &at.line);
        if (rest == msg)
            break;
        msg = rest;
    }
    friendly_message(msg, text, sizeof text);
    if (status == LUA_ERRSYNTAX)
        return DP_FAIL(err, DP_ERULE, &at, "syntax error: %s", text);
    if (status == LUA_ERRERR)
        return DP_FAIL(err, DP_ERULE, &at, "error while handling an error: %s", text);
    return DP_FAIL(err, DP_ERULE, &at, "%s", text);
}

static dp_status stop_error(dp_sandbox *sb, dp_error *err)
{
    dp_status rc;

    lua_pushnil(sb->L); /* no stack growth: callers leave LUA_MINSTACK free */
    rc = script_error(sb, LUA_ERRRUN, err);
    lua_pop(sb->L, 1);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Read-only tables                                                           */

static bool is_readonly(lua_State *L, int idx)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    bool ro;

    idx = lua_absindex(L, idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->readonly_ref);
    lua_pushvalue(L, idx);
    ro = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return ro;
}

static void mark_readonly(lua_State *L, int idx)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    idx = lua_absindex(L, idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->readonly_ref);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* __newindex of a library proxy; upvalue 1 is the library's name. */
static int library_newindex(lua_State *L)
{
    return luaL_error(L, "the %s library is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

/* next() over the real table behind a proxy (upvalue 1). */
static int proxy_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* next() over the globals: first the script's own (raw in G), then the
 * built-ins (upvalue 1). The two sets of keys are disjoint. */
static int globals_next(lua_State *L)
{
    bool in_globals = true;

    lua_settop(L, 2);
    if (!lua_isnil(L, 2)) {
        lua_pushvalue(L, 2);
        in_globals = lua_rawget(L, 1) != LUA_TNIL;
        lua_pop(L, 1);
    }
    if (in_globals) {
        lua_pushvalue(L, 2);
        if (lua_next(L, 1))
            return 2;
        lua_pushnil(L);
    } else {
        lua_pushvalue(L, 2);
    }
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs: returns the iterator in upvalue 1, the table and nil. */
static int pairs_with_upvalue(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* __newindex of G; upvalue 1 is B. */
static int globals_newindex(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    const char *name = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";

    if (sb->sealed)
        return luaL_error(L, "the global '%s' cannot be set: globals are read-only once %s has run",
                          name, sb->name);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return luaL_error(L, "'%s' is a built-in name and cannot be replaced", name);
    lua_pop(L, 1);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* Pushes the __pairs function for an iterator fn over the table at tidx. */
static void push_pairs(lua_State *L, lua_CFunction fn, int tidx)
{
    lua_pushvalue(L, tidx);
    lua_pushcclosure(L, fn, 1);
    lua_pushcclosure(L, pairs_with_upvalue, 1);
}

/* Replaces the table on top of the stack by a read-only proxy for it. */
static void make_proxy(lua_State *L, const char *libname)
{
    int real = lua_gettop(L);

    mark_readonly(L, real);
    lua_newtable(L);          /* proxy */
    lua_createtable(L, 0, 4); /* its metatable */
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, libname);
    lua_pushcclosure(L, library_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    push_pairs(L, proxy_next, real);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    mark_readonly(L, -1);
    lua_replace(L, real);
}

/* ------------------------------------------------------------------------ */
/* Replacements of base functions                                             */

static int sandbox_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_readonly(L, 1))
        return luaL_error(L, "rawset: this table is read-only");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

/* setmetatable without __gc and not on read-only tables; upvalue 1 is the
 * original. Finalizers run with hooks off, so one could loop forever. */
static int sandbox_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in scripts");
        lua_pop(L, 1);
    }
    if (is_readonly(L, 1))
        return luaL_error(L, "setmetatable: this table is read-only");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

/* load() for source text only, at most max_source bytes, in the sandbox. */
static int sandbox_load(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    size_t len;
    const char *s;
    int status;

    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, "load: expected Lua source text (a string), got %s",
                          luaL_typename(L, 1));
    s = lua_tolstring(L, 1, &len);
    lua_pushnil(L);
    if (len > sb->max_source) {
        lua_pushfstring(L, "load: the text is longer than %I bytes", (lua_Integer) sb->max_source);
        return 2;
    }
    if (len > 0 && s[0] == LUA_SIGNATURE[0]) {
        lua_pushliteral(L, "load: compiled Lua chunks are not accepted, only source text");
        return 2;
    }
    status = luaL_loadbufferx(L, s, len, "=(load)", "t");
    if (status != LUA_OK)
        return 2;
    if (!lua_isnone(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
    return 1;
}

static int sandbox_print(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    size_t len;
    const char *text;

    if (!sb->print_fn)
        return 0;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        luaL_tolstring(L, i, NULL);
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    text = lua_tolstring(L, -1, &len);
    sb->print_fn(sb->print_ud, script_line(sb, L, 1), text, len);
    return 0;
}

/* math.randomseed with an explicit seed only: without one Lua would seed from
 * the clock and runs would no longer be reproducible. Upvalue 1: original. */
static int sandbox_randomseed(lua_State *L)
{
    luaL_checkinteger(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 0);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* string additions: plain text, linear time, no patterns                    */

/* Finds pat (m > 0 bytes) in s from offset `from` in O(n + m) with
 * Knuth-Morris-Pratt; fail has m entries. Returns the offset or -1. */
static ptrdiff_t kmp_find(const char *s, size_t n, size_t from, const char *pat, size_t m,
                          const size_t *fail)
{
    size_t q = 0;

    for (size_t i = from; i < n; i++) {
        while (q > 0 && s[i] != pat[q])
            q = fail[q - 1];
        if (s[i] == pat[q])
            q++;
        if (q == m)
            return (ptrdiff_t) (i + 1 - m);
    }
    return -1;
}

/* Builds the KMP failure table of pat in a userdata left on the stack (so it
 * is freed by the collector even when an error unwinds). */
static const size_t *kmp_table(lua_State *L, const char *pat, size_t m)
{
    size_t *fail = lua_newuserdatauv(L, m * sizeof *fail, 0);
    size_t k = 0;

    fail[0] = 0;
    for (size_t i = 1; i < m; i++) {
        while (k > 0 && pat[i] != pat[k])
            k = fail[k - 1];
        if (pat[i] == pat[k])
            k++;
        fail[i] = k;
    }
    return fail;
}

static int str_contains(lua_State *L)
{
    size_t n, m;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *pat = luaL_checklstring(L, 2, &m);

    if (m == 0 || m > n) {
        lua_pushboolean(L, m == 0);
        return 1;
    }
    lua_pushboolean(L, kmp_find(s, n, 0, pat, m, kmp_table(L, pat, m)) >= 0);
    return 1;
}

static int str_starts_with(lua_State *L)
{
    size_t n, m;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);

    lua_pushboolean(L, m <= n && memcmp(s, p, m) == 0);
    return 1;
}

static int str_ends_with(lua_State *L)
{
    size_t n, m;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &m);

    lua_pushboolean(L, m <= n && memcmp(s + n - m, p, m) == 0);
    return 1;
}

/* string.split(s, sep): the pieces between occurrences of the plain text
 * sep, as a list; "a,,b" gives {"a", "", "b"}. */
static int str_split(lua_State *L)
{
    size_t n, m, from = 0;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *sep = luaL_checklstring(L, 2, &m);
    const size_t *fail;
    lua_Integer k = 0;
    ptrdiff_t at;

    luaL_argcheck(L, m > 0, 2, "the separator must not be empty");
    fail = kmp_table(L, sep, m);
    lua_newtable(L);
    while ((at = kmp_find(s, n, from, sep, m, fail)) >= 0) {
        lua_pushlstring(L, s + from, (size_t) at - from);
        lua_rawseti(L, -2, ++k);
        from = (size_t) at + m;
    }
    lua_pushlstring(L, s + from, n - from);
    lua_rawseti(L, -2, ++k);
    return 1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int str_trim(lua_State *L)
{
    size_t n, a = 0;
    const char *s = luaL_checklstring(L, 1, &n);

    while (a < n && is_space(s[a]))
        a++;
    while (n > a && is_space(s[n - 1]))
        n--;
    lua_pushlstring(L, s + a, n - a);
    return 1;
}

/* string.rep refused up front when the result cannot fit under the memory
 * cap, so that a huge count is a memory stop and not a long copy. Upvalue 1:
 * the original. */
static int str_rep(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    size_t l, lsep = 0;
    lua_Integer n;
    size_t budget = sb->mem_limit - sb->mem_used;

    luaL_checklstring(L, 1, &l);
    n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0 && l + lsep > 0 && (lua_Unsigned) n - 1 > budget / (l + lsep)) {
        trip_memory_stop(sb);
        return raise_stop(L);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* date("YYYY-MM-DD")                                                         */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    /* Howard Hinnant's algorithm: days since 1970-01-01. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Parses "YYYY-MM-DD" (years 1900..2199); false when s is not a real date. */
static bool parse_date(const char *s, size_t len, int *y, int *m, int *d)
{
    int v[8];

    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0, j = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return false;
        v[j++] = s[i] - '0';
    }
    *y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    *m = v[4] * 10 + v[5];
    *d = v[6] * 10 + v[7];
    return *y >= 1900 && *y <= 2199 && *m >= 1 && *m <= 12 && *d >= 1 &&
           *d <= days_in_month(*y, *m);
}

static void set_int_field(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

/* date("2027-01-19") -> {year=2027, month=1, day=19, weekday="tue",
 * wday=2 (1 = Monday), yday=19, days=<days since 1970-01-01>} */
static int sandbox_date(lua_State *L)
{
    static const char *const names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int y, m, d;
    int64_t days;
    int wd;

    if (!parse_date(s, len, &y, &m, &d))
        return luaL_error(L, "date: expected a date as \"YYYY-MM-DD\" (1900 to 2199), got \"%s\"",
                          s);
    days = days_from_civil(y, m, d);
    wd = (int) (((days % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    lua_createtable(L, 0, 7);
    set_int_field(L, "year", y);
    set_int_field(L, "month", m);
    set_int_field(L, "day", d);
    set_int_field(L, "wday", wd + 1);
    set_int_field(L, "yday", days - days_from_civil(y, 1, 1) + 1);
    set_int_field(L, "days", days);
    lua_pushstring(L, names[wd]);
    lua_setfield(L, -2, "weekday");
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Building the environment                                                   */

/* Replaces field `name` of the table on top by fn with the old value as its
 * upvalue. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

static void remove_fields(lua_State *L, const char *const *names)
{
    for (; *names; names++) {
        lua_pushnil(L);
        lua_setfield(L, -2, *names);
    }
}

static void open_libraries(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};

    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
}

/* Trims base and string, wraps what must be bounded, adds the helpers. */
static void tailor_libraries(lua_State *L)
{
    static const char *const base_removed[] = {"dofile", "loadfile", "collectgarbage", "warn",
                                               NULL};
    static const char *const string_removed[] = {"find", "match", "gmatch", "gsub", "dump", NULL};
    static const luaL_Reg string_added[] = {
        {"contains", str_contains},   {"starts_with", str_starts_with},
        {"ends_with", str_ends_with}, {"split", str_split},
        {"trim", str_trim},           {NULL, NULL}};

    lua_pushglobaltable(L);
    remove_fields(L, base_removed);
    lua_pushcfunction(L, sandbox_load);
    lua_setfield(L, -2, "load");
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, sandbox_rawset);
    lua_setfield(L, -2, "rawset");
    wrap_field(L, "setmetatable", sandbox_setmetatable);
    lua_pushcfunction(L, sandbox_date);
    lua_setfield(L, -2, "date");

    lua_getfield(L, -1, LUA_STRLIBNAME);
    remove_fields(L, string_removed);
    wrap_field(L, "rep", str_rep);
    luaL_setfuncs(L, string_added, 0);
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_MATHLIBNAME);
    wrap_field(L, "randomseed", sandbox_randomseed);
    lua_pop(L, 2);
}

/* Seeds math.random from the sandbox seed (before randomseed is wrapped). */
static void seed_random(lua_State *L, uint64_t seed)
{
    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, (lua_Integer) (seed & 0x7fffffffffffffffu));
    lua_pushinteger(L, (lua_Integer) (seed >> 63));
    lua_call(L, 2, 0);
    lua_pop(L, 1);
}

/* Hides the string metatable behind __metatable = false, so that
 * getmetatable("") gives nothing to modify. */
static void protect_string_metatable(lua_State *L)
{
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
}

/* Moves every global into B (library tables as read-only proxies) and gives
 * G the metatable that guards it. Leaves nothing on the stack. */
static void build_globals(lua_State *L, dp_sandbox *sb)
{
    static const char *const libs[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                       LUA_UTF8LIBNAME, NULL};
    int g, b;

    lua_pushglobaltable(L);
    g = lua_gettop(L);
    lua_newtable(L);
    b = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, g)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, b);
    }
    for (const char *const *lib = libs; *lib; lib++) {
        lua_getfield(L, b, *lib);
        make_proxy(L, *lib);
        lua_setfield(L, b, *lib);
    }
    lua_pushnil(L);
    while (lua_next(L, g)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, g);
    }
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, b);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, b);
    lua_pushcclosure(L, globals_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    push_pairs(L, globals_next, b);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, g);
    mark_readonly(L, g);
    lua_pushvalue(L, b);
    sb->builtins_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 2);
}

/* Runs in protected mode: any allocation failure becomes a status. */
static int setup(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    lua_newtable(L);
    sb->readonly_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushliteral(L, "dagplan: the script was stopped");
    sb->stop_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    open_libraries(L);
    seed_random(L, sb->seed);
    tailor_libraries(L);
    protect_string_metatable(L);
    build_globals(L, sb);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                           */

static void apply_opts(dp_sandbox *sb, const dp_sandbox_opts *opts)
{
    const char *name = opts && opts->display_name ? opts->display_name : "script";

    snprintf(sb->name, sizeof sb->name, "%s", name);
    snprintf(sb->chunkname, sizeof sb->chunkname, "=%s", sb->name);
    sb->mem_limit =
        opts && opts->mem_limit_bytes ? opts->mem_limit_bytes : DP_SANDBOX_DEFAULT_MEM_BYTES;
    sb->max_instructions = opts && opts->max_instructions > 0 ? opts->max_instructions
                                                              : DP_SANDBOX_DEFAULT_INSTRUCTIONS;
    sb->hook_step = sb->max_instructions < HOOK_STEP ? (int) sb->max_instructions : HOOK_STEP;
    sb->max_source =
        opts && opts->max_source_bytes ? opts->max_source_bytes : DP_SANDBOX_DEFAULT_SOURCE_BYTES;
    sb->seed = opts ? opts->seed : 0;
    sb->print_fn = opts ? opts->print_fn : NULL;
    sb->print_ud = opts ? opts->print_ud : NULL;
}

dp_status dp__sandbox_new(const dp_sandbox_opts *opts, dp_sandbox **out, dp_error *err)
{
    dp_sandbox *sb = calloc(1, sizeof *sb);
    lua_State *L;

    if (!sb)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory creating the script sandbox");
    apply_opts(sb, opts);
    L = lua_newstate(sandbox_alloc, sb);
    if (!L) {
        free(sb);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory creating the script sandbox");
    }
    memcpy(lua_getextraspace(L), &sb, sizeof sb);
    lua_pushcfunction(L, setup);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        lua_close(L);
        free(sb);
        return DP_FAIL(err, DP_ENOMEM, NULL,
                       "out of memory creating the script sandbox (memory cap too small?)");
    }
    sb->L = L;
    *out = sb;
    return DP_OK;
}

void dp__sandbox_free(dp_sandbox *sb)
{
    if (!sb)
        return;
    lua_close(sb->L);
    free(sb->source);
    free(sb);
}

lua_State *dp__sandbox_lua(dp_sandbox *sb)
{
    return sb->L;
}

const char *dp__sandbox_name(const dp_sandbox *sb)
{
    return sb->name;
}

bool dp__sandbox_is_dead(const dp_sandbox *sb)
{
    return sb->stop != STOP_NONE;
}

size_t dp__sandbox_mem_used(const dp_sandbox *sb)
{
    return sb->mem_used;
}

/* Protected part of dp__sandbox_register: B[name] = closure(fn, ud). */
static int register_builtin(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    const char *name = lua_touserdata(L, 1);
    lua_CFunction fn = *(lua_CFunction *) lua_touserdata(L, 2);
    void *ud = lua_touserdata(L, 3);

    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->builtins_ref);
    if (ud) {
        lua_pushlightuserdata(L, ud);
        lua_pushcclosure(L, fn, 1);
    } else {
        lua_pushcfunction(L, fn);
    }
    lua_setfield(L, -2, name);
    return 0;
}

dp_status dp__sandbox_register(dp_sandbox *sb, const char *name, lua_CFunction fn, void *ud,
                               dp_error *err)
{
    lua_State *L = sb->L;

    lua_pushcfunction(L, register_builtin);
    lua_pushlightuserdata(L, (void *) (uintptr_t) name);
    lua_pushlightuserdata(L, &fn);
    lua_pushlightuserdata(L, ud);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory registering '%s'", name);
    }
    return DP_OK;
}

/* Protected part of dp__sandbox_register_lib: B[name] = read-only table of
 * closures. Arguments: name, the luaL_Reg array, ud (light userdata). */
static int register_lib(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);
    const char *name = lua_touserdata(L, 1);
    const luaL_Reg *fns = lua_touserdata(L, 2);
    void *ud = lua_touserdata(L, 3);

    lua_newtable(L);
    for (; fns->name; fns++) {
        lua_pushlightuserdata(L, ud);
        lua_pushcclosure(L, fns->func, 1);
        lua_setfield(L, -2, fns->name);
    }
    make_proxy(L, name);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->builtins_ref);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);
    return 0;
}

dp_status dp__sandbox_register_lib(dp_sandbox *sb, const char *name, const luaL_Reg *fns, void *ud,
                                   dp_error *err)
{
    lua_State *L = sb->L;

    lua_pushcfunction(L, register_lib);
    lua_pushlightuserdata(L, (void *) (uintptr_t) name);
    lua_pushlightuserdata(L, (void *) (uintptr_t) fns);
    lua_pushlightuserdata(L, ud);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory registering '%s'", name);
    }
    return DP_OK;
}

/* Protected part of dp__sandbox_reseed: math.randomseed(arg 1). */
static int reseed(lua_State *L)
{
    lua_Integer seed = lua_tointeger(L, 1);

    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, seed);
    lua_call(L, 1, 0);
    return 0;
}

void dp__sandbox_reseed(dp_sandbox *sb, uint64_t seed)
{
    lua_State *L = sb->L;

    lua_pushcfunction(L, reseed);
    lua_pushinteger(L, (lua_Integer) (seed & 0x7fffffffffffffffu));
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        lua_pop(L, 1); /* out of memory: the sequence simply goes on */
}

void dp__sandbox_set_print(dp_sandbox *sb, dp_sandbox_print_fn fn, void *ud)
{
    sb->print_fn = fn;
    sb->print_ud = ud;
}

dp_status dp__sandbox_call(dp_sandbox *sb, int nargs, int nresults, dp_error *err)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs; /* index of the function */
    int status;
    dp_status rc = DP_OK;

    if (sb->stop != STOP_NONE) {
        lua_settop(L, base - 1);
        return stop_error(sb, err);
    }
    if (!lua_checkstack(L, 2)) {
        lua_settop(L, base - 1);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory calling into %s", sb->name);
    }
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    sb->n_instructions = 0;
    sb->err_line = 0;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, sb->hook_step);
    status = lua_pcall(L, nargs, nresults, base);
    if (status != LUA_OK) {
        rc = script_error(sb, status, err);
        lua_settop(L, base - 1);
    } else {
        lua_remove(L, base);
    }
    if (sb->stop == STOP_NONE)
        lua_sethook(L, NULL, 0, 0);
    return rc;
}

dp_status dp__sandbox_run(dp_sandbox *sb, const char *src, size_t len, dp_error *err)
{
    dp_loc at = {sb->name, 0, 0};
    char limit[40];
    int status;

    if (sb->stop != STOP_NONE)
        return stop_error(sb, err);
    if (len > sb->max_source) {
        format_bytes(sb->max_source, limit, sizeof limit);
        return DP_FAIL(err, DP_ERULE, &at, "the script is %zu bytes long; at most %s are allowed",
                       len, limit);
    }
    if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
        at.line = 1;
        return DP_FAIL(err, DP_ERULE, &at,
                       "the script is compiled Lua bytecode; only Lua source text is accepted");
    }
    status = luaL_loadbufferx(sb->L, src, len, sb->chunkname, "t");
    if (status != LUA_OK) {
        dp_status rc = script_error(sb, status, err);
        lua_pop(sb->L, 1);
        return rc;
    }
    /* Kept so that the same state can be built again (a search's own copy of
     * the rules, rules/clone.c). Without memory for it, it is not kept: no
     * copy can be made then, which only costs speed. */
    free(sb->source);
    sb->source = malloc(len + 1);
    sb->source_len = sb->source ? len : 0;
    if (sb->source) {
        memcpy(sb->source, src, len);
        sb->source[len] = '\0';
    }
    return dp__sandbox_call(sb, 0, 0, err);
}

const char *dp__sandbox_source(const dp_sandbox *sb, size_t *len)
{
    *len = sb->source_len;
    return sb->source;
}

/* Protected part of dp__sandbox_seal: moves G's entries into B. */
static int seal_globals(lua_State *L)
{
    dp_sandbox *sb = dp__sandbox_of(L);

    lua_pushglobaltable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->builtins_ref);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, 2);
    }
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, 1);
    }
    return 0;
}

void dp__sandbox_seal(dp_sandbox *sb)
{
    sb->sealed = true;
    lua_pushcfunction(sb->L, seal_globals);
    /* On a memory failure some globals stay in G, where they would remain
     * assignable; the sandbox is then dead (a memory stop) and runs nothing. */
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
        sb->stop = STOP_MEMORY;
        lua_pop(sb->L, 1);
    }
}
