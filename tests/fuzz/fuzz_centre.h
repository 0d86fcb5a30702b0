/* tests/fuzz/fuzz_centre.h - the fixed centre settings of the fuzz targets
 * that load CSV text in memory: what a centre.lua would give (id "fuzz",
 * zone UTC, home location "ikc", at most 2 activities a child), so no disk
 * and no Lua are involved. Not a fuzz target itself (those are fuzz_*.c). */
#ifndef DAGPLAN_FUZZ_CENTRE_H
#define DAGPLAN_FUZZ_CENTRE_H

#include "load/load_impl.h"

/* The settings. The loader only reads them; the strings are static, so the
 * conf may be kept across inputs. */
static inline dp_centre_conf fuzz_centre_conf(void)
{
    static char id[] = "fuzz", name[] = "Fuzz", tz[] = "UTC", home[] = "ikc";
    dp_centre_conf conf = {.id = {id, 1},
                           .name = {name, 1},
                           .timezone = {tz, 1},
                           .home = {home, 1},
                           .max_activities = 2,
                           .centre_line = 1};

    return conf;
}

#endif
