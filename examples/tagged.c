/*
 * tagged: guests for the tagged-argument convention of Runno PR #335, byte-exact
 * to docs/tagged-convention.md (packed, 1-byte tags, start offset 8,
 * 0xFF terminator). Every tagged export has the wasm signature () -> i32: it reads
 * its arguments from the region, returns an error code, and on success (0) has
 * overwritten the region with its results in the same format.
 *
 * The region this guest trusts is [8, 1024): the link uses --global-base=1024,
 * so static data (and, above it, the stack) starts at 1024. Arguments must end
 * (0xFF included) before 1024 and results must fit there too. Results are built
 * in a scratch buffer above 1024 and copied into the region only on success, so
 * a failed call leaves the arguments untouched.
 *
 * Error codes: 0 ok, 2 type mismatch (wrong tag or wrong number of arguments),
 * 3 malformed arguments (no 0xFF before 1024, or a length running past 1024),
 * 4 results do not fit before 1024, 5 unknown tag. The PR's author used 1 for
 * "unhandled"; this guest never returns it. Scanning stops at the first problem
 * in list order, so an unknown tag after a malformed one yields 3, not 5.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

enum {
    REGION_START = 8,
    REGION_END = 1024, /* Equal to the linker's --global-base. */
    REGION_SIZE = REGION_END - REGION_START,
};

enum {
    TAG_INT32 = 0x01,
    TAG_UINT32 = 0x02,
    TAG_STRING = 0x03,
    TAG_INT32_ARRAY = 0x04,
    TAG_UINT32_ARRAY = 0x05,
    TAG_END = 0xFF,
};

enum {
    OK = 0,
    ERR_TYPE = 2,
    ERR_MALFORMED = 3,
    ERR_NO_ROOM = 4,
    ERR_UNKNOWN_TAG = 5,
};

/* One parsed argument. Addresses are wasm addresses inside the region. */
typedef struct {
    uint8_t tag;
    uint32_t count;   /* Int32/Uint32: the value; string: bytes; arrays: elements. */
    uint32_t payload; /* Address of the first string byte or array element. */
} Value;

/* The smallest value takes 5 bytes, so at most 203 fit in the region. */
#define MAX_VALUES (REGION_SIZE / 5 + 1)

static Value values[MAX_VALUES];
static size_t value_count;

static uint8_t out[REGION_SIZE];
static size_t out_len;
static int out_full;

static uint8_t *at(uint32_t addr) {
    return (uint8_t *)(uintptr_t)addr;
}

static uint32_t load_u32(uint32_t addr) {
    uint32_t v;
    memcpy(&v, at(addr), 4);
    return v;
}

/* Reads the argument list at REGION_START into values[]. */
static int parse(void) {
    uint32_t pos = REGION_START;
    value_count = 0;
    for (;;) {
        if (pos >= REGION_END) return ERR_MALFORMED;
        uint8_t tag = *at(pos);
        if (tag == TAG_END) return OK;
        if (tag < TAG_INT32 || tag > TAG_UINT32_ARRAY) return ERR_UNKNOWN_TAG;
        if (REGION_END - pos < 5) return ERR_MALFORMED;
        uint32_t n = load_u32(pos + 1);
        uint64_t size = 0;
        if (tag == TAG_STRING) size = n;
        if (tag == TAG_INT32_ARRAY || tag == TAG_UINT32_ARRAY) size = 4 * (uint64_t)n;
        if (size > REGION_END - pos - 5) return ERR_MALFORMED;
        values[value_count].tag = tag;
        values[value_count].count = n;
        values[value_count].payload = pos + 5;
        value_count++;
        pos += 5 + (uint32_t)size;
    }
}

/* Checks that the arguments have exactly the tags in want (n of them). */
static int expect(const uint8_t *want, size_t n) {
    if (value_count != n) return ERR_TYPE;
    for (size_t i = 0; i < n; i++) {
        if (values[i].tag != want[i]) return ERR_TYPE;
    }
    return OK;
}

static void out_reset(void) {
    out_len = 0;
    out_full = 0;
}

static void put_bytes(const void *p, size_t n) {
    /* One byte stays reserved for the terminator. */
    if (out_full || n > sizeof out - 1 - out_len) {
        out_full = 1;
        return;
    }
    memcpy(out + out_len, p, n);
    out_len += n;
}

static void put_u8(uint8_t b) {
    put_bytes(&b, 1);
}

static void put_u32(uint32_t v) {
    put_bytes(&v, 4);
}

static void put_tagged(uint8_t tag, uint32_t v) {
    put_u8(tag);
    put_u32(v);
}

/* Terminates the results and copies them to REGION_START. */
static int commit(void) {
    if (out_full) return ERR_NO_ROOM;
    out[out_len++] = TAG_END;
    memcpy(at(REGION_START), out, out_len);
    return OK;
}

/* The byte length of a UTF-8 sequence from its lead byte; 0 if not a lead byte. */
static uint32_t utf8_sequence_length(uint8_t lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 0;
}

/* Writes s reversed by code point; a byte that is not part of a well-formed
   sequence is moved as a unit of its own. */
static void put_reversed_utf8(const uint8_t *s, uint32_t n) {
    uint32_t end = n;
    while (end > 0) {
        uint32_t start = end - 1;
        while (start > 0 && end - start < 4 && (s[start] & 0xC0) == 0x80) start--;
        if (end - start > 1 && utf8_sequence_length(s[start]) != end - start) start = end - 1;
        put_bytes(s + start, end - start);
        end = start;
    }
}

static void put_text(const char *s) {
    put_bytes(s, strlen(s));
}

static void put_decimal(int64_t v) {
    char digits[24];
    size_t i = sizeof digits;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--i] = (char)('0' + m % 10);
        m /= 10;
    } while (m != 0);
    if (v < 0) digits[--i] = '-';
    put_bytes(digits + i, sizeof digits - i);
}

/*
 * test_memory(Int32 a, Uint32 b, string s, Int32Array xs, Uint32Array ys) returns
 * (Int32 a + b, Uint32 byte length of s, string s reversed by code point,
 *  Int32Array each x negated, Uint32Array each y doubled), all wrapping modulo 2^32.
 * The results have the same size as the arguments, so they overwrite them exactly.
 */
EXPORT("test_memory") int test_memory(void) {
    static const uint8_t want[] = {TAG_INT32, TAG_UINT32, TAG_STRING, TAG_INT32_ARRAY,
                                   TAG_UINT32_ARRAY};
    int err = parse();
    if (err == OK) err = expect(want, sizeof want);
    if (err != OK) return err;
    out_reset();
    put_tagged(TAG_INT32, values[0].count + values[1].count);
    put_tagged(TAG_UINT32, values[2].count);
    put_tagged(TAG_STRING, values[2].count);
    put_reversed_utf8(at(values[2].payload), values[2].count);
    put_tagged(TAG_INT32_ARRAY, values[3].count);
    for (uint32_t i = 0; i < values[3].count; i++) {
        put_u32(0u - load_u32(values[3].payload + 4 * i));
    }
    put_tagged(TAG_UINT32_ARRAY, values[4].count);
    for (uint32_t i = 0; i < values[4].count; i++) {
        put_u32(load_u32(values[4].payload + 4 * i) * 2u);
    }
    return commit();
}

/* echo(any values...) returns the same values: the region is left byte-for-byte
   as the host wrote it (a round-trip check for host encoders and decoders). */
EXPORT("echo") int echo(void) {
    return parse();
}

/* sum(Int32Array xs) returns Int32 the sum of xs, wrapping modulo 2^32 (0 if empty). */
EXPORT("sum") int sum(void) {
    static const uint8_t want[] = {TAG_INT32_ARRAY};
    int err = parse();
    if (err == OK) err = expect(want, sizeof want);
    if (err != OK) return err;
    uint32_t total = 0;
    for (uint32_t i = 0; i < values[0].count; i++) total += load_u32(values[0].payload + 4 * i);
    out_reset();
    put_tagged(TAG_INT32, total);
    return commit();
}

/* upper(string s) returns s with ASCII a-z upper-cased; other bytes are unchanged. */
EXPORT("upper") int upper(void) {
    static const uint8_t want[] = {TAG_STRING};
    int err = parse();
    if (err == OK) err = expect(want, sizeof want);
    if (err != OK) return err;
    const uint8_t *s = at(values[0].payload);
    out_reset();
    put_tagged(TAG_STRING, values[0].count);
    for (uint32_t i = 0; i < values[0].count; i++) {
        uint8_t c = s[i];
        put_u8(c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c);
    }
    return commit();
}

static void put_array(const char *name, const Value *v, int is_signed) {
    put_text(name);
    put_u8('(');
    put_decimal(v->count);
    put_text(") [");
    for (uint32_t i = 0; i < v->count; i++) {
        uint32_t x = load_u32(v->payload + 4 * i);
        if (i > 0) put_text(", ");
        put_decimal(is_signed ? (int64_t)(int32_t)x : (int64_t)x);
    }
    put_u8(']');
}

/*
 * describe(any values...) returns one string that describes them, joined by ", ":
 * Int32(-1), Uint32(1), string(7) "passing", Int32Array(3) [-1, -1, -1],
 * Uint32Array(3) [1, 1, 1]; "(no values)" for an empty list. String bytes are
 * copied as they are. Returns 4 when the description does not fit before 1024.
 */
EXPORT("describe") int describe(void) {
    int err = parse();
    if (err != OK) return err;
    out_reset();
    /* The string's length is patched in once the description is complete. */
    put_tagged(TAG_STRING, 0);
    if (value_count == 0) put_text("(no values)");
    for (size_t i = 0; i < value_count; i++) {
        const Value *v = &values[i];
        if (i > 0) put_text(", ");
        switch (v->tag) {
            case TAG_INT32:
                put_text("Int32(");
                put_decimal((int32_t)v->count);
                put_u8(')');
                break;
            case TAG_UINT32:
                put_text("Uint32(");
                put_decimal(v->count);
                put_u8(')');
                break;
            case TAG_STRING:
                put_text("string(");
                put_decimal(v->count);
                put_text(") \"");
                put_bytes(at(v->payload), v->count);
                put_u8('"');
                break;
            case TAG_INT32_ARRAY:
                put_array("Int32Array", v, 1);
                break;
            default:
                put_array("Uint32Array", v, 0);
                break;
        }
    }
    if (!out_full) {
        uint32_t n = (uint32_t)(out_len - 5);
        memcpy(out + 1, &n, 4);
    }
    return commit();
}

/* bad_result() ignores its arguments, writes Int32(42) followed by the unknown
   tag 0x09 (then 00 00 00 00 ff), and returns 0: the host's decoder must fail. */
EXPORT("bad_result") int bad_result(void) {
    static const uint8_t bytes[] = {0x01, 0x2a, 0x00, 0x00, 0x00, 0x09,
                                    0x00, 0x00, 0x00, 0x00, 0xff};
    memcpy(at(REGION_START), bytes, sizeof bytes);
    return OK;
}

/*
 * no_terminator() ignores its arguments and fills memory from 8 to its very end
 * with Int32 results 0, 1, 2, ... and no 0xFF; the last entry is cut short by
 * the end of memory. It returns 0. The guest keeps no state in memory between
 * calls, so it stays usable, but all of memory above 8 is overwritten.
 */
EXPORT("no_terminator") int no_terminator(void) {
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    uint32_t pos = REGION_START;
    uint32_t i = 0;
    while (end - pos >= 5) {
        *at(pos) = TAG_INT32;
        memcpy(at(pos + 1), &i, 4);
        pos += 5;
        i++;
    }
    if (pos < end) *at(pos++) = TAG_INT32;
    while (pos < end) *at(pos++) = 0;
    return OK;
}

/* overlong_string() writes a string tag whose length runs exactly one byte past
   the end of memory (payload at 13, length = memory size - 12), and returns 0. */
EXPORT("overlong_string") int overlong_string(void) {
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    uint32_t n = end - (REGION_START + 5) + 1;
    *at(REGION_START) = TAG_STRING;
    memcpy(at(REGION_START + 1), &n, 4);
    return OK;
}

/* wrapping_count() writes 04 00 00 00 40 ff: an Int32Array of 2^30 elements,
   whose byte size 2^32 wraps to 0 in u32 arithmetic. Returns 0. */
EXPORT("wrapping_count") int wrapping_count(void) {
    static const uint8_t bytes[] = {0x04, 0x00, 0x00, 0x00, 0x40, 0xff};
    memcpy(at(REGION_START), bytes, sizeof bytes);
    return OK;
}

/* void_export() takes and returns nothing (wasm type () -> ()): not a tagged
   export. The PR rejected every call of such an export; a host should not. */
EXPORT("void_export") void void_export(void) {
}
