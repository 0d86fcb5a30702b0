/* core/sha256.c - SHA-256 as specified in FIPS 180-4, section 6.2.
 *
 * Input is gathered into 64-byte blocks in ctx->block; every full block is
 * compressed into ctx->state at once, so at most 63 bytes wait between calls.
 * final() appends the 0x80 byte, zero padding and the 64-bit big-endian bit
 * length (section 5.1.1). All arithmetic is on uint32_t, where wrap-around is
 * the defined modulo 2^32 the standard asks for. */
#include "sha256.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | (uint32_t) p[3];
}

static void store_be32(unsigned char *p, uint32_t x)
{
    p[0] = (unsigned char) (x >> 24);
    p[1] = (unsigned char) (x >> 16);
    p[2] = (unsigned char) (x >> 8);
    p[3] = (unsigned char) x;
}

/* Compresses one 64-byte block into state (FIPS 180-4, 6.2.2). */
static void compress(uint32_t state[8], const unsigned char block[64])
{
    uint32_t w[64], v[8];

    for (unsigned t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (unsigned t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, state, sizeof v);
    for (unsigned t = 0; t < 64; t++) {
        uint32_t e = v[4], a = v[0];
        uint32_t t1 = v[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & v[5]) ^ (~e & v[6])) +
                      K[t] + w[t];
        uint32_t t2 =
            (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (unsigned i = 0; i < 8; i++)
        state[i] += v[i];
}

void dp__sha256_init(dp__sha256_ctx *ctx)
{
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    memcpy(ctx->state, H0, sizeof H0);
    ctx->n_bytes = 0;
    ctx->n_block = 0;
}

void dp__sha256_update(dp__sha256_ctx *ctx, const void *data, size_t len)
{
    const unsigned char *p = data;

    ctx->n_bytes += len;
    while (len > 0) {
        size_t take = 64 - ctx->n_block;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->n_block, p, take);
        ctx->n_block += take;
        p += take;
        len -= take;
        if (ctx->n_block == 64) {
            compress(ctx->state, ctx->block);
            ctx->n_block = 0;
        }
    }
}

void dp__sha256_final(dp__sha256_ctx *ctx, unsigned char out[DP_SHA256_SIZE])
{
    uint64_t n_bits = ctx->n_bytes * 8;

    ctx->block[ctx->n_block++] = 0x80;
    /* The length needs the last 8 bytes of a block; if they are taken, pad
     * this block out and put the length in one more. */
    if (ctx->n_block > 56) {
        memset(ctx->block + ctx->n_block, 0, 64 - ctx->n_block);
        compress(ctx->state, ctx->block);
        ctx->n_block = 0;
    }
    memset(ctx->block + ctx->n_block, 0, 56 - ctx->n_block);
    store_be32(ctx->block + 56, (uint32_t) (n_bits >> 32));
    store_be32(ctx->block + 60, (uint32_t) n_bits);
    compress(ctx->state, ctx->block);
    for (unsigned i = 0; i < 8; i++)
        store_be32(out + 4 * i, ctx->state[i]);
}

void dp__sha256_to_hex(const unsigned char digest[DP_SHA256_SIZE], char hex[DP_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";

    for (unsigned i = 0; i < DP_SHA256_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
    hex[2 * DP_SHA256_SIZE] = '\0';
}

void dp__sha256_hex(const void *data, size_t len, char hex[DP_SHA256_HEX])
{
    dp__sha256_ctx ctx;
    unsigned char digest[DP_SHA256_SIZE];

    dp__sha256_init(&ctx);
    dp__sha256_update(&ctx, data, len);
    dp__sha256_final(&ctx, digest);
    dp__sha256_to_hex(digest, hex);
}
