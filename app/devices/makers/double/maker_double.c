/*
 * The maker double: a maker's card library (the 2012 common interface, ../interface.h) over a
 * card kept in a file, for training mode and the tests. Built by app/devices/makers/double.py.
 *
 * Compile-time options (-D):
 *   MAKER_CODE="A"          the maker's mark this library recognises (required);
 *   GASCARD_YHH_IN_WRITE    WriteGasCard takes yhh after dqdm (written onto the card);
 *   GASCARD_PRICE_BY_PTR    WriteGasCard takes the prices as int * (NULL: price kept);
 *   NEW_KEY_EACH_WRITE      after a successful WriteNewCard/WriteGasCard the card's key becomes
 *                           a new seed derived from the old key and the card's write count,
 *                           copied into the kmm buffer (GASCARD_TEXT bytes): the host must
 *                           present it next time. FormatGasCard puts the factory seed back (a
 *                           new card's key is the maker's factory seed in every variant) and
 *                           never writes kmm: the header does not make its kmm a buffer.
 *
 * The slot: directory $GASDESK_MAKER_DOUBLE_DIR (default /tmp/gasdesk-maker-double), read at
 * every call. The card in the reader on port `com` is <dir>/com<com>.card; absent or empty: no
 * card (-4). One key=value per line: maker, state (new | opening | user | tool), tool, key (the
 * card's current key), factory_key (the seed Format restores), the interface's fields (klx kh
 * dqdm yhh tm ql cs ljgql bkcs ljyql syql bjql czsx tzed sqrq oldprice newprice sxrq sxbj; -1 or
 * empty when the card has none), psc_attempts, psc_failures, writes (successful writes). A file
 * without a known maker and state is a blank card (-14); a number that does not parse is a
 * damaged card (-6). The card is rewritten whole (temp file, fsync, rename): a crash leaves
 * the old card or the new one. Unknown keys are not kept.
 *
 * A tool card (state=tool): CheckGasCard answers 1; ReadGasCard answers -8 (not a user card)
 * and still fills every output the card holds, with kzt the tool kind (tool=clear 2, setup 3,
 * check 4, transfer 5, valve_open 6, valve_close 7, else -1) and tm, syql, ljyql, cs what its
 * meter wrote; writes and formats refuse it (-8 / -16). The library cannot make one (the 2012
 * interface has no function for it): a trainer or a test puts it in the slot.
 *
 * Rules beyond the header: com outside 1..255 or baud outside 1200..115200 -> -2; a text input
 * longer than GASCARD_TEXT-1 bytes or holding CR/LF -> -10; ql outside 0..99999 (the card's
 * capacity) -> -18; refund (WriteGasCard ql 0) on a card holding no gas -> -128. Refusals that
 * need no password (-13 -15 -16 -18 -128 ...) are decided before one is presented; a presented
 * password counts in the card's psc_attempts (psc_failures when wrong) and in the stats.
 *
 * Stats: <dir>/stats (key=value): one line per function name, `calls` (total), `psc_presented`,
 * `psc_failures`. Written at the start of every call, so a call that then hangs or crashes counts.
 *
 * Fault switch: <dir>/control (key=value), read at every call when present:
 *   fail_at=N [fail_code=C]   the Nth call returns C (default -10) without touching the card;
 *   hang_at=N [hang_after_write=1]    the Nth call sleeps forever (after its work: card written);
 *   crash_at=N [crash_after_write=1]  the Nth call calls abort() (likewise).
 * Counting: the library keeps `calls_seen` in the control file itself; every call adds 1 and
 * rewrites the file before anything else happens, and the call whose new calls_seen equals N
 * takes the fault. Writing the file anew (without calls_seen, or calls_seen=0) restarts the
 * count, so "the Nth call" counts from when the file was written; deleting it clears faults.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(_WIN32)
#include <direct.h>
#include <io.h>
#include <process.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "../interface.h"

#ifndef MAKER_CODE
#error "compile with -DMAKER_CODE='\"A\"' (the maker's mark this library recognises)"
#endif

#define T GASCARD_TEXT
#define DEFAULT_DIR "/tmp/gasdesk-maker-double"
#define CARD_CAPACITY 99999
#define RC_NO_GAS_TO_REFUND (-128)
#define MAX_FILE 16384
#define MAX_ENTRIES 64

/* ---- key=value files ------------------------------------------------------------------- */

typedef struct {
    char key[T];
    char value[256];
} Entry;

typedef struct {
    int count;
    Entry entries[MAX_ENTRIES];
} KeyValues;

static void copy_text(char *dst, size_t size, const char *src) {
    size_t n = strlen(src ? src : "");
    if (n >= size) n = size - 1;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

static const char *slot_dir(void) {
    const char *dir = getenv("GASDESK_MAKER_DOUBLE_DIR");
    return (dir && *dir) ? dir : DEFAULT_DIR;
}

static int slot_path(char *out, size_t size, const char *name) {
    int n = snprintf(out, size, "%s/%s", slot_dir(), name);
    return n > 0 && (size_t)n < size;
}

/* Reads a whole file: 1 read, 0 absent, -1 unreadable or too large. */
static int read_file(const char *path, char *buf, size_t size, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? 0 : -1;
    *len = fread(buf, 1, size - 1, f);
    int err = ferror(f);
    int more = fgetc(f) != EOF;
    fclose(f);
    buf[*len] = '\0';
    return (err || more) ? -1 : 1;
}

/* Splits buf (modified) into key=value entries; CR before LF is dropped. Returns 0 when a
 * line is not key=value or the file has too many lines. */
static int parse_entries(char *buf, size_t len, KeyValues *kv) {
    kv->count = 0;
    char *line = buf;
    char *end = buf + len;
    int ok = 1;
    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *stop = nl ? nl : end;
        if (stop > line && stop[-1] == '\r') stop[-1] = '\0';
        *stop = '\0';
        if (*line) {
            char *eq = strchr(line, '=');
            if (!eq || eq == line || kv->count >= MAX_ENTRIES || (size_t)(eq - line) >= T) {
                ok = 0;
            } else {
                *eq = '\0';
                Entry *e = &kv->entries[kv->count++];
                copy_text(e->key, sizeof e->key, line);
                copy_text(e->value, sizeof e->value, eq + 1);
            }
        }
        line = stop + 1;
    }
    return ok;
}

static const char *kv_get(const KeyValues *kv, const char *key) {
    for (int i = 0; i < kv->count; i++)
        if (strcmp(kv->entries[i].key, key) == 0) return kv->entries[i].value;
    return NULL;
}

static void kv_set(KeyValues *kv, const char *key, const char *value) {
    for (int i = 0; i < kv->count; i++) {
        if (strcmp(kv->entries[i].key, key) == 0) {
            copy_text(kv->entries[i].value, sizeof kv->entries[i].value, value);
            return;
        }
    }
    if (kv->count < MAX_ENTRIES) {
        Entry *e = &kv->entries[kv->count++];
        copy_text(e->key, sizeof e->key, key);
        copy_text(e->value, sizeof e->value, value);
    }
}

static int parse_int(const char *text, int *out) {
    if (!text || !*text) return 0;
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v < -2147483647L - 1 || v > 2147483647L) return 0;
    *out = (int)v;
    return 1;
}

static int kv_int(const KeyValues *kv, const char *key, int fallback) {
    int v;
    return parse_int(kv_get(kv, key), &v) ? v : fallback;
}

static void ensure_dir(void) {
#if defined(_WIN32)
    _mkdir(slot_dir());
#else
    mkdir(slot_dir(), 0777);
#endif
}

/* Writes text to path through a temp file and a rename: readers see the old or the new file. */
static int write_atomic(const char *path, const char *text, size_t len, int durable) {
    char tmp[1024];
#if defined(_WIN32)
    int pid = _getpid();
#else
    int pid = (int)getpid();
#endif
    int n = snprintf(tmp, sizeof tmp, "%s.tmp%d", path, pid);
    if (n < 0 || (size_t)n >= sizeof tmp) return 0;
    FILE *f = fopen(tmp, "wb");
    if (!f) return 0;
    int ok = fwrite(text, 1, len, f) == len && fflush(f) == 0;
    if (ok && durable) {
#if defined(_WIN32)
        ok = _commit(_fileno(f)) == 0;
#else
        ok = fsync(fileno(f)) == 0;
#endif
    }
    ok = fclose(f) == 0 && ok;
#if defined(_WIN32)
    ok = ok && MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
#else
    ok = ok && rename(tmp, path) == 0;
#endif
    if (!ok) remove(tmp);
    return ok;
}

static int kv_write(const char *path, const KeyValues *kv, int durable) {
    char out[MAX_FILE];
    size_t len = 0;
    for (int i = 0; i < kv->count; i++) {
        int n = snprintf(out + len, sizeof out - len, "%s=%s\n", kv->entries[i].key,
                         kv->entries[i].value);
        if (n < 0 || (size_t)n >= sizeof out - len) return 0;
        len += (size_t)n;
    }
    return write_atomic(path, out, len, durable);
}

/* Reads path as key=value; an absent or unparsable file reads as empty. Returns 1 if present. */
static int kv_read(const char *path, KeyValues *kv) {
    char buf[MAX_FILE];
    size_t len = 0;
    kv->count = 0;
    if (read_file(path, buf, sizeof buf, &len) != 1) return 0;
    parse_entries(buf, len, kv);
    return 1;
}

/* ---- stats and the fault switch --------------------------------------------------------- */

static void stats_add(const char *name, const char *name2, int delta) {
    char path[1024];
    KeyValues kv;
    char text[32];
    if (!slot_path(path, sizeof path, "stats")) return;
    ensure_dir();
    kv_read(path, &kv);
    snprintf(text, sizeof text, "%d", kv_int(&kv, name, 0) + delta);
    kv_set(&kv, name, text);
    if (name2) {
        snprintf(text, sizeof text, "%d", kv_int(&kv, name2, 0) + delta);
        kv_set(&kv, name2, text);
    }
    kv_write(path, &kv, 0);
}

typedef struct {
    int fail, fail_code, hang_before, hang_after, crash_before, crash_after;
} Fault;

static void hang(void) {
    for (;;) {
#if defined(_WIN32)
        Sleep(INFINITE);
#else
        sleep(3600);
#endif
    }
}

/* Counts the call (stats, control's calls_seen) and says which fault it takes. */
static Fault begin_call(const char *function) {
    Fault f = {0, -10, 0, 0, 0, 0};
    char path[1024];
    KeyValues kv;
    stats_add(function, "calls", 1);
    if (!slot_path(path, sizeof path, "control") || !kv_read(path, &kv)) return f;
    int seen = kv_int(&kv, "calls_seen", 0) + 1;
    char text[32];
    snprintf(text, sizeof text, "%d", seen);
    kv_set(&kv, "calls_seen", text);
    kv_write(path, &kv, 0);
    if (kv_int(&kv, "fail_at", 0) == seen) {
        f.fail = 1;
        f.fail_code = kv_int(&kv, "fail_code", -10);
    }
    if (kv_int(&kv, "hang_at", 0) == seen) {
        if (kv_int(&kv, "hang_after_write", 0)) f.hang_after = 1;
        else f.hang_before = 1;
    }
    if (kv_int(&kv, "crash_at", 0) == seen) {
        if (kv_int(&kv, "crash_after_write", 0)) f.crash_after = 1;
        else f.crash_before = 1;
    }
    return f;
}

#define BEGIN(name)                           \
    Fault fault_ = begin_call(name);          \
    if (fault_.crash_before) abort();         \
    if (fault_.hang_before) hang();           \
    if (fault_.fail) return fault_.fail_code;

#define FINISH(rc)                    \
    do {                              \
        int rc_ = (rc);               \
        if (fault_.crash_after) abort(); \
        if (fault_.hang_after) hang();   \
        return rc_;                   \
    } while (0)

/* ---- the card ---------------------------------------------------------------------------- */

typedef struct {
    char maker[T], state[T], tool[T], key[T], factory_key[T];
    int klx;
    char kh[T], dqdm[T], yhh[T], tm[T];
    int ql, cs, ljgql, bkcs, ljyql, syql, bjql, czsx, tzed;
    char sqrq[T];
    int oldprice, newprice;
    char sxrq[T], sxbj[T];
    int psc_attempts, psc_failures, writes;
} Card;

typedef struct {
    const char *name;
    int is_text;
    size_t offset;
} Field;

#define TXT(f) {#f, 1, offsetof(Card, f)}
#define NUM(f) {#f, 0, offsetof(Card, f)}
static const Field FIELDS[] = {
    TXT(maker), TXT(state),    TXT(tool),     TXT(key),      TXT(factory_key), NUM(klx),
    TXT(kh),    TXT(dqdm),     TXT(yhh),      TXT(tm),       NUM(ql),          NUM(cs),
    NUM(ljgql), NUM(bkcs),     NUM(ljyql),    NUM(syql),     NUM(bjql),        NUM(czsx),
    NUM(tzed),  TXT(sqrq),     NUM(oldprice), NUM(newprice), TXT(sxrq),        TXT(sxbj),
    NUM(psc_attempts), NUM(psc_failures), NUM(writes),
};
#define FIELD_COUNT (sizeof FIELDS / sizeof FIELDS[0])

static char *text_of(Card *c, const Field *f) { return (char *)c + f->offset; }
static int *number_of(Card *c, const Field *f) { return (int *)((char *)c + f->offset); }

/* The interface's fields as a formatted new card has them: "" and -1. */
static void clear_fields(Card *c) {
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        const Field *f = &FIELDS[i];
        const char *n = f->name;
        if (!strcmp(n, "maker") || !strcmp(n, "key") || !strcmp(n, "factory_key") ||
            !strcmp(n, "psc_attempts") || !strcmp(n, "psc_failures") || !strcmp(n, "writes"))
            continue;
        if (f->is_text) text_of(c, f)[0] = '\0';
        else *number_of(c, f) = -1;
    }
}

static int known_state(const char *s) {
    return !strcmp(s, "new") || !strcmp(s, "opening") || !strcmp(s, "user") || !strcmp(s, "tool");
}

static int card_path(char *out, size_t size, int com) {
    char name[32];
    snprintf(name, sizeof name, "com%d.card", com);
    return slot_path(out, size, name);
}

/* Opens the card in the reader on com: 0, or -2 bad port, -4 no card, -7 unreadable, -14 a
 * blank or another maker's card, -6 (only when fields matter) a field that does not parse. */
static int open_card(int com, int baud, Card *c, char *path, size_t path_size, int fields) {
    char buf[MAX_FILE];
    size_t len = 0;
    KeyValues kv;
    if (com < 1 || com > 255 || baud < 1200 || baud > 115200) return -2;
    if (!card_path(path, path_size, com)) return -2;
    int got = read_file(path, buf, sizeof buf, &len);
    if (got == 0 || (got == 1 && len == 0)) return -4;
    if (got < 0) return -7;
    int well_formed = parse_entries(buf, len, &kv);
    memset(c, 0, sizeof *c);
    clear_fields(c);
    int damaged = !well_formed;
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        const Field *f = &FIELDS[i];
        const char *value = kv_get(&kv, f->name);
        if (!value) continue;
        if (f->is_text) {
            if (strlen(value) >= T) damaged = 1;
            copy_text(text_of(c, f), T, value);
        } else if (*value && !parse_int(value, number_of(c, f))) {
            damaged = 1;
        }
    }
    if (!c->maker[0] || !known_state(c->state)) return -14;
    if (strcmp(c->maker, MAKER_CODE) != 0) return -14;
    if (fields && damaged) return -6;
    return 0;
}

static int save_card(const char *path, Card *c) {
    KeyValues kv;
    kv.count = 0;
    char number[32];
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        const Field *f = &FIELDS[i];
        if (f->is_text) {
            kv_set(&kv, f->name, text_of(c, f));
        } else {
            snprintf(number, sizeof number, "%d", *number_of(c, f));
            kv_set(&kv, f->name, number);
        }
    }
    return kv_write(path, &kv, 1);
}

/* Presents kmm as the card's password; a wrong one is counted on the card at once. */
static int present_password(const char *path, Card *c, const char *kmm) {
    c->psc_attempts++;
    stats_add("psc_presented", NULL, 1);
    if (strcmp(kmm ? kmm : "", c->key) == 0) return 0;
    c->psc_failures++;
    stats_add("psc_failures", NULL, 1);
    save_card(path, c);
    return -9;
}

static unsigned long long fnv1a(const char *s, unsigned long long h) {
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* A successful write: count it and, in the new-key variant, hand the host the next seed. */
static void after_write(Card *c, char *kmm) {
    c->writes++;
#ifdef NEW_KEY_EACH_WRITE
    char count[32];
    snprintf(count, sizeof count, "#%d", c->writes);
    unsigned long long h = fnv1a(count, fnv1a(c->key, 14695981039346656037ULL));
    snprintf(c->key, sizeof c->key, "S%016llX", h);
    if (kmm) copy_text(kmm, T, c->key);
#else
    (void)kmm;
    (void)fnv1a;
#endif
}

static int text_ok(const char *s) {
    return !s || (strlen(s) < T && !strchr(s, '\n') && !strchr(s, '\r'));
}

static int same_text(const char *input, const char *stored) {
    return strcmp(input ? input : "", stored) == 0;
}

static void put_text(char *dst, const char *src) { copy_text(dst, T, src ? src : ""); }

static void out_text(char *dst, const char *src) {
    if (dst) copy_text(dst, T, src);
}

static void out_number(int *dst, int value) {
    if (dst) *dst = value;
}

/* A tool card's kind as ReadGasCard tells it in kzt (GasDesk's convention, ../interface.h). */
static int tool_code(const char *tool) {
    static const char *const KINDS[] = {"clear", "setup", "check", "transfer", "valve_open",
                                        "valve_close"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(tool, KINDS[i])) return i + 2;
    return -1;
}

/* ---- the five functions ------------------------------------------------------------------ */

GASCARD_API CheckGasCard(int com, int baud) {
    BEGIN("CheckGasCard");
    Card c;
    char path[1024];
    int rc = open_card(com, baud, &c, path, sizeof path, 0);
    if (rc == 0) rc = strcmp(c.state, "tool") == 0 ? 1 : 0;
    FINISH(rc);
}

GASCARD_API ReadGasCard(int com, int baud, char *kmm, int *klx, int *kzt, char *kh, char *dqdm,
                        char *yhh, char *tm, int *ql, int *cs, int *ljgql, int *bkcs, int *ljyql,
                        int *syql, int *bjql, int *czsx, int *tzed, char *sqrq, int *oldprice,
                        int *newprice, char *sxrq, char *sxbj) {
    BEGIN("ReadGasCard");
    (void)kmm; /* reading a memory card needs no password: none is presented */
    Card c;
    char path[1024];
    int rc = open_card(com, baud, &c, path, sizeof path, 1);
    int tool = rc == 0 && strcmp(c.state, "tool") == 0;
    if (rc == 0 || tool) {
        int state = !strcmp(c.state, "opening") ? 0 : !strcmp(c.state, "user") ? 1 : -1;
        if (tool) state = tool_code(c.tool);
        out_number(klx, c.klx);
        out_number(kzt, state);
        out_text(kh, c.kh);
        out_text(dqdm, c.dqdm);
        out_text(yhh, c.yhh);
        out_text(tm, c.tm);
        out_number(ql, c.ql);
        out_number(cs, c.cs);
        out_number(ljgql, c.ljgql);
        out_number(bkcs, c.bkcs);
        out_number(ljyql, c.ljyql);
        out_number(syql, c.syql);
        out_number(bjql, c.bjql);
        out_number(czsx, c.czsx);
        out_number(tzed, c.tzed);
        out_text(sqrq, c.sqrq);
        out_number(oldprice, c.oldprice);
        out_number(newprice, c.newprice);
        out_text(sxrq, c.sxrq);
        out_text(sxbj, c.sxbj);
    }
    FINISH(tool ? -8 : rc);
}

static int write_new(int com, int baud, char *kmm, int klx, int kzt, char *kh, char *dqdm,
                     char *yhh, char *tm, int ql, int cs, int ljgql, int bkcs, int ljyql,
                     int bjql, int czsx, int tzed, char *sqrq, int oldprice, int newprice,
                     char *sxrq, char *sxbj) {
    Card c;
    char path[1024];
    int rc = open_card(com, baud, &c, path, sizeof path, 1);
    if (rc) return rc;
    if (strcmp(c.state, "new") != 0) return -15;
    if ((kzt != 0 && kzt != 1) || !text_ok(kh) || !text_ok(dqdm) || !text_ok(yhh) ||
        !text_ok(tm) || !text_ok(sqrq) || !text_ok(sxrq) || !text_ok(sxbj))
        return -10;
    if (ql < 0 || ql > CARD_CAPACITY) return -18;
    rc = present_password(path, &c, kmm);
    if (rc) return rc;
    copy_text(c.state, T, kzt == 0 ? "opening" : "user");
    c.klx = klx;
    put_text(c.kh, kh);
    put_text(c.dqdm, dqdm);
    put_text(c.yhh, yhh);
    put_text(c.tm, tm);
    c.ql = ql;
    c.cs = cs;
    c.ljgql = ljgql;
    c.bkcs = bkcs;
    c.ljyql = ljyql;
    c.syql = -1; /* the meter writes it back */
    c.bjql = bjql;
    c.czsx = czsx;
    c.tzed = tzed;
    put_text(c.sqrq, sqrq);
    c.oldprice = oldprice;
    c.newprice = newprice;
    put_text(c.sxrq, sxrq);
    put_text(c.sxbj, sxbj);
    after_write(&c, kmm);
    return save_card(path, &c) ? 0 : -10;
}

GASCARD_API WriteNewCard(int com, int baud, char *kmm, int klx, int kzt, char *kh, char *dqdm,
                         char *yhh, char *tm, int ql, int cs, int ljgql, int bkcs, int ljyql,
                         int bjql, int czsx, int tzed, char *sqrq, int oldprice, int newprice,
                         char *sxrq, char *sxbj) {
    BEGIN("WriteNewCard");
    FINISH(write_new(com, baud, kmm, klx, kzt, kh, dqdm, yhh, tm, ql, cs, ljgql, bkcs, ljyql,
                     bjql, czsx, tzed, sqrq, oldprice, newprice, sxrq, sxbj));
}

/* yhh NULL when the header variant has none; a NULL price pointer keeps the card's price. */
static int write_gas(int com, int baud, char *kmm, char *kh, char *dqdm, int has_yhh, char *yhh,
                     int ql, int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                     const int *oldprice, const int *newprice, char *sxrq, char *sxbj) {
    Card c;
    char path[1024];
    int rc = open_card(com, baud, &c, path, sizeof path, 1);
    if (rc) return rc;
    if (strcmp(c.state, "new") == 0) return -13;
    if (strcmp(c.state, "tool") == 0) return -8;
    if (!same_text(kh, c.kh) || !same_text(dqdm, c.dqdm)) return -16;
    if (!text_ok(yhh) || !text_ok(sqrq) || !text_ok(sxrq) || !text_ok(sxbj)) return -10;
    if (ql < 0 || ql > CARD_CAPACITY) return -18;
    if (ql == 0 && c.ql <= 0) return RC_NO_GAS_TO_REFUND;
    rc = present_password(path, &c, kmm);
    if (rc) return rc;
    /* ql and cs exactly as passed: the count rule is the meter's, not the library's */
    c.ql = ql;
    c.cs = cs;
    c.ljgql = ljgql;
    c.bjql = bjql;
    c.czsx = czsx;
    c.tzed = tzed;
    put_text(c.sqrq, sqrq);
    if (oldprice) c.oldprice = *oldprice;
    if (newprice) c.newprice = *newprice;
    put_text(c.sxrq, sxrq);
    put_text(c.sxbj, sxbj);
    if (has_yhh) put_text(c.yhh, yhh);
    after_write(&c, kmm);
    return save_card(path, &c) ? 0 : -10;
}

#if defined(GASCARD_YHH_IN_WRITE) && defined(GASCARD_PRICE_BY_PTR)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, char *yhh,
                         int ql, int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int *oldprice, int *newprice, char *sxrq, char *sxbj) {
    BEGIN("WriteGasCard");
    (void)klx;
    FINISH(write_gas(com, baud, kmm, kh, dqdm, 1, yhh, ql, cs, ljgql, bjql, czsx, tzed, sqrq,
                     oldprice, newprice, sxrq, sxbj));
}
#elif defined(GASCARD_YHH_IN_WRITE)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, char *yhh,
                         int ql, int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int oldprice, int newprice, char *sxrq, char *sxbj) {
    BEGIN("WriteGasCard");
    (void)klx;
    FINISH(write_gas(com, baud, kmm, kh, dqdm, 1, yhh, ql, cs, ljgql, bjql, czsx, tzed, sqrq,
                     &oldprice, &newprice, sxrq, sxbj));
}
#elif defined(GASCARD_PRICE_BY_PTR)
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, int ql,
                         int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int *oldprice, int *newprice, char *sxrq, char *sxbj) {
    BEGIN("WriteGasCard");
    (void)klx;
    FINISH(write_gas(com, baud, kmm, kh, dqdm, 0, NULL, ql, cs, ljgql, bjql, czsx, tzed, sqrq,
                     oldprice, newprice, sxrq, sxbj));
}
#else
GASCARD_API WriteGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm, int ql,
                         int cs, int ljgql, int bjql, int czsx, int tzed, char *sqrq,
                         int oldprice, int newprice, char *sxrq, char *sxbj) {
    BEGIN("WriteGasCard");
    (void)klx;
    FINISH(write_gas(com, baud, kmm, kh, dqdm, 0, NULL, ql, cs, ljgql, bjql, czsx, tzed, sqrq,
                     &oldprice, &newprice, sxrq, sxbj));
}
#endif

static int format_card(int com, int baud, char *kmm, char *kh, char *dqdm) {
    Card c;
    char path[1024];
    int rc = open_card(com, baud, &c, path, sizeof path, 1);
    if (rc) return rc;
    if (strcmp(c.state, "new") == 0) return -13;
    if (!same_text(kh, c.kh) || !same_text(dqdm, c.dqdm)) return -16;
    rc = present_password(path, &c, kmm);
    if (rc) return rc;
    clear_fields(&c);
    copy_text(c.state, T, "new");
    if (c.factory_key[0]) copy_text(c.key, T, c.factory_key);
    c.writes++;
    return save_card(path, &c) ? 0 : -17;
}

GASCARD_API FormatGasCard(int com, int baud, char *kmm, int klx, char *kh, char *dqdm) {
    BEGIN("FormatGasCard");
    (void)klx;
    FINISH(format_card(com, baud, kmm, kh, dqdm));
}
