/* tests/fuzz/fuzz_csv.c - raw bytes into the CSV reader.
 *
 * Reads every row of the input and checks what the reader promises: each
 * field is NUL-terminated at its length, lies inside the buffer, and has a
 * 1-based line and column; an error carries a place in the file and stops
 * the reader. Sanitizers catch the rest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    dp__csv r;
    dp_error err = {0};

    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    buf[size] = '\0';
    if (dp__csv_init(&r, "fuzz.csv", buf, size, &err) == DP_OK) {
        for (;;) {
            dp_status rc = dp__csv_next(&r, &err);
            if (rc != DP_OK) {
                if (err.at.line == 0 || err.at.column == 0 || r.n_fields != 0)
                    abort();
                break;
            }
            if (r.n_fields == 0)
                break;
            for (uint32_t i = 0; i < r.n_fields; i++) {
                const dp__csv_field *f = &r.fields[i];
                if (f->s < buf || f->s + f->len > buf + size || f->s[f->len] != '\0' ||
                    f->line == 0 || f->col == 0 || strlen(f->s) != f->len)
                    abort();
            }
        }
    }
    dp__csv_release(&r);
    free(buf);
    return 0;
}
