/* tests/unit/test_store.c - the SQLite store: schema and migrations, input
 * snapshots, schedule versions, feed tokens, checks, and crash safety.
 *
 * Each case works in its own directory under /tmp. SQLite is used directly
 * here only to build hostile fixtures (a store from a newer dagplan, an old
 * schema, a database of another program, tampered rows) and to look at
 * pragmas the API does not expose; everything else goes through store.h.
 *
 * The crash test forks a child that writes snapshots of big files and
 * versions in a loop, kills it with SIGKILL after a short random delay, and
 * checks after every kill that the store is intact, that every version the
 * child reported as committed is there, and that every stored JSON is
 * complete (it carries a SHA-256 of its own payload). */
#include "dagplan/store.h"
#include "harness.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define WEEK "2027-W03"

/* ---- fixtures ---- */

static char tmp_dir[256];
static char db_path[300];

/* Creates a fresh directory for one case and sets db_path inside it. */
static void fresh_dir(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/dp-test-store-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(db_path, sizeof db_path, "%s/dagplan.db", tmp_dir);
}

static void remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char child[1024];

    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        d = opendir(path);
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void write_text(const char *name, const char *text)
{
    write_file(tmp_dir, name, text, strlen(text));
}

/* Runs sql on the database at path directly; returns the first column of
 * the first row as an integer (0 when none). */
static long long raw_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long value = 0;
    const char *tail = sql;

    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "raw_sql open: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    while (tail && *tail) {
        if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
            fprintf(stderr, "raw_sql %s: %s\n", sql, sqlite3_errmsg(db));
            exit(1);
        }
        if (!st)
            break;
        if (sqlite3_step(st) == SQLITE_ROW)
            value = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return value;
}

static dp_store *open_ok(void)
{
    dp_store *s = NULL;
    dp_error err = {0};
    dp_status rc = dp_store_open(db_path, &s, &err);

    if (rc != DP_OK) {
        dp_error_print(&err, stderr, true);
        exit(1);
    }
    return s;
}

static dp_store_stats stats_of(dp_store *s)
{
    dp_store_stats st = {0};
    CHECK(dp_store_stats_get(s, &st, NULL) == DP_OK);
    return st;
}

static unsigned add_version(dp_store *s, const char *week, const char *json, int64_t snapshot,
                            uint64_t seed)
{
    dp_store_version_new v = {week, snapshot, seed, 100, json, 1700000000, "solve"};
    unsigned number = 0;
    dp_error err = {0};

    if (dp_store_add_version(s, &v, &number, &err) != DP_OK)
        dp_error_print(&err, stderr, true);
    return number;
}

/* ---- schema and opening ---- */

static void test_store_fresh_db_is_migrated(void)
{
    dp_store *s;

    fresh_dir();
    s = open_ok();
    CHECK(dp_store_schema_version(s) == DP_STORE_SCHEMA_VERSION);
    CHECK_STR(dp_store_path(s), db_path);
    CHECK(dp_store_check(s, true, NULL) == DP_OK);
    dp_store_stats st = stats_of(s);
    CHECK(st.n_blobs == 0 && st.n_snapshots == 0 && st.n_versions == 0 && st.n_tokens == 0);
    dp_store_close(s);
    CHECK(raw_sql(db_path, "PRAGMA user_version") == 2);
    CHECK(raw_sql(db_path, "PRAGMA application_id") == 0x64706c6e);
    CHECK(raw_sql(db_path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode") == 1);
    CHECK(raw_sql(db_path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('blobs', "
                           "'snapshots', 'snapshot_files', 'versions', 'current_versions', "
                           "'feed_tokens')") == 6);
    s = open_ok(); /* opening again migrates nothing and keeps the data */
    CHECK(dp_store_schema_version(s) == DP_STORE_SCHEMA_VERSION);
    dp_store_close(s);
    CHECK(raw_sql(db_path, "PRAGMA user_version") == 2);
    remove_tree(tmp_dir);
}

static void test_store_upgrades_version_1(void)
{
    dp_store *s;
    dp_store_version info;

    fresh_dir();
    s = open_ok();
    CHECK(add_version(s, WEEK, "{\"v\":1}", 0, 7) == 1);
    dp_store_close(s);
    /* Turn the file back into a version-1 store, as an older dagplan left it. */
    raw_sql(db_path, "DROP TABLE feed_tokens; PRAGMA user_version = 1");
    CHECK(raw_sql(db_path, "PRAGMA user_version") == 1);
    s = open_ok();
    CHECK(dp_store_schema_version(s) == 2);
    CHECK(dp_store_get_version(s, WEEK, 0, &info, NULL, NULL) == DP_OK);
    CHECK(info.number == 1 && info.seed == 7);
    CHECK(dp_store_add_token(s, DP_FEED_FAMILY, "fam1", "0123456789abcdef-token", 0, NULL, NULL) ==
          DP_OK);
    dp_store_close(s);
    CHECK(raw_sql(db_path, "PRAGMA user_version") == 2);
    remove_tree(tmp_dir);
}

static void test_store_refuses_newer_schema(void)
{
    dp_store *s = NULL;
    dp_error err = {0};

    fresh_dir();
    dp_store_close(open_ok());
    raw_sql(db_path, "PRAGMA user_version = 3");
    CHECK(dp_store_open(db_path, &s, &err) == DP_ESTORE);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "newer") != NULL);
    CHECK(strstr(err.msg, "version 3") != NULL);
    CHECK_STR(err.at.file, db_path);
    CHECK(raw_sql(db_path, "PRAGMA user_version") == 3);
    remove_tree(tmp_dir);
}

static void test_store_refuses_non_database(void)
{
    dp_store *s = NULL;
    dp_error err = {0};
    char text[2048];

    fresh_dir();
    memset(text, 'x', sizeof text);
    memcpy(text, "id,name,group\n", 14);
    write_file(tmp_dir, "dagplan.db", text, sizeof text);
    CHECK(dp_store_open(db_path, &s, &err) == DP_ESTORE);
    CHECK(s == NULL);
    CHECK_STR(err.at.file, db_path);
    CHECK(strstr(err.msg, "not a database") != NULL);
    struct stat st;
    CHECK(stat(db_path, &st) == 0 && st.st_size == (off_t) sizeof text); /* untouched */
    remove_tree(tmp_dir);
}

static void test_store_refuses_foreign_database(void)
{
    dp_store *s = NULL;
    dp_error err = {0};

    fresh_dir();
    raw_sql(db_path, "CREATE TABLE photos(id INTEGER)");
    CHECK(dp_store_open(db_path, &s, &err) == DP_ESTORE);
    CHECK(strstr(err.msg, "another program") != NULL);
    CHECK_STR(err.at.file, db_path);
    CHECK(raw_sql(db_path, "SELECT count(*) FROM sqlite_schema") == 1);
    remove_tree(tmp_dir);
}

static void test_store_open_in_missing_directory(void)
{
    dp_store *s = NULL;
    dp_error err = {0};
    const char *path = "/tmp/dp-test-store-no-such-dir/x/dagplan.db";

    CHECK(dp_store_open(path, &s, &err) == DP_ESTORE);
    CHECK(s == NULL);
    CHECK_STR(err.at.file, path);
    CHECK(strstr(err.msg, "cannot open") != NULL);
}

/* ---- snapshots ---- */

static void test_store_snapshot_dedup(void)
{
    static const char *const names[] = {"sessions.csv", "children.csv", "rota.csv"};
    const char *children = "id,name,group\nc1,Sem,3\n", *sessions = "section,day\nj,tue\n";
    char expected[DP_STORE_HASH_HEX], hash1[DP_STORE_HASH_HEX], hash3[DP_STORE_HASH_HEX];
    int64_t id1 = 0, id2 = 0, id3 = 0, id_again = 0;
    dp_store_file *files = NULL;
    size_t n = 0;
    dp_store *s;

    fresh_dir();
    write_text("children.csv", children);
    write_text("sessions.csv", sessions);
    s = open_ok();
    CHECK(dp_store_snapshot(s, tmp_dir, names, 3, &id1, NULL) == DP_OK); /* rota.csv missing */
    CHECK(id1 == 1);
    CHECK(dp_store_snapshot_files(s, id1, &files, &n, NULL) == DP_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(files[0].name, "children.csv");
        CHECK_STR(files[1].name, "sessions.csv");
        dp__sha256_hex(children, strlen(children), expected);
        CHECK_STR(files[0].hash, expected);
        CHECK(files[0].size_bytes == strlen(children));
        CHECK(files[1].size_bytes == strlen(sessions));
    }
    CHECK(stats_of(s).n_blobs == 2);
    /* The same inputs again: the newest snapshot is reused. */
    CHECK(dp_store_snapshot(s, tmp_dir, names, 3, &id_again, NULL) == DP_OK);
    CHECK(id_again == id1);
    CHECK(stats_of(s).n_snapshots == 1);
    /* One file changes: a new snapshot, and only one new blob. */
    write_text("sessions.csv", "section,day\nj,wed\n");
    CHECK(dp_store_snapshot(s, tmp_dir, names, 3, &id2, NULL) == DP_OK);
    CHECK(id2 == 2);
    CHECK(stats_of(s).n_blobs == 3);
    /* Back to the first contents: a new snapshot (the newest differs) sharing the blobs. */
    write_text("sessions.csv", sessions);
    CHECK(dp_store_snapshot(s, tmp_dir, names, 3, &id3, NULL) == DP_OK);
    CHECK(id3 == 3);
    CHECK(stats_of(s).n_blobs == 3);
    CHECK(dp_store_snapshot_hash(s, id1, hash1, NULL) == DP_OK);
    CHECK(dp_store_snapshot_hash(s, id3, hash3, NULL) == DP_OK);
    CHECK_STR(hash1, hash3);
    CHECK(dp_store_snapshot_hash(s, id2, hash3, NULL) == DP_OK);
    CHECK(strcmp(hash1, hash3) != 0);
    /* The combined hash is the documented one. */
    if (n == 2) {
        char buf[512];
        int len = snprintf(buf, sizeof buf, "%s%c%s\n%s%c%s\n", files[0].name, 0, files[0].hash,
                           files[1].name, 0, files[1].hash);
        dp__sha256_hex(buf, (size_t) len, expected);
        CHECK_STR(hash1, expected);
        void *data = NULL;
        size_t size = 0;
        CHECK(dp_store_read_blob(s, files[0].hash, &data, &size, NULL) == DP_OK);
        CHECK(size == strlen(children) && data && memcmp(data, children, size) == 0);
        dp_store_free(data);
    }
    dp_store_free(files);
    CHECK(dp_store_check(s, true, NULL) == DP_OK);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

static void test_store_snapshot_unknown_and_empty(void)
{
    static const char *const none[] = {"nothing.csv"};
    char hash[DP_STORE_HASH_HEX], empty[DP_STORE_HASH_HEX];
    dp_store_file *files = NULL;
    size_t n = 5;
    int64_t id = 0;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    s = open_ok();
    CHECK(dp_store_snapshot_files(s, 9, &files, &n, &err) == DP_ESTATE);
    CHECK(strstr(err.msg, "no input snapshot 9") != NULL);
    CHECK(dp_store_snapshot_hash(s, 9, hash, NULL) == DP_ESTATE);
    CHECK(dp_store_read_blob(s, "00", (void **) &files, &n, NULL) == DP_ESTATE);
    CHECK(dp_store_snapshot(s, tmp_dir, none, 1, &id, NULL) == DP_OK);
    CHECK(dp_store_snapshot_files(s, id, &files, &n, NULL) == DP_OK);
    CHECK(n == 0 && files == NULL);
    CHECK(dp_store_snapshot_hash(s, id, hash, NULL) == DP_OK);
    dp__sha256_hex("", 0, empty);
    CHECK_STR(hash, empty);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

static void test_store_snapshot_rejects_bad_names(void)
{
    static const char *const up[] = {"../etc"}, *const sub[] = {"a/b.csv"},
                             *const twice[] = {"a.csv", "b.csv", "a.csv"};
    int64_t id = 77;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    write_text("a.csv", "x\n");
    s = open_ok();
    CHECK(dp_store_snapshot(s, tmp_dir, up, 1, &id, &err) == DP_EUSAGE);
    CHECK(strstr(err.msg, "../etc") != NULL);
    CHECK(dp_store_snapshot(s, tmp_dir, sub, 1, &id, NULL) == DP_EUSAGE);
    CHECK(dp_store_snapshot(s, tmp_dir, twice, 3, &id, &err) == DP_EUSAGE);
    CHECK(strstr(err.msg, "twice") != NULL);
    CHECK(id == 77);
    CHECK(stats_of(s).n_snapshots == 0 && stats_of(s).n_blobs == 0);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

/* A directory where a file is expected fails the read after a.csv's content
 * went in: the whole snapshot must be rolled back. */
static void test_store_snapshot_rolls_back_on_error(void)
{
    static const char *const names[] = {"a.csv", "z.csv"};
    char z[512];
    int64_t id = 0;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    write_text("a.csv", "id\n1\n");
    snprintf(z, sizeof z, "%s/z.csv", tmp_dir);
    CHECK(mkdir(z, 0700) == 0);
    s = open_ok();
    CHECK(dp_store_snapshot(s, tmp_dir, names, 2, &id, &err) == DP_EIO);
    CHECK_STR(err.at.file, z);
    CHECK(id == 0);
    dp_store_stats st = stats_of(s);
    CHECK(st.n_blobs == 0 && st.n_snapshots == 0);
    /* The store is still usable afterwards. */
    rmdir(z);
    CHECK(dp_store_snapshot(s, tmp_dir, names, 2, &id, NULL) == DP_OK);
    CHECK(id == 1 && stats_of(s).n_blobs == 1);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

/* ---- versions ---- */

static void test_store_versions_number_per_week(void)
{
    dp_store_version info;
    char *json = NULL;
    dp_store *s;

    fresh_dir();
    s = open_ok();
    CHECK(add_version(s, WEEK, "{\"n\":1}", 0, 11) == 1);
    CHECK(add_version(s, WEEK, "{\"n\":2}", 0, 12) == 2);
    CHECK(add_version(s, "", "{\"t\":1}", 0, 13) == 1);
    CHECK(add_version(s, WEEK, "{\"n\":3}", 0, 14) == 3);
    CHECK(add_version(s, "2027-W04", "{\"w4\":1}", 0, 15) == 1);
    CHECK(dp_store_get_version(s, WEEK, 0, &info, &json, NULL) == DP_OK);
    CHECK(info.number == 3 && info.is_current && info.seed == 14);
    CHECK(info.score_total == 100 && info.created_s == 1700000000 && info.snapshot_id == 0);
    CHECK_STR(info.note, "solve");
    CHECK_STR(info.week, WEEK);
    CHECK_STR(json, "{\"n\":3}");
    dp_store_free(json);
    CHECK(dp_store_get_version(s, WEEK, 1, &info, &json, NULL) == DP_OK);
    CHECK(info.number == 1 && !info.is_current);
    CHECK_STR(json, "{\"n\":1}");
    dp_store_free(json);
    CHECK(dp_store_get_version(s, "", 0, &info, NULL, NULL) == DP_OK);
    CHECK(info.number == 1 && info.week[0] == '\0' && info.seed == 13);
    CHECK(stats_of(s).n_weeks == 3 && stats_of(s).n_versions == 5);
    CHECK(dp_store_check(s, true, NULL) == DP_OK);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

static void test_store_rollback_adds_a_copy(void)
{
    dp_store_version info, *list = NULL;
    size_t n = 0;
    unsigned number = 0;
    char *json = NULL;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    s = open_ok();
    add_version(s, WEEK, "{\"n\":1}", 0, 21);
    add_version(s, WEEK, "{\"n\":2}", 0, 22);
    add_version(s, WEEK, "{\"n\":3}", 0, 23);
    add_version(s, "", "{\"t\":1}", 0, 24);
    CHECK(dp_store_rollback(s, WEEK, 1, &number, NULL) == DP_OK);
    CHECK(number == 4);
    CHECK(dp_store_get_version(s, WEEK, 0, &info, &json, NULL) == DP_OK);
    CHECK(info.number == 4 && info.is_current && info.copied_from == 1 && info.seed == 21);
    CHECK_STR(info.note, "rollback to 1");
    CHECK_STR(json, "{\"n\":1}");
    dp_store_free(json);
    CHECK(dp_store_list_versions(s, WEEK, &list, &n, NULL) == DP_OK);
    CHECK(n == 4);
    for (size_t i = 0; i < n; i++) {
        CHECK(list[i].number == i + 1);
        CHECK(list[i].is_current == (i == 3));
    }
    dp_store_free(list);
    CHECK(dp_store_list_versions(s, NULL, &list, &n, NULL) == DP_OK);
    CHECK(n == 5);
    if (n == 5) {
        CHECK(list[3].week[0] == '\0' && list[3].is_current); /* insertion order, newest last */
        CHECK(strcmp(list[4].week, WEEK) == 0 && list[4].number == 4 && list[4].is_current);
    }
    dp_store_free(list);
    /* Not existing: DP_ESTATE, nothing added. */
    CHECK(dp_store_rollback(s, WEEK, 9, &number, &err) == DP_ESTATE);
    CHECK(strstr(err.msg, "week 2027-W03 has no version 9 (its versions are 1 to 4)") != NULL);
    CHECK(number == 4);
    CHECK(dp_store_rollback(s, "2027-W10", 1, NULL, &err) == DP_ESTATE);
    CHECK(strstr(err.msg, "no stored schedule versions") != NULL);
    CHECK(dp_store_get_version(s, WEEK, 5, NULL, NULL, &err) == DP_ESTATE);
    CHECK(dp_store_get_version(s, "2027-W10", 0, NULL, NULL, &err) == DP_ESTATE);
    CHECK_STR(err.at.file, db_path);
    CHECK(stats_of(s).n_versions == 5);
    CHECK(dp_store_check(s, true, NULL) == DP_OK);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

static void test_store_rejects_bad_weeks(void)
{
    static const char *const bad[] = {"2027-W54", "2027-W00", "2027W03",  "2027-w03",
                                      "27-W03",   "2027-W3",  "2027-W033"};
    dp_store_version_new v = {NULL, 0, 1, 0, "{}", 0, "solve"};
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    s = open_ok();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v.week = bad[i];
        CHECK(dp_store_add_version(s, &v, NULL, &err) == DP_EUSAGE);
        CHECK(strstr(err.msg, "expected YYYY-Www") != NULL);
        CHECK(dp_store_get_version(s, bad[i], 0, NULL, NULL, NULL) == DP_EUSAGE);
    }
    v.week = "2026-W53";
    CHECK(dp_store_add_version(s, &v, NULL, NULL) == DP_OK);
    char note[DP_STORE_NOTE_MAX + 1];
    memset(note, 'n', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    v.note = note;
    CHECK(dp_store_add_version(s, &v, NULL, NULL) == DP_EUSAGE);
    CHECK(stats_of(s).n_versions == 1);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

/* A version naming a snapshot that does not exist is refused and leaves
 * nothing behind, not even a current pointer for its week. */
static void test_store_add_version_rolls_back_on_error(void)
{
    static const char *const names[] = {"a.csv"};
    dp_store_version_new v = {"2027-W05", 42, 1, 0, "{}", 0, "solve"};
    dp_store_version info;
    int64_t snap = 0;
    unsigned number = 99;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    write_text("a.csv", "x\n");
    s = open_ok();
    CHECK(dp_store_add_version(s, &v, &number, &err) == DP_ESTATE);
    CHECK(strstr(err.msg, "no input snapshot 42") != NULL);
    CHECK(number == 99);
    CHECK(stats_of(s).n_versions == 0 && stats_of(s).n_weeks == 0);
    CHECK(dp_store_snapshot(s, tmp_dir, names, 1, &snap, NULL) == DP_OK);
    v.snapshot_id = snap;
    CHECK(dp_store_add_version(s, &v, &number, NULL) == DP_OK);
    CHECK(number == 1);
    CHECK(dp_store_get_version(s, "2027-W05", 1, &info, NULL, NULL) == DP_OK);
    CHECK(info.snapshot_id == snap);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

/* Two connections (as the server and a solve would have) share the numbering. */
static void test_store_two_connections(void)
{
    dp_store *a, *b;
    dp_store_version info;

    fresh_dir();
    a = open_ok();
    b = open_ok();
    CHECK(add_version(a, WEEK, "{\"a\":1}", 0, 1) == 1);
    CHECK(add_version(b, WEEK, "{\"b\":1}", 0, 2) == 2);
    CHECK(add_version(a, WEEK, "{\"a\":2}", 0, 3) == 3);
    CHECK(dp_store_get_version(b, WEEK, 0, &info, NULL, NULL) == DP_OK);
    CHECK(info.number == 3 && info.seed == 3);
    dp_store_close(a);
    dp_store_close(b);
    remove_tree(tmp_dir);
}

/* ---- tokens and checks ---- */

static void test_store_tokens(void)
{
    const char *token = "k3J9-very-secret-token-value";
    char hash[DP_STORE_HASH_HEX];
    dp_store_token t;
    int64_t id = 0;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    s = open_ok();
    CHECK(dp_store_add_token(s, DP_FEED_LOCATION, "sporthal", token, 1700000000, &id, NULL) ==
          DP_OK);
    CHECK(id == 1);
    CHECK(dp_store_find_token(s, token, &t, NULL) == DP_OK);
    dp__sha256_hex(token, strlen(token), hash);
    CHECK(t.id == 1 && t.kind == DP_FEED_LOCATION && t.revoked_s == 0);
    CHECK(t.created_s == 1700000000);
    CHECK_STR(t.subject, "sporthal");
    CHECK_STR(t.token_hash, hash);
    CHECK_STR(dp_store_feed_kind_name(t.kind), "location");
    CHECK(raw_sql(db_path, "SELECT count(*) FROM feed_tokens WHERE token_hash = "
                           "'k3J9-very-secret-token-value'") == 0); /* never in clear */
    CHECK(dp_store_add_token(s, DP_FEED_STAFF, "s1", token, 0, NULL, &err) == DP_ESTATE);
    CHECK(dp_store_find_token(s, "another-token-of-16", &t, &err) == DP_ESTATE);
    CHECK(dp_store_add_token(s, DP_FEED_FAMILY, "bad id", "0123456789abcdef", 0, NULL, &err) ==
          DP_EUSAGE);
    CHECK(dp_store_add_token(s, DP_FEED_FAMILY, "f1", "short", 0, NULL, &err) == DP_EUSAGE);
    CHECK(dp_store_add_token(s, (dp_feed_kind) 9, "f1", "0123456789abcdef", 0, NULL, &err) ==
          DP_EUSAGE);
    CHECK(dp_store_revoke_token(s, id, 1700000500, NULL) == DP_OK);
    CHECK(dp_store_find_token(s, token, &t, NULL) == DP_OK);
    CHECK(t.revoked_s == 1700000500);
    CHECK(dp_store_revoke_token(s, id, 0, &err) == DP_ESTATE);
    CHECK(dp_store_revoke_token(s, 12345, 0, &err) == DP_ESTATE);
    CHECK(stats_of(s).n_tokens == 1);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

static void test_store_check_finds_damage(void)
{
    static const char *const names[] = {"a.csv"};
    int64_t id = 0;
    dp_error err = {0};
    dp_store *s;

    fresh_dir();
    write_text("a.csv", "id\n1\n");
    s = open_ok();
    CHECK(dp_store_snapshot(s, tmp_dir, names, 1, &id, NULL) == DP_OK);
    add_version(s, WEEK, "{}", id, 1);
    add_version(s, WEEK, "{}", id, 2);
    dp_store_close(s);

    raw_sql(db_path, "UPDATE blobs SET content = CAST('id\n2\n' AS BLOB)");
    s = open_ok();
    CHECK(dp_store_check(s, false, NULL) == DP_OK); /* sizes still agree */
    CHECK(dp_store_check(s, true, &err) == DP_ESTORE);
    CHECK(strstr(err.msg, "hashes to") != NULL);
    dp_store_close(s);

    raw_sql(db_path, "UPDATE blobs SET content = CAST('id\n1\n' AS BLOB); "
                     "UPDATE current_versions SET version_id = 1");
    s = open_ok();
    CHECK(dp_store_check(s, true, &err) == DP_ESTORE);
    CHECK(strstr(err.msg, "current version wrong for week: " WEEK) != NULL);
    dp_store_close(s);
    remove_tree(tmp_dir);
}

/* ---- crash safety ---- */

#define CRASH_ROUNDS     8
#define CRASH_FILE_BYTES (1u << 20)
#define CRASH_PAYLOAD    (24 * 1024)

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* A schedule-like JSON whose payload carries its own SHA-256, tagged with the
 * seed the version is stored with. Returns a malloc'd string. */
static char *crash_json(uint64_t tag)
{
    static const char hex[] = "0123456789abcdef";
    char *payload = malloc(CRASH_PAYLOAD + 1), *json = malloc(CRASH_PAYLOAD + 256);
    char sum[DP_SHA256_HEX];
    uint64_t x = tag * 2654435761u + 1;

    if (!payload || !json)
        exit(3);
    for (size_t i = 0; i < CRASH_PAYLOAD; i++)
        payload[i] = hex[next_random(&x) & 15];
    payload[CRASH_PAYLOAD] = '\0';
    dp__sha256_hex(payload, CRASH_PAYLOAD, sum);
    snprintf(
        json, CRASH_PAYLOAD + 256,
        "{\"format\":\"dagplan-schedule/1\",\"tag\":%llu,\"payload\":\"%s\",\"sha256\":\"%s\"}",
        (unsigned long long) tag, payload, sum);
    free(payload);
    return json;
}

/* True when json is complete: its payload hashes to its sha256 and its tag is tag. */
static bool crash_json_ok(const char *json, uint64_t tag)
{
    char sum[DP_SHA256_HEX], expect_tag[64];
    const char *p = strstr(json, "\"payload\":\""), *q = strstr(json, "\"sha256\":\"");

    snprintf(expect_tag, sizeof expect_tag, "\"tag\":%llu,", (unsigned long long) tag);
    if (!p || !q || !strstr(json, expect_tag))
        return false;
    p += strlen("\"payload\":\"");
    q += strlen("\"sha256\":\"");
    const char *end = strchr(p, '"');
    if (!end || (size_t) (end - p) != CRASH_PAYLOAD)
        return false;
    dp__sha256_hex(p, CRASH_PAYLOAD, sum);
    return strncmp(q, sum, 64) == 0 && strcmp(q + 64, "\"}") == 0;
}

/* The child: snapshot two big new files and add a version, forever, telling
 * the parent each committed version number. */
static void crash_child(const char *input_dir, int fd, uint64_t seed)
{
    static const char *const names[] = {"children.csv", "sessions.csv", "centre.lua"};
    unsigned char *big = malloc(CRASH_FILE_BYTES);
    uint64_t x = seed | 1;
    dp_store *s = NULL;

    if (!big || dp_store_open(db_path, &s, NULL) != DP_OK)
        _exit(2);
    for (;;) {
        for (int f = 0; f < 2; f++) {
            for (size_t i = 0; i < CRASH_FILE_BYTES; i++)
                big[i] = (unsigned char) next_random(&x);
            write_file(input_dir, names[f], big, CRASH_FILE_BYTES);
        }
        int64_t snap = 0;
        uint64_t tag = next_random(&x) >> 1;
        char *json = crash_json(tag);
        dp_store_version_new v = {WEEK, 0, tag, 0, json, 0, "solve"};
        unsigned number = 0;
        if (dp_store_snapshot(s, input_dir, names, 3, &snap, NULL) != DP_OK)
            _exit(4);
        v.snapshot_id = snap;
        if (dp_store_add_version(s, &v, &number, NULL) != DP_OK)
            _exit(5);
        free(json);
        if (write(fd, &number, sizeof number) != (ssize_t) sizeof number)
            _exit(6);
    }
}

/* Checks the store after a kill; returns the current version number. */
static unsigned crash_verify(unsigned reported, unsigned before)
{
    dp_store_version *list = NULL;
    size_t n = 0;
    dp_error err = {0};
    dp_store *s = NULL;

    CHECK(dp_store_open(db_path, &s, &err) == DP_OK);
    if (!s) {
        dp_error_print(&err, stderr, true);
        return before;
    }
    if (dp_store_check(s, true, &err) != DP_OK) {
        dp_error_print(&err, stderr, true);
        CHECK(!"store check after kill");
    }
    CHECK(dp_store_list_versions(s, WEEK, &list, &n, NULL) == DP_OK);
    /* Everything reported committed is there; at most one more commit
     * happened before the child could report it. */
    CHECK(n >= reported && n <= reported + 1 && n >= before);
    for (size_t i = 0; i < n; i++) {
        char *json = NULL;
        dp_store_version info;
        CHECK(list[i].number == i + 1 && list[i].is_current == (i + 1 == n));
        CHECK(dp_store_get_version(s, WEEK, list[i].number, &info, &json, NULL) == DP_OK);
        CHECK(json && crash_json_ok(json, info.seed));
        if (i + 1 == n) {
            dp_store_file *files = NULL;
            size_t n_files = 0;
            CHECK(dp_store_snapshot_files(s, info.snapshot_id, &files, &n_files, NULL) == DP_OK);
            CHECK(n_files == 2);
            for (size_t f = 0; f < n_files; f++)
                CHECK(files[f].size_bytes == CRASH_FILE_BYTES);
            dp_store_free(files);
        }
        dp_store_free(json);
    }
    dp_store_free(list);
    dp_store_close(s);
    return (unsigned) n;
}

static void test_store_survives_sigkill(void)
{
    char input_dir[512];
    unsigned current = 0;
    uint64_t rng = 12345;

    fresh_dir();
    snprintf(input_dir, sizeof input_dir, "%s/centre", tmp_dir);
    CHECK(mkdir(input_dir, 0700) == 0);
    for (int round = 0; round < CRASH_ROUNDS; round++) {
        int fds[2];
        unsigned got = 0, reported = current;
        CHECK(pipe(fds) == 0);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            crash_child(input_dir, fds[1], rng + (uint64_t) round);
            _exit(0);
        }
        close(fds[1]);
        /* Wait for one commit of this round, so that a slow build (ASan)
         * still makes progress, then kill at a random moment after it. */
        if (read(fds[0], &got, sizeof got) == (ssize_t) sizeof got)
            reported = got;
        long delay_ms = 1 + (long) (next_random(&rng) % 400);
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL); /* not an early exit */
        while (read(fds[0], &got, sizeof got) == (ssize_t) sizeof got)
            reported = got;
        close(fds[0]);
        current = crash_verify(reported, current);
    }
    printf("crash test: %u versions committed over %d kills\n", current, CRASH_ROUNDS);
    CHECK(current > 0); /* the loop did commit, so the test tested something */
    remove_tree(tmp_dir);
}

int main(void)
{
    RUN(test_store_fresh_db_is_migrated);
    RUN(test_store_upgrades_version_1);
    RUN(test_store_refuses_newer_schema);
    RUN(test_store_refuses_non_database);
    RUN(test_store_refuses_foreign_database);
    RUN(test_store_open_in_missing_directory);
    RUN(test_store_snapshot_dedup);
    RUN(test_store_snapshot_unknown_and_empty);
    RUN(test_store_snapshot_rejects_bad_names);
    RUN(test_store_snapshot_rolls_back_on_error);
    RUN(test_store_versions_number_per_week);
    RUN(test_store_rollback_adds_a_copy);
    RUN(test_store_rejects_bad_weeks);
    RUN(test_store_add_version_rolls_back_on_error);
    RUN(test_store_two_connections);
    RUN(test_store_tokens);
    RUN(test_store_check_finds_damage);
    RUN(test_store_survives_sigkill);
    return harness_report();
}
