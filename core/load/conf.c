/* core/load/conf.c - centre.lua's settings: run the script (through
 * core/rules/centre_conf), then check what it set against the data: the home
 * must be a location of locations.csv, the time zone must exist in the tz
 * database, the country and the ratio rules must be ones we implement.
 * Problems are reported at centre.lua:LINE, the line that set the key. */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

#define CONF_FILE "centre.lua"

/* Reports an error at a line of centre.lua (the script has no columns). */
#define conf_error(ld, line, ...) \
    dp__report_file((ld), DP_SEV_ERROR, CONF_FILE, (line), 0, __VA_ARGS__)

static const char *copy_or(dp__loader *ld, const dp_conf_str *v, const char *dflt)
{
    const char *s = v->value ? v->value : dflt;
    const char *copy = dp__model_strdup(ld->mm, s, strlen(s));

    if (!copy) {
        dp__oom(ld);
        return "";
    }
    return copy;
}

/* Reports a required key the script left out; true when it is there. */
static bool have_key(dp__loader *ld, const dp_centre_conf *conf, const dp_conf_str *v,
                     const char *key)
{
    if (v->value)
        return true;
    conf_error(ld, conf->centre_line, "missing key '%s' in centre{}", key);
    return false;
}

static bool check_timezone(dp__loader *ld, const dp_conf_str *tzs)
{
    dp_tz *tz = NULL;
    dp_error e = {0};

    if (dp_tz_load(tzs->value, &tz, &e) != DP_OK) {
        if (e.code == DP_ENOMEM)
            return dp__oom(ld);
        conf_error(ld, tzs->line,
                   "unknown time zone '%s': expected an IANA name such as Europe/Amsterdam",
                   tzs->value);
        return false;
    }
    dp_tz_free(tz);
    return true;
}

static bool check_values(dp__loader *ld, const dp_centre_conf *c)
{
    bool ok = true, idok;

    if (c->id.value) {
        dp__id_check(c->id.value, strlen(c->id.value), &idok);
        if (!idok) {
            conf_error(ld, c->id.line,
                       "expected a centre id of 1 to 64 letters, digits, '_', '.' or '-', got '%s'",
                       c->id.value);
            ok = false;
        }
    }
    if (c->timezone.value && !check_timezone(ld, &c->timezone))
        ok = false;
    if (c->country.value && strcmp(c->country.value, "NL") != 0 &&
        strcmp(c->country.value, "BE-VL") != 0) {
        conf_error(ld, c->country.line, "expected country NL or BE-VL, got '%s'", c->country.value);
        ok = false;
    }
    if (c->ratio_rules.value && strcmp(c->ratio_rules.value, "2024") != 0 &&
        strcmp(c->ratio_rules.value, "2019") != 0) {
        conf_error(ld, c->ratio_rules.line, "expected ratio_rules \"2024\" or \"2019\", got '%s'",
                   c->ratio_rules.value);
        ok = false;
    }
    if (c->max_activities < 1) {
        dp__report_file(ld, DP_SEV_ERROR, CONF_FILE,
                        c->max_activities_line ? c->max_activities_line : c->centre_line, 0,
                        "expected max_activities of at least 1, got %d", c->max_activities);
        ok = false;
    }
    return ok;
}

static bool resolve_home(dp__loader *ld, const dp_centre_conf *c)
{
    dp_id home = dp_model_find(ld->m, DP_KIND_LOCATION, c->home.value, strlen(c->home.value));

    if (home != DP_NONE) {
        ld->m->centre.home = home;
        return true;
    }
    if (!ld->broken[DP_KIND_LOCATION])
        conf_error(ld, c->home.line,
                   "unknown home location '%s': expected a location id from locations.csv",
                   c->home.value);
    return false;
}

/* Checks conf and copies it into the model; true when usable. */
static bool apply_conf(dp__loader *ld, const dp_centre_conf *c)
{
    dp_centre *ce = &ld->m->centre;
    bool ok = have_key(ld, c, &c->id, "id");

    ok = have_key(ld, c, &c->name, "name") && ok;
    ok = have_key(ld, c, &c->timezone, "timezone") && ok;
    if (!have_key(ld, c, &c->home, "home") || !resolve_home(ld, c))
        ok = false;
    ok = check_values(ld, c) && ok;
    ce->id = copy_or(ld, &c->id, "");
    ce->name = copy_or(ld, &c->name, "");
    ce->timezone = copy_or(ld, &c->timezone, "");
    ce->country = copy_or(ld, &c->country, "NL");
    ce->ratio_rules = copy_or(ld, &c->ratio_rules, "2024");
    ce->base_url = copy_or(ld, &c->base_url, "");
    ce->max_activities = c->max_activities;
    ce->escort_ratio = c->escort_ratio;
    ce->stability = c->stability;
    return ok;
}

/* Runs centre.lua from memory or disk; DP_EIO when there is none. */
static dp_status run_script(dp__loader *ld, dp_centre_conf *conf, dp_error *e)
{
    char path[4096];

    if (ld->src->files) {
        for (size_t i = 0; i < ld->src->n_files; i++) {
            const dp__load_file *f = &ld->src->files[i];
            if (strcmp(f->name, CONF_FILE) == 0)
                return dp__centre_conf_load_mem(f->data, f->len, CONF_FILE, conf, ld->diags, e);
        }
        return DP_EIO;
    }
    if (snprintf(path, sizeof path, "%s/%s", ld->src->dir, CONF_FILE) >= (int) sizeof path ||
        !dp__table_exists(ld, CONF_FILE))
        return DP_EIO;
    return dp__centre_conf_load(path, CONF_FILE, conf, ld->diags, e);
}

void dp__load_conf(dp__loader *ld)
{
    dp_centre_conf conf;
    dp_error e = {0};
    size_t before = dp_diags_n_errors(ld->diags);

    if (ld->src->conf) {
        ld->centre_ok = apply_conf(ld, ld->src->conf);
        return;
    }
    memset(&conf, 0, sizeof conf);
    dp_status rc = run_script(ld, &conf, &e);
    if (rc == DP_ENOMEM) {
        dp__oom(ld);
    } else if (rc == DP_EIO) {
        if (e.code == DP_EIO)
            dp__report_file(ld, DP_SEV_ERROR, CONF_FILE, 0, 0, "%s", e.msg);
        else
            dp__report_file(ld, DP_SEV_ERROR, CONF_FILE, 0, 0, "missing required file %s",
                            CONF_FILE);
    } else if (rc == DP_OK) {
        ld->centre_ok = apply_conf(ld, &conf);
        ld->rules_sb = conf.sandbox; /* its rules are compiled by dp__load_rules */
        conf.sandbox = NULL;
    } else if (dp_diags_n_errors(ld->diags) == before) {
        /* The script failed without a diagnostic of its own: report err. */
        if (dp_diags_add_error(ld->diags, &e) != DP_OK)
            dp__oom(ld);
    }
    dp__centre_conf_release(&conf);
}
