/* core/rules/sandbox.h - a Lua 5.4 state that runs a planner's script safely.
 *
 * centre.lua is written by a centre's planner, not by us, and `dagplan serve`
 * reloads it on every edit, so a script must not be able to read or write
 * files, run commands, hang the process or exhaust its memory. A sandbox is
 * one lua_State with:
 *
 *   - only the base (without dofile, loadfile, collectgarbage, print replaced,
 *     load limited to source text), string (without the pattern functions and
 *     dump, with plain-text helpers), table, math (seeded from the sandbox's
 *     seed) and utf8 libraries, plus a date() helper;
 *   - a memory cap enforced by its lua_Alloc;
 *   - an instruction limit per call, enforced by a count hook that, once
 *     tripped, fires on every instruction so that a pcall in the script cannot
 *     swallow the stop;
 *   - no __gc metamethods (finalizers run with hooks disabled), read-only
 *     library tables, a globals table whose built-in names cannot be replaced
 *     and that becomes wholly read-only when sealed.
 *
 * Lua errors never escape: every call goes through lua_pcall with a message
 * handler that allocates nothing, and failures become DP_ERULE errors located
 * at "<display name>:LINE". There are no globals here: several sandboxes may
 * live in one process, each used by one thread at a time.
 *
 * The instruction limit applies per dp__sandbox_run/dp__sandbox_call. After a
 * limit was hit the sandbox is dead: further calls fail with the same error
 * (an ordinary script error leaves it usable). docs/sandbox.md describes what
 * scripts see. */
#ifndef DAGPLAN_SANDBOX_H
#define DAGPLAN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "dagplan/error.h"

#define DP_SANDBOX_DEFAULT_MEM_BYTES    ((size_t) 64 * 1024 * 1024)
#define DP_SANDBOX_DEFAULT_INSTRUCTIONS 1000000L
#define DP_SANDBOX_DEFAULT_SOURCE_BYTES ((size_t) 1024 * 1024)

typedef struct dp_sandbox dp_sandbox;

/* Receives the text of one print(...) call of the script, with the script line
 * of the call (0 when unknown). text is borrowed for the call only. */
typedef void (*dp_sandbox_print_fn)(void *ud, unsigned line, const char *text, size_t len);

/* Options of dp__sandbox_new(); zero fields take the defaults. */
typedef struct dp_sandbox_opts {
    const char *display_name;     /* script name in messages, e.g. "centre.lua" (copied) */
    size_t mem_limit_bytes;       /* memory cap; 0: 64 MiB */
    long max_instructions;        /* per run or call; 0: 1,000,000 */
    size_t max_source_bytes;      /* longest script or load() text; 0: 1 MiB */
    uint64_t seed;                /* seeds math.random, so runs are reproducible */
    dp_sandbox_print_fn print_fn; /* NULL: print() output is dropped */
    void *print_ud;               /* passed to print_fn */
} dp_sandbox_opts;

/* Creates a sandbox. opts may be NULL (all defaults, display name "script").
 * Returns DP_OK and sets *out, or DP_ENOMEM. Free with dp__sandbox_free(). */
dp_status dp__sandbox_new(const dp_sandbox_opts *opts, dp_sandbox **out /* OUT */, dp_error *err);

/* Closes the Lua state and frees the sandbox. NULL: no-op. */
void dp__sandbox_free(dp_sandbox *sb);

/* The sandbox's Lua state, borrowed until dp__sandbox_free(). C code may push
 * values and register functions with it, but must call Lua only through
 * dp__sandbox_call(). */
lua_State *dp__sandbox_lua(dp_sandbox *sb);

/* The sandbox a Lua state belongs to (for C functions called from Lua). */
dp_sandbox *dp__sandbox_of(lua_State *L);

/* The display name given at creation (borrowed). */
const char *dp__sandbox_name(const dp_sandbox *sb);

/* Adds a built-in global name bound to fn, which gets ud as its only upvalue
 * (a light userdata; NULL for none). Built-in names cannot be replaced or
 * removed by the script. Call before dp__sandbox_run(). Returns DP_OK, or
 * DP_ENOMEM when the memory cap or the host runs out. */
dp_status dp__sandbox_register(dp_sandbox *sb, const char *name, lua_CFunction fn, void *ud,
                               dp_error *err);

/* Adds a built-in, read-only library table `name` whose functions fns
 * (NULL-terminated, like luaL_setfuncs) each get ud as upvalue 1 (a light
 * userdata). Used for the rule API (`rule.max_activities{...}`). Call before
 * dp__sandbox_run(). Returns DP_OK or DP_ENOMEM. */
dp_status dp__sandbox_register_lib(dp_sandbox *sb, const char *name, const luaL_Reg *fns, void *ud,
                                   dp_error *err);

/* Restarts math.random's sequence from seed (rules: at the start of every
 * solve, so that a solve of the same centre gives the same schedule). */
void dp__sandbox_reseed(dp_sandbox *sb, uint64_t seed);

/* Replaces the receiver of print(...) output (NULL: dropped). */
void dp__sandbox_set_print(dp_sandbox *sb, dp_sandbox_print_fn fn, void *ud);

/* Loads src (len bytes of Lua source text, not compiled bytecode, at most
 * max_source_bytes) as the main chunk and runs it. Returns DP_OK, DP_ERULE
 * (with err->at = display_name:LINE; syntax errors, runtime errors, the memory
 * or instruction limit, a refused script) or DP_ENOMEM (the host ran out). */
dp_status dp__sandbox_run(dp_sandbox *sb, const char *src, size_t len, dp_error *err);

/* Calls the function below nargs arguments on the stack, like lua_pcall, with
 * a fresh instruction budget. On DP_OK nresults values are left on the stack;
 * on failure nothing is (the function and arguments are popped). Errors as for
 * dp__sandbox_run(). */
dp_status dp__sandbox_call(dp_sandbox *sb, int nargs, int nresults, dp_error *err);

/* The text of the main chunk dp__sandbox_run() last loaded (borrowed until
 * dp__sandbox_free(); *len bytes, NUL-terminated), or NULL when none was run
 * or there was no memory to keep it. Running it in a fresh sandbox builds the
 * same state again. */
const char *dp__sandbox_source(const dp_sandbox *sb, size_t *len);

/* Makes the globals table read-only: after this, assigning any global fails.
 * Library tables are read-only from the start. */
void dp__sandbox_seal(dp_sandbox *sb);

/* Whether a limit was hit (further calls fail). */
bool dp__sandbox_is_dead(const dp_sandbox *sb);

/* Bytes the Lua state holds now (for tests and reports). */
size_t dp__sandbox_mem_used(const dp_sandbox *sb);

#endif
