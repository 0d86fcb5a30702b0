/* tests/unit/test_sandbox.c - the Lua sandbox: libraries, limits, protection.
 *
 * Each case runs a small script in a fresh sandbox and checks the outcome
 * and, for failures, the status, the script line and the message. Scripts use
 * assert() for their own checks: a failing assert is a DP_ERULE at its line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "harness.h"
#include "rules/sandbox.h"

typedef struct printed {
    int n;          /* print() calls */
    unsigned line;  /* line of the last */
    char text[128]; /* text of the last */
} printed;

static void record_print(void *ud, unsigned line, const char *text, size_t len)
{
    printed *p = ud;

    p->n++;
    p->line = line;
    snprintf(p->text, sizeof p->text, "%.*s", (int) len, text);
}

/* Runs src in a new sandbox with opts (NULL: defaults, name "centre.lua"). */
static dp_status run_with(const dp_sandbox_opts *opts, const char *src, size_t len, dp_error *err)
{
    dp_sandbox_opts o = {0};
    dp_sandbox *sb = NULL;
    dp_status rc;

    if (opts)
        o = *opts;
    if (!o.display_name)
        o.display_name = "centre.lua";
    rc = dp__sandbox_new(&o, &sb, err);
    if (rc != DP_OK)
        return rc;
    rc = dp__sandbox_run(sb, src, len, err);
    dp__sandbox_free(sb);
    return rc;
}

static dp_status run(const char *src, dp_error *err)
{
    return run_with(NULL, src, strlen(src), err);
}

/* Checks that src fails with DP_ERULE at line, with msg containing part. */
static void expect_failure(const char *src, unsigned line, const char *part)
{
    dp_error err = {0};
    dp_status rc = run(src, &err);

    CHECK(rc == DP_ERULE);
    CHECK(err.at.file && strcmp(err.at.file, "centre.lua") == 0);
    CHECK(err.at.line == line);
    if (!strstr(err.msg, part) || err.at.line != line)
        fprintf(stderr, "  script: %s\n  got: %u: %s\n  expected: %u: ...%s...\n", src, err.at.line,
                err.msg, line, part);
    CHECK(strstr(err.msg, part) != NULL);
}

static void expect_ok(const char *src)
{
    dp_error err = {0};
    dp_status rc = run(src, &err);

    if (rc != DP_OK)
        fprintf(stderr, "  script failed: %u: %s\n", err.at.line, err.msg);
    CHECK(rc == DP_OK);
}

static void test_sandbox_cannot_open_files(void)
{
    expect_failure("local a = 1\nlocal f = io.open('/etc/passwd')\n", 2, "'io' is not available");
    expect_failure("dofile('/etc/passwd')", 1, "'dofile' is not available");
    expect_failure("\n\nloadfile('/etc/passwd')", 3, "'loadfile' is not available");
}

static void test_sandbox_cannot_run_commands(void)
{
    expect_failure("-- comment\nos.execute('touch /tmp/dagplan-pwned')\n", 2,
                   "'os' is not available");
}

static void test_sandbox_has_no_modules_debug_or_coroutines(void)
{
    expect_failure("local lfs = require('lfs')", 1, "'require' is not available");
    expect_failure("x = 1\ndebug.sethook(function() end, '', 0)", 2, "'debug' is not available");
    expect_failure("coroutine.wrap(function() end)()", 1, "'coroutine' is not available");
    expect_failure("collectgarbage('stop')", 1, "'collectgarbage' is not available");
    expect_ok("assert(package == nil and string.dump == nil and warn == nil)");
    expect_failure("local s = 'abc'\nlocal i = s:find('b')", 2, "string.find is not available");
    expect_failure("string.gsub(string.rep('a', 30), '(a*)*b', '')", 1,
                   "string.gsub is not available");
}

typedef struct code_buf {
    char *data;  /* output */
    size_t size; /* capacity */
    size_t len;  /* written */
} code_buf;

static int write_code(lua_State *L, const void *p, size_t n, void *ud)
{
    code_buf *b = ud;

    (void) L;
    if (n > b->size - b->len)
        return 1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Compiles "return 1" to real bytecode with a plain Lua state. */
static size_t make_bytecode(char *buf, size_t size)
{
    lua_State *L = luaL_newstate();
    code_buf b = {buf, size, 0};

    if (!L)
        return 0;
    if (luaL_loadstring(L, "return 1") != LUA_OK || lua_dump(L, write_code, &b, 1) != 0)
        b.len = 0;
    lua_close(L);
    return b.len;
}

static void test_sandbox_refuses_bytecode(void)
{
    char code[512];
    size_t len = make_bytecode(code, sizeof code);
    char script[4096];
    size_t at = 0;
    dp_error err = {0};

    CHECK(len > 4 && code[0] == '\033');
    CHECK(run_with(NULL, code, len, &err) == DP_ERULE);
    CHECK(err.at.line == 1);
    CHECK(strstr(err.msg, "only Lua source text is accepted") != NULL);

    at += (size_t) snprintf(script, sizeof script, "local code = \"");
    for (size_t i = 0; i < len; i++)
        at += (size_t) snprintf(script + at, sizeof script - at, "\\%u", (unsigned char) code[i]);
    snprintf(script + at, sizeof script - at,
             "\"\nlocal f, msg = load(code)\nassert(f == nil)\nerror(msg)\n");
    expect_failure(script, 4, "compiled Lua chunks are not accepted");
    /* Source text through load() works and sees the sandbox's globals. */
    expect_ok("local f = assert(load('return string.rep(\"ab\", 2), io'))\n"
              "local s, io_ = f()\nassert(s == 'abab' and io_ == nil)");
}

static void test_sandbox_endless_loop_stops(void)
{
    expect_failure("local n = 0\nwhile true do\n  n = n + 1\nend\n", 3,
                   "the script ran more than 1000000 instructions (endless loop?)");
}

static void test_sandbox_pcall_cannot_swallow_the_stop(void)
{
    printed p = {0};
    dp_sandbox_opts opts = {0};
    dp_error err = {0};
    const char *src = "local ok = pcall(function() while true do end end)\n"
                      "print('escaped', ok)\n"
                      "for i = 1, 10 do pcall(function() while true do end end) end\n"
                      "print('escaped again')\n";
    const char *xsrc = "xpcall(function() while true do end end, function(m) return m end)\n"
                       "print('escaped')\n";

    opts.print_fn = record_print;
    opts.print_ud = &p;
    CHECK(run_with(&opts, src, strlen(src), &err) == DP_ERULE);
    CHECK(strstr(err.msg, "more than 1000000 instructions") != NULL);
    CHECK(err.at.line == 1);
    CHECK(p.n == 0);
    CHECK(run_with(&opts, xsrc, strlen(xsrc), &err) == DP_ERULE);
    CHECK(strstr(err.msg, "more than 1000000 instructions") != NULL);
    CHECK(p.n == 0);
}

static void test_sandbox_string_rep_is_bounded(void)
{
    dp_error err = {0};

    CHECK(run("local s = string.rep('x', 1e10)", &err) == DP_ERULE);
    CHECK_STR(err.msg, "the script used more than 64 MiB of memory");
    CHECK(err.at.line == 0);
    CHECK(run("local ok = pcall(string.rep, 'x', 1e10)\nlocal t = {}\nfor i = 1, 100 do t[i] = i "
              "end\nreturn ok",
              &err) == DP_ERULE);
    CHECK_STR(err.msg, "the script used more than 64 MiB of memory");
    expect_ok("assert(#string.rep('ab', 1000, ',') == 2999)");
}

static void test_sandbox_growing_table_hits_memory_cap(void)
{
    dp_sandbox_opts opts = {0};
    dp_error err = {0};
    const char *src = "local t = {}\nlocal i = 0\nwhile true do\n  i = i + 1\n  t[i] = i\nend\n";
    const char *caught = "local t = {}\npcall(function() while true do t[#t + 1] = {} end end)\n"
                         "t = nil\nlocal u = {}\nfor i = 1, 10 do u[i] = i end\n";

    opts.mem_limit_bytes = (size_t) 8 * 1024 * 1024;
    opts.max_instructions = 1000000000L;
    CHECK(run_with(&opts, src, strlen(src), &err) == DP_ERULE);
    CHECK_STR(err.msg, "the script used more than 8 MiB of memory");
    /* Catching the memory error and freeing memory does not revive the script. */
    CHECK(run_with(&opts, caught, strlen(caught), &err) == DP_ERULE);
    CHECK_STR(err.msg, "the script used more than 8 MiB of memory");
}

static void test_sandbox_globals_and_libraries_are_protected(void)
{
    expect_failure("x = 1\nsetmetatable(_G, {__index = function() return os end})", 2, "read-only");
    expect_failure("rawset(_G, 'print', function() end)", 1, "rawset: this table is read-only");
    expect_failure("\nprint = nil", 2, "'print' is a built-in name and cannot be replaced");
    expect_failure("_G.pcall = function() end", 1, "built-in name");
    expect_failure("string.rep = function() return '' end", 1, "the string library is read-only");
    expect_failure("rawset(math, 'pi', 3)", 1, "rawset: this table is read-only");
    expect_failure("table.insert(string, 1)", 1, "read-only");
    expect_failure("setmetatable(string, nil)", 1, "read-only");
    expect_failure("getmetatable('').__index.rep = nil", 1, "attempt to index a boolean value");
    expect_ok("assert(getmetatable('') == false and getmetatable(_G) == false)\n"
              "assert(('x'):rep(3) == 'xxx' and _G.string == string)\n"
              "local n = 0 for k in pairs(math) do n = n + 1 end assert(n > 20)\n"
              "mine = 1 local seen = {} for k in pairs(_G) do seen[k] = true end\n"
              "assert(seen.mine and seen.pairs and seen.string)\n"
              "local t = setmetatable({}, {__index = {a = 1}}) assert(t.a == 1)");
}

static void test_sandbox_refuses_gc_metamethods(void)
{
    expect_failure("local t = {}\nsetmetatable(t, {__gc = function() while true do end end})\n", 2,
                   "__gc metamethods are not allowed");
    expect_failure("setmetatable({}, setmetatable({}, {__gc = true}))", 1, "__gc");
}

static void test_sandbox_refuses_large_script(void)
{
    size_t len = (size_t) 10 * 1024 * 1024;
    char *src = malloc(len);
    dp_error err = {0};

    CHECK(src != NULL);
    if (!src)
        return;
    memset(src, ' ', len);
    CHECK(run_with(NULL, src, len, &err) == DP_ERULE);
    CHECK_STR(err.msg, "the script is 10485760 bytes long; at most 1 MiB are allowed");
    free(src);
}

static void test_sandbox_syntax_error_has_line(void)
{
    dp_error err = {0};
    char out[512] = "";
    FILE *f = fmemopen(out, sizeof out, "w");

    CHECK(run("local a = 1\n\nlocal b = = 2\n", &err) == DP_ERULE);
    CHECK(err.at.line == 3);
    CHECK(f != NULL);
    if (f) {
        dp_error_print(&err, f, false);
        fclose(f);
    }
    CHECK_STR(out, "centre.lua:3: error: syntax error: unexpected symbol near '='\n");
}

static void test_sandbox_runtime_error_line_and_text(void)
{
    expect_failure("local function f()\n  error('boom')\nend\n\nf()\n", 2, "boom");
    expect_failure("local function f(x)\n  error('bad value', 2)\nend\n\nf(1)\n", 5, "bad value");
    expect_failure("local t = nil\nlocal x = 1 +\n  t.x", 3, "attempt to index a nil value");
    expect_failure("local f = load('error(\"inner\")')\nf()\n", 2, "inner");
    expect_failure("undefined_function()\n", 1, "'undefined_function' is not defined");
    expect_failure("error({})", 1, "with a table instead of a message");
}

static void test_sandbox_string_helpers(void)
{
    expect_ok("assert(('hello world'):contains('o w') and not ('abc'):contains('abd'))\n"
              "assert(('abc'):contains('') and not (''):contains('a'))\n"
              "assert(('aaab'):contains('aab') and ('abababc'):contains('ababc'))\n"
              "assert(('sport-judo'):starts_with('sport-') and not ('x'):starts_with('xy'))\n"
              "assert(('a.csv'):ends_with('.csv') and not ('csv'):ends_with('.csv'))\n"
              "local p = ('a,,b'):split(',') assert(#p == 3 and p[1] == 'a' and p[2] == '' "
              "and p[3] == 'b')\n"
              "p = string.split('x--y--', '--') assert(#p == 3 and p[2] == 'y' and p[3] == '')\n"
              "p = string.split('a%b', '%') assert(p[2] == 'b')\n"
              "assert(string.trim('  a b \\t\\n') == 'a b' and string.trim('   ') == '')\n"
              "assert(utf8.len('caf\\u{e9}') == 4 and table.concat({1, 2}, '-') == '1-2')");
    expect_failure("string.split('abc', '')", 1, "the separator must not be empty");
}

static void test_sandbox_date_helper(void)
{
    expect_ok("local d = date('2027-01-19')\n"
              "assert(d.year == 2027 and d.month == 1 and d.day == 19)\n"
              "assert(d.weekday == 'tue' and d.wday == 2 and d.yday == 19 and d.days == 20837)\n"
              "assert(date('2024-02-29').weekday == 'thu' and date('1970-01-01').days == 0)\n"
              "assert(date('2027-01-24').weekday == 'sun')");
    expect_failure("local d = date('2027-02-29')", 1, "expected a date as \"YYYY-MM-DD\"");
    expect_failure("local d = date('19-01-2027')", 1, "got \"19-01-2027\"");
}

/* The value of math.random(1, 1000000) in a sandbox with this seed. */
static lua_Integer random_with_seed(uint64_t seed)
{
    dp_sandbox_opts opts = {0};
    dp_sandbox *sb = NULL;
    lua_Integer v = -1;

    opts.seed = seed;
    if (dp__sandbox_new(&opts, &sb, NULL) != DP_OK)
        return -1;
    if (dp__sandbox_run(sb, "value = math.random(1, 1000000)", 31, NULL) == DP_OK) {
        lua_State *L = dp__sandbox_lua(sb);
        lua_getglobal(L, "value");
        v = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    dp__sandbox_free(sb);
    return v;
}

static void test_sandbox_random_is_seeded(void)
{
    CHECK(random_with_seed(7) > 0);
    CHECK(random_with_seed(7) == random_with_seed(7));
    CHECK(random_with_seed(7) != random_with_seed(8) ||
          random_with_seed(9) != random_with_seed(10));
    expect_failure("math.randomseed()", 1, "bad argument #1 to 'randomseed'");
    expect_ok("math.randomseed(3) local a = math.random() math.randomseed(3) "
              "assert(a == math.random())");
}

static void test_sandbox_seal_and_calls(void)
{
    dp_sandbox_opts opts = {0};
    dp_sandbox *sb = NULL;
    dp_error err = {0};
    lua_State *L;
    const char *src = "count = 0\nfunction bump()\n  count = count + 1\nend\n"
                      "function work(n)\n  local s = 0\n  for i = 1, n do s = s + i end\n"
                      "  return s\nend\n";

    opts.display_name = "rules.lua";
    opts.max_instructions = 10000;
    CHECK(dp__sandbox_new(&opts, &sb, &err) == DP_OK);
    if (!sb)
        return;
    L = dp__sandbox_lua(sb);
    CHECK(dp__sandbox_run(sb, src, strlen(src), &err) == DP_OK);
    /* Each call gets a fresh budget: 20 calls of ~4000 instructions pass. */
    for (int i = 0; i < 20; i++) {
        lua_getglobal(L, "work");
        lua_pushinteger(L, 1000);
        CHECK(dp__sandbox_call(sb, 1, 1, &err) == DP_OK);
        CHECK(lua_tointeger(L, -1) == 500500);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "bump");
    CHECK(dp__sandbox_call(sb, 0, 0, &err) == DP_OK);
    dp__sandbox_seal(sb);
    lua_getglobal(L, "bump");
    CHECK(dp__sandbox_call(sb, 0, 0, &err) == DP_ERULE);
    CHECK_STR(err.at.file, "rules.lua");
    CHECK(err.at.line == 3);
    CHECK(strstr(err.msg, "the global 'count' cannot be set") != NULL);
    CHECK(!dp__sandbox_is_dead(sb));
    CHECK(lua_gettop(L) == 0);
    lua_getglobal(L, "work");
    lua_pushinteger(L, 100000);
    CHECK(dp__sandbox_call(sb, 1, 1, &err) == DP_ERULE);
    CHECK(strstr(err.msg, "more than 10000 instructions") != NULL);
    CHECK(err.at.line == 7);
    CHECK(dp__sandbox_is_dead(sb));
    /* A dead sandbox runs nothing more. */
    lua_getglobal(L, "bump");
    CHECK(dp__sandbox_call(sb, 0, 0, &err) == DP_ERULE);
    CHECK(strstr(err.msg, "more than 10000 instructions") != NULL);
    CHECK(lua_gettop(L) == 0);
    dp__sandbox_free(sb);
}

static void test_sandbox_print_goes_to_callback(void)
{
    printed p = {0};
    dp_sandbox_opts opts = {0};
    dp_error err = {0};
    const char *src = "local x = 1\nprint('x is', x, nil)\n";

    opts.print_fn = record_print;
    opts.print_ud = &p;
    CHECK(run_with(&opts, src, strlen(src), &err) == DP_OK);
    CHECK(p.n == 1);
    CHECK(p.line == 2);
    CHECK_STR(p.text, "x is\t1\tnil");
    expect_ok("print('dropped without a callback')");
}

static void test_sandbox_tiny_memory_caps_fail_cleanly(void)
{
    /* Creation under every cap from 1 KiB to 64 KiB either works or reports
     * DP_ENOMEM; with ASan this also proves nothing leaks. */
    for (size_t cap = 1024; cap <= 64 * 1024; cap += 512) {
        dp_sandbox_opts opts = {0};
        dp_sandbox *sb = NULL;
        dp_error err = {0};
        dp_status rc;

        opts.mem_limit_bytes = cap;
        rc = dp__sandbox_new(&opts, &sb, &err);
        CHECK(rc == DP_OK || rc == DP_ENOMEM);
        if (rc == DP_OK) {
            rc = dp__sandbox_run(sb, "local t = {} for i = 1, 100 do t[i] = tostring(i) end", 53,
                                 &err);
            CHECK(rc == DP_OK || (rc == DP_ERULE && strstr(err.msg, "of memory")));
            CHECK(dp__sandbox_mem_used(sb) <= cap);
            dp__sandbox_free(sb);
        }
    }
}

static void *thread_main(void *arg)
{
    int *ok = arg;
    dp_error err = {0};

    for (int i = 0; i < 3; i++) {
        *ok += run("local t = {} for i = 1, 1000 do t[i] = ('x'):rep(i % 10) end", &err) == DP_OK;
        *ok += run("while true do end", &err) == DP_ERULE;
    }
    return NULL;
}

static void test_sandbox_threads_are_independent(void)
{
    pthread_t t[2];
    int ok[2] = {0, 0};

    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, thread_main, &ok[i]) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK(ok[0] == 6 && ok[1] == 6);
}

int main(void)
{
    RUN(test_sandbox_cannot_open_files);
    RUN(test_sandbox_cannot_run_commands);
    RUN(test_sandbox_has_no_modules_debug_or_coroutines);
    RUN(test_sandbox_refuses_bytecode);
    RUN(test_sandbox_endless_loop_stops);
    RUN(test_sandbox_pcall_cannot_swallow_the_stop);
    RUN(test_sandbox_string_rep_is_bounded);
    RUN(test_sandbox_growing_table_hits_memory_cap);
    RUN(test_sandbox_globals_and_libraries_are_protected);
    RUN(test_sandbox_refuses_gc_metamethods);
    RUN(test_sandbox_refuses_large_script);
    RUN(test_sandbox_syntax_error_has_line);
    RUN(test_sandbox_runtime_error_line_and_text);
    RUN(test_sandbox_string_helpers);
    RUN(test_sandbox_date_helper);
    RUN(test_sandbox_random_is_seeded);
    RUN(test_sandbox_seal_and_calls);
    RUN(test_sandbox_print_goes_to_callback);
    RUN(test_sandbox_tiny_memory_caps_fail_cleanly);
    RUN(test_sandbox_threads_are_independent);
    return harness_report();
}
