/* core/store.c - the centre's SQLite store (the only file that uses SQLite).
 *
 * Schema (see MIGRATIONS): blobs(hash, size, content) holds each distinct
 * input file content once; snapshots(id, inputs_hash, created) and
 * snapshot_files(snapshot_id, name, hash, size) say which files a snapshot
 * had; versions(id, week, number, ...) holds every schedule ever stored and
 * current_versions(week, version_id) points at each week's current one;
 * feed_tokens holds calendar feed tokens as SHA-256 hashes.
 *
 * Invariants, checked by dp_store_check():
 * - blobs.hash is the SHA-256 of blobs.content; rows are inserted, never
 *   updated or deleted (also in snapshots, snapshot_files and versions);
 * - the versions of a week are numbered 1..n without gaps and the week's
 *   current_versions row points at version n: every write that adds a version
 *   moves the pointer in the same transaction.
 *
 * Every write runs in BEGIN IMMEDIATE ... COMMIT and is rolled back on any
 * failure; WAL mode lets readers (the feed server) go on during a write, and
 * synchronous=FULL makes a commit durable once it returns. The schema version
 * is PRAGMA user_version; PRAGMA application_id marks the file as ours. SQL is
 * constant text; values are always bound parameters.
 *
 * Workload: a few writes per solve (a snapshot of ~12 small files, one
 * version of tens to hundreds of kilobytes of JSON); reads by the server per
 * feed request. Statements are prepared per call: simple, and cheap next to
 * the work they do. */
#include "dagplan/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "sha256.h"

#define BUSY_TIMEOUT_MS 5000
#define APPLICATION_ID  0x64706c6eu /* "dpln" */
#define FILE_MAX_BYTES  ((size_t) 64 << 20)
#define TOKEN_MIN_BYTES 16

struct dp_store {
    sqlite3 *db;             /* the connection */
    char *path;              /* owned copy of the database path */
    unsigned schema_version; /* user_version after migration */
    dp_loc at;               /* the database file, as the location of errors */
};

/* Forward migrations: entry i brings user_version from i to i + 1. Append
 * only; never edit one that has shipped. */
static const char *const MIGRATIONS[] = {
    /* 1: input snapshots and schedule versions. */
    "CREATE TABLE blobs ("
    "  hash TEXT PRIMARY KEY NOT NULL CHECK (length(hash) = 64),"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  content BLOB NOT NULL);"
    "CREATE TABLE snapshots ("
    "  id INTEGER PRIMARY KEY,"
    "  inputs_hash TEXT NOT NULL CHECK (length(inputs_hash) = 64),"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE snapshot_files ("
    "  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),"
    "  name TEXT NOT NULL,"
    "  hash TEXT NOT NULL REFERENCES blobs(hash),"
    "  size INTEGER NOT NULL,"
    "  PRIMARY KEY (snapshot_id, name)) WITHOUT ROWID;"
    "CREATE INDEX snapshot_files_hash ON snapshot_files(hash);"
    "CREATE TABLE versions ("
    "  id INTEGER PRIMARY KEY,"
    "  week TEXT NOT NULL,"
    "  number INTEGER NOT NULL CHECK (number >= 1),"
    "  snapshot_id INTEGER REFERENCES snapshots(id),"
    "  seed INTEGER NOT NULL,"
    "  score_total INTEGER NOT NULL,"
    "  json TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  note TEXT NOT NULL,"
    "  copied_from INTEGER,"
    "  UNIQUE (week, number));"
    "CREATE TABLE current_versions ("
    "  week TEXT PRIMARY KEY NOT NULL,"
    "  version_id INTEGER NOT NULL REFERENCES versions(id));"
    "PRAGMA application_id = 1685089390;",
    /* 2: calendar feed subscribers, by token hash. */
    "CREATE TABLE feed_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('family', 'staff', 'location', 'activity')),"
    "  subject TEXT NOT NULL,"
    "  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),"
    "  created INTEGER NOT NULL,"
    "  revoked_at INTEGER);"
    "CREATE INDEX feed_tokens_subject ON feed_tokens(kind, subject);",
};

_Static_assert(sizeof MIGRATIONS / sizeof MIGRATIONS[0] == DP_STORE_SCHEMA_VERSION,
               "one migration per schema version");
_Static_assert(APPLICATION_ID == 1685089390u, "application_id in migration 1");

/* ---- errors and statement helpers ---- */

#define STORE_FAIL(s, err, what)   store_fail((s), (err), __FILE__, __LINE__, __func__, (what))
#define FAIL_AT(s, err, code, ...) DP_FAIL((err), (code), &(s)->at, __VA_ARGS__)

/* Reports SQLite's last error on s as DP_ESTORE located at the database file. */
static dp_status store_fail(const dp_store *s, dp_error *err, const char *src_file, int src_line,
                            const char *src_func, const char *what)
{
    dp_loc at = {s->path, 0, 0};
    int code = sqlite3_errcode(s->db);
    dp_status status = code == SQLITE_NOMEM ? DP_ENOMEM : DP_ESTORE;

    return dp_error_set(err, status, &at, src_file, src_line, src_func, "%s: %s", what,
                        sqlite3_errmsg(s->db));
}

static dp_status prepare(dp_store *s, const char *sql, sqlite3_stmt **st, dp_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return STORE_FAIL(s, err, "preparing a statement");
    return DP_OK;
}

/* Runs constant SQL (no parameters, no rows wanted). */
static dp_status exec(dp_store *s, const char *sql, const char *what, dp_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return STORE_FAIL(s, err, what);
    return DP_OK;
}

/* Steps st to its end, expecting no rows. */
static dp_status step_done(dp_store *s, sqlite3_stmt *st, const char *what, dp_error *err)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return STORE_FAIL(s, err, what);
    return DP_OK;
}

/* Steps st once: DP_OK with *found telling whether a row came. */
static dp_status step_row(dp_store *s, sqlite3_stmt *st, bool *found, const char *what,
                          dp_error *err)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return STORE_FAIL(s, err, what);
    *found = rc == SQLITE_ROW;
    return DP_OK;
}

static dp_status bind_fail(dp_store *s, dp_error *err)
{
    return STORE_FAIL(s, err, "binding a parameter");
}

static bool bind_text(sqlite3_stmt *st, int i, const char *text)
{
    return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC) == SQLITE_OK;
}

static bool bind_int(sqlite3_stmt *st, int i, int64_t value)
{
    return sqlite3_bind_int64(st, i, (sqlite3_int64) value) == SQLITE_OK;
}

/* Copies column i (text) into buf of size n, truncating. */
static void column_copy(sqlite3_stmt *st, int i, char *buf, size_t n)
{
    const unsigned char *text = sqlite3_column_text(st, i);

    snprintf(buf, n, "%s", text ? (const char *) text : "");
}

static int64_t now_or(int64_t t)
{
    return t != 0 ? t : (int64_t) time(NULL);
}

/* Returns items (of *cap elements of size elem) grown to hold at least n + 1,
 * or NULL on OOM, when items stays valid and unchanged. */
static void *grow(void *items, size_t *cap, size_t n, size_t elem)
{
    size_t new_cap = *cap ? *cap * 2 : 16;
    void *p;

    if (n < *cap)
        return items;
    if (new_cap > SIZE_MAX / elem)
        return NULL;
    p = realloc(items, new_cap * elem);
    if (p)
        *cap = new_cap;
    return p;
}

/* ---- transactions ---- */

static dp_status begin(dp_store *s, dp_error *err)
{
    return exec(s, "BEGIN IMMEDIATE", "starting a transaction", err);
}

/* Ends the open transaction: commits when rc is DP_OK, and rolls back when rc
 * or the commit failed. Returns the final status. */
static dp_status finish(dp_store *s, dp_status rc, dp_error *err)
{
    if (rc == DP_OK)
        rc = exec(s, "COMMIT", "committing", err);
    if (rc != DP_OK && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- open, migrate, close ---- */

/* Reads a one-integer PRAGMA such as user_version. */
static dp_status pragma_int(dp_store *s, const char *sql, int64_t *value, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc = prepare(s, sql, &st, err);

    if (rc == DP_OK)
        rc = step_row(s, st, &found, "reading the store", err);
    if (rc == DP_OK)
        *value = found ? (int64_t) sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc;
}

/* Refuses files that are databases of another program or of a newer dagplan. */
static dp_status check_ownership(dp_store *s, int64_t version, dp_error *err)
{
    int64_t app_id = 0, n_tables = 0;
    dp_status rc = pragma_int(s, "PRAGMA application_id", &app_id, err);

    if (rc == DP_OK)
        rc = pragma_int(s, "SELECT count(*) FROM sqlite_schema", &n_tables, err);
    if (rc != DP_OK)
        return rc;
    if ((uint64_t) app_id != APPLICATION_ID && (version != 0 || n_tables != 0 || app_id != 0))
        return FAIL_AT(s, err, DP_ESTORE,
                       "an SQLite database of another program, not a dagplan store");
    if (version > (int64_t) DP_STORE_SCHEMA_VERSION)
        return FAIL_AT(s, err, DP_ESTORE,
                       "the store has schema version %lld, newer than version %u that this "
                       "dagplan understands; use a newer dagplan (the store was not changed)",
                       (long long) version, DP_STORE_SCHEMA_VERSION);
    return DP_OK;
}

/* Applies migration `to` (1-based) in its own transaction, unless another
 * process applied it since we looked. */
static dp_status migrate_one(dp_store *s, unsigned to, dp_error *err)
{
    char sql[64];
    int64_t version = 0;
    dp_status rc = begin(s, err);

    if (rc != DP_OK)
        return rc;
    rc = pragma_int(s, "PRAGMA user_version", &version, err);
    if (rc == DP_OK && version < (int64_t) to) {
        rc = exec(s, MIGRATIONS[to - 1], "migrating the schema", err);
        /* PRAGMA takes no parameters; `to` is our own constant. */
        snprintf(sql, sizeof sql, "PRAGMA user_version = %u", to);
        if (rc == DP_OK)
            rc = exec(s, sql, "migrating the schema", err);
    }
    return finish(s, rc, err);
}

static dp_status configure(dp_store *s, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc = prepare(s, "PRAGMA journal_mode = WAL", &st, err);

    if (rc == DP_OK)
        rc = step_row(s, st, &found, "switching to WAL mode", err);
    if (rc == DP_OK && found) {
        const char *mode = (const char *) sqlite3_column_text(st, 0);
        if (!mode || (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0))
            rc = FAIL_AT(s, err, DP_ESTORE, "cannot use WAL mode (journal mode stays %s)",
                         mode ? mode : "unknown");
    }
    sqlite3_finalize(st);
    if (rc == DP_OK)
        rc = exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", "configuring", err);
    return rc;
}

static dp_status open_db(dp_store *s, dp_error *err)
{
    int64_t version = 0;
    dp_status rc;

    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        if (!s->db)
            return FAIL_AT(s, err, DP_ENOMEM, "cannot open the store: out of memory");
        return STORE_FAIL(s, err, "cannot open the store");
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    rc = pragma_int(s, "PRAGMA user_version", &version, err);
    if (rc == DP_OK)
        rc = check_ownership(s, version, err);
    if (rc == DP_OK)
        rc = configure(s, err);
    for (unsigned to = (unsigned) version + 1; rc == DP_OK && to <= DP_STORE_SCHEMA_VERSION; to++)
        rc = migrate_one(s, to, err);
    if (rc == DP_OK)
        s->schema_version = DP_STORE_SCHEMA_VERSION;
    return rc;
}

dp_status dp_store_open(const char *path, dp_store **out, dp_error *err)
{
    dp_store *s = calloc(1, sizeof *s);
    size_t len = strlen(path);
    dp_status rc;

    if (!s)
        return DP_FAIL(err, DP_ENOMEM, NULL, "opening the store %s", path);
    s->path = malloc(len + 1);
    if (!s->path) {
        free(s);
        return DP_FAIL(err, DP_ENOMEM, NULL, "opening the store %s", path);
    }
    memcpy(s->path, path, len + 1);
    s->at.file = s->path;
    rc = open_db(s, err);
    if (rc != DP_OK) {
        dp_store_close(s);
        return rc;
    }
    *out = s;
    return DP_OK;
}

void dp_store_close(dp_store *store)
{
    if (!store)
        return;
    sqlite3_close_v2(store->db);
    free(store->path);
    free(store);
}

const char *dp_store_path(const dp_store *store)
{
    return store->path;
}

unsigned dp_store_schema_version(const dp_store *store)
{
    return store->schema_version;
}

void dp_store_free(void *p)
{
    free(p);
}

/* ---- input snapshots ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Checks one snapshot file name: a plain name inside the directory. */
static dp_status check_name(dp_store *s, const char *name, dp_error *err)
{
    if (!name || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || strlen(name) >= DP_STORE_NAME_MAX)
        return FAIL_AT(s, err, DP_EUSAGE,
                       "snapshot file name '%s': expected a plain file name of at most %d bytes",
                       name ? name : "(null)", DP_STORE_NAME_MAX - 1);
    return DP_OK;
}

/* Returns a sorted copy of names in *sorted after checking them. */
static dp_status sorted_names(dp_store *s, const char *const *names, size_t n, const char ***sorted,
                              dp_error *err)
{
    const char **copy = NULL;

    for (size_t i = 0; i < n; i++) {
        dp_status rc = check_name(s, names[i], err);
        if (rc != DP_OK)
            return rc;
    }
    copy = calloc(n ? n : 1, sizeof *copy);
    if (!copy)
        return DP_FAIL(err, DP_ENOMEM, NULL, "taking a snapshot");
    if (n)
        memcpy(copy, names, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare_names);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(copy[i - 1], copy[i]) == 0) {
            const char *twice = copy[i]; /* the caller's string, still valid after free(copy) */
            free(copy);
            return FAIL_AT(s, err, DP_EUSAGE, "snapshot file name '%s' is listed twice", twice);
        }
    }
    *sorted = copy;
    return DP_OK;
}

/* Reads f to its end into a new buffer (never NULL, even when empty). */
static dp_status read_all(FILE *f, const char *path, unsigned char **data, size_t *size,
                          dp_error *err)
{
    dp_loc at = {path, 0, 0};
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;

    for (;;) {
        if (n == cap) {
            size_t new_cap = cap ? cap * 2 : 64 * 1024;
            unsigned char *p = new_cap > FILE_MAX_BYTES + 1 ? NULL : realloc(buf, new_cap);
            if (!p) {
                free(buf);
                if (new_cap > FILE_MAX_BYTES + 1)
                    return DP_FAIL(err, DP_ELIMIT, &at, "file is larger than %zu bytes",
                                   FILE_MAX_BYTES);
                return DP_FAIL(err, DP_ENOMEM, &at, "reading the file");
            }
            buf = p;
            cap = new_cap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return DP_FAIL(err, DP_EIO, &at, "cannot read: %s", strerror(errno));
    }
    if (n > FILE_MAX_BYTES) {
        free(buf);
        return DP_FAIL(err, DP_ELIMIT, &at, "file is larger than %zu bytes", FILE_MAX_BYTES);
    }
    *data = buf;
    *size = n;
    return DP_OK;
}

/* Reads dir/name; *data stays NULL when the file does not exist. */
static dp_status read_input(const char *dir, const char *name, unsigned char **data, size_t *size,
                            dp_error *err)
{
    char path[4096];
    dp_loc at = {path, 0, 0};
    FILE *f;
    dp_status rc;

    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int) sizeof path)
        return DP_FAIL(err, DP_EIO, NULL, "%s/%s: path too long", dir, name);
    errno = 0;
    f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return DP_OK;
        return DP_FAIL(err, DP_EIO, &at, "cannot open: %s", strerror(errno));
    }
    rc = read_all(f, path, data, size, err);
    fclose(f);
    return rc;
}

/* Stores the content of dir/name as a blob (once per hash) and describes it
 * in *file. *present is false when the file does not exist. */
static dp_status store_input(dp_store *s, const char *dir, const char *name, dp_store_file *file,
                             bool *present, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    unsigned char *data = NULL;
    size_t size = 0;
    dp_status rc = read_input(dir, name, &data, &size, err);

    *present = data != NULL;
    if (rc != DP_OK || !data)
        return rc;
    dp__sha256_hex(data, size, file->hash);
    snprintf(file->name, sizeof file->name, "%s", name);
    file->size_bytes = size;
    rc = prepare(s, "INSERT OR IGNORE INTO blobs(hash, size, content) VALUES (?1, ?2, ?3)", &st,
                 err);
    if (rc == DP_OK) {
        if (!bind_text(st, 1, file->hash) || !bind_int(st, 2, (int64_t) size) ||
            sqlite3_bind_blob64(st, 3, data, (sqlite3_uint64) size, SQLITE_STATIC) != SQLITE_OK)
            rc = bind_fail(s, err);
        else
            rc = step_done(s, st, "storing a file's content", err);
    }
    sqlite3_finalize(st);
    free(data);
    return rc;
}

/* The combined inputs hash: see dp_store_snapshot_hash(). */
static void inputs_hash(const dp_store_file *files, size_t n, char hex[DP_STORE_HASH_HEX])
{
    dp__sha256_ctx ctx;
    unsigned char digest[DP_SHA256_SIZE];

    dp__sha256_init(&ctx);
    for (size_t i = 0; i < n; i++) {
        dp__sha256_update(&ctx, files[i].name, strlen(files[i].name) + 1);
        dp__sha256_update(&ctx, files[i].hash, 64);
        dp__sha256_update(&ctx, "\n", 1);
    }
    dp__sha256_final(&ctx, digest);
    dp__sha256_to_hex(digest, hex);
}

/* Sets *id to the newest snapshot when its inputs hash is hash, else to 0. */
static dp_status find_same_latest(dp_store *s, const char *hash, int64_t *id, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc =
        prepare(s, "SELECT id, inputs_hash FROM snapshots ORDER BY id DESC LIMIT 1", &st, err);

    *id = 0;
    if (rc == DP_OK)
        rc = step_row(s, st, &found, "reading the newest snapshot", err);
    if (rc == DP_OK && found) {
        const unsigned char *latest = sqlite3_column_text(st, 1);
        if (latest && strcmp((const char *) latest, hash) == 0)
            *id = (int64_t) sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

static dp_status insert_snapshot(dp_store *s, const char *hash, const dp_store_file *files,
                                 size_t n, int64_t *id, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_status rc =
        prepare(s, "INSERT INTO snapshots(inputs_hash, created) VALUES (?1, ?2)", &st, err);

    if (rc == DP_OK)
        rc = bind_text(st, 1, hash) && bind_int(st, 2, now_or(0)) ? DP_OK : bind_fail(s, err);
    if (rc == DP_OK)
        rc = step_done(s, st, "storing a snapshot", err);
    sqlite3_finalize(st);
    st = NULL;
    if (rc == DP_OK) {
        *id = (int64_t) sqlite3_last_insert_rowid(s->db);
        rc = prepare(s,
                     "INSERT INTO snapshot_files(snapshot_id, name, hash, size) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     &st, err);
    }
    for (size_t i = 0; rc == DP_OK && i < n; i++) {
        sqlite3_reset(st);
        if (!bind_int(st, 1, *id) || !bind_text(st, 2, files[i].name) ||
            !bind_text(st, 3, files[i].hash) || !bind_int(st, 4, (int64_t) files[i].size_bytes))
            rc = bind_fail(s, err);
        else
            rc = step_done(s, st, "storing a snapshot file", err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Stores the present files among sorted[0..n-1] and the snapshot row; runs
 * inside the caller's transaction. */
static dp_status snapshot_in_tx(dp_store *s, const char *dir, const char *const *sorted, size_t n,
                                dp_store_file *files, int64_t *id, dp_error *err)
{
    char hash[DP_STORE_HASH_HEX];
    size_t n_files = 0;
    dp_status rc = DP_OK;

    for (size_t i = 0; rc == DP_OK && i < n; i++) {
        bool present = false;
        rc = store_input(s, dir, sorted[i], &files[n_files], &present, err);
        if (present)
            n_files++;
    }
    if (rc != DP_OK)
        return rc;
    inputs_hash(files, n_files, hash);
    rc = find_same_latest(s, hash, id, err);
    if (rc == DP_OK && *id == 0)
        rc = insert_snapshot(s, hash, files, n_files, id, err);
    return rc;
}

dp_status dp_store_snapshot(dp_store *store, const char *dir, const char *const *names,
                            size_t n_names, int64_t *snapshot_id, dp_error *err)
{
    const char **sorted = NULL;
    dp_store_file *files = NULL;
    int64_t id = 0;
    dp_status rc = sorted_names(store, names, n_names, &sorted, err);

    if (rc != DP_OK)
        return rc;
    files = calloc(n_names ? n_names : 1, sizeof *files);
    if (!files) {
        rc = DP_FAIL(err, DP_ENOMEM, NULL, "taking a snapshot");
        goto done;
    }
    rc = begin(store, err);
    if (rc != DP_OK)
        goto done;
    rc = snapshot_in_tx(store, dir, sorted, n_names, files, &id, err);
    rc = finish(store, rc, err);
    if (rc == DP_OK)
        *snapshot_id = id;
done:
    free(files);
    free(sorted);
    return rc;
}

static dp_status require_snapshot(dp_store *s, int64_t id, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc = prepare(s, "SELECT 1 FROM snapshots WHERE id = ?1", &st, err);

    if (rc == DP_OK)
        rc = bind_int(st, 1, id) ? DP_OK : bind_fail(s, err);
    if (rc == DP_OK)
        rc = step_row(s, st, &found, "reading a snapshot", err);
    sqlite3_finalize(st);
    if (rc == DP_OK && !found)
        rc = FAIL_AT(s, err, DP_ESTATE, "there is no input snapshot %lld", (long long) id);
    return rc;
}

dp_status dp_store_snapshot_files(dp_store *store, int64_t snapshot_id, dp_store_file **files,
                                  size_t *n_files, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_store_file *list = NULL;
    size_t n = 0, cap = 0;
    bool found = true;
    dp_status rc = require_snapshot(store, snapshot_id, err);

    if (rc == DP_OK)
        rc = prepare(store,
                     "SELECT name, hash, size FROM snapshot_files WHERE snapshot_id = ?1 "
                     "ORDER BY name",
                     &st, err);
    if (rc == DP_OK)
        rc = bind_int(st, 1, snapshot_id) ? DP_OK : bind_fail(store, err);
    while (rc == DP_OK) {
        rc = step_row(store, st, &found, "reading a snapshot's files", err);
        if (rc != DP_OK || !found)
            break;
        void *p = grow(list, &cap, n, sizeof *list);
        if (!p) {
            rc = DP_FAIL(err, DP_ENOMEM, NULL, "reading a snapshot's files");
            break;
        }
        list = p;
        column_copy(st, 0, list[n].name, sizeof list[n].name);
        column_copy(st, 1, list[n].hash, sizeof list[n].hash);
        list[n++].size_bytes = (uint64_t) sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != DP_OK) {
        free(list);
        return rc;
    }
    *files = list;
    *n_files = n;
    return DP_OK;
}

dp_status dp_store_snapshot_hash(dp_store *store, int64_t snapshot_id, char hash[DP_STORE_HASH_HEX],
                                 dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc = prepare(store, "SELECT inputs_hash FROM snapshots WHERE id = ?1", &st, err);

    if (rc == DP_OK)
        rc = bind_int(st, 1, snapshot_id) ? DP_OK : bind_fail(store, err);
    if (rc == DP_OK)
        rc = step_row(store, st, &found, "reading a snapshot", err);
    if (rc == DP_OK && !found)
        rc = FAIL_AT(store, err, DP_ESTATE, "there is no input snapshot %lld",
                     (long long) snapshot_id);
    if (rc == DP_OK)
        column_copy(st, 0, hash, DP_STORE_HASH_HEX);
    sqlite3_finalize(st);
    return rc;
}

dp_status dp_store_read_blob(dp_store *store, const char *hash, void **data, size_t *size,
                             dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    unsigned char *copy = NULL;
    dp_status rc = prepare(store, "SELECT content FROM blobs WHERE hash = ?1", &st, err);

    if (rc == DP_OK)
        rc = bind_text(st, 1, hash) ? DP_OK : bind_fail(store, err);
    if (rc == DP_OK)
        rc = step_row(store, st, &found, "reading a file's content", err);
    if (rc == DP_OK && !found)
        rc = FAIL_AT(store, err, DP_ESTATE, "no stored content has hash %s", hash);
    if (rc == DP_OK) {
        const void *blob = sqlite3_column_blob(st, 0);
        size_t n = (size_t) sqlite3_column_bytes(st, 0);
        copy = n && !blob ? NULL : malloc(n + 1);
        if (!copy) {
            rc = DP_FAIL(err, DP_ENOMEM, NULL, "reading a file's content");
        } else {
            if (n)
                memcpy(copy, blob, n);
            copy[n] = '\0';
            *data = copy;
            *size = n;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- schedule versions ---- */

/* The columns read_version() expects, from versions aliased v. */
#define VERSION_COLUMNS                                                           \
    "v.week, v.number, v.snapshot_id, v.seed, v.score_total, v.created, v.note, " \
    "v.copied_from, v.id = (SELECT c.version_id FROM current_versions c WHERE c.week = v.week)"

static void read_version(sqlite3_stmt *st, dp_store_version *info)
{
    memset(info, 0, sizeof *info);
    column_copy(st, 0, info->week, sizeof info->week);
    info->number = (unsigned) sqlite3_column_int64(st, 1);
    info->snapshot_id = (int64_t) sqlite3_column_int64(st, 2);
    info->seed = (uint64_t) sqlite3_column_int64(st, 3);
    info->score_total = (int64_t) sqlite3_column_int64(st, 4);
    info->created_s = (int64_t) sqlite3_column_int64(st, 5);
    column_copy(st, 6, info->note, sizeof info->note);
    info->copied_from = (unsigned) sqlite3_column_int64(st, 7);
    info->is_current = sqlite3_column_int(st, 8) != 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True for "" (the weekly template) and YYYY-Www with ww 01..53. */
static bool week_is_valid(const char *week)
{
    if (week[0] == '\0')
        return true;
    if (strlen(week) != 8 || week[4] != '-' || week[5] != 'W')
        return false;
    for (int i = 0; i < 8; i++) {
        if (i != 4 && i != 5 && !is_digit(week[i]))
            return false;
    }
    int ww = (week[6] - '0') * 10 + (week[7] - '0');
    return ww >= 1 && ww <= 53;
}

static dp_status check_week(dp_store *s, const char *week, dp_error *err)
{
    if (!week || !week_is_valid(week))
        return FAIL_AT(s, err, DP_EUSAGE,
                       "week '%s': expected YYYY-Www (such as 2027-W03, week 01-53) or \"\" for "
                       "the weekly template",
                       week ? week : "(null)");
    return DP_OK;
}

/* "week 2027-W03" or "the weekly template", for messages. */
static const char *week_label(const char *week, char *buf, size_t n)
{
    if (!week[0])
        return "the weekly template";
    snprintf(buf, n, "week %s", week);
    return buf;
}

/* Sets *next to one more than the week's highest version number. */
static dp_status next_number(dp_store *s, const char *week, unsigned *next, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc =
        prepare(s, "SELECT coalesce(max(number), 0) FROM versions WHERE week = ?1", &st, err);

    if (rc == DP_OK)
        rc = bind_text(st, 1, week) ? DP_OK : bind_fail(s, err);
    if (rc == DP_OK)
        rc = step_row(s, st, &found, "numbering a version", err);
    if (rc == DP_OK)
        *next = (unsigned) sqlite3_column_int64(st, 0) + 1;
    sqlite3_finalize(st);
    return rc;
}

/* Explains that version number of week does not exist; highest is the
 * week's highest number. */
static dp_status missing_version(dp_store *s, const char *week, unsigned number, unsigned highest,
                                 dp_error *err)
{
    char buf[32];
    const char *label = week_label(week, buf, sizeof buf);

    if (highest == 0)
        return FAIL_AT(s, err, DP_ESTATE, "%s has no stored schedule versions yet", label);
    return FAIL_AT(s, err, DP_ESTATE, "%s has no version %u (its versions are 1 to %u)", label,
                   number, highest);
}

/* Points the week's current version at version row id. */
static dp_status set_current(dp_store *s, const char *week, int64_t id, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_status rc = prepare(s,
                           "INSERT INTO current_versions(week, version_id) VALUES (?1, ?2) "
                           "ON CONFLICT(week) DO UPDATE SET version_id = excluded.version_id",
                           &st, err);

    if (rc == DP_OK)
        rc = bind_text(st, 1, week) && bind_int(st, 2, id) ? DP_OK : bind_fail(s, err);
    if (rc == DP_OK)
        rc = step_done(s, st, "making a version current", err);
    sqlite3_finalize(st);
    return rc;
}

static dp_status insert_version(dp_store *s, const dp_store_version_new *v, unsigned number,
                                dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_status rc = prepare(s,
                           "INSERT INTO versions(week, number, snapshot_id, seed, score_total, "
                           "json, created, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           &st, err);

    if (rc != DP_OK)
        return rc;
    if (!bind_text(st, 1, v->week) || !bind_int(st, 2, number) ||
        (v->snapshot_id != 0 && !bind_int(st, 3, v->snapshot_id)) ||
        !bind_int(st, 4, (int64_t) v->seed) || !bind_int(st, 5, v->score_total) ||
        !bind_text(st, 6, v->json) || !bind_int(st, 7, now_or(v->created_s)) ||
        !bind_text(st, 8, v->note ? v->note : ""))
        rc = bind_fail(s, err);
    else
        rc = step_done(s, st, "storing a schedule version", err);
    sqlite3_finalize(st);
    if (rc == DP_OK)
        rc = set_current(s, v->week, (int64_t) sqlite3_last_insert_rowid(s->db), err);
    return rc;
}

dp_status dp_store_add_version(dp_store *store, const dp_store_version_new *version,
                               unsigned *number, dp_error *err)
{
    unsigned next = 0;
    dp_status rc = check_week(store, version->week, err);

    if (rc != DP_OK)
        return rc;
    if (!version->json)
        return FAIL_AT(store, err, DP_EUSAGE, "a schedule version needs its JSON text");
    if (version->note && strlen(version->note) >= DP_STORE_NOTE_MAX)
        return FAIL_AT(store, err, DP_EUSAGE, "version note is longer than %d bytes",
                       DP_STORE_NOTE_MAX - 1);
    rc = begin(store, err);
    if (rc != DP_OK)
        return rc;
    if (version->snapshot_id != 0)
        rc = require_snapshot(store, version->snapshot_id, err);
    if (rc == DP_OK)
        rc = next_number(store, version->week, &next, err);
    if (rc == DP_OK)
        rc = insert_version(store, version, next, err);
    rc = finish(store, rc, err);
    if (rc == DP_OK && number)
        *number = next;
    return rc;
}

/* Adds version `next` of week as a copy of version `number`; inside the
 * caller's transaction. */
static dp_status copy_version(dp_store *s, const char *week, unsigned number, unsigned next,
                              dp_error *err)
{
    sqlite3_stmt *st = NULL;
    char note[DP_STORE_NOTE_MAX];
    dp_status rc = prepare(s,
                           "INSERT INTO versions(week, number, snapshot_id, seed, score_total, "
                           "json, created, note, copied_from) "
                           "SELECT week, ?3, snapshot_id, seed, score_total, json, ?4, ?5, number "
                           "FROM versions WHERE week = ?1 AND number = ?2",
                           &st, err);

    snprintf(note, sizeof note, "rollback to %u", number);
    if (rc == DP_OK)
        rc = bind_text(st, 1, week) && bind_int(st, 2, number) && bind_int(st, 3, next) &&
                     bind_int(st, 4, now_or(0)) && bind_text(st, 5, note)
                 ? DP_OK
                 : bind_fail(s, err);
    if (rc == DP_OK)
        rc = step_done(s, st, "copying a schedule version", err);
    sqlite3_finalize(st);
    if (rc == DP_OK && sqlite3_changes(s->db) != 1)
        rc = missing_version(s, week, number, next - 1, err);
    if (rc == DP_OK)
        rc = set_current(s, week, (int64_t) sqlite3_last_insert_rowid(s->db), err);
    return rc;
}

dp_status dp_store_rollback(dp_store *store, const char *week, unsigned number,
                            unsigned *new_number, dp_error *err)
{
    unsigned next = 0;
    dp_status rc = check_week(store, week, err);

    if (rc != DP_OK)
        return rc;
    rc = begin(store, err);
    if (rc != DP_OK)
        return rc;
    rc = next_number(store, week, &next, err);
    if (rc == DP_OK)
        rc = copy_version(store, week, number, next, err);
    rc = finish(store, rc, err);
    if (rc == DP_OK && new_number)
        *new_number = next;
    return rc;
}

/* Copies column i (text) into a new string in *out. */
static dp_status column_dup(dp_store *s, sqlite3_stmt *st, int i, char **out, dp_error *err)
{
    const unsigned char *text = sqlite3_column_text(st, i);
    size_t n = (size_t) sqlite3_column_bytes(st, i);
    char *copy;

    if (!text && sqlite3_column_type(st, i) != SQLITE_NULL)
        return STORE_FAIL(s, err, "reading a schedule's JSON");
    copy = malloc(n + 1);
    if (!copy)
        return DP_FAIL(err, DP_ENOMEM, NULL, "reading a schedule's JSON");
    if (n)
        memcpy(copy, text, n);
    copy[n] = '\0';
    *out = copy;
    return DP_OK;
}

dp_status dp_store_get_version(dp_store *store, const char *week, unsigned number,
                               dp_store_version *info, char **json, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    unsigned next = 0;
    dp_status rc = check_week(store, week, err);

    if (rc == DP_OK)
        rc = prepare(store,
                     number == 0 ? "SELECT " VERSION_COLUMNS ", v.json FROM current_versions c "
                                   "JOIN versions v ON v.id = c.version_id WHERE c.week = ?1"
                                 : "SELECT " VERSION_COLUMNS ", v.json FROM versions v "
                                   "WHERE v.week = ?1 AND v.number = ?2",
                     &st, err);
    if (rc == DP_OK)
        rc = bind_text(st, 1, week) && (number == 0 || bind_int(st, 2, number))
                 ? DP_OK
                 : bind_fail(store, err);
    if (rc == DP_OK)
        rc = step_row(store, st, &found, "reading a schedule version", err);
    if (rc == DP_OK && found && json)
        rc = column_dup(store, st, 9, json, err);
    if (rc == DP_OK && found && info)
        read_version(st, info);
    sqlite3_finalize(st);
    if (rc == DP_OK && !found) {
        rc = next_number(store, week, &next, err);
        if (rc == DP_OK)
            rc = missing_version(store, week, number, next - 1, err);
    }
    return rc;
}

dp_status dp_store_list_versions(dp_store *store, const char *week, dp_store_version **list,
                                 size_t *n, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_store_version *items = NULL;
    size_t count = 0, cap = 0;
    bool found = true;
    dp_status rc = week ? check_week(store, week, err) : DP_OK;

    if (rc == DP_OK)
        rc = prepare(store,
                     "SELECT " VERSION_COLUMNS " FROM versions v "
                     "WHERE ?1 IS NULL OR v.week = ?1 ORDER BY v.id",
                     &st, err);
    if (rc == DP_OK)
        rc = sqlite3_bind_text(st, 1, week, -1, SQLITE_STATIC) == SQLITE_OK ? DP_OK
                                                                            : bind_fail(store, err);
    while (rc == DP_OK) {
        rc = step_row(store, st, &found, "listing schedule versions", err);
        if (rc != DP_OK || !found)
            break;
        void *p = grow(items, &cap, count, sizeof *items);
        if (!p) {
            rc = DP_FAIL(err, DP_ENOMEM, NULL, "listing schedule versions");
            break;
        }
        items = p;
        read_version(st, &items[count++]);
    }
    sqlite3_finalize(st);
    if (rc != DP_OK) {
        free(items);
        return rc;
    }
    *list = items;
    *n = count;
    return DP_OK;
}

/* ---- feed tokens ---- */

static const char *const FEED_KINDS[] = {"family", "staff", "location", "activity"};

const char *dp_store_feed_kind_name(dp_feed_kind kind)
{
    if ((unsigned) kind >= sizeof FEED_KINDS / sizeof FEED_KINDS[0])
        return "?";
    return FEED_KINDS[kind];
}

/* True for an id as FORMAT.md defines it: [A-Za-z0-9_.-]{1,64}. */
static bool id_is_valid(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n >= DP_STORE_SUBJECT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_' &&
            c != '.' && c != '-')
            return false;
    }
    return true;
}

static dp_status insert_token(dp_store *s, dp_feed_kind kind, const char *subject, const char *hash,
                              int64_t created_s, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_status rc = prepare(s,
                           "INSERT INTO feed_tokens(kind, subject, token_hash, created) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           &st, err);

    if (rc == DP_OK)
        rc = bind_text(st, 1, FEED_KINDS[kind]) && bind_text(st, 2, subject) &&
                     bind_text(st, 3, hash) && bind_int(st, 4, now_or(created_s))
                 ? DP_OK
                 : bind_fail(s, err);
    if (rc == DP_OK && sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = FAIL_AT(s, err, DP_ESTATE, "this feed token is already registered");
        else
            rc = STORE_FAIL(s, err, "storing a feed token");
    }
    sqlite3_finalize(st);
    return rc;
}

dp_status dp_store_add_token(dp_store *store, dp_feed_kind kind, const char *subject,
                             const char *token, int64_t created_s, int64_t *id, dp_error *err)
{
    char hash[DP_STORE_HASH_HEX];
    dp_status rc;

    if ((unsigned) kind >= sizeof FEED_KINDS / sizeof FEED_KINDS[0])
        return FAIL_AT(store, err, DP_EUSAGE,
                       "feed kind %d: expected family, staff, location "
                       "or activity",
                       (int) kind);
    if (!subject || !id_is_valid(subject))
        return FAIL_AT(store, err, DP_EUSAGE,
                       "feed subject '%s': expected an id of 1 to 64 of "
                       "A-Z a-z 0-9 _ . -",
                       subject ? subject : "(null)");
    if (!token || strlen(token) < TOKEN_MIN_BYTES)
        return FAIL_AT(store, err, DP_EUSAGE, "a feed token needs at least %d bytes",
                       TOKEN_MIN_BYTES);
    dp__sha256_hex(token, strlen(token), hash);
    rc = begin(store, err);
    if (rc != DP_OK)
        return rc;
    rc = insert_token(store, kind, subject, hash, created_s, err);
    int64_t new_id = (int64_t) sqlite3_last_insert_rowid(store->db);
    rc = finish(store, rc, err);
    if (rc == DP_OK && id)
        *id = new_id;
    return rc;
}

static dp_feed_kind kind_from_text(const unsigned char *text)
{
    for (size_t i = 0; text && i < sizeof FEED_KINDS / sizeof FEED_KINDS[0]; i++) {
        if (strcmp((const char *) text, FEED_KINDS[i]) == 0)
            return (dp_feed_kind) i;
    }
    return DP_FEED_FAMILY; /* unreachable: the table's CHECK allows only these */
}

dp_status dp_store_find_token(dp_store *store, const char *token, dp_store_token *out,
                              dp_error *err)
{
    sqlite3_stmt *st = NULL;
    char hash[DP_STORE_HASH_HEX];
    bool found = false;
    dp_status rc = prepare(store,
                           "SELECT id, kind, subject, token_hash, created, revoked_at "
                           "FROM feed_tokens WHERE token_hash = ?1",
                           &st, err);

    if (rc == DP_OK && !token)
        rc = FAIL_AT(store, err, DP_EUSAGE, "looking up a feed token needs the token");
    if (rc == DP_OK) {
        dp__sha256_hex(token, strlen(token), hash);
        rc = bind_text(st, 1, hash) ? DP_OK : bind_fail(store, err);
    }
    if (rc == DP_OK)
        rc = step_row(store, st, &found, "looking up a feed token", err);
    if (rc == DP_OK && !found)
        rc = FAIL_AT(store, err, DP_ESTATE, "unknown feed token");
    if (rc == DP_OK) {
        memset(out, 0, sizeof *out);
        out->id = (int64_t) sqlite3_column_int64(st, 0);
        out->kind = kind_from_text(sqlite3_column_text(st, 1));
        column_copy(st, 2, out->subject, sizeof out->subject);
        column_copy(st, 3, out->token_hash, sizeof out->token_hash);
        out->created_s = (int64_t) sqlite3_column_int64(st, 4);
        out->revoked_s = (int64_t) sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    return rc;
}

dp_status dp_store_list_tokens(dp_store *store, dp_store_token **list, size_t *n, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_store_token *v = NULL;
    size_t len = 0, cap = 0;
    bool found = true;
    dp_status rc = prepare(store,
                           "SELECT id, kind, subject, token_hash, created, revoked_at "
                           "FROM feed_tokens ORDER BY id",
                           &st, err);

    while (rc == DP_OK) {
        rc = step_row(store, st, &found, "listing feed tokens", err);
        if (rc != DP_OK || !found)
            break;
        if (len == cap) {
            size_t c = cap ? cap * 2 : 16;
            dp_store_token *w = realloc(v, c * sizeof *w);
            if (!w) {
                rc = DP_FAIL(err, DP_ENOMEM, NULL, "out of memory listing feed tokens");
                break;
            }
            v = w;
            cap = c;
        }
        dp_store_token *t = &v[len++];
        memset(t, 0, sizeof *t);
        t->id = (int64_t) sqlite3_column_int64(st, 0);
        t->kind = kind_from_text(sqlite3_column_text(st, 1));
        column_copy(st, 2, t->subject, sizeof t->subject);
        column_copy(st, 3, t->token_hash, sizeof t->token_hash);
        t->created_s = (int64_t) sqlite3_column_int64(st, 4);
        t->revoked_s = (int64_t) sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc != DP_OK) {
        free(v);
        return rc;
    }
    *list = v;
    *n = len;
    return DP_OK;
}

dp_status dp_store_revoke_token(dp_store *store, int64_t id, int64_t revoked_s, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    dp_status rc = begin(store, err);

    if (rc != DP_OK)
        return rc;
    rc = prepare(store,
                 "UPDATE feed_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &st,
                 err);
    if (rc == DP_OK)
        rc = bind_int(st, 1, id) && bind_int(st, 2, now_or(revoked_s)) ? DP_OK
                                                                       : bind_fail(store, err);
    if (rc == DP_OK)
        rc = step_done(store, st, "revoking a feed token", err);
    sqlite3_finalize(st);
    if (rc == DP_OK && sqlite3_changes(store->db) != 1)
        rc = FAIL_AT(store, err, DP_ESTATE, "there is no valid feed token %lld to revoke",
                     (long long) id);
    return finish(store, rc, err);
}

/* ---- maintenance ---- */

dp_status dp_store_stats_get(dp_store *store, dp_store_stats *out, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    dp_status rc = prepare(store,
                           "SELECT (SELECT count(*) FROM blobs), "
                           "(SELECT coalesce(sum(size), 0) FROM blobs), "
                           "(SELECT count(*) FROM snapshots), (SELECT count(*) FROM versions), "
                           "(SELECT count(*) FROM current_versions), "
                           "(SELECT count(*) FROM feed_tokens)",
                           &st, err);

    if (rc == DP_OK)
        rc = step_row(store, st, &found, "counting the store's contents", err);
    if (rc == DP_OK) {
        out->n_blobs = (uint64_t) sqlite3_column_int64(st, 0);
        out->blob_bytes = (uint64_t) sqlite3_column_int64(st, 1);
        out->n_snapshots = (uint64_t) sqlite3_column_int64(st, 2);
        out->n_versions = (uint64_t) sqlite3_column_int64(st, 3);
        out->n_weeks = (uint64_t) sqlite3_column_int64(st, 4);
        out->n_tokens = (uint64_t) sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Runs sql; when it returns a row, fails with problem (a format taking the
 * row's first column as %s). */
static dp_status expect_no_rows(dp_store *s, const char *sql, const char *problem, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    char first[128];
    dp_status rc = prepare(s, sql, &st, err);

    if (rc == DP_OK)
        rc = step_row(s, st, &found, "checking the store", err);
    if (rc == DP_OK && found) {
        column_copy(st, 0, first, sizeof first);
        rc = FAIL_AT(s, err, DP_ESTORE, "store check failed: %s: %s", problem, first);
    }
    sqlite3_finalize(st);
    return rc;
}

static dp_status check_integrity(dp_store *s, dp_error *err)
{
    return expect_no_rows(s,
                          "SELECT * FROM (SELECT integrity_check AS r FROM pragma_integrity_check)"
                          " WHERE r != 'ok'",
                          "SQLite integrity check", err);
}

/* The invariants of the file comment, as queries that return offending rows. */
static const struct {
    const char *sql;
    const char *problem;
} CHECKS[] = {
    {"SELECT \"table\" || ' row ' || rowid || ' refers to a missing ' || parent "
     "FROM pragma_foreign_key_check",
     "broken reference"},
    {"SELECT w.week FROM (SELECT week, max(number) AS n, count(*) AS k FROM versions "
     "GROUP BY week) w LEFT JOIN current_versions c ON c.week = w.week "
     "LEFT JOIN versions v ON v.id = c.version_id "
     "WHERE v.id IS NULL OR v.week != w.week OR v.number != w.n OR w.k != w.n "
     "UNION ALL SELECT c.week FROM current_versions c WHERE NOT EXISTS "
     "(SELECT 1 FROM versions v WHERE v.id = c.version_id AND v.week = c.week)",
     "version numbering or current version wrong for week"},
    {"SELECT f.snapshot_id || '/' || f.name FROM snapshot_files f JOIN blobs b ON b.hash = f.hash "
     "WHERE f.size != b.size OR length(b.content) != b.size",
     "size mismatch for snapshot file"},
};

static dp_status verify_blobs(dp_store *s, dp_error *err)
{
    sqlite3_stmt *st = NULL;
    bool found = true;
    char hash[DP_STORE_HASH_HEX];
    dp_status rc = prepare(s, "SELECT hash, content FROM blobs", &st, err);

    while (rc == DP_OK) {
        rc = step_row(s, st, &found, "reading stored contents", err);
        if (rc != DP_OK || !found)
            break;
        const void *blob = sqlite3_column_blob(st, 1);
        dp__sha256_hex(blob, (size_t) sqlite3_column_bytes(st, 1), hash);
        const unsigned char *key = sqlite3_column_text(st, 0);
        if (!key || strcmp((const char *) key, hash) != 0)
            rc = FAIL_AT(s, err, DP_ESTORE, "store check failed: content stored as %s hashes to %s",
                         key ? (const char *) key : "(null)", hash);
    }
    sqlite3_finalize(st);
    return rc;
}

dp_status dp_store_check(dp_store *store, bool verify_contents, dp_error *err)
{
    dp_status rc = check_integrity(store, err);

    for (size_t i = 0; rc == DP_OK && i < sizeof CHECKS / sizeof CHECKS[0]; i++)
        rc = expect_no_rows(store, CHECKS[i].sql, CHECKS[i].problem, err);
    if (rc == DP_OK && verify_contents)
        rc = verify_blobs(store, err);
    return rc;
}
