/*
 * The common gas-card interface (天然气销售系统 IC卡接口规范 V1.0, May 2012) as GasDesk calls it.
 *
 * Every maker's library exports these five functions; 0 is success, a negative value an error
 * (see app/devices/makers/codes.py for the table). Outputs a card type does not have come back
 * as "" (text) or -1 (number); inputs a maker does not need are ignored.
 *
 * Calling convention: __stdcall on 32-bit Windows (the makers' DLLs), the platform's default
 * elsewhere (the maker double compiled by gcc on Linux).
 *
 * Units: ql (gas on the card) in whole m³; ljyql (meter cumulative use) and syql (meter
 * remaining gas) in 0.01 m³; prices in fen per m³ (unit price × 100); dates "YYYYMMDD".
 *
 * Text buffers: every char* that a function may write (all outputs of ReadGasCard, and kmm of
 * WriteNewCard/WriteGasCard, which some makers replace with a new key seed after a write) is a
 * buffer of GASCARD_TEXT bytes, NUL-terminated, GBK/ASCII.
 *
 * Known header variants (a maker's config says which it has):
 *   GASCARD_YHH_IN_WRITE   WriteGasCard takes `char *yhh` right after dqdm;
 *   GASCARD_PRICE_BY_PTR   WriteGasCard takes oldprice/newprice as `int *` instead of `int`.
 */
#ifndef GASDESK_GASCARD_INTERFACE_H
#define GASDESK_GASCARD_INTERFACE_H

#define GASCARD_TEXT 64

#if defined(_WIN32)
#define GASCARD_API __declspec(dllexport) int __stdcall
#else
#define GASCARD_API __attribute__((visibility("default"))) int
#endif

/* 0: this maker's account-opening, user or new card; 1: this maker's tool card; other: not its
 * card (-4 no card, -14 another system's card). Never presents a password. */
GASCARD_API CheckGasCard(int com, int baud);

/* A tool card: -8 (not a user card). The interface has no function that makes a tool card and
 * no field for its kind; GasDesk's convention (the maker double; a maker's library may differ,
 * then its tool cards read as "other"): the outputs are filled anyway, kzt = the tool kind
 * (2 clear, 3 set-up, 4 check, 5 transfer, 6 valve open, 7 valve close), tm the meter, and
 * syql/ljyql/cs what the meter wrote onto it (-1 until a meter took it). */
GASCARD_API ReadGasCard(int com, int baud, char *kmm, int *klx, int *kzt, char *kh, char *dqdm,
                        char *yhh, char *tm, int *ql, int *cs, int *ljgql, int *bkcs, int *ljyql,
                        int *syql, int *bjql, int *czsx, int *tzed, char *sqrq, int *oldprice,
                        int *newprice, char *sxrq, char *sxbj);

GASCARD_API WriteNewCard(int com, int baud, char *kmm, int klx, int kzt, char *kh, char *dqdm,
                         char *yhh, char *tm, int ql, int cs, int ljgql, int bkcs, int ljyql,
                         int bjql, int czsx, int tzed, char *sqrq, int oldprice, int newprice,
                         char *sxrq, char *sxbj);

#if defined(GASCARD_YHH_IN_WRITE) && defined(GASCARD_PRICE_BY_PTR)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, char *yhh,
                         int ql, int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int *oldprice, int *newprice, char *sxrq, char *sxbj);
#elif defined(GASCARD_YHH_IN_WRITE)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, char *yhh,
                         int ql, int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int oldprice, int newprice, char *sxrq, char *sxbj);
#elif defined(GASCARD_PRICE_BY_PTR)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, int ql,
                         int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int *oldprice, int *newprice, char *sxrq, char *sxbj);
#else
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, int ql,
                         int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int oldprice, int newprice, char *sxrq, char *sxbj);
#endif

GASCARD_API FormatGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm);

#endif
