/* tests/unit/test_sha256.c - SHA-256 against the FIPS 180-4 examples.
 *
 * The known-answer vectors are the NIST examples ("abc", the 448- and 896-bit
 * messages, one million 'a'), the empty message, and messages whose lengths
 * sit on the padding boundaries (55, 56, 57, 63, 64, 65, 119, 120, 128 bytes;
 * expected values from Python's hashlib). Streaming is checked by splitting a
 * message at every position and by feeding it one byte at a time. */
#include "harness.h"
#include "sha256.h"

#include <stdlib.h>
#include <string.h>

static void check_hex(const char *msg, size_t len, const char *expected)
{
    char hex[DP_SHA256_HEX];

    dp__sha256_hex(msg, len, hex);
    CHECK_STR(hex, expected);
}

static void test_sha256_nist_vectors(void)
{
    check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
              "klmnopqrlmnopqrsmnopqrstnopqrstu",
              112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million_a(void)
{
    dp__sha256_ctx ctx;
    unsigned char digest[DP_SHA256_SIZE], chunk[1000];
    char hex[DP_SHA256_HEX];

    memset(chunk, 'a', sizeof chunk);
    dp__sha256_init(&ctx);
    for (int i = 0; i < 1000; i++)
        dp__sha256_update(&ctx, chunk, sizeof chunk);
    dp__sha256_final(&ctx, digest);
    dp__sha256_to_hex(digest, hex);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void fill(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char) ((i * 7 + 3) & 0xff);
}

static void test_sha256_padding_boundaries(void)
{
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
        {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
    };

    unsigned char buf[128];

    fill(buf, sizeof buf);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_hex((const char *) buf, cases[i].len, cases[i].hex);
}

static void test_sha256_streaming_matches_one_shot(void)
{
    unsigned char buf[200], digest[DP_SHA256_SIZE];
    char whole[DP_SHA256_HEX], part[DP_SHA256_HEX];
    dp__sha256_ctx ctx;

    fill(buf, sizeof buf);
    dp__sha256_hex(buf, sizeof buf, whole);
    for (size_t split = 0; split <= sizeof buf; split++) {
        dp__sha256_init(&ctx);
        dp__sha256_update(&ctx, buf, split);
        dp__sha256_update(&ctx, NULL, 0);
        dp__sha256_update(&ctx, buf + split, sizeof buf - split);
        dp__sha256_final(&ctx, digest);
        dp__sha256_to_hex(digest, part);
        CHECK_STR(part, whole);
    }
    dp__sha256_init(&ctx);
    for (size_t i = 0; i < sizeof buf; i++)
        dp__sha256_update(&ctx, buf + i, 1);
    dp__sha256_final(&ctx, digest);
    dp__sha256_to_hex(digest, part);
    CHECK_STR(part, whole);
}

int main(void)
{
    RUN(test_sha256_nist_vectors);
    RUN(test_sha256_million_a);
    RUN(test_sha256_padding_boundaries);
    RUN(test_sha256_streaming_matches_one_shot);
    return harness_report();
}
