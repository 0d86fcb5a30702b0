/* core/load/closures.c - closures.csv (optional, issue 7): school holidays,
 * study days and days the centre is closed.
 *
 * A row `date_from,date_to,kind,name` covers the days date_from..date_to
 * (inclusive). Closures may not overlap: two rows claiming one day would make
 * its kind ambiguous, so the later one (in date order) is reported, naming
 * the other's line. The rows are kept sorted by date; the week being planned
 * applies them (dp_model_apply_closures). */
#include "load_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dagplan/time.h"

enum { X_FROM, X_TO, X_KIND, X_NAME, X_N };

static const dp__col closure_cols[X_N] = {
    {"date_from", true}, {"date_to", true}, {"kind", true}, {"name", false}};

static void closure_row(dp__loader *ld, dp__table *t)
{
    static const char *const kinds[] = {"", "holiday", "studyday", "closed"};
    const dp__csv_field *fk = dp__field(t, X_KIND), *ft = dp__field(t, X_TO);
    dp_closure c = {0};
    char q[64];

    bool ok = dp__get_date(t, X_FROM, &c.from_day);
    ok = dp__get_date(t, X_TO, &c.to_day) && ok;
    for (int k = 1; k <= 3; k++)
        if (strlen(kinds[k]) == fk->len && memcmp(fk->s, kinds[k], fk->len) == 0)
            c.kind = (dp_closure_kind) k;
    if (!c.kind && fk->len) {
        dp__report(t, DP_SEV_ERROR, fk->line, fk->col,
                   "expected a kind holiday, studyday or closed, got '%s'",
                   dp__quote(fk, q, sizeof q));
        ok = false;
    }
    c.name = dp__get_str(t, X_NAME, "a name");
    c.line = t->csv.fields[0].line;
    if (ok && c.to_day < c.from_day) {
        dp__report(t, DP_SEV_ERROR, ft->line, ft->col,
                   "expected date_to on or after date_from, got '%s'", dp__quote(ft, q, sizeof q));
        ok = false;
    }
    if (ok && c.kind)
        ld->m->closures[ld->m->n_closures++] = c;
}

static int compare_closures(const void *pa, const void *pb)
{
    const dp_closure *a = pa, *b = pb;

    if (a->from_day != b->from_day)
        return a->from_day < b->from_day ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

void dp__load_closures(dp__loader *ld)
{
    dp__table t;
    dp_model *m = ld->m;

    if (!dp__table_exists(ld, "closures.csv"))
        return;
    if (dp__table_open(ld, &t, "closures.csv", closure_cols, X_N, false) == DP_OK && t.ok) {
        m->closures = dp__arena_array(ld->mm->arena, t.max_rows, sizeof *m->closures);
        if (!m->closures)
            dp__oom(ld);
        while (ld->fatal == DP_OK && dp__table_next(&t))
            closure_row(ld, &t);
    }
    dp__table_close(&t);
    if (m->n_closures > 1)
        qsort(m->closures, m->n_closures, sizeof *m->closures, compare_closures);
    /* Sorted by start: a closure overlaps an earlier one exactly when it
     * starts on or before the latest end so far. */
    const dp_closure *reach = NULL;
    for (uint32_t i = 0; i < m->n_closures; i++) {
        const dp_closure *c = &m->closures[i];
        if (reach && c->from_day <= reach->to_day) {
            char a[16], b[16];
            dp_date_format(reach->from_day, a);
            dp_date_format(reach->to_day, b);
            dp__report_file(ld, DP_SEV_ERROR, "closures.csv", c->line, 1,
                            "closure overlaps the closure of line %u (%s to %s%s%s): expected "
                            "closures that do not share a day",
                            reach->line, a, b, reach->name[0] ? ", " : "", reach->name);
        }
        if (!reach || c->to_day > reach->to_day)
            reach = c;
    }
}
