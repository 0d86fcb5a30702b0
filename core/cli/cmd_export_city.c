/* core/cli/cmd_export_city.c - `dagplan export CITYDIR --html DIR`: the public
 * overview of a municipality's offering in one week, as one static page.
 *
 * One row per running section of every centre: the centre, the activity and
 * its theme, the school groups it is for, when and where it meets and the
 * places left, from each centre's current stored schedule of the week. The
 * page is public, so it holds no child data: only activities, sections,
 * locations, times and counts (the neighbourhoods a centre serves are the
 * distinct neighbourhood names of its children, never a child). It is in
 * Dutch with an English toggle, filterable by school group, neighbourhood and
 * theme with labelled controls (a small inline script; without it every row
 * shows and the filters stay hidden), and has no external assets. *
 * Summer and holiday programmes (issue 8): a camp with overnight stay
 * (activities.csv overnight) is labelled "met overnachting" / "with overnight
 * stay", and when the week offers any, a fourth filter chooses camps with or
 * without overnight stay, as Stad Gent's weekly overview of summer camps does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "city_overview.h"
#include "commands.h"
#include "dagplan/buf.h"
#include "dagplan/load.h"
#include "dagplan/store.h"
#include "dagplan/time.h"
#include "dagplan/timetable.h"
#include "export_ics.h"

static const char help[] =
    "Usage: dagplan export CITYDIR --html DIR [--week YYYY-Www] [--weeks N]\n\n"
    "Writes DIR/index.html: the public overview of the offering of every centre of\n"
    "the municipality CITYDIR in the week (default: the weekly template), from each\n"
    "centre's current stored schedule: activity, theme, school groups, when, where\n"
    "and places left; in Dutch with an English toggle, filterable by group,\n"
    "neighbourhood and theme; no child data; no external assets.\n\n"
    "With --weeks N it writes the pages of N weeks from --week (default: this\n"
    "week) instead: DIR/YYYY-Www.html per week (each centre's stored schedule of\n"
    "the week, else its weekly template) and DIR/index.html listing them: the\n"
    "pages 'dagplan serve CITYDIR' serves under /overview/.\n\n"
    "Exit status: 0 written with every centre, 1 written without a centre that has\n"
    "no stored schedule or broken data (or not written when none has one), 2 wrong\n"
    "usage.\n";

/* A growing list of distinct strings (the filters' options). */
typedef struct strset {
    char **s;
    size_t n, cap;
} strset;

static void strset_add(strset *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->s[i], s) == 0)
            return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **s2 = realloc(t->s, cap * sizeof *s2);
        if (!s2)
            return;
        t->s = s2;
        t->cap = cap;
    }
    if ((t->s[t->n] = strdup(s)) != NULL)
        t->n++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void strset_free(strset *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
}

static const char *const day_nl[7] = {"ma", "di", "wo", "do", "vr", "za", "zo"};
static const char *const day_en[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static int compare_meetings(const void *pa, const void *pb)
{
    const dp_meeting *a = *(const dp_meeting *const *) pa, *b = *(const dp_meeting *const *) pb;

    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->start_min < b->start_min ? -1 : a->start_min > b->start_min;
}

/* When section s meets, in Dutch and English, by day; three or more
 * consecutive days at the same times are one run ("ma-vr 09:00-16:00": a
 * camp, issue 8). Returns the location of its meetings. */
static dp_id when_text(const dp_timetable *t, dp_id s, dp_buf *nl, dp_buf *en)
{
    const dp_meeting **list = malloc((t->n_meetings ? t->n_meetings : 1) * sizeof *list);
    size_t n = 0;
    dp_id loc = DP_NONE;

    if (!list)
        return DP_NONE;
    for (size_t i = 0; i < t->n_meetings; i++)
        if (t->meetings[i].section == s && !t->meetings[i].cancelled)
            list[n++] = &t->meetings[i];
    qsort(list, n, sizeof *list, compare_meetings);
    for (size_t i = 0, j; i < n; i = j + 1) {
        const dp_meeting *a = list[i];
        char from[8], to[8];
        for (j = i; j + 1 < n && list[j + 1]->day == list[j]->day + 1 &&
                    list[j + 1]->start_min == a->start_min && list[j + 1]->end_min == a->end_min;
             j++)
            ;
        if (j < i + 2)
            j = i; /* two days stay two entries */
        loc = a->location;
        dp_time_format(a->start_min, from);
        dp_time_format(a->end_min, to);
        if (j > i) {
            dp_buf_printf(nl, "%s%s-%s %s-%s", nl->len ? ", " : "", day_nl[a->day],
                          day_nl[list[j]->day], from, to);
            dp_buf_printf(en, "%s%s-%s %s-%s", en->len ? ", " : "", day_en[a->day],
                          day_en[list[j]->day], from, to);
        } else {
            dp_buf_printf(nl, "%s%s %s-%s", nl->len ? ", " : "", day_nl[a->day], from, to);
            dp_buf_printf(en, "%s%s %s-%s", en->len ? ", " : "", day_en[a->day], from, to);
        }
    }
    free(list);
    return loc;
}

/* The rows of one centre into rows; its neighbourhoods and themes into the sets. */
static void centre_rows(dp_buf *rows, const dp_model *m, const dp_timetable *t, strset *nbs,
                        strset *themes, unsigned *n_rows, unsigned *n_overnight)
{
    dp_buf nbl;
    uint8_t *has = calloc(m->neighbourhoods.n + 1, 1);

    dp_buf_init(&nbl);
    for (dp_id c = 0; has && c < m->n_children; c++)
        if (m->children[c].neighbourhood != DP_NONE)
            has[m->children[c].neighbourhood] = 1;
    for (uint32_t i = 0; has && i < m->neighbourhoods.n; i++)
        if (has[i]) {
            strset_add(nbs, m->neighbourhoods.name[i]);
            dp_buf_puts(&nbl, nbl.len ? "|" : "");
            dp_buf_puts(&nbl, m->neighbourhoods.name[i]);
        }
    free(has);
    for (dp_id s = 0; s < m->n_sections; s++) {
        const dp_section *sec = &m->sections[s];
        const dp_activity *a = &m->activities[sec->activity];
        uint32_t kids = 0;
        bool runs = false;
        dp_buf when_nl, when_en;
        for (size_t i = 0; i < t->n_meetings; i++)
            if (t->meetings[i].section == s && !t->meetings[i].cancelled) {
                runs = true;
                kids = t->meetings[i].n_children;
            }
        if (!runs)
            continue;
        dp_buf_init(&when_nl);
        dp_buf_init(&when_en);
        dp_id loc = when_text(t, s, &when_nl, &when_en);
        const char *theme = m->themes.name[a->theme];
        strset_add(themes, theme);
        dp_buf_printf(rows, "<tr data-min=\"%d\" data-max=\"%d\" data-theme=\"", a->min_group,
                      a->max_group);
        dp_buf_put_html(rows, theme);
        dp_buf_puts(rows, "\" data-nb=\"");
        dp_buf_put_html(rows, nbl.data ? nbl.data : "");
        dp_buf_puts(rows, "\" data-section=\"");
        dp_buf_put_html(rows, m->centre.id);
        dp_buf_puts(rows, "/");
        dp_buf_put_html(rows, sec->id);
        dp_buf_printf(rows, "\" data-left=\"%u\" data-overnight=\"%d\"><td>",
                      kids < sec->max_size ? sec->max_size - kids : 0, a->overnight ? 1 : 0);
        dp_buf_put_html(rows, m->centre.name);
        dp_buf_puts(rows, "</td><td>");
        dp_buf_put_html(rows, a->name);
        if (a->overnight) {
            dp_buf_puts(rows, " <span class=\"tag\"><span class=\"nl\">met overnachting</span>"
                              "<span class=\"en\" hidden>with overnight stay</span></span>");
            (*n_overnight)++;
        }
        dp_buf_puts(rows, "</td><td>");
        dp_buf_put_html(rows, theme);
        dp_buf_printf(rows,
                      "</td><td>%d-%d</td><td><span class=\"nl\">%s</span><span "
                      "class=\"en\" hidden>%s</span></td><td>",
                      a->min_group, a->max_group, when_nl.data ? when_nl.data : "",
                      when_en.data ? when_en.data : "");
        dp_buf_put_html(rows, loc != DP_NONE ? m->locations[loc].name : "");
        dp_buf_printf(rows, "</td><td>%u / %u</td></tr>\n",
                      kids < sec->max_size ? sec->max_size - kids : 0, sec->max_size);
        dp_buf_release(&when_nl);
        dp_buf_release(&when_en);
        (*n_rows)++;
    }
    dp_buf_release(&nbl);
}

static const char script[] =
    "<script>\n"
    "(function(){\n"
    "var rows=[].slice.call(document.querySelectorAll('#offer tbody tr'));\n"
    /* On a phone the rows are cards without the header row: each cell shows
     * its column's name (CSS ::before of data-label), in the page's language. */
    "function labels(){var h=[].map.call(document.querySelectorAll('#offer thead th'),"
    "function(e){return e.textContent;});\n"
    " rows.forEach(function(r){[].forEach.call(r.cells,function(c,i){c.dataset.label=h[i];});});}\n"
    "var g=document.getElementById('f-group'),n=document.getElementById('f-nb'),"
    "t=document.getElementById('f-theme'),out=document.getElementById('count');\n"
    "var o=document.getElementById('f-overnight');\n"
    "var en=false;\n"
    "function apply(){var k=0;rows.forEach(function(r){var gv=g.value,ok=true;\n"
    " if(gv!==''&&(+gv<+r.dataset.min||+gv>+r.dataset.max))ok=false;\n"
    " if(n.value!==''&&r.dataset.nb.split('|').indexOf(n.value)<0)ok=false;\n"
    " if(t.value!==''&&r.dataset.theme!==t.value)ok=false;\n"
    " if(o&&o.value!==''&&r.dataset.overnight!==o.value)ok=false;\n"
    " r.hidden=!ok;if(ok)k++;});\n"
    " out.textContent=en?(k+' activities shown'):(k+' activiteiten getoond');}\n"
    "[g,n,t,o].forEach(function(s){if(s)s.addEventListener('change',apply);});\n"
    "document.getElementById('filters').hidden=false;\n"
    "var lang=document.getElementById('lang');lang.hidden=false;\n"
    "lang.addEventListener('click',function(){en=!en;document.documentElement.lang=en?'en':'nl';\n"
    " [].forEach.call(document.querySelectorAll('.nl'),function(e){e.hidden=en;});\n"
    " [].forEach.call(document.querySelectorAll('.en'),function(e){e.hidden=!en;});\n"
    " [].forEach.call(document.querySelectorAll('[data-en]'),function(e){"
    "var o=e.textContent;e.textContent=e.dataset.en;e.dataset.en=o;});\n"
    " lang.setAttribute('aria-pressed',en?'true':'false');labels();apply();});\n"
    "labels();apply();})();\n"
    "</script>\n";

static void write_page(dp_buf *b, const char *title, const char *week, const dp_buf *rows,
                       strset *nbs, strset *themes, unsigned n_rows, unsigned n_overnight,
                       const char *nav)
{
    qsort(nbs->s, nbs->n, sizeof *nbs->s, cmp_str);
    qsort(themes->s, themes->n, sizeof *themes->s, cmp_str);
    dp_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    dp_buf_put_html(b, title);
    dp_buf_puts(b, "</title>\n<style>body{font-family:system-ui,sans-serif;margin:1em;"
                   "line-height:1.4}table{border-collapse:collapse;width:100%}th,td{border:1px "
                   "solid #999;padding:.3em .5em;text-align:left;vertical-align:top}"
                   "#filters label{display:inline-block;margin:0 1em .5em 0}select,button{font:"
                   "inherit;padding:.3em}button:focus,select:focus{outline:3px solid #1a5fb4}"
                   "@media (max-width:40em){thead{display:none}tr{display:block;border:1px solid "
                   "#999;margin:.5em 0}td{display:block;border:0}td[data-label]::before{content:"
                   "attr(data-label) \": \";font-weight:bold}}.tag{display:inline-block;"
                   "border:1px solid #1a5fb4;border-radius:.3em;padding:0 .3em;font-size:.9em}"
                   "</style>\n</head><body>\n"
                   "<header>");
    dp_buf_puts(b, nav ? nav : "");
    dp_buf_puts(b, "<button id=\"lang\" type=\"button\" aria-pressed=\"false\" hidden "
                   "data-en=\"Nederlands\">English</button>\n<h1>");
    dp_buf_put_html(b, title);
    dp_buf_puts(b, "</h1>\n<p><span class=\"nl\">Aanbod ");
    dp_buf_put_html(b, week[0] ? week : "van een gewone week");
    dp_buf_puts(b, ": alle activiteiten van alle kindcentra, met de groepen waarvoor ze zijn en "
                   "de plaatsen die nog vrij zijn.</span><span class=\"en\" hidden>Offering ");
    dp_buf_put_html(b, week[0] ? week : "of a regular week");
    dp_buf_puts(b, ": every activity of every child centre, with the school groups it is for "
                   "and the places left.</span></p></header>\n<main>\n"
                   "<form id=\"filters\" hidden onsubmit=\"return false\">\n"
                   "<label><span data-en=\"School group\">Groep</span> <select id=\"f-group\">"
                   "<option value=\"\" data-en=\"all\">alle</option>");
    for (int g = 1; g <= 8; g++)
        dp_buf_printf(b, "<option value=\"%d\">%d</option>", g, g);
    dp_buf_puts(b, "</select></label>\n<label><span data-en=\"Neighbourhood\">Wijk</span> "
                   "<select id=\"f-nb\"><option value=\"\" data-en=\"all\">alle</option>");
    for (size_t i = 0; i < nbs->n; i++) {
        dp_buf_puts(b, "<option>");
        dp_buf_put_html(b, nbs->s[i]);
        dp_buf_puts(b, "</option>");
    }
    dp_buf_puts(b, "</select></label>\n<label><span data-en=\"Theme\">Thema</span> <select "
                   "id=\"f-theme\"><option value=\"\" data-en=\"all\">alle</option>");
    for (size_t i = 0; i < themes->n; i++) {
        dp_buf_puts(b, "<option>");
        dp_buf_put_html(b, themes->s[i]);
        dp_buf_puts(b, "</option>");
    }
    if (n_overnight)
        dp_buf_puts(b, "</select></label>\n<label><span data-en=\"Overnight stay\">Overnachting"
                       "</span> <select id=\"f-overnight\"><option value=\"\" data-en=\"all\">"
                       "alle</option><option value=\"1\" data-en=\"with overnight stay\">met "
                       "overnachting</option><option value=\"0\" data-en=\"without overnight "
                       "stay\">zonder overnachting</option>");
    dp_buf_printf(b,
                  "</select></label>\n</form>\n<p id=\"count\" role=\"status\" "
                  "aria-live=\"polite\">%u activiteiten</p>\n",
                  n_rows);
    dp_buf_puts(b, "<table id=\"offer\"><caption data-en=\"Offering\">Aanbod</caption>\n"
                   "<thead><tr><th scope=\"col\" data-en=\"Centre\">Kindcentrum</th>"
                   "<th scope=\"col\" data-en=\"Activity\">Activiteit</th>"
                   "<th scope=\"col\" data-en=\"Theme\">Thema</th>"
                   "<th scope=\"col\" data-en=\"Groups\">Groepen</th>"
                   "<th scope=\"col\" data-en=\"When\">Wanneer</th>"
                   "<th scope=\"col\" data-en=\"Where\">Waar</th>"
                   "<th scope=\"col\" data-en=\"Places left\">Plaatsen vrij</th></tr></thead>\n"
                   "<tbody>\n");
    dp_buf_append(b, rows->data ? rows->data : "", rows->len);
    dp_buf_puts(b, "</tbody></table>\n</main>\n");
    dp_buf_puts(b, script);
    dp_buf_puts(b, "</body></html>\n");
}

void dp__city_title(const char *dir, char *out, size_t size)
{
    size_t len = strlen(dir);

    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    snprintf(out, size, "Aanbod %.*s", (int) (len - start), dir + start);
}

void dp__city_page(const char *title, const char *week, const dp_model *const *models,
                   const dp_timetable *const *timetables, size_t n, const char *nav, dp_buf *page,
                   unsigned *n_rows)
{
    strset nbs = {0}, themes = {0};
    dp_buf rows;
    unsigned n_overnight = 0;

    *n_rows = 0;
    dp_buf_init(&rows);
    for (size_t i = 0; i < n; i++)
        if (models[i] && timetables[i])
            centre_rows(&rows, models[i], timetables[i], &nbs, &themes, n_rows, &n_overnight);
    write_page(page, title, week, &rows, &nbs, &themes, *n_rows, n_overnight, nav);
    dp_buf_release(&rows);
    strset_free(&nbs);
    strset_free(&themes);
}

void dp__city_pages(const char *title, const char (*weeks)[16], size_t nw,
                    const dp_model *const *models, const dp_timetable *const *tts, size_t n,
                    dp_buf *bodies)
{
    dp_buf nav, *index = &bodies[nw];

    dp_buf_init(&nav);
    dp_buf_puts(index, "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\">\n<title>");
    dp_buf_put_html(index, title);
    dp_buf_puts(index, "</title>\n<style>body{font-family:system-ui,sans-serif;margin:1em;"
                       "line-height:1.4}li{margin:.3em 0}a:focus{outline:3px solid "
                       "#1a5fb4}</style>\n</head><body>\n<header><h1>");
    dp_buf_put_html(index, title);
    dp_buf_puts(index, "</h1>\n<p>Het aanbod van alle kindcentra per week, met de plaatsen "
                       "die nog vrij zijn. <span lang=\"en\">The offering of every child "
                       "centre per week, with the places left.</span></p></header>\n<main>"
                       "\n<ul>\n");
    for (size_t w = 0; w < nw; w++) {
        unsigned n_rows = 0;
        size_t shown = 0;
        for (size_t i = 0; i < n; i++)
            shown += models[i] && tts[w * n + i];
        nav.len = 0;
        dp_buf_puts(&nav, "<nav aria-label=\"Weken\"><a href=\"index.html\" data-en=\"All weeks\">"
                          "Alle weken</a>");
        if (w > 0)
            dp_buf_printf(&nav, " | <a href=\"%s.html\" rel=\"prev\">%s</a>", weeks[w - 1],
                          weeks[w - 1]);
        if (w + 1 < nw)
            dp_buf_printf(&nav, " | <a href=\"%s.html\" rel=\"next\">%s</a>", weeks[w + 1],
                          weeks[w + 1]);
        dp_buf_puts(&nav, "</nav>\n");
        dp__city_page(title, weeks[w], models, tts + w * n, n, nav.data, &bodies[w], &n_rows);
        dp_buf_printf(index,
                      "<li><a href=\"%s.html\">Week %s</a>: %u activiteiten van %zu van de %zu "
                      "kindcentra</li>\n",
                      weeks[w], weeks[w], n_rows, shown, n);
    }
    dp_buf_puts(index, "</ul>\n</main>\n</body></html>\n");
    dp_buf_release(&nav);
}

/* --weeks N: the pages of N weeks from (year, wk) (0: this week) into out. */
/* Before writing: some centre must have a schedule, and the output folder
 * must exist. 0 when ready, else 1 after saying why. */
static int output_ready(const char *dir, const char *out, size_t n_ok)
{
    if (n_ok == 0) {
        fprintf(stderr,
                "dagplan export: no centre of %s has a stored schedule; nothing was "
                "written\n",
                dir);
        return 1;
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "dagplan export: cannot create %s: %s\n", out, strerror(errno));
        return 1;
    }
    return 0;
}

static int export_weeks(const char *dir, char **dirs, size_t n_dirs, int year, int wk, unsigned nw,
                        const char *out)
{
    dp_model **models = calloc(n_dirs + 1, sizeof *models);
    dp_timetable **tts = calloc(n_dirs * nw + 1, sizeof *tts);
    char(*weeks)[16] = calloc(nw, sizeof *weeks);
    dp_buf *bodies = calloc(nw + 1, sizeof *bodies);
    char path[4096], title[300];
    dp_error err = {0};
    size_t n_ok = 0;
    int status = 0;

    if (!models || !tts || !weeks || !bodies) {
        fprintf(stderr, "dagplan export: out of memory\n");
        status = 1;
        goto done;
    }
    for (size_t i = 0; i < n_dirs; i++) {
        dp_diags *d = dp_diags_new();
        if (!d || dp_load_centre(dirs[i], d, &models[i], &err) != DP_OK) {
            fprintf(stderr,
                    "dagplan export: %s: left out: the data has errors (see 'dagplan "
                    "check')\n",
                    dirs[i]);
            status = 1;
            dp_model_free(models[i]);
            models[i] = NULL;
        } else if (year == 0) {
            dp__feeds_this_week(models[i], &year, &wk);
        }
        dp_diags_free(d);
    }
    int32_t monday0 = dp_isoweek_monday(year, wk);
    for (unsigned w = 0; w < nw; w++) {
        int y, wn;
        dp_isoweek_of(monday0 + 7 * (int32_t) w, &y, &wn);
        dp_isoweek_format(y, wn, weeks[w]);
    }
    for (size_t i = 0; i < n_dirs; i++) {
        dp_store *store = NULL;
        struct stat st;
        size_t shown = 0;
        if (!models[i])
            continue;
        snprintf(path, sizeof path, "%s/dagplan.db", dirs[i]);
        if (stat(path, &st) == 0 && dp_store_open(path, &store, &err) == DP_OK) {
            for (unsigned w = 0; w < nw; w++) {
                char *json = NULL;
                int y, wn;
                if (dp_store_get_version(store, weeks[w], 0, NULL, &json, NULL) != DP_OK &&
                    dp_store_get_version(store, "", 0, NULL, &json, NULL) != DP_OK)
                    continue;
                dp_isoweek_parse(weeks[w], strlen(weeks[w]), &y, &wn);
                if (dp_timetable_parse(models[i], json, strlen(json), dp_isoweek_monday(y, wn),
                                       "schedule", &tts[w * n_dirs + i], &err) == DP_OK)
                    shown++;
                dp_store_free(json);
            }
        }
        dp_store_close(store);
        if (shown < nw) {
            fprintf(stderr, "dagplan export: %s: left out of %zu of %u weeks: no stored schedule\n",
                    dirs[i], nw - shown, nw);
            status = 1;
        }
        n_ok += shown > 0;
    }
    if (output_ready(dir, out, n_ok) != 0) {
        status = 1;
        goto done;
    }
    for (unsigned w = 0; w <= nw; w++)
        dp_buf_init(&bodies[w]);
    dp__city_title(dir, title, sizeof title);
    dp__city_pages(title, (const char(*)[16]) weeks, nw, (const dp_model *const *) models,
                   (const dp_timetable *const *) tts, n_dirs, bodies);
    unsigned written = 0;
    for (unsigned w = 0; w <= nw; w++, written++) {
        if (w < nw)
            snprintf(path, sizeof path, "%s/%s.html", out, weeks[w]);
        else
            snprintf(path, sizeof path, "%s/index.html", out);
        if (dp_buf_write_file(&bodies[w], path, &err) != DP_OK) {
            fprintf(stderr, "dagplan export: ");
            dp_error_print(&err, stderr, false);
            status = 1;
            break;
        }
    }
    if (written == nw + 1)
        printf("dagplan export: %s: %u week pages (%s to %s) and index.html of %zu centres\n", out,
               nw, weeks[0], weeks[nw - 1], n_dirs);
done:
    for (size_t i = 0; i < n_dirs && models && tts; i++) {
        for (unsigned w = 0; w < nw; w++)
            dp_timetable_free(tts[w * n_dirs + i]);
        dp_model_free(models[i]);
    }
    for (unsigned w = 0; bodies && w <= nw; w++)
        dp_buf_release(&bodies[w]);
    free(models);
    free(tts);
    free(weeks);
    free(bodies);
    return status;
}

bool dp__export_is_city_html(int argc, char **argv)
{
    bool html = false;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--html") == 0)
            html = true;
        else if (argv[i][0] != '-' && !dir &&
                 !(i > 1 && argv[i - 1][0] == '-' && argv[i - 1][1] == '-' &&
                   !strchr(argv[i - 1], '=') && strcmp(argv[i - 1], "--school") != 0))
            dir = argv[i];
    }
    return html && dir && dp_load_is_municipality(dir);
}

int dp__cmd_export_city(int argc, char **argv)
{
    dp_opt opts[] = {DP_OPT("html", true), DP_OPT("week", true), DP_OPT("weeks", true)};
    size_t n = sizeof opts / sizeof *opts, n_dirs = 0, n_ok = 0;
    dp_args args;
    char **dirs = NULL, week[16] = "", path[4096];
    int year = 0, wk = 0, status = 0;
    dp_error err = {0};
    dp_diags *diags;
    dp_buf page;
    unsigned n_rows = 0;
    dp_model **models = NULL;
    dp_timetable **tts = NULL;

    if (dp__args_parse(argc, argv, opts, n, &args) != 0)
        return 2;
    if (args.help) {
        fputs(help, stdout);
        return 0;
    }
    const char *out = dp__args_get(opts, n, "html")->value;
    if (args.n_positional != 1 || !out) {
        fputs(help, stderr);
        return 2;
    }
    const char *w = dp__args_get(opts, n, "week")->value;
    if (w) {
        if (dp_isoweek_parse(w, strlen(w), &year, &wk) != 0) {
            fprintf(stderr, "dagplan export: --week expects YYYY-Www (e.g. 2027-W03), got '%s'\n",
                    w);
            return 2;
        }
        dp_isoweek_format(year, wk, week);
    }
    const char *weeks = dp__args_get(opts, n, "weeks")->value;
    unsigned long long nw = 0;
    if (weeks && (dp__args_uint(weeks, &nw) != 0 || nw < 1 || nw > 53)) {
        fprintf(stderr, "dagplan export: --weeks expects 1 to 53, got '%s'\n", weeks);
        return 2;
    }
    const char *dir = args.positional[0];
    if (!(diags = dp_diags_new()))
        return 1;
    if (dp_load_municipality(dir, diags, &dirs, &n_dirs, &err) != DP_OK) {
        dp_diags_print(diags, stderr);
        dp_diags_free(diags);
        return 1;
    }
    dp_diags_free(diags);
    if (nw) {
        status = export_weeks(dir, dirs, n_dirs, year, wk, (unsigned) nw, out);
        goto done;
    }
    models = calloc(n_dirs + 1, sizeof *models);
    tts = calloc(n_dirs + 1, sizeof *tts);
    if (!models || !tts) {
        status = 1;
        goto done;
    }
    for (size_t i = 0; i < n_dirs; i++) {
        dp_diags *d = dp_diags_new();
        dp_model *m = NULL;
        dp_store *store = NULL;
        dp_timetable *t = NULL;
        char *json = NULL;
        struct stat st;
        const char *why = NULL;
        if (!d || dp_load_centre(dirs[i], d, &m, &err) != DP_OK)
            why = "the data has errors (see 'dagplan check')";
        else if (snprintf(path, sizeof path, "%s/dagplan.db", dirs[i]) < 0 ||
                 stat(path, &st) != 0 || dp_store_open(path, &store, &err) != DP_OK ||
                 dp_store_get_version(store, week, 0, NULL, &json, &err) != DP_OK)
            why = "no stored schedule of the week";
        else if (dp_timetable_parse(m, json, strlen(json),
                                    week[0] ? dp_isoweek_monday(year, wk) : 0, "schedule", &t,
                                    &err) != DP_OK)
            why = "the stored schedule cannot be read";
        if (why) {
            fprintf(stderr, "dagplan export: %s: left out: %s\n", dirs[i], why);
            status = 1;
        } else {
            models[i] = m; /* kept for the page */
            tts[i] = t;
            m = NULL;
            t = NULL;
            n_ok++;
        }
        dp_timetable_free(t);
        dp_store_free(json);
        dp_store_close(store);
        dp_model_free(m);
        dp_diags_free(d);
    }
    if (output_ready(dir, out, n_ok) != 0) {
        status = 1;
        goto done;
    }
    char title[300];
    dp__city_title(dir, title, sizeof title);
    dp_buf_init(&page);
    dp__city_page(title, week, (const dp_model *const *) models, (const dp_timetable *const *) tts,
                  n_dirs, NULL, &page, &n_rows);
    snprintf(path, sizeof path, "%s/index.html", out);
    if (dp_buf_write_file(&page, path, &err) != DP_OK) {
        fprintf(stderr, "dagplan export: ");
        dp_error_print(&err, stderr, false);
        status = 1;
    } else {
        printf("dagplan export: %s: %u activities of %zu of %zu centres\n", path, n_rows, n_ok,
               n_dirs);
    }
    dp_buf_release(&page);
done:
    for (size_t i = 0; i < n_dirs && models && tts; i++) {
        dp_timetable_free(tts[i]);
        dp_model_free(models[i]);
    }
    free(models);
    free(tts);
    dp_load_free_list(dirs, n_dirs);
    return status;
}
