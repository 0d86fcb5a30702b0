/* dagplan/model.h - the centre model: children, activities, sections,
 * sessions, locations, staff, rota and choices of one centre.
 *
 * A model is built once by the loader (dp_load_centre) and then only read.
 * Every entity is a dense uint32_t id (its index in the model's array), so the
 * solver and plugins index arrays and never compare strings in their inner
 * loops; the string ids of the planner's files are interned once at load.
 *
 * Unlike most public headers this one shows the model's structs: plugins run
 * inside the solver's inner loop and must read fields without a function call
 * per access. The contract is read-only: every pointer in a dp_model is
 * borrowed from the model and valid until dp_model_free(). Arrays hold n_x
 * elements; per-entity sub-lists (a child's windows, an activity's sections)
 * are contiguous runs [x0, x0 + n_x) in the model's flat arrays.
 *
 * Times are minutes since local midnight (0..1440) plus a weekday 0 = Monday
 * .. 6 = Sunday, in the centre's time zone. */
#ifndef DAGPLAN_MODEL_H
#define DAGPLAN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "dagplan/error.h"

typedef uint32_t dp_id;
#define DP_NONE UINT32_MAX /* no entity (an optional reference left empty) */

#define DP_N_DAYS        7    /* mon .. sun */
#define DP_MAX_GROUP     8    /* school groups 1..8; 0 is under four */
#define DP_MINUTES_DAY   1440 /* a time of 24:00 is the end of the day */
#define DP_UNLIMITED     (-1) /* capacity, max_minutes: no limit */
#define DP_NO_BIRTH_DATE INT32_MIN

typedef enum dp_role {
    DP_ROLE_OTHER = 0, /* empty or unknown role */
    DP_ROLE_PM,        /* pedagogical professional (pedagogisch medewerker) */
    DP_ROLE_TEACHER,   /* teacher */
    DP_ROLE_COACH,     /* sports coach or partner's instructor */
    DP_ROLE_VOLUNTEER  /* volunteer */
} dp_role;

/* A time window of a child on one day (availability.csv). */
typedef struct dp_window {
    dp_id child;       /* the child */
    uint8_t day;       /* 0 = mon .. 6 = sun */
    bool care;         /* contracted childcare in this window */
    uint16_t from_min; /* start, minutes since midnight */
    uint16_t to_min;   /* end, exclusive */
    uint32_t line;     /* line in availability.csv */
} dp_window;

typedef struct dp_child {
    const char *id;         /* planner's id */
    const char *name;       /* display name */
    const char *first_name; /* first word of name: the only name feeds show */
    int8_t group;           /* school group 1..8, 0 = under four */
    uint8_t priority;       /* 0..3: extra weight w(c) = 1 + priority */
    int32_t birth_days;     /* days since 1970-01-01, DP_NO_BIRTH_DATE when not given */
    dp_id family;           /* index in families[], DP_NONE when not given */
    dp_id neighbourhood;    /* index in neighbourhoods[], DP_NONE when not given */
    dp_id care_group;       /* index in care_groups[], DP_NONE when not given */
    uint32_t window0;       /* first of the child's windows in windows[], sorted by day, from */
    uint32_t n_windows;     /* number of windows */
    uint32_t choice0;       /* first of the child's choices in choices[], sorted by rank */
    uint32_t n_choices;     /* number of choices */
    uint32_t line;          /* line in children.csv */
} dp_child;

/* School hours of a group on a day; start_min == end_min == 0 when none. */
typedef struct dp_school_day {
    uint16_t start_min; /* school starts */
    uint16_t end_min;   /* school ends */
    uint32_t line;      /* line in school.csv, 0 when none */
} dp_school_day;

typedef struct dp_location {
    const char *id;      /* planner's id */
    const char *name;    /* display name */
    const char *kind;    /* "ikc", "sporthal", ... ("" when not given) */
    const char *address; /* street address ("" when not given) */
    uint16_t rooms;      /* sections that may meet at once (default 1) */
    int32_t capacity;    /* children at once, DP_UNLIMITED by default */
    uint32_t line;       /* line in locations.csv */
} dp_location;

typedef struct dp_activity {
    const char *id;        /* planner's id */
    const char *name;      /* display name */
    dp_id theme;           /* index in themes[] */
    const char *provider;  /* partner organisation ("" when not given) */
    int8_t min_group;      /* youngest eligible school group */
    int8_t max_group;      /* oldest eligible school group */
    uint16_t min_size;     /* a section with children holds at least this many */
    uint16_t max_size;     /* a section holds at most this many */
    bool escort;           /* a professional accompanies the children there and back */
    uint32_t section0;     /* first of its sections in sections[] */
    uint32_t n_sections;   /* number of sections */
    uint32_t line;         /* line in activities.csv */
    bool on_holiday_run;   /* on_holiday = run: its sessions also meet on closure days */
    uint16_t series_weeks; /* a series (course) of this many weeks; 0: a weekly activity */
    int32_t series_start;  /* Monday of its first week, days since 1970-01-01 (when series_weeks) */
    bool overnight;        /* overnight = 1: a camp with overnight stay (docs/municipality.md) */
} dp_activity;

typedef struct dp_section {
    const char *id;      /* planner's id */
    dp_id activity;      /* the activity */
    dp_id location;      /* where it meets */
    dp_id staff;         /* who leads it, DP_NONE when not given */
    uint16_t min_size;   /* effective minimum (section override or activity's) */
    uint16_t max_size;   /* effective maximum */
    uint32_t session0;   /* first of its sessions in sessions[] */
    uint32_t n_sessions; /* number of weekly meetings */
    uint32_t line;       /* line in sections.csv */
    uint32_t range0;     /* first of its date ranges (sections.csv dates) in date_ranges[] */
    uint32_t n_ranges;   /* 0: no dates, the section meets every week */
} dp_section;

/* A range of days (sections.csv dates, `2027-07-05..2027-07-09`), inclusive. */
typedef struct dp_date_range {
    int32_t from_day; /* first day, days since 1970-01-01 */
    int32_t to_day;   /* last day (inclusive) */
} dp_date_range;

/* One possible time of a session. */
typedef struct dp_slot {
    uint8_t day;        /* 0 = mon .. 6 = sun */
    uint16_t start_min; /* start, minutes since midnight */
} dp_slot;

/* One weekly meeting of a section. With candidates (`tue|thu`, `15:00|15:45`)
 * it has n_slots = days x starts options, of which the solver picks one. */
typedef struct dp_session {
    dp_id section;    /* the section */
    uint16_t minutes; /* duration */
    uint32_t slot0;   /* first option in slots[], in file order: days outer, starts inner */
    uint32_t n_slots; /* 1 for a fixed time */
    uint32_t line;    /* line in sessions.csv */
} dp_session;

typedef struct dp_staff {
    const char *id;      /* planner's id */
    const char *name;    /* display name */
    dp_role role;        /* what kind of professional */
    bool bkr;            /* counts for the staff-to-child ratio */
    int32_t max_minutes; /* per week, DP_UNLIMITED when not given */
    uint32_t line;       /* line in staff.csv */
} dp_staff;

/* When a professional works (rota.csv). */
typedef struct dp_rota {
    dp_id staff;       /* the professional */
    uint8_t day;       /* 0 = mon .. 6 = sun */
    uint16_t from_min; /* start */
    uint16_t to_min;   /* end, exclusive */
    dp_id location;    /* where (default the home location) */
    dp_id care_group;  /* index in care_groups[], DP_NONE: any group there */
    uint32_t line;     /* line in rota.csv */
} dp_rota;

typedef struct dp_choice {
    dp_id child;    /* who wishes */
    dp_id activity; /* what */
    uint8_t rank;   /* 1 = most wanted */
    uint32_t line;  /* line in choices.csv */
} dp_choice;

/* A planner's pin (pins.csv): the child must be granted the section
 * (forbid false) or must not be (forbid true). */
typedef struct dp_pin {
    dp_id child;      /* the child */
    dp_id section;    /* the section */
    dp_id choice;     /* the child's choice of the section's activity, DP_NONE when none */
    bool forbid;      /* forbid instead of pin */
    const char *note; /* the planner's note ("" when not given) */
    uint32_t line;    /* line in pins.csv */
} dp_pin;

/* A closure (closures.csv): school holidays, study days, the centre closed. */
typedef enum dp_closure_kind {
    DP_CLOSURE_HOLIDAY = 1, /* school holiday: no school; holiday windows; centre open */
    DP_CLOSURE_STUDYDAY,    /* study day: no school; holiday windows; centre open */
    DP_CLOSURE_CLOSED       /* the centre is closed: no windows, no sessions */
} dp_closure_kind;

typedef struct dp_closure {
    int32_t from_day;     /* first day, days since 1970-01-01 */
    int32_t to_day;       /* last day (inclusive) */
    dp_closure_kind kind; /* what kind */
    const char *name;     /* "Kerstvakantie" */
    uint32_t line;        /* line in closures.csv */
} dp_closure;

/* The schedule a solve starts from and compares with (the current version of
 * the same week, or of the week before); set with dp_model_set_baseline()
 * (dagplan/schedule.h). */
typedef struct dp_baseline {
    const dp_id *section; /* [n_choices]: each choice's section in it, DP_NONE; NULL: no baseline */
    const bool *locked;   /* [n_activities]: a series under way whose participants are fixed;
                             NULL when none is */
    uint32_t n_mapped;    /* its assignments found in this model */
    uint32_t n_dropped;   /* its assignments whose child, choice or section is gone */
    uint32_t n_new;       /* choices of this model it does not know (neither granted nor not) */
} dp_baseline;

/* A list of interned names (themes, families, neighbourhoods, care groups). */
typedef struct dp_names {
    const char **name; /* name[i] is the string of id i */
    uint32_t n;        /* number of names */
} dp_names;

/* The settings of centre.lua's centre{} table. */
typedef struct dp_centre {
    const char *id;          /* centre id */
    const char *name;        /* display name */
    const char *timezone;    /* IANA name, e.g. "Europe/Amsterdam" */
    const char *country;     /* "NL" or "BE-VL" */
    const char *ratio_rules; /* "2024" (default) or "2019" */
    const char *base_url;    /* feed base URL, "" when not given */
    dp_id home;              /* the centre's own building */
    int max_activities;      /* per child per week (default 2) */
    int escort_ratio;        /* children per escorting professional (default 8) */
    int stability;           /* points per changed assignment vs the baseline (default 20) */
    const char *dir;         /* the centre directory as given */
} dp_centre;

typedef struct dp_model {
    dp_centre centre;   /* settings */
    dp_child *children; /* children, in file order */
    uint32_t n_children;
    dp_window *windows; /* all windows, grouped by child */
    uint32_t n_windows;
    dp_school_day school[DP_MAX_GROUP + 1][DP_N_DAYS]; /* by group, day */
    dp_location *locations;
    uint32_t n_locations;
    int16_t *travel_min; /* [from * n_locations + to], -1 = unreachable */
    dp_activity *activities;
    uint32_t n_activities;
    dp_section *sections; /* grouped by activity */
    uint32_t n_sections;
    dp_session *sessions; /* grouped by section */
    uint32_t n_sessions;
    dp_slot *slots; /* session time options */
    uint32_t n_slots;
    dp_staff *staff;
    uint32_t n_staff;
    dp_rota *rota; /* empty when there is no rota.csv */
    uint32_t n_rota;
    bool has_rota;      /* rota.csv exists */
    dp_choice *choices; /* grouped by child, by rank */
    uint32_t n_choices;
    dp_names themes;         /* activity themes */
    dp_names families;       /* family ids */
    dp_names neighbourhoods; /* neighbourhood names */
    dp_names care_groups;    /* care group ids */
    dp_pin *pins;            /* pins.csv rows, in file order (empty without the file) */
    uint32_t n_pins;
    dp_closure *closures; /* closures.csv rows, sorted by date (empty without the file) */
    uint32_t n_closures;
    dp_window *holiday_windows; /* availability.csv rows with holiday = 1 (file order) */
    uint32_t n_holiday_windows;
    uint8_t day_closure[DP_N_DAYS]; /* the planned week's closure kind per day, 0: none */
    int32_t week_monday;    /* Monday of the planned week (days since 1970-01-01), 0: template */
    dp_baseline baseline;   /* all zero: none */
    struct dp_rules *rules; /* centre.lua's local rules (dagplan/rules.h), NULL: none */
    dp_date_range *date_ranges; /* sections' dates, grouped by section, sorted */
    uint32_t n_date_ranges;
    int32_t loaded_monday; /* the week the model was loaded for (dp_load_centre_week), 0: all */
} dp_model;

typedef enum dp_kind {
    DP_KIND_CHILD = 0,
    DP_KIND_LOCATION,
    DP_KIND_ACTIVITY,
    DP_KIND_SECTION,
    DP_KIND_STAFF,
    DP_KIND_THEME,
    DP_KIND_FAMILY,
    DP_KIND_NEIGHBOURHOOD,
    DP_KIND_CARE_GROUP,
    DP_N_KINDS
} dp_kind;

/* Frees the model and everything it owns. NULL: no-op. */
void dp_model_free(dp_model *m);

/* Returns the dense id of the entity of that kind with string id s (len
 * bytes), or DP_NONE. O(1) expected. */
dp_id dp_model_find(const dp_model *m, dp_kind kind, const char *s, size_t len);

/* Returns the travel minutes from a to b, or -1 when they cannot be travelled. */
static inline int dp_model_travel(const dp_model *m, dp_id a, dp_id b)
{
    return m->travel_min[(size_t) a * m->n_locations + b];
}

/* Returns the id of the activity/section index pair's choice of child c for
 * activity a (its index in choices[]), or DP_NONE when the child did not
 * choose it. Linear in the child's choices (at most a handful). */
dp_id dp_model_choice_of(const dp_model *m, dp_id child, dp_id activity);

/* Applies the closures (closures.csv) to the week year-Www, once, before
 * solving: on a closure day no group has school hours, each child's windows
 * that day are its holiday windows (availability.csv rows with holiday = 1;
 * none when the centre is closed), and each session's candidate times on that
 * day are dropped unless its activity has on_holiday = run and the centre is
 * open. A session left without times is cancelled for the week (removed from
 * the model; *n_cancelled counts them, may be NULL). Sets m->day_closure.
 * DP_ENOMEM. */
dp_status dp_model_apply_closures(dp_model *m, int year, int week, uint32_t *n_cancelled,
                                  dp_error *err);

/* Whether section s is a camp under way in the planned week (m->week_monday):
 * one of its date ranges (sections.csv dates) started before that Monday and
 * runs into the week, it meets this week, and there is a baseline whose
 * participants it keeps (plugins/camps). False for the weekly template. */
bool dp_model_section_underway(const dp_model *m, dp_id s);

/* Day names: "mon" .. "sun". */
const char *dp_day_name(int day);

/* Bytes the model uses (for memory reports). */
size_t dp_model_bytes(const dp_model *m);

#endif
