/*
 * A tiny library with the common card interface's five functions, for tests/test_maker_host.py
 * (not a maker double: no card memory, no keys, just fixed and checkable behaviour).
 *
 * One static "card" per process: WriteNewCard stores every input, WriteGasCard the sale's
 * fields, ReadGasCard returns what is stored (starting from known numbers), FormatGasCard resets
 * it. Writes leave a new key seed in kmm: the old one followed by "+1". A wrong key gives -9,
 * a kh/dqdm that does not match the card -16.
 *
 * com selects a behaviour for every function: 66 sleeps 30 s, 67 aborts, 68 prints on stdout
 * first, 69 prints kmm on stderr (and a new seed after a write: a
 * leaky maker); CheckGasCard with com 71 returns baud.
 * CheckGasCard otherwise: baud 9600 -> 0, 4800 -> 1 (tool card), anything else -> -4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interface.h"

static struct {
    char kmm[GASCARD_TEXT], kh[GASCARD_TEXT], dqdm[GASCARD_TEXT], yhh[GASCARD_TEXT],
        tm[GASCARD_TEXT], sqrq[GASCARD_TEXT], sxrq[GASCARD_TEXT], sxbj[GASCARD_TEXT];
    int klx, kzt, ql, cs, ljgql, bkcs, ljyql, syql, bjql, czsx, tzed, oldprice, newprice;
} card;
static int loaded, leaky;

static void reset(void)
{
    memset(&card, 0, sizeof card);
    strcpy(card.kmm, "K0");
    strcpy(card.kh, "20261204001");
    strcpy(card.dqdm, "9A0B");
    strcpy(card.yhh, "\xd5\xc5\xc8\xfd"); /* 张三 in GBK */
    strcpy(card.tm, "TM-7");
    strcpy(card.sqrq, "20261201");
    strcpy(card.sxrq, "20270101");
    strcpy(card.sxbj, "1");
    card.klx = 1, card.kzt = 1, card.ql = 123, card.cs = 4, card.ljgql = 5678, card.bkcs = 2;
    card.ljyql = 123456, card.syql = -1, card.bjql = 10, card.czsx = 500, card.tzed = 20;
    card.oldprice = 325, card.newprice = 350;
    loaded = 1;
}

static int mode(int com, const char *kmm)
{
    if (!loaded)
        reset();
    if (com == 66)
        sleep(30);
    if (com == 67)
        abort();
    if (com == 68) {
        printf("maker debug output on stdout\n");
        fflush(stdout);
    }
    leaky = com == 69;
    if (leaky && kmm) {
        fprintf(stderr, "maker debug: key %s\n", kmm);
        fflush(stderr);
    }
    return 0;
}

static void copy(char *to, const char *from) { snprintf(to, GASCARD_TEXT, "%s", from); }

static void new_seed(char *kmm)
{
    char seed[GASCARD_TEXT];
    snprintf(seed, sizeof seed, "%s+1", kmm);
    copy(kmm, seed);
    copy(card.kmm, seed);
    if (leaky) {
        fprintf(stderr, "maker debug: new key %s\n", seed);
        fflush(stderr);
    }
}

GASCARD_API CheckGasCard(int com, int baud)
{
    mode(com, NULL);
    if (com == 71)
        return baud;
    return baud == 9600 ? 0 : baud == 4800 ? 1 : -4;
}

GASCARD_API ReadGasCard(int com, int baud, char *kmm, int *klx, int *kzt, char *kh, char *dqdm,
                        char *yhh, char *tm, int *ql, int *cs, int *ljgql, int *bkcs, int *ljyql,
                        int *syql, int *bjql, int *czsx, int *tzed, char *sqrq, int *oldprice,
                        int *newprice, char *sxrq, char *sxbj)
{
    (void)baud;
    mode(com, kmm);
    if (strcmp(kmm, card.kmm) != 0)
        return -9;
    *klx = card.klx, *kzt = card.kzt, *ql = card.ql, *cs = card.cs, *ljgql = card.ljgql;
    *bkcs = card.bkcs, *ljyql = card.ljyql, *syql = card.syql, *bjql = card.bjql;
    *czsx = card.czsx, *tzed = card.tzed, *oldprice = card.oldprice, *newprice = card.newprice;
    copy(kh, card.kh), copy(dqdm, card.dqdm), copy(yhh, card.yhh), copy(tm, card.tm);
    copy(sqrq, card.sqrq), copy(sxrq, card.sxrq), copy(sxbj, card.sxbj);
    return 0;
}

GASCARD_API WriteNewCard(int com, int baud, char *kmm, int klx, int kzt, char *kh, char *dqdm,
                         char *yhh, char *tm, int ql, int cs, int ljgql, int bkcs, int ljyql,
                         int bjql, int czsx, int tzed, char *sqrq, int oldprice, int newprice,
                         char *sxrq, char *sxbj)
{
    (void)baud;
    mode(com, kmm);
    if (card.kzt != -1)
        return -15; /* not a new card: format it first */
    card.klx = klx, card.kzt = kzt, card.ql = ql, card.cs = cs, card.ljgql = ljgql;
    card.bkcs = bkcs, card.ljyql = ljyql, card.bjql = bjql, card.czsx = czsx, card.tzed = tzed;
    card.oldprice = oldprice, card.newprice = newprice;
    copy(card.kh, kh), copy(card.dqdm, dqdm), copy(card.yhh, yhh), copy(card.tm, tm);
    copy(card.sqrq, sqrq), copy(card.sxrq, sxrq), copy(card.sxbj, sxbj);
    new_seed(kmm);
    return 0;
}

#if defined(GASCARD_YHH_IN_WRITE)
#define YHH_PARAM char *yhh,
#define STORE_YHH copy(card.yhh, yhh)
#else
#define YHH_PARAM
#define STORE_YHH (void)0
#endif
#if defined(GASCARD_PRICE_BY_PTR)
#define PRICE int *
#define PRICE_VALUE(p) (*(p))
#else
#define PRICE int
#define PRICE_VALUE(p) (p)
#endif

GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, YHH_PARAM int ql,
                         int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         PRICE oldprice, PRICE newprice, char *sxrq, char *sxbj)
{
    (void)baud;
    mode(com, kmm);
    if (strcmp(kmm, card.kmm) != 0)
        return -9;
    if (strcmp(kh, card.kh) != 0 || strcmp(dqdm, card.dqdm) != 0)
        return -16;
    STORE_YHH;
    card.klx = klx, card.ql = ql, card.cs = cs, card.ljgql = ljgql, card.bjql = bjql;
    card.czsx = czsx, card.tzed = tzed;
    card.oldprice = PRICE_VALUE(oldprice), card.newprice = PRICE_VALUE(newprice);
    copy(card.sqrq, sqrq), copy(card.sxrq, sxrq), copy(card.sxbj, sxbj);
    new_seed(kmm);
    return 0;
}

GASCARD_API FormatGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm)
{
    (void)baud;
    mode(com, kmm);
    if (strcmp(kmm, card.kmm) != 0)
        return -9;
    if (strcmp(kh, card.kh) != 0 || strcmp(dqdm, card.dqdm) != 0)
        return -16;
    memset(&card, 0, sizeof card);
    strcpy(card.kmm, "K0");
    card.klx = klx, card.kzt = -1; /* a new card of this maker */
    return 0;
}
