/* tests/unit/test_schedule.c - dp_schedule_parse: reading a stored schedule
 * JSON back (assignments, unassigned choices with reasons, score), escapes,
 * unknown keys, and malformed texts reported with line and column. */
#include <string.h>

#include "../harness.h"
#include "dagplan/schedule.h"

static const char good[] =
    "{\n  \"format\": \"dagplan-schedule/1\",\n  \"centre\": \"vlinder\",\n"
    "  \"week\": \"2027-W03\", \"extra\": {\"nested\": [1, 2.5e3, -3, true, false, null]},\n"
    "  \"sessions\": [],\n"
    "  \"assignments\": [\n"
    "    {\"child\": \"c001\", \"activity\": \"judo\", \"section\": \"judo-a\", \"rank\": 1},\n"
    "    {\"child\": \"c002\", \"activity\": \"koor\", \"section\": \"koor-b\", \"rank\": 3}\n"
    "  ],\n"
    "  \"unassigned\": [\n"
    "    {\"child\": \"c003\", \"activity\": \"judo\", \"rank\": 2,\n"
    "     \"reasons\": [\"judo-a is full (12 of 12)\", \"caf\\u00e9 \\\"x\\\"\\n\"]}\n"
    "  ],\n"
    "  \"score\": {\"total\": 1234, \"stability\": -20}\n}\n";

static void test_schedule_reads_fields(void)
{
    dp_schedule *s = NULL;
    dp_error err = {0};

    CHECK(dp_schedule_parse(good, strlen(good), &s, &err) == DP_OK);
    if (!s)
        return;
    CHECK_STR(s->centre, "vlinder");
    CHECK_STR(s->week, "2027-W03");
    CHECK(s->total == 1234);
    CHECK(s->stability == -20);
    CHECK(s->n_assignments == 2);
    CHECK_STR(s->assignments[1].section, "koor-b");
    CHECK(s->assignments[1].rank == 3);
    CHECK(s->n_unassigned == 1);
    CHECK(s->unassigned[0].n_reasons == 2);
    CHECK_STR(s->unassigned[0].reasons[1], "caf\xc3\xa9 \"x\"\n");
    CHECK(dp_schedule_find(s, "c001", "judo") == &s->assignments[0]);
    CHECK(dp_schedule_find(s, "c001", "koor") == NULL);
    dp_schedule_free(s);
}

static void test_schedule_template_week_is_empty(void)
{
    static const char t[] = "{\"format\": \"dagplan-schedule/1\", \"week\": null, "
                            "\"assignments\": []}";
    dp_schedule *s = NULL;
    dp_error err = {0};

    CHECK(dp_schedule_parse(t, strlen(t), &s, &err) == DP_OK);
    if (!s)
        return;
    CHECK_STR(s->week, "");
    CHECK(s->n_assignments == 0 && s->n_unassigned == 0);
    dp_schedule_free(s);
}

static void expect_error(const char *text, unsigned line, unsigned column, const char *what)
{
    dp_schedule *s = NULL;
    dp_error err = {0};

    CHECK(dp_schedule_parse(text, strlen(text), &s, &err) == DP_EINPUT);
    CHECK(s == NULL);
    CHECK(err.at.line == line);
    CHECK(err.at.column == column);
    CHECK(strstr(err.msg, what) != NULL);
}

static void test_schedule_errors(void)
{
    expect_error("", 1, 1, "a JSON value");
    expect_error("{\"format\": \"dagplan-schedule/1\",\n \"assignments\": [}", 2, 18,
                 "a JSON value");
    expect_error("{\"a\" 1}", 1, 6, "':' after a member name");
    expect_error("{\"a\": \"x\\q\"}", 1, 10, "one of");
    expect_error("{\"a\": 1} x", 1, 10, "the end of the text");
    expect_error("{\"a\": \"open", 1, 8, "a closing");
    expect_error("[1, 2]", 0, 0, "a JSON object");
    expect_error("{\"format\": \"other\", \"assignments\": []}", 0, 0, "dagplan-schedule/1");
    expect_error("{\"format\": \"dagplan-schedule/1\"}", 0, 0, "assignments");
    expect_error("{\"format\": \"dagplan-schedule/1\", \"assignments\": [{\"child\": \"c\"}]}", 0,
                 0, "child, activity and section");
}

static void test_schedule_depth_limit(void)
{
    char deep[300];
    dp_schedule *s = NULL;
    dp_error err = {0};

    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    CHECK(dp_schedule_parse(deep, strlen(deep), &s, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "nested") != NULL);
}

int main(void)
{
    RUN(test_schedule_reads_fields);
    RUN(test_schedule_template_week_is_empty);
    RUN(test_schedule_errors);
    RUN(test_schedule_depth_limit);
    return harness_report();
}
