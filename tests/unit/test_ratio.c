/* tests/unit/test_ratio.c - the staff-to-child ratio rules (plugins/ratio).
 *
 * Every cell boundary and footnote of Tabel 1, the baby formula, the
 * one-child-fewer rule (checked against a literal recursion over every group
 * of up to 16 children, with Tabel 1 re-encoded here independently), invalid
 * compositions, both Dutch out-of-school rule sets, the Flemish ratios, the
 * 3-hour rule and the --ages parser. */
#include <stdint.h>
#include <string.h>

#include "dagplan/ratio.h"
#include "dagplan/time.h"
#include "harness.h"

static const dp_ratio_rules NL = {DP_RATIO_NL, DP_RATIO_BSO_2024, DP_RATIO_BE_CURRENT};
static const dp_ratio_rules NL2019 = {DP_RATIO_NL, DP_RATIO_BSO_2019, DP_RATIO_BE_CURRENT};
static const dp_ratio_rules BE = {DP_RATIO_BE_VL, DP_RATIO_BSO_2024, DP_RATIO_BE_CURRENT};
static const dp_ratio_rules BE2027 = {DP_RATIO_BE_VL, DP_RATIO_BSO_2024, DP_RATIO_BE_2027};

/* Required professionals for a daycare group of n0..n3 children per class. */
static int dc(unsigned n0, unsigned n1, unsigned n2, unsigned n3)
{
    dp_ratio_group g = {{n0, n1, n2, n3}, false, false};
    return dp_ratio_required(&NL, &g);
}

/* Out-of-school care: young children aged 5, old children aged 9. */
static int bso(const dp_ratio_rules *r, unsigned young, unsigned old, bool location)
{
    dp_ratio_group g = {{0}, false, location};
    g.n_age[5] = young;
    g.n_age[9] = old;
    return dp_ratio_required(r, &g);
}

static void test_ratio_table1_single_age_bands(void)
{
    /* 0-1: 3/6/9/12, group of at most 12 babies. */
    CHECK(dc(1, 0, 0, 0) == 1 && dc(3, 0, 0, 0) == 1 && dc(4, 0, 0, 0) == 2);
    CHECK(dc(6, 0, 0, 0) == 2 && dc(7, 0, 0, 0) == 3 && dc(9, 0, 0, 0) == 3);
    CHECK(dc(10, 0, 0, 0) == 4 && dc(12, 0, 0, 0) == 4);
    CHECK(dc(13, 0, 0, 0) == DP_RATIO_NOT_ALLOWED);
    /* 1-2: 5/10/15/16. */
    CHECK(dc(0, 5, 0, 0) == 1 && dc(0, 6, 0, 0) == 2 && dc(0, 10, 0, 0) == 2);
    CHECK(dc(0, 11, 0, 0) == 3 && dc(0, 15, 0, 0) == 3 && dc(0, 16, 0, 0) == 4);
    CHECK(dc(0, 17, 0, 0) == DP_RATIO_NOT_ALLOWED);
    /* 2-3 and 3-4: 8/16. */
    CHECK(dc(0, 0, 8, 0) == 1 && dc(0, 0, 9, 0) == 2 && dc(0, 0, 16, 0) == 2);
    CHECK(dc(0, 0, 17, 0) == DP_RATIO_NOT_ALLOWED);
    CHECK(dc(0, 0, 0, 8) == 1 && dc(0, 0, 0, 9) == 2 && dc(0, 0, 0, 16) == 2);
    CHECK(dc(0, 0, 0, 17) == DP_RATIO_NOT_ALLOWED);
    CHECK(dc(0, 0, 0, 0) == 0);
}

static void test_ratio_table1_mixed_bands_without_babies(void)
{
    /* 1-3: 6/11/16 (sub-bands 1-2 and 2-3 stay below these answers). */
    CHECK(dc(0, 1, 5, 0) == 1 && dc(0, 1, 6, 0) == 2);
    CHECK(dc(0, 5, 6, 0) == 2 && dc(0, 6, 6, 0) == 3);
    CHECK(dc(0, 8, 8, 0) == 3 && dc(0, 8, 9, 0) == DP_RATIO_NOT_ALLOWED);
    /* 1-4: 7/13/16. */
    CHECK(dc(0, 1, 0, 6) == 1 && dc(0, 1, 0, 7) == 2);
    CHECK(dc(0, 1, 0, 12) == 2 && dc(0, 1, 0, 13) == 3);
    CHECK(dc(0, 1, 0, 15) == 3 && dc(0, 1, 0, 16) == DP_RATIO_NOT_ALLOWED);
    /* 2-4: 8/16. */
    CHECK(dc(0, 0, 1, 7) == 1 && dc(0, 0, 1, 8) == 2);
    CHECK(dc(0, 0, 8, 8) == 2 && dc(0, 0, 8, 9) == DP_RATIO_NOT_ALLOWED);
}

static void test_ratio_table1_bands_with_babies(void)
{
    /* 0-2: 4/8/14/16, footnote 1 (at most 8 babies) on 3 and 4. */
    CHECK(dc(1, 3, 0, 0) == 1 && dc(1, 4, 0, 0) == 2);
    CHECK(dc(1, 7, 0, 0) == 2 && dc(1, 8, 0, 0) == 3);
    CHECK(dc(1, 13, 0, 0) == 3 && dc(1, 14, 0, 0) == 4);
    CHECK(dc(1, 15, 0, 0) == 4 && dc(1, 16, 0, 0) == DP_RATIO_NOT_ALLOWED);
    CHECK(dc(8, 1, 0, 0) == 3 && dc(9, 1, 0, 0) == DP_RATIO_NOT_ALLOWED);
    /* 0-3: 5/10/13-15/16. */
    CHECK(dc(1, 0, 4, 0) == 1 && dc(1, 0, 5, 0) == 2);
    CHECK(dc(1, 0, 9, 0) == 2 && dc(1, 0, 10, 0) == 3);
    CHECK(dc(5, 0, 8, 0) == 3);  /* 13, footnote 1: up to 8 babies */
    CHECK(dc(4, 0, 10, 0) == 3); /* 14, footnote 4: up to 4 babies */
    CHECK(dc(5, 0, 9, 0) == 4);  /* 14 with 5 babies: next cell */
    CHECK(dc(3, 0, 12, 0) == 3); /* 15, footnote 2: up to 3 babies */
    CHECK(dc(4, 0, 11, 0) == 4); /* 15 with 4 babies */
    CHECK(dc(3, 0, 13, 0) == 4 && dc(8, 0, 8, 0) == 4);
    CHECK(dc(9, 0, 7, 0) == DP_RATIO_NOT_ALLOWED && dc(3, 0, 14, 0) == DP_RATIO_NOT_ALLOWED);
    /* 0-4: 5/12/14-16/16. */
    CHECK(dc(1, 0, 0, 4) == 1 && dc(1, 0, 0, 5) == 2);
    CHECK(dc(1, 0, 0, 11) == 2 && dc(1, 0, 0, 12) == 3);
    CHECK(dc(5, 0, 0, 10) == 3); /* 15, footnote 3: up to 5 babies */
    CHECK(dc(6, 0, 0, 9) == 4);
    CHECK(dc(3, 0, 0, 13) == 3); /* 16, footnote 2: up to 3 babies */
    CHECK(dc(4, 0, 0, 12) == 4);
    CHECK(dc(8, 0, 0, 8) == 4 && dc(9, 0, 0, 7) == DP_RATIO_NOT_ALLOWED);
    CHECK(dc(3, 0, 0, 14) == DP_RATIO_NOT_ALLOWED);
    /* The 2-professional cells have no footnote, but 9 babies in a mixed
     * group ask 4 professionals by the formula, whose cell allows 8. */
    CHECK(dc(9, 0, 2, 1) == DP_RATIO_NOT_ALLOWED && dc(8, 0, 2, 1) == 4);
    CHECK(dc(9, 1, 0, 0) == DP_RATIO_NOT_ALLOWED && dc(9, 0, 0, 0) == 3);
}

static void test_ratio_baby_formula(void)
{
    dp_ratio_group g = {{6, 2, 0, 0}, false, false};
    dp_ratio_verdict v;

    /* Tabel 1 (0-2, 8 children) asks 2; 6/3 + 2/5/1.2 = 336/144 asks 3. */
    CHECK(dc(6, 2, 0, 0) == 3);
    CHECK(dp_ratio_assess(&NL, &g, &v, NULL) == DP_OK);
    CHECK(v.allowed && v.required == 3 && v.max_group == 16);
    CHECK(strstr(v.explanation, "Tabel 1 asks 2") != NULL);
    CHECK(strstr(v.explanation, "336/144, rounded up 3") != NULL);
    /* 0-4 band, 14 children with 8 babies: the table's cell gives 3, the
     * formula (384 + 90)/144 gives 4. */
    CHECK(dc(8, 0, 0, 6) == 4);
    /* An exact multiple of 144 is not rounded up: 12 babies need 4. */
    CHECK(dc(12, 0, 0, 0) == 4);
    /* No babies: the formula does not apply (1-2 band, 5 children: 1). */
    CHECK(dc(0, 5, 0, 0) == 1);
}

static void test_ratio_one_child_fewer(void)
{
    dp_ratio_group g = {{1, 8, 0, 1}, false, false};
    dp_ratio_verdict v;

    /* Six 1-year-olds need 2 (1-2 band); adding a 3-year-old makes band 1-4,
     * whose table says 1 for 7 children: the rule keeps 2. */
    CHECK(dc(0, 6, 0, 0) == 2 && dc(0, 6, 0, 1) == 2);
    /* 1 baby + 8 one-year-olds need 3 (0-2 band, 9); with a 3-year-old the
     * 0-4 table says 2 for 10 and the formula 255/144 = 2, the rule 3. */
    CHECK(dc(1, 8, 0, 1) == 3);
    CHECK(dp_ratio_assess(&NL, &g, &v, NULL) == DP_OK);
    CHECK(strstr(v.explanation, "One child fewer") != NULL);
    CHECK(strstr(v.explanation, "band 0-2 alone need 3") != NULL);
    /* Applied recursively: 1 baby, 8 one-, 1 two- and 1 three-year-old. Tabel
     * 1 (0-4, 11) and the formula (275/144) ask 2, and so do Tabel 1 and the
     * formula for each group with one child fewer, so a one-step reading
     * answers 2. Removing the 3- and then the 2-year-old leaves the 0-2 group
     * of 9, which needs 3: the recursive reading answers 3. */
    CHECK(dc(1, 8, 1, 1) == 3);
    CHECK(dc(1, 8, 1, 0) == 3 && dc(1, 8, 0, 1) == 3); /* themselves by the rule */
    CHECK(dc(0, 8, 1, 1) == 2 && dc(1, 7, 1, 1) == 2);
}

/* ---- An independent, literal reading of Tabel 1 and the rules ---- */

/* Tabel 1 written out as the law prints it, row by row; 0 = no cell fits. */
static int law_table(int lo, int hi, int n, int b)
{
    if (lo == 0 && hi == 0)
        return n <= 3 ? 1 : n <= 6 ? 2 : n <= 9 ? 3 : n <= 12 ? 4 : 0;
    if (lo == 1 && hi == 1)
        return n <= 5 ? 1 : n <= 10 ? 2 : n <= 15 ? 3 : n <= 16 ? 4 : 0;
    if (lo >= 2) /* 2-3, 3-4, 2-4 */
        return n <= 8 ? 1 : n <= 16 ? 2 : 0;
    if (lo == 1)
        return hi == 2 ? (n <= 6    ? 1
                          : n <= 11 ? 2
                          : n <= 16 ? 3
                                    : 0)
                       : (n <= 7    ? 1
                          : n <= 13 ? 2
                          : n <= 16 ? 3
                                    : 0);
    if (hi == 1) /* 0-2 */
        return n <= 4 ? 1 : n <= 8 ? 2 : (n <= 14 && b <= 8) ? 3 : (n <= 16 && b <= 8) ? 4 : 0;
    if (hi == 2) { /* 0-3 */
        if (n <= 10)
            return n <= 5 ? 1 : 2;
        if ((n <= 13 && b <= 8) || (n <= 14 && b <= 4) || (n <= 15 && b <= 3))
            return 3;
        return n <= 16 && b <= 8 ? 4 : 0;
    }
    if (n <= 12) /* 0-4 */
        return n <= 5 ? 1 : 2;
    if ((n <= 14 && b <= 8) || (n <= 15 && b <= 5) || (n <= 16 && b <= 3))
        return 3;
    return n <= 16 && b <= 8 ? 4 : 0;
}

/* Tabel 1 then the formula for one group; -1 when not allowed. */
static int law_base(const int c[4])
{
    int lo = 0, hi = 3, n = c[0] + c[1] + c[2] + c[3];

    if (n == 0)
        return 0;
    while (!c[lo])
        lo++;
    while (!c[hi])
        hi--;
    int t = law_table(lo, hi, n, c[0]);
    if (t == 0 || (lo == 0 && hi > 0 && c[0] > 8)) /* mixed: at most 8 babies */
        return -1;
    if (c[0]) {
        /* n0/3 + (n1/5 + n2/6 + n3/8)/1.2 > k  <=>  48n0 + 24n1 + 20n2 + 15n3 > 144k */
        int f = 0;
        while (48 * c[0] + 24 * c[1] + 20 * c[2] + 15 * c[3] > 144 * f)
            f++;
        if (f > t)
            t = f;
    }
    return t;
}

static int8_t memo[17][17][17][17];

/* The one-child-fewer rule, literally: never fewer than the group with one
 * child fewer, recursively. -2 marks "not computed". A sub-group of an allowed
 * group must itself be allowed; -3 flags a violation of that. */
static int law_required(int c[4])
{
    int8_t *m = &memo[c[0]][c[1]][c[2]][c[3]];
    if (*m != -2)
        return *m;
    int r = law_base(c);
    for (int k = 0; k < 4 && r >= 0; k++) {
        if (!c[k])
            continue;
        c[k]--;
        int s = law_required(c);
        c[k]++;
        if (s < 0)
            r = -3;
        else if (s > r)
            r = s;
    }
    *m = (int8_t) r;
    return r;
}

static void test_ratio_daycare_matches_literal_recursion(void)
{
    int c[4], mismatches = 0, bad_sub = 0, checked = 0;

    memset(memo, -2, sizeof memo);
    for (c[0] = 0; c[0] <= 16; c[0]++)
        for (c[1] = 0; c[0] + c[1] <= 16; c[1]++)
            for (c[2] = 0; c[0] + c[1] + c[2] <= 16; c[2]++)
                for (c[3] = 0; c[0] + c[1] + c[2] + c[3] <= 16; c[3]++) {
                    int want = law_required(c);
                    int got =
                        dc((unsigned) c[0], (unsigned) c[1], (unsigned) c[2], (unsigned) c[3]);
                    bad_sub += want == -3;
                    if (want != -3 && want != got) {
                        if (mismatches++ < 5)
                            fprintf(stderr, "  %d,%d,%d,%d: law %d, dagplan %d\n", c[0], c[1], c[2],
                                    c[3], want, got);
                    }
                    checked++;
                }
    CHECK(checked == 4845);
    CHECK(mismatches == 0);
    CHECK(bad_sub == 0);
    /* More than 16 children is never allowed. */
    CHECK(dc(0, 0, 9, 8) == DP_RATIO_NOT_ALLOWED);
}

static void test_ratio_not_allowed_explained(void)
{
    dp_ratio_group g = {{13}, false, false};
    dp_ratio_verdict v;

    CHECK(dp_ratio_assess(&NL, &g, &v, NULL) == DP_OK);
    CHECK(!v.allowed && v.required == 0 && v.max_group == 12);
    CHECK(strstr(v.explanation, "at most 12 children") != NULL);
    dp_ratio_group h = {{9, 0, 0, 7}, false, false};
    CHECK(dp_ratio_assess(&NL, &h, &v, NULL) == DP_OK);
    CHECK(!v.allowed && v.max_group == 16);
    CHECK(strstr(v.explanation, "at most 8 children aged 0") != NULL);
    dp_ratio_group big = {{0, 0, 9, 9}, false, false};
    CHECK(dp_ratio_assess(&NL, &big, &v, NULL) == DP_OK);
    CHECK(!v.allowed && strstr(v.explanation, "at most 16 children") != NULL);
    /* Out-of-range input is an error, not a verdict. */
    dp_ratio_group huge = {{DP_RATIO_MAX_N + 1}, false, false};
    dp_error err = {0};
    CHECK(dp_ratio_assess(&NL, &huge, &v, &err) == DP_EINPUT);
    CHECK(dp_ratio_required(&NL, &huge) == DP_RATIO_NOT_ALLOWED);
    dp_ratio_rules bogus = {(dp_ratio_country) 7, DP_RATIO_BSO_2024, DP_RATIO_BE_CURRENT};
    CHECK(dp_ratio_assess(&bogus, &g, &v, &err) == DP_EINPUT);
}

static void test_ratio_bso_2024(void)
{
    CHECK(bso(&NL, 10, 0, false) == 1 && bso(&NL, 11, 0, false) == 2);
    CHECK(bso(&NL, 0, 12, false) == 1 && bso(&NL, 0, 13, false) == 2);
    CHECK(bso(&NL, 5, 6, false) == 1); /* 30 + 30 = 60/60 exactly */
    CHECK(bso(&NL, 5, 7, false) == 2); /* 65/60 */
    CHECK(bso(&NL, 0, 30, false) == 3 && bso(&NL, 30, 0, false) == 3);
    CHECK(bso(&NL, 0, 31, false) == DP_RATIO_NOT_ALLOWED);
    CHECK(bso(&NL, 20, 40, true) == 6); /* 120 + 200 = 320/60 over a location */
    dp_ratio_group g = {{0}, false, false};
    dp_ratio_verdict v;
    g.n_age[4] = 4;
    g.n_age[12] = 9;
    CHECK(dp_ratio_assess(&NL, &g, &v, NULL) == DP_OK);
    CHECK(v.allowed && v.required == 2 && v.max_group == 30 && v.care == DP_RATIO_BSO);
    CHECK(strstr(v.explanation, "69/60, rounded up 2") != NULL);
}

static void test_ratio_bso_2019(void)
{
    /* 4-7 only: 10/20. */
    CHECK(bso(&NL2019, 10, 0, false) == 1 && bso(&NL2019, 11, 0, false) == 2);
    CHECK(bso(&NL2019, 20, 0, false) == 2 && bso(&NL2019, 21, 0, false) == DP_RATIO_NOT_ALLOWED);
    /* 7-13 only: 12/24/30. */
    CHECK(bso(&NL2019, 0, 12, false) == 1 && bso(&NL2019, 0, 13, false) == 2);
    CHECK(bso(&NL2019, 0, 24, false) == 2 && bso(&NL2019, 0, 25, false) == 3);
    CHECK(bso(&NL2019, 0, 30, false) == 3);
    CHECK(bso(&NL2019, 0, 31, false) == DP_RATIO_NOT_ALLOWED);
    /* Mixed: 11/22 with at most 9/18 aged 4-6. */
    CHECK(bso(&NL2019, 9, 2, false) == 1 && bso(&NL2019, 10, 1, false) == 2);
    CHECK(bso(&NL2019, 1, 11, false) == 2);
    CHECK(bso(&NL2019, 18, 4, false) == 2);
    CHECK(bso(&NL2019, 19, 3, false) == DP_RATIO_NOT_ALLOWED);
    CHECK(bso(&NL2019, 1, 22, false) == DP_RATIO_NOT_ALLOWED);
    dp_ratio_group g = {{0}, false, false};
    dp_ratio_verdict v;
    g.n_age[6] = 19;
    g.n_age[8] = 3;
    CHECK(dp_ratio_assess(&NL2019, &g, &v, NULL) == DP_OK);
    CHECK(!v.allowed && v.max_group == 22);
    CHECK(strstr(v.explanation, "at most 18 children aged 4-6") != NULL);
}

static void test_ratio_flanders(void)
{
    dp_ratio_group g = {{0}, false, false};

    g.n_age[1] = 8;
    CHECK(dp_ratio_required(&BE, &g) == 1);
    g.n_age[2] = 1;
    CHECK(dp_ratio_required(&BE, &g) == 2);
    g.n_age[2] = 10;
    CHECK(dp_ratio_required(&BE, &g) == 2);
    g.n_age[2] = 11;
    CHECK(dp_ratio_required(&BE, &g) == DP_RATIO_NOT_ALLOWED);
    g.n_age[2] = 6;
    g.nap = true; /* 14 asleep: one carer; 15: two */
    CHECK(dp_ratio_required(&BE, &g) == 1);
    g.n_age[2] = 7;
    CHECK(dp_ratio_required(&BE, &g) == 2);
    dp_ratio_group s = {{0}, false, false};
    s.n_age[3] = 14; /* Flemish 3-year-olds are at school: out-of-school care */
    CHECK(dp_ratio_care_of(&BE, &s) == DP_RATIO_BSO);
    CHECK(dp_ratio_care_of(&NL, &s) == DP_RATIO_DAYCARE);
    CHECK(dp_ratio_required(&BE, &s) == 1);
    s.n_age[10] = 1;
    CHECK(dp_ratio_required(&BE, &s) == 2);
}

/* From 1 January 2027 (docs/ratio.md): 1 per 5 babies (under 1) in a group
 * of babies only, 1 per 7 when babies and older children mix, groups without
 * babies unchanged (1 for 8, 2 for 18), at most 18, no nap relaxation; the
 * date picks the rules; the new rules never ask fewer carers. */
static void test_ratio_flanders_2027(void)
{
    dp_ratio_group g = {{0}, false, false};
    dp_ratio_verdict v;

    g.n_age[0] = 5;
    CHECK(dp_ratio_required(&BE2027, &g) == 1);
    g.n_age[0] = 6;
    CHECK(dp_ratio_required(&BE2027, &g) == 2 && dp_ratio_required(&BE, &g) == 1);
    g.n_age[0] = 15;
    CHECK(dp_ratio_required(&BE2027, &g) == 3);
    g.n_age[0] = 16;
    CHECK(dp_ratio_required(&BE2027, &g) == 4 && dp_ratio_required(&BE, &g) == 2);
    g.n_age[0] = 1;
    g.n_age[1] = 6; /* 7 mixed: one; 8 mixed: two (before 2027: one) */
    CHECK(dp_ratio_required(&BE2027, &g) == 1);
    g.n_age[2] = 1;
    CHECK(dp_ratio_required(&BE2027, &g) == 2 && dp_ratio_required(&BE, &g) == 1);
    g.n_age[2] = 11; /* 18: three */
    CHECK(dp_ratio_required(&BE2027, &g) == 3);
    g.n_age[2] = 12; /* 19: not allowed */
    CHECK(dp_ratio_required(&BE2027, &g) == DP_RATIO_NOT_ALLOWED);
    g.n_age[0] = 0; /* no babies: 1-2-year-olds as before */
    g.n_age[2] = 2;
    CHECK(dp_ratio_required(&BE2027, &g) == 1);
    g.n_age[2] = 3;
    CHECK(dp_ratio_required(&BE2027, &g) == 2);
    g.n_age[0] = 2;
    g.nap = true; /* 11 asleep with babies: no nap relaxation (1 per 14 before) */
    CHECK(dp_ratio_required(&BE2027, &g) == 2 && dp_ratio_required(&BE, &g) == 1);
    CHECK(dp_ratio_assess(&BE2027, &g, &v, NULL) == DP_OK);
    CHECK(strstr(v.explanation, "from 1 January 2027") != NULL);
    CHECK(dp_ratio_be_rules_on(DP_RATIO_BE_2027_DAY - 1) == DP_RATIO_BE_CURRENT);
    CHECK(dp_ratio_be_rules_on(DP_RATIO_BE_2027_DAY) == DP_RATIO_BE_2027);
    int32_t jan1;
    CHECK(dp_date_parse("2027-01-01", 10, &jan1) == 0 && jan1 == DP_RATIO_BE_2027_DAY);
    /* Never fewer carers than before, up to the group maximum. */
    for (unsigned b = 0; b <= 18; b++)
        for (unsigned o = 0; b + o <= 18; o++) {
            dp_ratio_group x = {{0}, false, false};
            x.n_age[0] = b;
            x.n_age[2] = o;
            CHECK(dp_ratio_required(&BE2027, &x) >= dp_ratio_required(&BE, &x));
        }
}

static void test_ratio_mixed_daycare_and_school_age(void)
{
    dp_ratio_group g = {{0}, false, false};
    dp_ratio_verdict v;

    g.n_age[2] = 1;
    g.n_age[5] = 8; /* counted as 3-year-olds: band 2-4, 9 children, 2 */
    CHECK(dp_ratio_care_of(&NL, &g) == DP_RATIO_DAYCARE);
    CHECK(dp_ratio_required(&NL, &g) == 2);
    CHECK(dp_ratio_assess(&NL, &g, &v, NULL) == DP_OK);
    CHECK(strstr(v.explanation, "count as the oldest daycare class") != NULL);
    g.n_age[2] = 0; /* only 5-year-olds: out-of-school care, 1 */
    CHECK(dp_ratio_care_of(&NL, &g) == DP_RATIO_BSO);
    CHECK(dp_ratio_required(&NL, &g) == 1);
}

static void test_ratio_budget_minutes(void)
{
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_DAYCARE, 600, true) == 180);
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_DAYCARE, 660, false) == 180);
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_DAYCARE, 599, true) == 0);
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_BSO, 0, true) == 30);
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_BSO, 600, false) == 180);
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_BSO, 599, false) == 30); /* a short free day */
    CHECK(dp_ratio_budget_minutes(&NL, DP_RATIO_BSO, 660, true) == 30);
    CHECK(dp_ratio_budget_minutes(&BE, DP_RATIO_DAYCARE, 660, false) == 0);
}

static void test_ratio_three_hour_day(void)
{
    unsigned req[44], pres[44]; /* 07:00-18:00 in 15-minute steps */
    dp_ratio_day_report r;
    dp_error err = {0};

    for (size_t i = 0; i < 44; i++) {
        req[i] = 3;
        pres[i] = i < 12 ? 2 : 3; /* 12 steps = 180 minutes below */
    }
    CHECK(dp_ratio_check_day(req, pres, 44, 15, 180, &r, NULL) == DP_OK);
    CHECK(r.minutes_below == 180 && r.budget_kept && r.half_kept && r.ok);
    CHECK(r.first_below == 0 && r.first_below_half == -1 && !r.backup_adult_needed);
    pres[40] = 2; /* one step more: 195 minutes */
    CHECK(dp_ratio_check_day(req, pres, 44, 15, 180, &r, NULL) == DP_OK);
    CHECK(r.minutes_below == 195 && !r.budget_kept && !r.ok);
    pres[40] = 3;
    pres[20] = 1; /* below half of 3 (rounded up: 2) */
    CHECK(dp_ratio_check_day(req, pres, 44, 15, 180, &r, NULL) == DP_OK);
    CHECK(!r.half_kept && r.first_below_half == 20 && !r.ok);
    CHECK(r.backup_adult_needed && r.second_adult_needed && r.minutes_one_alone == 15);
    /* One professional alone but within the ratio: only the back-up note. */
    unsigned one[2] = {1, 1}, zero[2] = {0, 0};
    CHECK(dp_ratio_check_day(one, one, 2, 15, 0, &r, NULL) == DP_OK);
    CHECK(r.ok && r.backup_adult_needed && !r.second_adult_needed);
    CHECK(r.minutes_one_alone == 30);
    CHECK(dp_ratio_check_day(zero, zero, 2, 15, 0, &r, NULL) == DP_OK);
    CHECK(r.ok && !r.backup_adult_needed && r.minutes_one_alone == 0);
    /* Required 1, present 0: below half (ceil(1/2) = 1). */
    CHECK(dp_ratio_check_day(one, zero, 1, 1, 180, &r, NULL) == DP_OK);
    CHECK(r.minutes_below == 1 && r.budget_kept && !r.half_kept);
    /* Bad input. */
    CHECK(dp_ratio_check_day(req, pres, 44, 0, 180, &r, &err) == DP_EINPUT);
    CHECK(dp_ratio_check_day(req, pres, 97, 15, 180, &r, &err) == DP_EINPUT);
    CHECK(dp_ratio_check_day(NULL, pres, 4, 15, 180, &r, &err) == DP_EINPUT);
    CHECK(dp_ratio_check_day(NULL, NULL, 0, 15, 180, &r, &err) == DP_OK && r.ok);
}

static dp_status parse(const char *s, dp_ratio_group *g, dp_error *err)
{
    return dp_ratio_parse_ages(s, strlen(s), g, err);
}

static void test_ratio_parse_ages(void)
{
    dp_ratio_group g;
    dp_error err = {0};

    CHECK(parse("0,0,1,3", &g, &err) == DP_OK);
    CHECK(g.n_age[0] == 2 && g.n_age[1] == 1 && g.n_age[3] == 1 && g.n_age[2] == 0);
    CHECK(parse(" 4 , 6,12 ", &g, &err) == DP_OK && g.n_age[12] == 1 && g.n_age[4] == 1);
    CHECK(parse("3,x", &g, &err) == DP_EINPUT);
    CHECK(err.at.column == 3 && strcmp(err.at.file, "--ages") == 0);
    CHECK_STR(err.msg, "expected an age in whole years from 0 to 12, got 'x'");
    CHECK(parse("-1", &g, &err) == DP_EINPUT && err.at.column == 1);
    CHECK(strstr(err.msg, "negative") != NULL);
    CHECK(parse("4,13", &g, &err) == DP_EINPUT && err.at.column == 3);
    CHECK_STR(err.msg, "expected an age from 0 to 12 (out-of-school care ends at 13), got 13");
    CHECK(parse("99999999999999999999", &g, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "got 999999999999...") != NULL);
    CHECK(parse("", &g, &err) == DP_EINPUT && strstr(err.msg, "empty") != NULL);
    CHECK(parse("1,,2", &g, &err) == DP_EINPUT && err.at.column == 3);
    CHECK_STR(err.msg, "expected an age in whole years from 0 to 12, got ','");
    CHECK(parse("1,", &g, &err) == DP_EINPUT && err.at.column == 3);
    CHECK(parse("1 2", &g, &err) == DP_EINPUT && err.at.column == 3);
    CHECK(parse("1;2", &g, &err) == DP_EINPUT && strstr(err.msg, "';'") != NULL);
    CHECK(dp_ratio_parse_ages("1,2\0,3", 6, &g, &err) == DP_EINPUT);
    CHECK(strstr(err.msg, "0x00") != NULL);
}

int main(void)
{
    RUN(test_ratio_table1_single_age_bands);
    RUN(test_ratio_table1_mixed_bands_without_babies);
    RUN(test_ratio_table1_bands_with_babies);
    RUN(test_ratio_baby_formula);
    RUN(test_ratio_one_child_fewer);
    RUN(test_ratio_daycare_matches_literal_recursion);
    RUN(test_ratio_not_allowed_explained);
    RUN(test_ratio_bso_2024);
    RUN(test_ratio_bso_2019);
    RUN(test_ratio_flanders);
    RUN(test_ratio_flanders_2027);
    RUN(test_ratio_mixed_daycare_and_school_age);
    RUN(test_ratio_budget_minutes);
    RUN(test_ratio_three_hour_day);
    RUN(test_ratio_parse_ages);
    return harness_report();
}
