/* core/rules/reload.c - dp_rules_reload: after the planner saved centre.lua,
 * run it again in a fresh sandbox, compile its rules against the loaded
 * centre and swap them in only when all of that succeeded. The centre{}
 * settings are part of the model (the loader checked them against the data),
 * so a script that changes them is refused here: the caller reloads the
 * whole centre instead. */
#include <stdio.h>
#include <string.h>

#include "dagplan/rules.h"
#include "rules/centre_conf.h"
#include "rules/rules.h"

#define FILE_NAME "centre.lua"

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The first setting of conf that differs from m's, or NULL. */
static const char *changed_setting(const dp_model *m, const dp_centre_conf *c)
{
    const dp_centre *ce = &m->centre;
    const char *home = ce->home != DP_NONE ? m->locations[ce->home].id : "";

    if (!same(c->id.value, ce->id))
        return "id";
    if (!same(c->name.value, ce->name))
        return "name";
    if (!same(c->timezone.value, ce->timezone))
        return "timezone";
    if (!same(c->country.value, ce->country))
        return "country";
    if (!same(c->home.value, home))
        return "home";
    if (!same(c->ratio_rules.value, ce->ratio_rules))
        return "ratio_rules";
    if (!same(c->base_url.value, ce->base_url))
        return "base_url";
    if (c->max_activities != ce->max_activities)
        return "max_activities";
    return NULL;
}

dp_status dp_rules_reload(dp_model *m, const char *path, dp_diags *diags, dp_error *err)
{
    dp_centre_conf conf;
    dp_rules *rs = NULL;
    const char *key;
    dp_status rc;

    rc = dp__centre_conf_load(path, FILE_NAME, &conf, diags, err);
    if (rc != DP_OK)
        goto done;
    if ((key = changed_setting(m, &conf)) != NULL) {
        dp_loc at = {FILE_NAME, conf.centre_line, 0};
        dp_error e = {0};
        rc = DP_FAIL(&e, DP_ERULE, &at,
                     "centre{...}: '%s' changed; the rules were not reloaded (reload the whole "
                     "centre to apply new settings)",
                     key);
        if (diags && dp_diags_add_error(diags, &e) != DP_OK)
            rc = DP_FAIL(&e, DP_ENOMEM, NULL, "out of memory reloading %s", path);
        if (err) {
            *err = e;
            if (err->at.file)
                err->at.file = err->file_buf;
        }
        goto done;
    }
    rc = dp__rules_compile(&conf.sandbox, m, FILE_NAME, diags, &rs, err);
    if (rc != DP_OK)
        goto done;
    if (rs && m->rules)
        rs->ref_days = m->rules->ref_days;
    if (rs)
        dp__rules_reselect(rs);
    dp_rules_free(m->rules);
    m->rules = rs;
done:
    dp__centre_conf_release(&conf);
    return rc;
}
