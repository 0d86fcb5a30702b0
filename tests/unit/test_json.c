/* tests/unit/test_json.c - the JSON reader (core/json.c) and reading stored
 * schedules against a model (core/timetable.c). */
#include <string.h>

#include "dagplan/buf.h"
#include "dagplan/load.h"
#include "dagplan/timetable.h"
#include "harness.h"
#include "json.h"

static dp_status parse(const char *text, dp_json_doc **doc, dp_error *err)
{
    return dp__json_parse(text, strlen(text), "t.json", doc, err);
}

static void test_json_values_and_escapes(void)
{
    dp_json_doc *doc = NULL;
    dp_error err = {0};

    CHECK(parse(" {\"a\": [1, -2.5e1, true, null], \"b\": \"x\\u00eby\\ud83d\\ude00\\n\"} ", &doc,
                &err) == DP_OK);
    const dp_json *r = dp__json_root(doc);
    const dp_json *a = dp__json_get(r, "a");
    CHECK(a && a->type == DP_JSON_ARRAY && a->len == 4);
    CHECK(a->items[0].number == 1 && a->items[1].number == -25);
    CHECK(a->items[2].type == DP_JSON_BOOL && a->items[2].boolean);
    CHECK(a->items[3].type == DP_JSON_NULL);
    CHECK_STR(dp__json_get_str(r, "b"), "x\xc3\xaby\xf0\x9f\x98\x80\n");
    CHECK(dp__json_get(r, "c") == NULL);
    dp__json_free(doc);
}

/* The writer (core/buf.c) escapes what JSON requires, in runs of plain text
 * and alone, at the start, the middle and the end; the reader gets the text
 * back. */
static void test_json_writer_escapes_round_trip(void)
{
    static const char *const texts[] = {
        "",        "plain text", "\"quoted\"", "end\\",
        "a\nb\nc", "x\x01y\x1f", "\"",         "caf\xc3\xa9 \\ \"x\""};
    dp_buf b;

    dp_buf_init(&b);
    dp_buf_json_string(&b, "a\"b\\c\nd\x01");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\nd\\u0001\"");
    dp_buf_release(&b);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dp_json_doc *doc = NULL;
        dp_error err = {0};
        dp_buf_init(&b);
        dp_buf_puts(&b, "{\"s\": ");
        dp_buf_json_string(&b, texts[i]);
        dp_buf_puts(&b, "}");
        CHECK(parse(b.data, &doc, &err) == DP_OK);
        if (doc)
            CHECK_STR(dp__json_get_str(dp__json_root(doc), "s"), texts[i]);
        dp__json_free(doc);
        dp_buf_release(&b);
    }
}

static void test_json_rejects_with_location(void)
{
    static const char *const bad[] = {"{\"a\": 1,}", "[01]", "\"\\ud800\"", "[1 2]", "{a: 1}",
                                      "\"\xc3\"",    "[",    "nul",         "1 1",   "\"\x01\""};
    dp_json_doc *doc = NULL;
    dp_error err = {0};

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(parse(bad[i], &doc, &err) == DP_EINPUT);
    CHECK(parse("{\n  \"a\": tru\n}", &doc, &err) == DP_EINPUT);
    CHECK(err.at.line == 2 && err.at.column == 8);
    CHECK(strstr(err.msg, "true or false") != NULL);
    char deep[200];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    CHECK(parse(deep, &doc, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "nested") != NULL);
}

static void test_timetable_reads_and_skips_unknown_ids(void)
{
    dp_diags *d = dp_diags_new();
    dp_model *m = NULL;
    dp_timetable *s = NULL;
    dp_error err = {0};
    const char *json =
        "{\"format\": \"dagplan-schedule/1\", \"week\": null, \"sessions\": ["
        "{\"section\": \"judo-a\", \"day\": \"tue\", \"date\": null, \"start\": \"15:30\", "
        "\"end\": \"16:30\", \"location\": \"sporthal\", \"staff\": \"s1\", \"cancelled\": false, "
        "\"children\": 2},"
        "{\"section\": \"gone\", \"day\": \"tue\", \"date\": null, \"start\": \"15:30\", "
        "\"end\": \"16:30\", \"location\": \"sporthal\", \"staff\": null, \"cancelled\": false}],"
        "\"assignments\": [{\"child\": \"c12\", \"section\": \"judo-a\"}, {\"child\": \"c03\", "
        "\"section\": \"judo-a\"}, {\"child\": \"nobody\", \"section\": \"judo-a\"}]}";

    CHECK(dp_load_centre(DP_TEST_DATA "/tiny", d, &m, &err) == DP_OK);
    CHECK(dp_timetable_parse(m, json, strlen(json), 1000, "v1", &s, &err) == DP_OK);
    CHECK(s->n_meetings == 1 && s->n_assignments == 2 && s->n_skipped == 2);
    CHECK_STR(s->first_skipped, "gone");
    CHECK(s->meetings[0].date == 1001 && s->meetings[0].start_min == 930);
    CHECK(s->meetings[0].n_children == 2 && !s->meetings[0].cancelled);
    CHECK(s->assignments[0].child < s->assignments[1].child);
    dp_timetable_free(s);
    CHECK(dp_timetable_parse(m, "{\"format\": 2}", 13, 0, "v2", &s, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "v2: not a dagplan schedule") != NULL);
    CHECK(dp_timetable_parse(m, "{", 1, 0, "v3", &s, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "v3: not valid JSON at line 1") != NULL);
    dp_model_free(m);
    dp_diags_free(d);
}

int main(void)
{
    RUN(test_json_values_and_escapes);
    RUN(test_json_writer_escapes_round_trip);
    RUN(test_json_rejects_with_location);
    RUN(test_timetable_reads_and_skips_unknown_ids);
    return harness_report();
}
