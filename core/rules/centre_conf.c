/* core/rules/centre_conf.c - reading the centre{...} settings of centre.lua.
 *
 * The script runs once in a fresh sandbox in which the built-in centre(t)
 * records the table's keys. Problems are collected, not stopped at: a key of
 * the wrong type, an unknown key or a missing required key are each a
 * diagnostic at the line of the centre{} call, so that `dagplan check` lists
 * them all. Keys are checked in a fixed order (known keys in table order,
 * unknown keys sorted by name), so the report does not depend on Lua's hash
 * order.
 *
 * centre() is called from Lua, and Lua errors unwind with longjmp, so any
 * malloc'd string is attached to the conf at once: nothing leaks when an
 * error unwinds through it. */
#include "rules/centre_conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "rules/rules.h"
#include "rules/sandbox.h"

#define MAX_VALUE_BYTES 1024 /* longest accepted string setting */

/* State shared between the loader and centre() while the script runs. */
typedef struct conf_ctx {
    dp_centre_conf *conf; /* being filled */
    dp_diags *diags;      /* may be NULL */
    const char *file;     /* display name */
    size_t n_errors;      /* errors reported so far */
    dp_error first;       /* the first error */
    bool nomem;           /* a host allocation failed */
} conf_ctx;

typedef enum value_kind {
    KIND_ID,      /* [A-Za-z0-9_.-]{1,64} */
    KIND_TEXT,    /* any non-empty text */
    KIND_ZONE,    /* non-empty, no spaces */
    KIND_COUNTRY, /* NL or BE-VL */
    KIND_RATIO,   /* 2024 or 2019 */
    KIND_URL,     /* http:// or https:// */
} value_kind;

typedef struct str_key {
    const char *key;     /* name in centre{} */
    size_t offset;       /* of its dp_conf_str in dp_centre_conf */
    value_kind kind;     /* how the value is checked */
    const char *example; /* shown in messages */
} str_key;

static const str_key str_keys[] = {
    {"id", offsetof(dp_centre_conf, id), KIND_ID, "\"vlinder\""},
    {"name", offsetof(dp_centre_conf, name), KIND_TEXT, "\"IKC De Vlinder\""},
    {"timezone", offsetof(dp_centre_conf, timezone), KIND_ZONE, "\"Europe/Amsterdam\""},
    {"country", offsetof(dp_centre_conf, country), KIND_COUNTRY, "\"NL\" or \"BE-VL\""},
    {"home", offsetof(dp_centre_conf, home), KIND_ID, "\"ikc\""},
    {"ratio_rules", offsetof(dp_centre_conf, ratio_rules), KIND_RATIO, "\"2024\" or \"2019\""},
    {"base_url", offsetof(dp_centre_conf, base_url), KIND_URL, "\"https://ikc.example.nl\""},
};

#define N_STR_KEYS (sizeof str_keys / sizeof str_keys[0])

static const char *const required_keys[] = {"id", "name", "timezone", "home"};

static void problem(conf_ctx *ctx, dp_severity sev, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void problem(conf_ctx *ctx, dp_severity sev, unsigned line, const char *fmt, ...)
{
    dp_loc at = {ctx->file, line, 0};
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == DP_SEV_ERROR) {
        if (ctx->n_errors++ == 0)
            DP_FAIL(&ctx->first, DP_ERULE, &at, "%s", msg);
    }
    if (ctx->diags && dp_diags_add(ctx->diags, sev, &at, "%s", msg) != DP_OK)
        ctx->nomem = true;
}

static void report_error(conf_ctx *ctx, const dp_error *e)
{
    if (ctx->n_errors++ == 0)
        ctx->first = *e;
    /* first.at.file must point into first, not into e. */
    if (ctx->first.at.file)
        ctx->first.at.file = ctx->first.file_buf;
    if (ctx->diags && dp_diags_add_error(ctx->diags, e) != DP_OK)
        ctx->nomem = true;
}

static char *copy_text(const char *s, size_t len)
{
    char *p = malloc(len + 1);

    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static bool is_id(const char *s, size_t len)
{
    if (len < 1 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static bool has_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\0')
            return true;
    }
    return false;
}

static bool equals(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static bool value_ok(value_kind kind, const char *s, size_t len)
{
    switch (kind) {
    case KIND_ID:
        return is_id(s, len);
    case KIND_TEXT:
        return len > 0 && memchr(s, '\0', len) == NULL;
    case KIND_ZONE:
        return len > 0 && !has_space(s, len);
    case KIND_COUNTRY:
        return equals(s, len, "NL") || equals(s, len, "BE-VL");
    case KIND_RATIO:
        return equals(s, len, "2024") || equals(s, len, "2019");
    case KIND_URL:
        return !has_space(s, len) && ((len > 7 && memcmp(s, "http://", 7) == 0) ||
                                      (len > 8 && memcmp(s, "https://", 8) == 0));
    }
    return false;
}

static const char *kind_words(value_kind kind)
{
    switch (kind) {
    case KIND_ID:
        return "an id of 1 to 64 letters, digits, '_', '.' or '-'";
    case KIND_TEXT:
        return "non-empty text";
    case KIND_ZONE:
        return "an IANA time zone name";
    case KIND_COUNTRY:
        return "the country whose childcare rules apply";
    case KIND_RATIO:
        return "the year of the ratio rules";
    case KIND_URL:
        return "a web address starting with http:// or https://";
    }
    return "a value";
}

/* Reads the string setting k from the value on top of the stack. */
static void read_string(conf_ctx *ctx, lua_State *L, const str_key *k, unsigned line)
{
    dp_conf_str *field = (dp_conf_str *) (void *) ((char *) ctx->conf + k->offset);
    size_t len;
    const char *s;

    if (lua_type(L, -1) != LUA_TSTRING) {
        problem(ctx, DP_SEV_ERROR, line,
                "centre{...}: '%s' must be text in quotes, such as %s, not a %s", k->key,
                k->example, luaL_typename(L, -1));
        return;
    }
    s = lua_tolstring(L, -1, &len);
    if (len > MAX_VALUE_BYTES || !value_ok(k->kind, s, len)) {
        problem(ctx, DP_SEV_ERROR, line,
                "centre{...}: '%s' must be %s, such as %s; got \"%.60s%s\"", k->key,
                kind_words(k->kind), k->example, s, len > 60 ? "..." : "");
        return;
    }
    field->value = copy_text(s, len);
    if (!field->value)
        ctx->nomem = true;
    field->line = line;
}

/* Reads a whole-number setting (max_activities, escort_ratio) in [lo, hi]
 * from the value on top of the stack. */
static void read_int(conf_ctx *ctx, lua_State *L, unsigned line, const char *key, lua_Integer lo,
                     lua_Integer hi, const char *what, int example, int *value,
                     unsigned *value_line)
{
    int isint = 0;
    lua_Integer n = 0;

    if (lua_type(L, -1) == LUA_TNUMBER)
        n = lua_tointegerx(L, -1, &isint);
    if (!isint || n < lo || n > hi) {
        problem(
            ctx, DP_SEV_ERROR, line,
            "centre{...}: '%s' must be a whole number from %lld to %lld (%s), such as %d; got %s",
            key, (long long) lo, (long long) hi, what, example,
            lua_type(L, -1) == LUA_TNUMBER ? "another number" : luaL_typename(L, -1));
        return;
    }
    *value = (int) n;
    *value_line = line;
}

/* Reads stability (points per changed assignment) from the top of the stack. */
static void read_stability(conf_ctx *ctx, lua_State *L, unsigned line)
{
    int isint = 0;
    lua_Integer n = 0;

    if (lua_type(L, -1) == LUA_TNUMBER)
        n = lua_tointegerx(L, -1, &isint);
    if (!isint || n < 0 || n > 100000) {
        problem(ctx, DP_SEV_ERROR, line,
                "centre{...}: 'stability' must be a whole number from 0 to 100000 (points per "
                "changed assignment), such as 20; got %s",
                lua_type(L, -1) == LUA_TNUMBER ? "another number" : luaL_typename(L, -1));
        return;
    }
    ctx->conf->stability = (int) n;
    ctx->conf->stability_line = line;
}

static bool is_known_key(const char *key, size_t len)
{
    for (size_t i = 0; i < N_STR_KEYS; i++) {
        if (equals(key, len, str_keys[i].key))
            return true;
    }
    return equals(key, len, "max_activities") || equals(key, len, "escort_ratio") ||
           equals(key, len, "stability");
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Warns about every unknown key of the table at index 1 (sorted by name) and
 * reports values without a name. */
static void check_unknown_keys(conf_ctx *ctx, lua_State *L, unsigned line)
{
    size_t n_unknown = 0, n_unnamed = 0, i = 0;
    const char **names;

    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            n_unnamed++;
        else if (!is_known_key(lua_tostring(L, -1), lua_rawlen(L, -1)))
            n_unknown++;
    }
    if (n_unnamed)
        problem(ctx, DP_SEV_ERROR, line,
                "centre{...}: %zu value%s without a name; write each setting as name = value",
                n_unnamed, n_unnamed == 1 ? "" : "s");
    if (!n_unknown)
        return;
    /* The names stay alive in the table; the array is collected by Lua. */
    names = lua_newuserdatauv(L, n_unknown * sizeof *names, 0);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING && !is_known_key(lua_tostring(L, -1), lua_rawlen(L, -1)))
            names[i++] = lua_tostring(L, -1);
    }
    qsort(names, n_unknown, sizeof *names, compare_names);
    for (i = 0; i < n_unknown; i++)
        problem(ctx, DP_SEV_WARNING, line,
                "centre{...}: unknown setting '%.60s' is ignored (known: id, name, timezone, "
                "country, home, max_activities, ratio_rules, escort_ratio, base_url, "
                "stability)",
                names[i]);
    lua_pop(L, 1);
}

/* The line of the innermost Lua code calling the running C function (through
 * pcall, say); 0 when there is none. */
static unsigned caller_line(lua_State *L)
{
    lua_Debug ar;

    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "l", &ar) && ar.currentline > 0)
            return (unsigned) ar.currentline;
    }
    return 0;
}

/* centre{...}: the built-in the script calls once; upvalue 1 is the ctx. */
static int lua_centre(lua_State *L)
{
    conf_ctx *ctx = lua_touserdata(L, lua_upvalueindex(1));
    unsigned line = caller_line(L);

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (ctx->conf->centre_line) {
        problem(ctx, DP_SEV_ERROR, line,
                "centre{...} is called a second time (first at line %u); call it once",
                ctx->conf->centre_line);
        return 0;
    }
    ctx->conf->centre_line = line;
    for (size_t i = 0; i < N_STR_KEYS; i++) {
        lua_pushstring(L, str_keys[i].key);
        if (lua_rawget(L, 1) != LUA_TNIL)
            read_string(ctx, L, &str_keys[i], line);
        lua_pop(L, 1);
    }
    lua_pushliteral(L, "max_activities");
    if (lua_rawget(L, 1) != LUA_TNIL)
        read_int(ctx, L, line, "max_activities", 1, 1000, "activities per child per week", 2,
                 &ctx->conf->max_activities, &ctx->conf->max_activities_line);
    lua_pop(L, 1);
    lua_pushliteral(L, "escort_ratio");
    if (lua_rawget(L, 1) != LUA_TNIL)
        read_int(ctx, L, line, "escort_ratio", 1, 100, "children per escorting professional", 8,
                 &ctx->conf->escort_ratio, &ctx->conf->escort_ratio_line);
    lua_pop(L, 1);
    lua_pushliteral(L, "stability");
    if (lua_rawget(L, 1) != LUA_TNIL)
        read_stability(ctx, L, line);
    lua_pop(L, 1);
    check_unknown_keys(ctx, L, line);
    return 0;
}

/* centre{...} after the script has run (from a rule function). */
static int lua_centre_closed(lua_State *L)
{
    return luaL_error(L, "centre{...} can only be called while centre.lua is read");
}

static void print_as_warning(void *ud, unsigned line, const char *text, size_t len)
{
    conf_ctx *ctx = ud;
    int n = len > 200 ? 200 : (int) len;

    problem(ctx, DP_SEV_WARNING, line, "print: %.*s%s", n, text, len > 200 ? "..." : "");
}

static void check_required(conf_ctx *ctx)
{
    const dp_centre_conf *c = ctx->conf;

    for (size_t r = 0; r < sizeof required_keys / sizeof required_keys[0]; r++) {
        for (size_t i = 0; i < N_STR_KEYS; i++) {
            const str_key *k = &str_keys[i];
            const dp_conf_str *field =
                (const dp_conf_str *) (const void *) ((const char *) c + k->offset);
            if (strcmp(k->key, required_keys[r]) == 0 && !field->value)
                problem(ctx, DP_SEV_ERROR, c->centre_line,
                        "centre{...} has no '%s'; expected %s, such as %s = %s", k->key,
                        kind_words(k->kind), k->key, k->example);
        }
    }
}

static bool fill_default(dp_conf_str *field, const char *value)
{
    if (field->value)
        return true;
    field->value = copy_text(value, strlen(value));
    return field->value != NULL;
}

static void init_conf(dp_centre_conf *conf)
{
    memset(conf, 0, sizeof *conf);
}

void dp__centre_conf_release(dp_centre_conf *conf)
{
    if (!conf)
        return;
    for (size_t i = 0; i < N_STR_KEYS; i++)
        free(((dp_conf_str *) (void *) ((char *) conf + str_keys[i].offset))->value);
    dp__sandbox_free(conf->sandbox);
    init_conf(conf);
}

/* Runs the script and records every problem in ctx. */
static dp_status run_script(conf_ctx *ctx, const char *src, size_t len, dp_error *err)
{
    dp_sandbox_opts opts = {0};
    dp_sandbox *sb = NULL;
    dp_error e = {0};
    dp_status rc;

    opts.display_name = ctx->file;
    opts.seed = 1;
    opts.print_fn = print_as_warning;
    opts.print_ud = ctx;
    rc = dp__sandbox_new(&opts, &sb, err);
    if (rc != DP_OK)
        return rc;
    rc = dp__sandbox_register(sb, "centre", lua_centre, ctx, err);
    if (rc != DP_OK)
        goto done;
    rc = dp__rules_register(sb, err);
    if (rc != DP_OK)
        goto done;
    rc = dp__sandbox_run(sb, src, len, &e);
    if (rc == DP_ENOMEM) {
        if (err)
            *err = e;
        goto done;
    }
    if (rc != DP_OK) {
        report_error(ctx, &e);
    } else {
        if (!ctx->conf->centre_line)
            problem(ctx, DP_SEV_ERROR, 0, "the script never calls centre{...}");
        /* Keep the state: it holds the recorded rules, compiled once the
         * data files are loaded; rule functions must not set globals. */
        dp__sandbox_seal(sb);
        /* ctx lives only while the script runs: later calls from rule
         * functions must not reach it. */
        dp__sandbox_set_print(sb, NULL, NULL);
        rc = dp__sandbox_register(sb, "centre", lua_centre_closed, NULL, err);
        if (rc != DP_OK)
            goto done;
        ctx->conf->sandbox = sb;
        sb = NULL;
    }
    rc = DP_OK;

done:
    dp__sandbox_free(sb);
    return rc;
}

dp_status dp__centre_conf_load_mem(const char *src, size_t len, const char *display_name,
                                   dp_centre_conf *conf, dp_diags *diags, dp_error *err)
{
    conf_ctx ctx = {0};
    dp_status rc;

    init_conf(conf);
    ctx.conf = conf;
    ctx.diags = diags;
    ctx.file = display_name ? display_name : "centre.lua";
    rc = run_script(&ctx, src, len, err);
    if (rc != DP_OK)
        return rc;
    if (conf->centre_line)
        check_required(&ctx);
    if (!fill_default(&conf->country, "NL") || !fill_default(&conf->ratio_rules, "2024"))
        ctx.nomem = true;
    if (!conf->max_activities_line)
        conf->max_activities = 2;
    if (!conf->escort_ratio_line)
        conf->escort_ratio = 8;
    if (!conf->stability_line)
        conf->stability = 20;
    if (ctx.nomem)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", ctx.file);
    if (ctx.n_errors) {
        if (err)
            *err = ctx.first;
        if (err && err->at.file)
            err->at.file = err->file_buf;
        return DP_ERULE;
    }
    return DP_OK;
}

/* Reads at most limit + 1 bytes of path into a new buffer (*data, *len);
 * more than limit bytes is reported with *too_big. */
static dp_status read_script(const char *path, size_t limit, char **data, size_t *len,
                             bool *too_big, dp_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;
    dp_status rc = DP_OK;

    if (!f)
        return DP_FAIL(err, DP_EIO, NULL, "%s: cannot open: %s", path, strerror(errno));
    buf = malloc(limit + 1);
    if (!buf) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading %s", path);
        goto done;
    }
    n = fread(buf, 1, limit + 1, f);
    if (ferror(f)) {
        rc = DP_FAIL(err, DP_EIO, NULL, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    *too_big = n > limit;
    *data = buf;
    *len = n;
    buf = NULL;

done:
    free(buf);
    fclose(f);
    return rc;
}

dp_status dp__centre_conf_load(const char *path, const char *display_name, dp_centre_conf *conf,
                               dp_diags *diags, dp_error *err)
{
    char *src = NULL;
    size_t len = 0;
    bool too_big = false;
    dp_status rc;

    init_conf(conf);
    if (!display_name)
        display_name = "centre.lua";
    rc = read_script(path, DP_SANDBOX_DEFAULT_SOURCE_BYTES, &src, &len, &too_big, err);
    if (rc != DP_OK)
        return rc;
    if (too_big) {
        conf_ctx ctx = {0};
        ctx.diags = diags;
        ctx.file = display_name;
        problem(&ctx, DP_SEV_ERROR, 0, "the script is larger than 1 MiB; at most 1 MiB is allowed");
        if (err)
            *err = ctx.first;
        if (err && err->at.file)
            err->at.file = err->file_buf;
        rc = ctx.nomem ? DP_ENOMEM : DP_ERULE;
    } else {
        rc = dp__centre_conf_load_mem(src, len, display_name, conf, diags, err);
    }
    free(src);
    return rc;
}
