/* tests/unit/test_csv.c - the CSV reader: quoting, line ends, BOM, the
 * semicolon dialect, column counting in characters, and every error with its
 * exact line and column. */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "harness.h"

/* A reader over a private copy of text (the reader writes into its buffer). */
typedef struct reader {
    dp__csv csv;
    char *buf;
    dp_error err;
    dp_status rc;
} reader;

static void open_text(reader *t, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    t->buf = malloc(len + 1);
    memcpy(t->buf, text, len);
    t->buf[len] = '\0';
    t->rc = dp__csv_init(&t->csv, "x.csv", t->buf, len, &t->err);
}

static void open_str(reader *t, const char *text)
{
    open_text(t, text, strlen(text));
}

static void close_reader(reader *t)
{
    dp__csv_release(&t->csv);
    free(t->buf);
}

/* Reads the next row; returns its field count (0 at the end or on error). */
static uint32_t next(reader *t)
{
    t->rc = dp__csv_next(&t->csv, &t->err);
    return t->csv.n_fields;
}

static const char *field(reader *t, uint32_t i)
{
    return i < t->csv.n_fields ? t->csv.fields[i].s : NULL;
}

static void test_csv_plain_rows_and_positions(void)
{
    reader t;
    open_str(&t, "id,name\nc1,Anna\n\nc2,Bo\n");
    CHECK(next(&t) == 2);
    CHECK_STR(field(&t, 0), "id");
    CHECK(next(&t) == 2);
    CHECK_STR(field(&t, 1), "Anna");
    CHECK(t.csv.fields[1].line == 2 && t.csv.fields[1].col == 4);
    CHECK(next(&t) == 2); /* the empty line is skipped */
    CHECK(t.csv.fields[0].line == 4 && t.csv.fields[0].col == 1);
    CHECK_STR(field(&t, 1), "Bo");
    CHECK(next(&t) == 0 && t.rc == DP_OK);
    CHECK(next(&t) == 0 && t.rc == DP_OK);
    close_reader(&t);
}

static void test_csv_quotes_escapes_and_newlines(void)
{
    reader t;
    open_str(&t, "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,\"\",\n");
    CHECK(next(&t) == 3);
    CHECK(next(&t) == 3);
    CHECK_STR(field(&t, 0), "x, y");
    CHECK_STR(field(&t, 1), "say \"hi\"");
    CHECK(t.csv.fields[1].len == 8);
    CHECK_STR(field(&t, 2), "two\nlines");
    CHECK(t.csv.fields[2].line == 2 && t.csv.fields[2].col == 21);
    CHECK(t.csv.fields[0].quoted);
    CHECK(next(&t) == 3);
    CHECK(t.csv.fields[0].line == 4); /* the embedded newline counts */
    CHECK_STR(field(&t, 1), "");
    CHECK_STR(field(&t, 2), "");
    CHECK(t.csv.fields[2].col == 9);
    CHECK(next(&t) == 0 && t.rc == DP_OK);
    close_reader(&t);
}

static void test_csv_bom_crlf_and_no_final_newline(void)
{
    reader t;
    open_str(&t, "\xEF\xBB\xBFid,name\r\nc1,Zoë\r\n\r\nc2,Ünal");
    CHECK(next(&t) == 2);
    CHECK_STR(field(&t, 0), "id");
    CHECK(t.csv.fields[0].col == 1);
    CHECK(next(&t) == 2);
    CHECK_STR(field(&t, 1), "Zoë");
    CHECK(next(&t) == 2);
    CHECK(t.csv.fields[1].line == 4);
    CHECK_STR(field(&t, 1), "Ünal");
    CHECK(next(&t) == 0 && t.rc == DP_OK);
    close_reader(&t);
}

static void test_csv_semicolon_dialect(void)
{
    reader t;
    open_str(&t, "\n\nid;name;note\nc1;Jansen, Piet;\"a;b\"\n");
    CHECK(t.csv.sep == ';');
    CHECK(next(&t) == 3);
    CHECK(t.csv.fields[0].line == 3);
    CHECK(next(&t) == 3);
    CHECK_STR(field(&t, 1), "Jansen, Piet");
    CHECK_STR(field(&t, 2), "a;b");
    close_reader(&t);
    open_str(&t, "id,name;x\n");
    CHECK(t.csv.sep == ',');
    CHECK(next(&t) == 2);
    close_reader(&t);
}

static void test_csv_columns_count_characters(void)
{
    reader t;
    open_str(&t, "naam,x\nÖzlem Çelik,25:00\n");
    next(&t);
    next(&t);
    CHECK(t.csv.fields[1].col == 13);
    CHECK(dp__csv_col_at(&t.csv.fields[0], 7) == 7); /* 'Ç' is the 7th character */
    close_reader(&t);
}

static void test_csv_lone_cr_line_end(void)
{
    reader t;
    open_str(&t, "a,b\rc,d\r");
    CHECK(next(&t) == 2);
    CHECK(next(&t) == 2);
    CHECK(t.csv.fields[1].line == 2 && t.csv.fields[1].col == 3);
    CHECK_STR(field(&t, 1), "d");
    close_reader(&t);
}

/* Reads text to its end and checks the error code, place and message. */
static void expect_error(const char *text, size_t len, dp_status code, unsigned line, unsigned col,
                         const char *msg)
{
    reader t;
    open_text(&t, text, len);
    int guard = 0;
    while (t.rc == DP_OK && next(&t) > 0 && guard++ < 100)
        ;
    CHECK(t.rc == code);
    CHECK(t.err.at.line == line);
    CHECK(t.err.at.column == col);
    CHECK_STR(t.err.at.file, "x.csv");
    CHECK_STR(t.err.msg, msg);
    if (t.err.at.line != line || t.err.at.column != col)
        fprintf(stderr, "  (got %u:%u for %s)\n", t.err.at.line, t.err.at.column, msg);
    CHECK(next(&t) == 0); /* stays stopped */
    close_reader(&t);
}

#define EXPECT_ERROR(text, code, line, col, msg) \
    expect_error(text, sizeof(text) - 1, code, line, col, msg)

static void test_csv_errors_have_exact_places(void)
{
    EXPECT_ERROR("a,b\nx,\"open\nmore\n", DP_EINPUT, 2, 3,
                 "unterminated quoted field: expected a closing quote");
    EXPECT_ERROR("a,b\nx,ab\"c\n", DP_EINPUT, 2, 5,
                 "a quote inside an unquoted field: expected the whole field in quotes with "
                 "the quote doubled (\"\")");
    EXPECT_ERROR("a,b\n\"ok\"x,y\n", DP_EINPUT, 2, 5,
                 "text after a closing quote: expected a separator or the end of the line");
    EXPECT_ERROR("a,b\nZoë,\xC3\x28\n", DP_EINPUT, 2, 5,
                 "invalid UTF-8: expected the file to be saved as UTF-8");
    EXPECT_ERROR("a,b\nx,\xED\xA0\x80\n", DP_EINPUT, 2, 3,
                 "invalid UTF-8: expected the file to be saved as UTF-8"); /* surrogate */
    EXPECT_ERROR("a,b\nx,\xC0\xAF\n", DP_EINPUT, 2, 3,
                 "invalid UTF-8: expected the file to be saved as UTF-8"); /* overlong */
    EXPECT_ERROR("a,b\nx,\"a\xF0\x9F\"\n", DP_EINPUT, 2, 5,
                 "invalid UTF-8: expected the file to be saved as UTF-8"); /* truncated */
    EXPECT_ERROR("a,b\nxy,z\0w\n", DP_EINPUT, 2, 5, "a NUL byte: expected UTF-8 text");
    EXPECT_ERROR("a,b\n\"x\0\"\n", DP_EINPUT, 2, 3, "a NUL byte: expected UTF-8 text");
}

static void test_csv_size_limits(void)
{
    size_t n = DP__CSV_MAX_FIELD + 10;
    char *big = malloc(n + 8);
    memcpy(big, "a\nx,", 4);
    memset(big + 4, 'y', n);
    expect_error(big, n + 4, DP_ELIMIT, 2, 3, "field longer than 65536 bytes");
    big[4] = '"';
    expect_error(big, n + 4, DP_ELIMIT, 2, 3, "field longer than 65536 bytes");
    free(big);

    char *many = malloc(2 * DP__CSV_MAX_FIELDS + 10);
    size_t len = 0;
    for (unsigned i = 0; i <= DP__CSV_MAX_FIELDS; i++) {
        many[len++] = 'v';
        many[len++] = ',';
    }
    expect_error(many, len, DP_ELIMIT, 1, 2 * DP__CSV_MAX_FIELDS + 1,
                 "more than 1024 fields in one row");
    free(many);

    reader t;
    char tiny[1] = {0};
    dp__csv r;
    dp_error err = {0};
    CHECK(dp__csv_init(&r, "huge.csv", tiny, (size_t) DP__CSV_MAX_FILE + 1, &err) == DP_ELIMIT);
    CHECK_STR(err.msg, "file is larger than 512 MiB");
    CHECK(dp__csv_next(&r, &err) == DP_OK && r.n_fields == 0);
    dp__csv_release(&r);
    open_str(&t, "");
    CHECK(next(&t) == 0 && t.rc == DP_OK);
    close_reader(&t);
}

int main(void)
{
    RUN(test_csv_plain_rows_and_positions);
    RUN(test_csv_quotes_escapes_and_newlines);
    RUN(test_csv_bom_crlf_and_no_final_newline);
    RUN(test_csv_semicolon_dialect);
    RUN(test_csv_columns_count_characters);
    RUN(test_csv_lone_cr_line_end);
    RUN(test_csv_errors_have_exact_places);
    RUN(test_csv_size_limits);
    return harness_report();
}
