/* core/rules/centre_conf.h - the settings of a centre's centre.lua, as read
 * from its centre{} table in the Lua sandbox. Not installed.
 *
 * The script runs in a sandbox (see sandbox.h); centre{...} records the
 * table's keys together with the script line of each, so that the loader can
 * validate references (home must be a location, timezone must exist) and
 * report problems at the planner's own line. Strings are malloc'd copies owned
 * by the conf; free with dp__centre_conf_release(). */
#ifndef DAGPLAN_CENTRE_CONF_H
#define DAGPLAN_CENTRE_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "dagplan/error.h"

/* One setting: its value as text and the script line that set it. */
typedef struct dp_conf_str {
    char *value;   /* NULL when the key is absent */
    unsigned line; /* line in centre.lua of the centre{} call, 0 when absent */
} dp_conf_str;

typedef struct dp_centre_conf {
    dp_conf_str id;               /* centre id (required) */
    dp_conf_str name;             /* display name (required) */
    dp_conf_str timezone;         /* IANA zone (required) */
    dp_conf_str country;          /* "NL" (default) or "BE-VL" */
    dp_conf_str home;             /* home location id (required) */
    dp_conf_str ratio_rules;      /* "2024" (default) or "2019" */
    dp_conf_str base_url;         /* feed base URL (optional) */
    int max_activities;           /* default 2 */
    unsigned max_activities_line; /* 0 when absent */
    int escort_ratio;             /* children per escort (default 8) */
    unsigned escort_ratio_line;   /* 0 when absent */
    int stability;                /* points per changed assignment, default 20 (issue 7) */
    unsigned stability_line;      /* 0 when absent */
    unsigned centre_line;         /* line of the centre{} call, 0 when never called */
    struct dp_sandbox *sandbox;   /* the script's state with its recorded rules (rules.h) */
} dp_centre_conf;

/* Runs the centre.lua at path in a fresh sandbox and fills *conf. Every
 * problem (syntax error, runtime error, a limit hit, centre{} missing or called
 * twice, a key of the wrong type, an unknown key (a warning), a missing
 * required key) is added to diags as "centre.lua:LINE: ..." with the file name
 * given by display_name. Returns DP_OK when conf is usable (it may still carry
 * warnings), DP_ERULE when the script failed, DP_ENOMEM, or DP_EIO when the
 * file cannot be read. conf is initialised in all cases and must be released. */
dp_status dp__centre_conf_load(const char *path, const char *display_name, dp_centre_conf *conf,
                               dp_diags *diags, dp_error *err);

/* Details shared by both loaders: diags may be NULL (then only err tells the
 * first problem); on DP_ERULE err holds the first error added to diags. A
 * DP_EIO or DP_ENOMEM is reported through err only. After a run the defaults
 * are filled in for keys the script did not set: country "NL", ratio_rules
 * "2024", max_activities 2 (their line stays 0). The script runs with the
 * sandbox's default limits (64 MiB, 1,000,000 instructions, 1 MiB of source);
 * print(...) in the script becomes a warning at its line. */

/* Like dp__centre_conf_load(), but the script is the len bytes at src (which
 * need not be NUL-terminated). Used by tests and the fuzz target. */
dp_status dp__centre_conf_load_mem(const char *src, size_t len, const char *display_name,
                                   dp_centre_conf *conf, dp_diags *diags, dp_error *err);

void dp__centre_conf_release(dp_centre_conf *conf);

#endif
