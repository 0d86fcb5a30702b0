/* dagplan/store.h - the centre's store: input snapshots, schedule versions, feed tokens.
 *
 * The store is one SQLite database per centre, dagplan.db in the centre
 * directory unless the command line's --db names another file. It keeps
 *
 * - input snapshots: the centre files a solve read, each file's content kept
 *   once however many snapshots contain it (content-addressed by SHA-256);
 * - schedule versions: every schedule ever stored, numbered 1, 2, 3... per
 *   week ("2027-W03", or "" for the weekly template), with one current
 *   version per week. Nothing is ever changed or deleted: making an earlier
 *   version current again adds a new version that copies it, so the current
 *   version of a week is always its newest;
 * - feed tokens: the secret in a calendar feed's address, kept only as its
 *   SHA-256 hash, for one subscriber (a family, staff member, location or
 *   activity) and revocable.
 *
 * Every write is one transaction: it happens completely or not at all, also
 * when the process is killed half-way. Several processes may open the same
 * store (the server and a solve, say); a writer waits up to five seconds for
 * another one to finish. A dp_store is used by one thread at a time.
 *
 * Errors: DP_ESTORE when SQLite fails (the message carries SQLite's and the
 * error's location names the database file), DP_ESTATE when the asked-for
 * snapshot, version or token does not exist, DP_EUSAGE when an argument is
 * malformed (a week that is not YYYY-Www), DP_EIO when an input file cannot
 * be read, DP_ENOMEM. On failure nothing was written and out-parameters are
 * untouched. */
#ifndef DAGPLAN_STORE_H
#define DAGPLAN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dagplan/error.h"

#define DP_STORE_FILE_NAME      "dagplan.db" /* the store's name in a centre directory */
#define DP_STORE_SCHEMA_VERSION 2u           /* the newest schema this dagplan knows */
#define DP_STORE_HASH_HEX       65           /* SHA-256 as 64 lowercase hex digits + NUL */
#define DP_STORE_NAME_MAX       128          /* input file name bytes, NUL included */
#define DP_STORE_WEEK_MAX       16           /* week text bytes, NUL included */
#define DP_STORE_NOTE_MAX       128          /* version note bytes, NUL included */
#define DP_STORE_SUBJECT_MAX    65           /* feed subject id bytes, NUL included */

/* An open store. Create with dp_store_open(), free with dp_store_close(). */
typedef struct dp_store dp_store;

/* Opens the store at path, creating the file when it does not exist, and
 * brings its schema up to DP_STORE_SCHEMA_VERSION: each missing migration runs
 * in its own transaction. The database is put in WAL mode with foreign keys
 * on. path is copied. On success *out is a new store to be closed with
 * dp_store_close(). Fails with DP_ESTORE when path cannot be opened or
 * created, is not an SQLite database, is an SQLite database of another
 * program, or was written by a newer dagplan (a schema version above
 * DP_STORE_SCHEMA_VERSION; the file is then left as it is). */
dp_status dp_store_open(const char *path, dp_store **out /* OUT */, dp_error *err);

/* Closes the store and frees it. NULL: no-op. */
void dp_store_close(dp_store *store);

/* The path the store was opened with. Borrowed: valid until dp_store_close(). */
const char *dp_store_path(const dp_store *store);

/* The schema version of the open store (DP_STORE_SCHEMA_VERSION after a
 * successful open). */
unsigned dp_store_schema_version(const dp_store *store);

/* Frees memory the store handed out (file and version lists, JSON text, blob
 * contents). NULL: no-op. */
void dp_store_free(void *p);

/* ---- input snapshots ---- */

/* One file of a snapshot. */
typedef struct dp_store_file {
    char name[DP_STORE_NAME_MAX]; /* file name within the centre directory */
    char hash[DP_STORE_HASH_HEX]; /* SHA-256 of the content, lowercase hex */
    uint64_t size_bytes;          /* content length */
} dp_store_file;

/* Records the files names[0..n_names-1] of the centre directory dir as a new
 * input snapshot, in one transaction. A name that does not exist in dir is
 * skipped; each other file's content is stored once, keyed by its SHA-256.
 * When the result equals the newest snapshot (same names, same contents), that
 * snapshot is reused and nothing is written. On success *snapshot_id is the id
 * (1, 2, ...). Names must be plain file names (no '/', not "." or "..", shorter
 * than DP_STORE_NAME_MAX, no duplicates): DP_EUSAGE otherwise. DP_EIO when a
 * file exists but cannot be read, DP_ELIMIT when one is over 64 MiB. All
 * arguments are borrowed. */
dp_status dp_store_snapshot(dp_store *store, const char *dir, const char *const *names,
                            size_t n_names, int64_t *snapshot_id /* OUT */, dp_error *err);

/* Lists the files of snapshot snapshot_id, sorted by name (bytewise). On
 * success *files is a new array of *n_files entries (NULL when there are
 * none), to be freed with dp_store_free(). DP_ESTATE when there is no such
 * snapshot. */
dp_status dp_store_snapshot_files(dp_store *store, int64_t snapshot_id,
                                  dp_store_file **files /* OUT */, size_t *n_files /* OUT */,
                                  dp_error *err);

/* Writes the combined inputs hash of snapshot snapshot_id to hash: the
 * SHA-256, in lowercase hex, of the concatenation over its files in name order
 * of name, a NUL byte, the file's hex hash and a newline. Two snapshots have
 * the same inputs hash exactly when they hold the same files with the same
 * contents. DP_ESTATE when there is no such snapshot. */
dp_status dp_store_snapshot_hash(dp_store *store, int64_t snapshot_id,
                                 char hash[DP_STORE_HASH_HEX] /* OUT */, dp_error *err);

/* Reads the stored content with SHA-256 hash (lowercase hex). On success *data
 * is a new buffer of *size bytes plus a terminating NUL (not counted), to be
 * freed with dp_store_free(). DP_ESTATE when no content has that hash. */
dp_status dp_store_read_blob(dp_store *store, const char *hash, void **data /* OUT */,
                             size_t *size /* OUT */, dp_error *err);

/* ---- schedule versions ---- */

/* A schedule version to add; filled by the caller, all pointers borrowed. */
typedef struct dp_store_version_new {
    const char *week;    /* "2027-W03" (YYYY-Www, ww 01-53), or "" for the weekly template */
    int64_t snapshot_id; /* the inputs it was solved from, or 0 for none */
    uint64_t seed;       /* the solver seed */
    int64_t score_total; /* the schedule's score.total */
    const char *json;    /* the schedule JSON text (FORMAT.md section 5), NUL-terminated */
    int64_t created_s;   /* creation time in Unix seconds; 0 = now */
    const char *note;    /* short note such as "solve", < DP_STORE_NOTE_MAX bytes; NULL = "" */
} dp_store_version_new;

/* A stored version's metadata. */
typedef struct dp_store_version {
    char week[DP_STORE_WEEK_MAX]; /* "2027-W03", or "" for the weekly template */
    unsigned number;              /* 1, 2, 3... within the week */
    int64_t snapshot_id;          /* 0 when none */
    uint64_t seed;                /* the solver seed */
    int64_t score_total;          /* the schedule's score.total */
    int64_t created_s;            /* Unix seconds */
    char note[DP_STORE_NOTE_MAX]; /* "solve", "rollback to 3", ... */
    unsigned copied_from;         /* the version a rollback copied, 0 otherwise */
    bool is_current;              /* the week's current version */
} dp_store_version;

/* Adds a version as the next number of its week and makes it the week's
 * current version, in one transaction. On success *number (may be NULL) is its
 * number. DP_EUSAGE for a malformed week or an overlong note, DP_ESTATE when
 * snapshot_id is not 0 and no such snapshot exists. */
dp_status dp_store_add_version(dp_store *store, const dp_store_version_new *version,
                               unsigned *number /* OUT */, dp_error *err);

/* Makes version number of week current again by adding a new version that
 * copies its snapshot, seed, score and JSON, with the note "rollback to
 * <number>", in one transaction. On success *new_number (may be NULL) is the
 * new version's number. DP_ESTATE when the week has no such version. */
dp_status dp_store_rollback(dp_store *store, const char *week, unsigned number,
                            unsigned *new_number /* OUT */, dp_error *err);

/* Reads version number of week, or its current version when number is 0.
 * On success fills *info (may be NULL) and, when json is not NULL, sets *json
 * to a new NUL-terminated copy of the schedule JSON, to be freed with
 * dp_store_free(). DP_ESTATE when the week has no such version (or none at
 * all, for number 0). */
dp_status dp_store_get_version(dp_store *store, const char *week, unsigned number,
                               dp_store_version *info /* OUT */, char **json /* OUT */,
                               dp_error *err);

/* Lists the versions of week, or of all weeks when week is NULL, oldest first
 * (newest last). On success *list is a new array of *n entries (NULL when
 * there are none), to be freed with dp_store_free(). */
dp_status dp_store_list_versions(dp_store *store, const char *week,
                                 dp_store_version **list /* OUT */, size_t *n /* OUT */,
                                 dp_error *err);

/* ---- feed tokens ---- */

typedef enum dp_feed_kind {
    DP_FEED_FAMILY = 0,   /* the children of one family */
    DP_FEED_STAFF = 1,    /* one staff member */
    DP_FEED_LOCATION = 2, /* one location */
    DP_FEED_ACTIVITY = 3  /* one activity */
} dp_feed_kind;

/* A feed token's record (never the token itself: only its hash is stored). */
typedef struct dp_store_token {
    int64_t id;                         /* 1, 2, ... */
    dp_feed_kind kind;                  /* whose feed */
    char subject[DP_STORE_SUBJECT_MAX]; /* the family, staff, location or activity id */
    char token_hash[DP_STORE_HASH_HEX]; /* SHA-256 of the token, lowercase hex */
    int64_t created_s;                  /* Unix seconds */
    int64_t revoked_s;                  /* Unix seconds; 0 while the token is valid */
} dp_store_token;

/* "family", "staff", "location" or "activity"; "?" for another value. */
const char *dp_store_feed_kind_name(dp_feed_kind kind);

/* Registers token (the secret text of a feed address, at least 16 bytes) for
 * the feed of subject (an id, [A-Za-z0-9_.-]{1,64}) of the given kind. Only
 * the token's SHA-256 is stored. created_s 0 = now. On success *id (may be
 * NULL) is the new token's id. DP_EUSAGE for a malformed subject or a short
 * token, DP_ESTATE when the token is already registered. */
dp_status dp_store_add_token(dp_store *store, dp_feed_kind kind, const char *subject,
                             const char *token, int64_t created_s, int64_t *id /* OUT */,
                             dp_error *err);

/* Looks up token. On success fills *out, also for a revoked token (then
 * out->revoked_s is not 0; the server answers "gone" rather than "not found").
 * DP_ESTATE when the token is unknown. */
dp_status dp_store_find_token(dp_store *store, const char *token, dp_store_token *out /* OUT */,
                              dp_error *err);

/* Lists every feed token, revoked ones included, by id. On success *list is a
 * new array of *n entries (NULL when there are none), to be freed with
 * dp_store_free(). */
dp_status dp_store_list_tokens(dp_store *store, dp_store_token **list /* OUT */,
                               size_t *n /* OUT */, dp_error *err);

/* Revokes token id at revoked_s (0 = now). DP_ESTATE when there is no such
 * token or it is already revoked. */
dp_status dp_store_revoke_token(dp_store *store, int64_t id, int64_t revoked_s, dp_error *err);

/* ---- maintenance ---- */

typedef struct dp_store_stats {
    uint64_t n_blobs;     /* distinct file contents */
    uint64_t blob_bytes;  /* their total size */
    uint64_t n_snapshots; /* input snapshots */
    uint64_t n_versions;  /* schedule versions, all weeks */
    uint64_t n_weeks;     /* weeks (and the template) with a current version */
    uint64_t n_tokens;    /* feed tokens, revoked ones included */
} dp_store_stats;

/* Counts what the store holds. */
dp_status dp_store_stats_get(dp_store *store, dp_store_stats *out /* OUT */, dp_error *err);

/* Checks the store: SQLite's integrity check, foreign keys, that every week's
 * versions are numbered 1..n with a current pointer to version n, that sizes
 * agree, and with verify_blobs also that every stored content hashes to its
 * key. DP_ESTORE naming the first problem found. */
dp_status dp_store_check(dp_store *store, bool verify_blobs, dp_error *err);

#endif
