/* tests/unit/test_centre_conf.c - reading centre{...} from centre.lua.
 *
 * Each case loads a script from memory (or a file) and checks the settings,
 * the status and the diagnostics, printed exactly as `dagplan check` would
 * print them ("centre.lua:LINE: error: ..."). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rules/centre_conf.h"

/* Loads src and prints every diagnostic into out (one per line, sorted). */
static dp_status load(const char *src, dp_centre_conf *conf, char *out, size_t size, dp_error *err)
{
    dp_diags *diags = dp_diags_new();
    dp_status rc;
    FILE *f;

    out[0] = '\0';
    if (!diags)
        return DP_ENOMEM;
    rc = dp__centre_conf_load_mem(src, strlen(src), "centre.lua", conf, diags, err);
    dp_diags_sort(diags);
    f = fmemopen(out, size, "w");
    if (f) {
        dp_diags_print(diags, f);
        fclose(f);
    }
    dp_diags_free(diags);
    return rc;
}

/* Checks that src fails with exactly the diagnostics in expected. */
static void expect_diags(const char *src, dp_status want, const char *expected)
{
    dp_centre_conf conf;
    dp_error err = {0};
    char out[4096];
    dp_status rc = load(src, &conf, out, sizeof out, &err);

    CHECK(rc == want);
    CHECK_STR(out, expected);
    dp__centre_conf_release(&conf);
}

/* Checks that src fails and the first diagnostic starts with prefix. */
static void expect_error(const char *src, const char *prefix)
{
    dp_centre_conf conf;
    dp_error err = {0};
    char out[4096];
    dp_status rc = load(src, &conf, out, sizeof out, &err);

    CHECK(rc == DP_ERULE);
    if (strncmp(out, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "  got:      %s  expected: %s...\n", out, prefix);
    CHECK(strncmp(out, prefix, strlen(prefix)) == 0);
    CHECK(err.code == DP_ERULE && err.at.file && strcmp(err.at.file, "centre.lua") == 0);
    dp__centre_conf_release(&conf);
}

#define GOOD_CENTRE                                                                         \
    "centre {\n  id = 'vlinder', name = 'IKC De Vlinder', timezone = 'Europe/Amsterdam',\n" \
    "  home = 'ikc',\n}\n"

static void test_centre_conf_reads_every_key(void)
{
    const char *src = "-- IKC De Vlinder\n"
                      "local function pick(a, b) return a end\n"
                      "local tz = 'Europe/' .. 'Brussels'\n"
                      "centre {\n"
                      "  id = 'vlinder', name = 'IKC De Vlinder', timezone = tz,\n"
                      "  country = 'BE-VL', home = pick('ikc', 'x'), max_activities = 3,\n"
                      "  ratio_rules = '2019', base_url = 'https://vlinder.example.be/feeds',\n"
                      "}\n"
                      "local after = 1\n";
    dp_centre_conf conf;
    dp_error err = {0};
    char out[1024];

    CHECK(load(src, &conf, out, sizeof out, &err) == DP_OK);
    CHECK_STR(out, "");
    CHECK_STR(conf.id.value, "vlinder");
    CHECK_STR(conf.name.value, "IKC De Vlinder");
    CHECK_STR(conf.timezone.value, "Europe/Brussels");
    CHECK_STR(conf.country.value, "BE-VL");
    CHECK_STR(conf.home.value, "ikc");
    CHECK_STR(conf.ratio_rules.value, "2019");
    CHECK_STR(conf.base_url.value, "https://vlinder.example.be/feeds");
    CHECK(conf.max_activities == 3);
    CHECK(conf.centre_line == 4 && conf.id.line == 4 && conf.max_activities_line == 4);
    dp__centre_conf_release(&conf);
    CHECK(conf.id.value == NULL);
}

static void test_centre_conf_fills_defaults(void)
{
    dp_centre_conf conf;
    dp_error err = {0};
    char out[1024];

    CHECK(load(GOOD_CENTRE, &conf, out, sizeof out, &err) == DP_OK);
    CHECK_STR(conf.country.value, "NL");
    CHECK(conf.country.line == 0);
    CHECK_STR(conf.ratio_rules.value, "2024");
    CHECK(conf.max_activities == 2 && conf.max_activities_line == 0);
    CHECK(conf.base_url.value == NULL);
    CHECK(conf.centre_line == 1);
    dp__centre_conf_release(&conf);
}

static void test_centre_conf_reports_missing_and_wrong_keys(void)
{
    expect_diags("local x = 1\n\ncentre {}\n", DP_ERULE,
                 "centre.lua:3: error: centre{...} has no 'id'; expected an id of 1 to 64 "
                 "letters, digits, '_', '.' or '-', such as id = \"vlinder\"\n"
                 "centre.lua:3: error: centre{...} has no 'name'; expected non-empty text, such "
                 "as name = \"IKC De Vlinder\"\n"
                 "centre.lua:3: error: centre{...} has no 'timezone'; expected an IANA time zone "
                 "name, such as timezone = \"Europe/Amsterdam\"\n"
                 "centre.lua:3: error: centre{...} has no 'home'; expected an id of 1 to 64 "
                 "letters, digits, '_', '.' or '-', such as home = \"ikc\"\n");
    expect_diags("centre { id = 5, name = 'X', timezone = 'Europe/Amsterdam', home = 'ikc',\n"
                 "  max_activities = 0, country = 'DE', colour = 'blue', [1] = 'x' }\n",
                 DP_ERULE,
                 "centre.lua:1: error: centre{...}: 'id' must be text in quotes, such as "
                 "\"vlinder\", not a number\n"
                 "centre.lua:1: error: centre{...}: 'country' must be the country whose childcare "
                 "rules apply, such as \"NL\" or \"BE-VL\"; got \"DE\"\n"
                 "centre.lua:1: error: centre{...}: 'max_activities' must be a whole number from "
                 "1 to 1000 (activities per child per week), such as 2; got another number\n"
                 "centre.lua:1: error: centre{...}: 1 value without a name; write each setting as "
                 "name = value\n"
                 "centre.lua:1: warning: centre{...}: unknown setting 'colour' is ignored (known: "
                 "id, name, timezone, country, home, max_activities, ratio_rules, escort_ratio, "
                 "base_url, stability)\n"
                 "centre.lua:1: error: centre{...} has no 'id'; expected an id of 1 to 64 "
                 "letters, digits, '_', '.' or '-', such as id = \"vlinder\"\n");
    expect_error("centre { id = 'a b', name = 'X', timezone = 'Europe/Amsterdam', home = 'ikc' }",
                 "centre.lua:1: error: centre{...}: 'id' must be an id of 1 to 64 letters");
    expect_error("centre { id = 'a', name = 'X', timezone = 'Europe/Amsterdam', home = 'ikc',\n"
                 "max_activities = 2.5 }",
                 "centre.lua:1: error: centre{...}: 'max_activities' must be a whole number");
    expect_error("centre { id = 'a', name = 'X', timezone = 'Europe/Amsterdam', home = 'ikc',\n"
                 "max_activities = '2' }",
                 "centre.lua:1: error: centre{...}: 'max_activities' must be a whole number from "
                 "1 to 1000 (activities per child per week), such as 2; got string");
    expect_error("centre 'vlinder'",
                 "centre.lua:1: error: bad argument #1 to 'centre' (table expected, got string)");
}

static void test_centre_conf_unknown_key_is_only_a_warning(void)
{
    dp_centre_conf conf;
    dp_error err = {0};
    char out[1024];

    CHECK(load("centre { id = 'v', name = 'V', timezone = 'Europe/Amsterdam', home = 'ikc',\n"
               "  zz = 1, aa = 2 }\n",
               &conf, out, sizeof out, &err) == DP_OK);
    CHECK(strstr(out, "centre.lua:1: warning: centre{...}: unknown setting 'aa'") == out);
    CHECK(strstr(out, "'zz'") > strstr(out, "'aa'"));
    CHECK_STR(conf.id.value, "v");
    dp__centre_conf_release(&conf);
}

static void test_centre_conf_centre_called_twice_or_never(void)
{
    expect_diags(GOOD_CENTRE "\n" GOOD_CENTRE, DP_ERULE,
                 "centre.lua:6: error: centre{...} is called a second time (first at line 1); "
                 "call it once\n");
    expect_diags("local settings = { id = 'v' }\n", DP_ERULE,
                 "centre.lua: error: the script never calls centre{...}\n");
    expect_diags("", DP_ERULE, "centre.lua: error: the script never calls centre{...}\n");
    expect_error("centre = nil\n" GOOD_CENTRE,
                 "centre.lua:1: error: 'centre' is a built-in name and cannot be replaced");
}

static void test_centre_conf_script_cannot_escape(void)
{
    expect_error("local f = io.open('/etc/passwd')\n" GOOD_CENTRE,
                 "centre.lua:1: error: 'io' is not available");
    expect_error(GOOD_CENTRE "\n\nos.execute('rm -rf /')\n",
                 "centre.lua:7: error: 'os' is not available");
    expect_error("local x = require('socket')\n",
                 "centre.lua:1: error: 'require' is not available");
    expect_error("local f = assert(load('\\27LuaT\\0\\25\\147'))\n",
                 "centre.lua:1: error: load: compiled Lua chunks are not accepted");
    expect_error("\ndebug.sethook()\n", "centre.lua:2: error: 'debug' is not available");
    expect_error("setmetatable(_G, {})\n", "centre.lua:1: error: setmetatable: this table is "
                                           "read-only");
    expect_error("rawset(_G, 'centre', print)\n",
                 "centre.lua:1: error: rawset: this table is read-only");
    expect_error("local t = setmetatable({}, {__gc = function() end})\n",
                 "centre.lua:1: error: setmetatable: __gc metamethods are not allowed");
}

static void test_centre_conf_limits(void)
{
    expect_diags(GOOD_CENTRE "while true do\nend\n", DP_ERULE,
                 "centre.lua:5: error: the script ran more than 1000000 instructions (endless "
                 "loop?)\n");
    expect_diags("pcall(function() while true do end end)\n" GOOD_CENTRE, DP_ERULE,
                 "centre.lua:1: error: the script ran more than 1000000 instructions (endless "
                 "loop?)\n");
    expect_diags("local s = string.rep('x', 1e10)\n" GOOD_CENTRE, DP_ERULE,
                 "centre.lua: error: the script used more than 64 MiB of memory\n");
    expect_diags("local t = {}\nwhile true do t[#t + 1] = ('x'):rep(4096) .. #t end\n", DP_ERULE,
                 "centre.lua: error: the script used more than 64 MiB of memory\n");
}

static void test_centre_conf_syntax_error(void)
{
    expect_diags("centre {\n  id = 'v'\n  name = 'V',\n}\n", DP_ERULE,
                 "centre.lua:3: error: syntax error: '}' expected (to close '{' at line 1) near "
                 "'name'\n");
}

static void test_centre_conf_print_is_a_warning(void)
{
    expect_diags("print('loading', 42)\n" GOOD_CENTRE, DP_OK,
                 "centre.lua:1: warning: print: loading\t42\n");
}

static void test_centre_conf_without_diags(void)
{
    dp_centre_conf conf;
    dp_error err = {0};

    CHECK(dp__centre_conf_load_mem("x = = 1", 7, NULL, &conf, NULL, &err) == DP_ERULE);
    CHECK_STR(err.at.file, "centre.lua");
    CHECK(err.at.line == 1);
    CHECK(strncmp(err.msg, "syntax error: ", 14) == 0);
    dp__centre_conf_release(&conf);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fwrite(text, 1, len, f) == len);
    fclose(f);
}

static void test_centre_conf_from_file(void)
{
    const char *path = "test_centre_conf.lua";
    dp_centre_conf conf;
    dp_diags *diags = dp_diags_new();
    dp_error err = {0};
    size_t big = (size_t) 10 * 1024 * 1024;
    char *text = malloc(big);

    CHECK(diags && text);
    if (!diags || !text)
        return;
    write_file(path, GOOD_CENTRE, strlen(GOOD_CENTRE));
    CHECK(dp__centre_conf_load(path, "vlinder/centre.lua", &conf, diags, &err) == DP_OK);
    CHECK_STR(conf.home.value, "ikc");
    dp__centre_conf_release(&conf);

    CHECK(dp__centre_conf_load("no-such-dir/centre.lua", NULL, &conf, diags, &err) == DP_EIO);
    CHECK(strstr(err.msg, "no-such-dir/centre.lua: cannot open") == err.msg);
    dp__centre_conf_release(&conf);

    memset(text, '-', big);
    write_file(path, text, big);
    CHECK(dp__centre_conf_load(path, "vlinder/centre.lua", &conf, diags, &err) == DP_ERULE);
    CHECK_STR(err.at.file, "vlinder/centre.lua");
    CHECK_STR(err.msg, "the script is larger than 1 MiB; at most 1 MiB is allowed");
    CHECK(dp_diags_n_errors(diags) == 1);
    dp__centre_conf_release(&conf);
    remove(path);
    free(text);
    dp_diags_free(diags);
}

int main(void)
{
    RUN(test_centre_conf_reads_every_key);
    RUN(test_centre_conf_fills_defaults);
    RUN(test_centre_conf_reports_missing_and_wrong_keys);
    RUN(test_centre_conf_unknown_key_is_only_a_warning);
    RUN(test_centre_conf_centre_called_twice_or_never);
    RUN(test_centre_conf_script_cannot_escape);
    RUN(test_centre_conf_limits);
    RUN(test_centre_conf_syntax_error);
    RUN(test_centre_conf_print_is_a_warning);
    RUN(test_centre_conf_without_diags);
    RUN(test_centre_conf_from_file);
    return harness_report();
}
