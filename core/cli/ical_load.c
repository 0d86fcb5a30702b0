/* core/cli/ical_load.c - the calendar functions of the dagplan command,
 * loaded on first use from dagplan-ical.so (core/module/ical.c).
 *
 * Why: libical brings ICU (libicuuc, libicui18n, libicudata) and libstdc++,
 * whose relocations cost about 3 ms of CPU at every start, most of what a
 * quick command such as `dagplan ratio` costs (bench/startup, issue 5). The
 * functions below have the names and contracts of dagplan/ical.h and
 * dagplan/closures.h, so the rest of the command is unchanged, and the
 * linker takes them instead of libdagplan's copies (which the library keeps
 * for everyone else).
 *
 * The module is looked for next to the executable (the build tree, or an
 * installation that keeps both in one directory), then in the installed
 * module directory (DP_ICAL_MODULE_DIR). */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/ical_module.h"

#ifndef DP_ICAL_MODULE_DIR
#    define DP_ICAL_MODULE_DIR "/usr/local/lib/dagplan"
#endif

/* Set once by load(): `serve CITYDIR` builds its centres' feeds on worker
 * threads, so the first use can come from two threads at once. */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const dp_ical_module *loaded;
static char load_error[200];

/* dlopen of the module next to the executable; NULL when there is none. */
static void *open_beside_exe(void)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

    if (n <= 0)
        return NULL;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash || (size_t) (slash + 1 - path) + sizeof DP_ICAL_MODULE_FILE > sizeof path)
        return NULL;
    memcpy(slash + 1, DP_ICAL_MODULE_FILE, sizeof DP_ICAL_MODULE_FILE);
    return access(path, F_OK) == 0 ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
}

static void load(void)
{
    void *h = open_beside_exe();
    if (!h)
        h = dlopen(DP_ICAL_MODULE_DIR "/" DP_ICAL_MODULE_FILE, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : DP_ICAL_MODULE_FILE);
        return;
    }
    const dp_ical_module *m = dlsym(h, DP_ICAL_MODULE_SYMBOL);
    if (!m || m->abi != DP_ICAL_MODULE_ABI) {
        snprintf(load_error, sizeof load_error, "%s: no %s of ABI %d", DP_ICAL_MODULE_FILE,
                 DP_ICAL_MODULE_SYMBOL, DP_ICAL_MODULE_ABI);
        return; /* the handle stays open: closing it gains nothing */
    }
    loaded = m;
}

static const dp_ical_module *module(void)
{
    pthread_once(&load_once, load);
    return loaded;
}

static dp_status unavailable(dp_error *err)
{
    return DP_FAIL(err, DP_EIO, NULL,
                   "cannot load the calendar module (install %s next to dagplan or in %s): %s",
                   DP_ICAL_MODULE_FILE, DP_ICAL_MODULE_DIR, load_error);
}

dp_status dp_ical_export(const dp_model *m, const dp_ical_options *o, const char *outdir,
                         dp_ical_stats *stats, dp_error *err)
{
    const dp_ical_module *x = module();

    return x ? x->ical_export(m, o, outdir, stats, err) : unavailable(err);
}

int dp_ical_feed_file(dp_feed_kind kind, const char *subject, char *buf, size_t len)
{
    const dp_ical_module *x = module();

    if (!x) {
        fprintf(stderr, "dagplan: cannot load the calendar module: %s\n", load_error);
        return -1;
    }
    return x->ical_feed_file(kind, subject, buf, len);
}

dp_status dp_ical_empty(const dp_model *m, dp_buf *out, dp_error *err)
{
    const dp_ical_module *x = module();

    return x ? x->ical_empty(m, out, err) : unavailable(err);
}

dp_status dp_closures_read_ics(const char *text, size_t len, const char *file_name,
                               dp_closure_kind kind, bool kind_forced, dp_ics_closure **out,
                               size_t *n, dp_diags *diags, dp_error *err)
{
    const dp_ical_module *x = module();

    return x ? x->closures_read_ics(text, len, file_name, kind, kind_forced, out, n, diags, err)
             : unavailable(err);
}
