/* core/sha256.h - SHA-256 (FIPS 180-4), small and dependency-free.
 *
 * The store addresses file contents by their SHA-256 and keeps feed tokens
 * only as SHA-256 hashes; the project links no crypto library, so this is the
 * one implementation. It is a plain streaming hash: init, update any number of
 * times with any lengths, final. Nothing allocates and there is no global
 * state. Tuned for clarity over speed: centre files are kilobytes, and the
 * hash runs once per file per solve. */
#ifndef DAGPLAN_SHA256_H
#define DAGPLAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define DP_SHA256_SIZE 32 /* digest bytes */
#define DP_SHA256_HEX  65 /* hex digest characters plus the terminating NUL */

typedef struct dp__sha256_ctx {
    uint32_t state[8];       /* the running hash value H0..H7 */
    uint64_t n_bytes;        /* message bytes hashed so far */
    unsigned char block[64]; /* the partial block not yet compressed */
    size_t n_block;          /* bytes used in block, 0..63 */
} dp__sha256_ctx;

/* Starts a new hash in caller storage. */
void dp__sha256_init(dp__sha256_ctx *ctx);

/* Hashes len more bytes of data (data may be NULL when len is 0). */
void dp__sha256_update(dp__sha256_ctx *ctx, const void *data, size_t len);

/* Writes the 32-byte digest to out. ctx must be initialised again before reuse. */
void dp__sha256_final(dp__sha256_ctx *ctx, unsigned char out[DP_SHA256_SIZE]);

/* Writes the digest as 64 lowercase hex digits and a NUL to hex. */
void dp__sha256_to_hex(const unsigned char digest[DP_SHA256_SIZE], char hex[DP_SHA256_HEX]);

/* One-shot: hashes len bytes of data and writes the lowercase hex digest. */
void dp__sha256_hex(const void *data, size_t len, char hex[DP_SHA256_HEX]);

#endif
