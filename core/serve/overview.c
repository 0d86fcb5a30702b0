/* core/serve/overview.c - the public overview page `/`: the week's offering
 * per location with school groups and places left. Public, so it holds no
 * child data: only activities, sections, locations, times and counts. */
#include "dagplan/time.h"
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_nl[7] = {"ma", "di", "wo", "do", "vr", "za", "zo"};

char *dp__overview_html(const dp_model *m, const dp_timetable *t, const char *week_label)
{
    dp_buf b;
    uint32_t *kids = calloc((size_t) m->n_sections + 1, sizeof *kids);

    if (!kids)
        return NULL;
    dp_buf_init(&b);
    for (size_t i = 0; t && i < t->n_assignments; i++)
        kids[t->assignments[i].section]++;
    dp_buf_puts(&b, "<h1>");
    dp_buf_put_html(&b, m->centre.name);
    dp_buf_puts(&b, "</h1>\n<p>Aanbod ");
    dp_buf_put_html(&b, week_label);
    dp_buf_puts(&b, " per locatie, met de groepen waarvoor het is en de plaatsen die nog vrij "
                    "zijn.</p>\n");
    if (!t)
        dp_buf_puts(&b, "<p>Er is nog geen rooster.</p>\n");
    for (dp_id l = 0; t && l < m->n_locations; l++) {
        bool any = false;
        for (size_t i = 0; i < t->n_meetings; i++) {
            const dp_meeting *mt = &t->meetings[i];
            if (mt->location != l || mt->cancelled || !kids[mt->section])
                continue;
            const dp_section *s = &m->sections[mt->section];
            const dp_activity *a = &m->activities[s->activity];
            char from[8], to[8];
            if (!any) {
                dp_buf_puts(&b, "<h2>");
                dp_buf_put_html(&b, m->locations[l].name);
                dp_buf_puts(&b, "</h2>\n<table>\n<thead><tr><th scope=\"col\">Activiteit</th>"
                                "<th scope=\"col\">Groepen</th><th scope=\"col\">Wanneer</th>"
                                "<th scope=\"col\">Plaatsen vrij</th></tr></thead>\n<tbody>\n");
                any = true;
            }
            dp_time_format(mt->start_min, from);
            dp_time_format(mt->end_min, to);
            dp_buf_puts(&b, "<tr><td>");
            dp_buf_put_html(&b, a->name);
            dp_buf_printf(&b, "</td><td>%d-%d</td><td>%s %s-%s</td><td>%u van %u</td></tr>\n",
                          a->min_group, a->max_group, day_nl[mt->day], from, to,
                          kids[mt->section] < s->max_size ? s->max_size - kids[mt->section] : 0,
                          s->max_size);
        }
        if (any)
            dp_buf_puts(&b, "</tbody>\n</table>\n");
    }
    free(kids);
    if (dp_buf_status(&b, NULL) != DP_OK) {
        dp_buf_release(&b);
        return NULL;
    }
    if (!b.data) {
        dp_buf_release(&b);
        return calloc(1, 1);
    }
    return b.data; /* the buffer's bytes, handed over */
}
