/* core/cli/common.h - pieces several subcommands share: loading a centre with
 * its diagnostics printed, opening its store, parsing common options. */
#ifndef DAGPLAN_CLI_COMMON_H
#define DAGPLAN_CLI_COMMON_H

#include <stdbool.h>

#include "dagplan/model.h"
#include "dagplan/store.h"

/* Loads the centre in dir, printing every diagnostic to stderr (sorted).
 * Returns 0 with *out set, or 1 after printing why it failed. */
int dp__cli_load(const char *cmd, const char *dir, dp_model **out);

/* The same for one ISO week (week 0: the template): dp_load_centre_week. */
int dp__cli_load_week(const char *cmd, const char *dir, int year, int week, dp_model **out);

/* Opens the store: db_path when not NULL, else DIR/dagplan.db. Returns 0 or
 * 1 after printing the error. */
int dp__cli_open_store(const char *cmd, const char *dir, const char *db_path, dp_store **out);

/* Sets the baseline of a solve of week ("" for the template; year and wk its
 * ISO numbers, wk 0 for the template) on m from the store (baseline.c):
 * nothing with from_scratch. desc gets a one-line description. Returns 0 or 1
 * after printing the error. */
int dp__cli_baseline(const char *cmd, const char *dir, const char *db, const char *week, int year,
                     int wk, bool from_scratch, dp_model *m, char *desc, size_t len);

/* The files of a centre directory that make up a solve's inputs. */
extern const char *const dp__input_files[];
extern const unsigned dp__n_input_files;

/* Whether name (a file name without directory) is one of dp__input_files. */
bool dp__is_input_file(const char *name);

#endif
