/* core/schedule.c - see dagplan/schedule.h.
 *
 * A small recursive-descent JSON reader (RFC 8259, depth-limited) builds a
 * tree in an arena; the schedule's fields are then picked from the tree.
 * Unknown keys are ignored, so schedules with extra keys still read. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dagplan/schedule.h"
#include "dagplan/time.h"
#include "model_impl.h"

#define MAX_DEPTH 64

typedef enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jnode {
    jtype type;
    const char *str;      /* J_STR */
    int64_t num;          /* J_NUM (integer part), J_BOOL */
    struct jnode **items; /* J_ARR elements, J_OBJ values */
    const char **keys;    /* J_OBJ keys */
    uint32_t n;
} jnode;

typedef struct jparser {
    const char *p, *end, *start;
    dp_arena *a;
    dp_error *err;
    dp_status rc;
} jparser;

struct sched_impl {
    dp_schedule pub; /* must stay first */
    dp_arena *arena;
};

static void fail(jparser *j, const char *what)
{
    unsigned line = 1, col = 1;

    if (j->rc != DP_OK)
        return;
    for (const char *q = j->start; q < j->p && q < j->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    dp_loc at = {"schedule.json", line, col};
    j->rc = DP_FAIL(j->err, DP_EINPUT, &at, "expected %s", what);
}

static void ws(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static jnode *node(jparser *j, jtype t)
{
    jnode *n = dp__arena_alloc(j->a, sizeof *n, _Alignof(jnode));

    if (!n) {
        j->rc = DP_FAIL(j->err, DP_ENOMEM, NULL, "out of memory reading a schedule");
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = t;
    return n;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned) (c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned) (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned) (c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char) (0xC0 | (cp >> 6));
        o[1] = (char) (0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char) (0xE0 | (cp >> 12));
        o[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char) (0xF0 | (cp >> 18));
    o[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string at j->p (on the opening quote); NULL on error. */
static const char *string(jparser *j)
{
    const char *open = j->p, *q = ++j->p;
    size_t n = 0;

    while (q < j->end && *q != '"') { /* a first pass bounds the decoded size */
        if (*q == '\\')
            q++;
        q++;
        n++;
    }
    if (q >= j->end) {
        j->p = open;
        fail(j, "a closing '\"'");
        return NULL;
    }
    char *out = dp__arena_alloc(j->a, n * 4 + 1, 1), *o = out;
    if (!out) {
        j->rc = DP_FAIL(j->err, DP_ENOMEM, NULL, "out of memory reading a schedule");
        return NULL;
    }
    while (*j->p != '"') {
        unsigned char c = (unsigned char) *j->p;
        if (c < 0x20) {
            fail(j, "no control character inside a string");
            return NULL;
        }
        if (c != '\\') {
            *o++ = (char) c;
            j->p++;
            continue;
        }
        const char *esc = j->p++;
        char e = *j->p++;
        unsigned cp;
        switch (e) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '/':
            *o++ = '/';
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u':
            if (j->end - j->p < 4 || hex4(j->p, &cp) != 0) {
                j->p = esc;
                fail(j, "four hex digits after \\u");
                return NULL;
            }
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' &&
                j->p[1] == 'u') {
                unsigned lo;
                if (hex4(j->p + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->p += 6;
                }
            }
            o += put_utf8(o, cp);
            break;
        default:
            j->p = esc;
            fail(j, "a valid escape after '\\'");
            return NULL;
        }
    }
    j->p++;
    *o = '\0';
    return out;
}

static jnode *value(jparser *j, int depth);

static jnode *container(jparser *j, int depth, bool obj)
{
    jnode *n = node(j, obj ? J_OBJ : J_ARR);
    uint32_t cap = 0;

    if (!n)
        return NULL;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
        j->p++;
        return n;
    }
    for (;;) {
        const char *key = NULL;
        ws(j);
        if (obj) {
            if (j->p >= j->end || *j->p != '"') {
                fail(j, "a key in double quotes");
                return NULL;
            }
            if (!(key = string(j)))
                return NULL;
            ws(j);
            if (j->p >= j->end || *j->p != ':') {
                fail(j, "':' after a key");
                return NULL;
            }
            j->p++;
        }
        jnode *v = value(j, depth + 1);
        if (!v)
            return NULL;
        if (n->n == cap) {
            uint32_t nc = cap ? cap * 2 : 8;
            jnode **items = dp__arena_array(j->a, nc, sizeof *items);
            const char **keys = obj ? dp__arena_array(j->a, nc, sizeof *keys) : NULL;
            if (!items || (obj && !keys)) {
                j->rc = DP_FAIL(j->err, DP_ENOMEM, NULL, "out of memory reading a schedule");
                return NULL;
            }
            if (n->n) {
                memcpy(items, n->items, n->n * sizeof *items);
                if (obj)
                    memcpy(keys, n->keys, n->n * sizeof *keys);
            }
            n->items = items;
            n->keys = keys;
            cap = nc;
        }
        if (obj)
            n->keys[n->n] = key;
        n->items[n->n++] = v;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
            j->p++;
            return n;
        }
        fail(j, obj ? "',' or '}'" : "',' or ']'");
        return NULL;
    }
}

static jnode *number(jparser *j)
{
    jnode *n = node(j, J_NUM);
    const char *q = j->p;
    bool neg = false, digits = false;
    int64_t v = 0;

    if (!n)
        return NULL;
    if (q < j->end && *q == '-') {
        neg = true;
        q++;
    }
    while (q < j->end && *q >= '0' && *q <= '9') {
        if (v < INT64_MAX / 10 - 10)
            v = v * 10 + (*q - '0');
        q++;
        digits = true;
    }
    if (!digits) {
        fail(j, "a value");
        return NULL;
    }
    if (q < j->end && *q == '.') {
        q++;
        while (q < j->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < j->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < j->end && (*q == '+' || *q == '-'))
            q++;
        while (q < j->end && *q >= '0' && *q <= '9')
            q++;
    }
    j->p = q;
    n->num = neg ? -v : v;
    return n;
}

static jnode *word(jparser *j, const char *w, jtype t, int64_t v)
{
    size_t len = strlen(w);

    if ((size_t) (j->end - j->p) < len || memcmp(j->p, w, len) != 0) {
        fail(j, "a value");
        return NULL;
    }
    j->p += len;
    jnode *n = node(j, t);
    if (n)
        n->num = v;
    return n;
}

static jnode *value(jparser *j, int depth)
{
    ws(j);
    if (depth > MAX_DEPTH) {
        fail(j, "at most 64 levels of nesting");
        return NULL;
    }
    if (j->p >= j->end) {
        fail(j, "a value");
        return NULL;
    }
    switch (*j->p) {
    case '{':
        return container(j, depth, true);
    case '[':
        return container(j, depth, false);
    case '"': {
        jnode *n = node(j, J_STR);
        if (n && !(n->str = string(j)))
            return NULL;
        return n;
    }
    case 't':
        return word(j, "true", J_BOOL, 1);
    case 'f':
        return word(j, "false", J_BOOL, 0);
    case 'n':
        return word(j, "null", J_NULL, 0);
    default:
        return number(j);
    }
}

static const jnode *get(const jnode *o, const char *key)
{
    if (!o || o->type != J_OBJ)
        return NULL;
    for (uint32_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}

static const char *get_str(const jnode *o, const char *key)
{
    const jnode *v = get(o, key);
    return v && v->type == J_STR ? v->str : NULL;
}

static dp_status bad(dp_error *err, const char *what)
{
    dp_loc at = {"schedule.json", 0, 0};
    return DP_FAIL(err, DP_EINPUT, &at, "expected %s", what);
}

static dp_status pick(struct sched_impl *s, const jnode *root, dp_error *err)
{
    dp_schedule *p = &s->pub;
    const jnode *fmt = get(root, "format"), *as = get(root, "assignments"),
                *un = get(root, "unassigned"), *score = get(root, "score"), *v;

    if (!root || root->type != J_OBJ)
        return bad(err, "a JSON object");
    if (!fmt || fmt->type != J_STR || strncmp(fmt->str, "dagplan-schedule/", 17) != 0)
        return bad(err, "\"format\": \"dagplan-schedule/1\"");
    if (!as || as->type != J_ARR)
        return bad(err, "an \"assignments\" array");
    p->centre = get_str(root, "centre") ? get_str(root, "centre") : "";
    p->week = get_str(root, "week") ? get_str(root, "week") : "";
    if ((v = get(score, "total")) && v->type == J_NUM)
        p->total = v->num;
    if ((v = get(score, "stability")) && v->type == J_NUM)
        p->stability = v->num;
    p->assignments = dp__arena_array(s->arena, (size_t) as->n + 1, sizeof *p->assignments);
    if (!p->assignments)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    for (uint32_t i = 0; i < as->n; i++) {
        const jnode *o = as->items[i];
        dp_sched_assignment *a = &p->assignments[p->n_assignments++];
        a->child = get_str(o, "child");
        a->activity = get_str(o, "activity");
        a->section = get_str(o, "section");
        if (!a->child || !a->activity || !a->section)
            return bad(err, "child, activity and section in every assignment");
        a->rank = (v = get(o, "rank")) && v->type == J_NUM ? (int) v->num : 0;
    }
    if (!un || un->type != J_ARR)
        return DP_OK;
    p->unassigned = dp__arena_array(s->arena, (size_t) un->n + 1, sizeof *p->unassigned);
    if (!p->unassigned)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    for (uint32_t i = 0; i < un->n; i++) {
        const jnode *o = un->items[i], *r = get(o, "reasons");
        dp_sched_unassigned *u = &p->unassigned[p->n_unassigned++];
        u->child = get_str(o, "child");
        u->activity = get_str(o, "activity");
        if (!u->child || !u->activity)
            return bad(err, "child and activity in every unassigned choice");
        u->rank = (v = get(o, "rank")) && v->type == J_NUM ? (int) v->num : 0;
        if (r && r->type == J_ARR && r->n) {
            const char **list = dp__arena_array(s->arena, r->n, sizeof *list);
            if (!list)
                return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
            for (uint32_t k = 0; k < r->n; k++)
                if (r->items[k]->type == J_STR)
                    list[u->n_reasons++] = r->items[k]->str;
            u->reasons = list;
        }
    }
    return DP_OK;
}

dp_status dp_schedule_parse(const char *json, size_t len, dp_schedule **out, dp_error *err)
{
    struct sched_impl *s = calloc(1, sizeof *s);
    jparser j = {json, json + len, json, NULL, err, DP_OK};

    if (!s || !(s->arena = dp__arena_new())) {
        free(s);
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory reading a schedule");
    }
    j.a = s->arena;
    jnode *root = value(&j, 0);
    if (root) {
        ws(&j);
        if (j.p != j.end)
            fail(&j, "the end of the text after the JSON value");
    }
    dp_status rc = j.rc;
    if (rc == DP_OK && root)
        rc = pick(s, root, err);
    if (rc != DP_OK) {
        dp_schedule_free(&s->pub);
        return rc;
    }
    *out = &s->pub;
    return DP_OK;
}

const dp_sched_assignment *dp_schedule_find(const dp_schedule *s, const char *child,
                                            const char *activity)
{
    for (uint32_t i = 0; i < s->n_assignments; i++)
        if (strcmp(s->assignments[i].child, child) == 0 &&
            strcmp(s->assignments[i].activity, activity) == 0)
            return &s->assignments[i];
    return NULL;
}

void dp_schedule_free(dp_schedule *s)
{
    if (!s)
        return;
    struct sched_impl *impl = (struct sched_impl *) s;
    dp__arena_free(impl->arena);
    free(impl);
}

dp_status dp_model_set_baseline(dp_model *m, int year, int week, const dp_schedule *baseline,
                                dp_error *err)
{
    dp__model *mm = dp__model_of(m);

    m->week_monday = week ? dp_isoweek_monday(year, week) : 0;
    memset(&m->baseline, 0, sizeof m->baseline);
    if (!baseline)
        return DP_OK;
    dp_id *section = dp__arena_array(mm->arena, (size_t) m->n_choices + 1, sizeof *section);
    bool *locked = dp__arena_array(mm->arena, (size_t) m->n_activities + 1, sizeof *locked);
    if (!section || !locked)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the baseline");
    for (dp_id c = 0; c < m->n_choices; c++)
        section[c] = DP_NONE;
    for (uint32_t i = 0; i < baseline->n_assignments; i++) {
        const dp_sched_assignment *a = &baseline->assignments[i];
        dp_id child = dp_model_find(m, DP_KIND_CHILD, a->child, strlen(a->child));
        dp_id act = dp_model_find(m, DP_KIND_ACTIVITY, a->activity, strlen(a->activity));
        dp_id sec = dp_model_find(m, DP_KIND_SECTION, a->section, strlen(a->section));
        dp_id ch = child != DP_NONE && act != DP_NONE ? dp_model_choice_of(m, child, act) : DP_NONE;
        if (ch == DP_NONE || sec == DP_NONE || m->sections[sec].activity != act) {
            m->baseline.n_dropped++;
            continue;
        }
        section[ch] = sec;
        m->baseline.n_mapped++;
    }
    /* Choices the baseline knows (granted or explained as not granted). */
    bool *known = calloc((size_t) m->n_choices + 1, sizeof *known);
    if (!known)
        return DP_FAIL(err, DP_ENOMEM, NULL, "out of memory for the baseline");
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        known[ch] = section[ch] != DP_NONE;
    for (uint32_t i = 0; i < baseline->n_unassigned; i++) {
        const dp_sched_unassigned *u = &baseline->unassigned[i];
        dp_id child = dp_model_find(m, DP_KIND_CHILD, u->child, strlen(u->child));
        dp_id act = dp_model_find(m, DP_KIND_ACTIVITY, u->activity, strlen(u->activity));
        dp_id ch = child != DP_NONE && act != DP_NONE ? dp_model_choice_of(m, child, act) : DP_NONE;
        if (ch != DP_NONE)
            known[ch] = true;
    }
    for (dp_id ch = 0; ch < m->n_choices; ch++)
        m->baseline.n_new += !known[ch];
    free(known);
    bool any_locked = false;
    for (dp_id a = 0; a < m->n_activities; a++) {
        const dp_activity *act = &m->activities[a];
        int32_t k = (m->week_monday - act->series_start) / 7;
        locked[a] = act->series_weeks && m->week_monday && m->week_monday > act->series_start &&
                    k < (int32_t) act->series_weeks;
        any_locked |= locked[a];
    }
    m->baseline.section = section;
    m->baseline.locked = any_locked ? locked : NULL;
    return DP_OK;
}
