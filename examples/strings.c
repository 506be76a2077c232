/*
 * strings: pointer-and-length and C-string exports for the "module allocator"
 * convention: the host calls the exported malloc (wasi-libc's dlmalloc), writes
 * its bytes there, passes (ptr, len), and frees with the exported free.
 * Nothing here checks pointers: a bad one reads whatever is there or traps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* The number of ASCII vowels (a, e, i, o, u in either case) in s[0..len). */
EXPORT("count_vowels") size_t count_vowels(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
            case 'a': case 'e': case 'i': case 'o': case 'u':
            case 'A': case 'E': case 'I': case 'O': case 'U':
                n++;
                break;
            default:
                break;
        }
    }
    return n;
}

/* Upper-cases ASCII a-z in s[0..len) in place; returns nothing. */
EXPORT("to_upper") void to_upper(char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 'a' && s[i] <= 'z') s[i] = (char)(s[i] - 'a' + 'A');
    }
}

/* The length of the NUL-terminated string at s (the NUL not counted). */
EXPORT("c_strlen") size_t c_strlen(const char *s) {
    return strlen(s);
}

/* The sum of n u32 values at p (4-byte aligned), wrapping modulo 2^32. */
EXPORT("sum_u32") uint32_t sum_u32(const uint32_t *p, size_t n) {
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) total += p[i];
    return total;
}

/* The sum of n i64 values at p (8-byte aligned), wrapping modulo 2^64. */
EXPORT("sum_i64") int64_t sum_i64(const int64_t *p, size_t n) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += (uint64_t)p[i];
    return (int64_t)total;
}

/* The mean of n f64 values at p (8-byte aligned); NaN when n is 0. */
EXPORT("mean_f64") double mean_f64(const double *p, size_t n) {
    double total = 0.0;
    for (size_t i = 0; i < n; i++) total += p[i];
    return total / (double)n;
}

/* The sum of n bytes at p, as an unsigned 32-bit number. */
EXPORT("sum_bytes") uint32_t sum_bytes(const uint8_t *p, size_t n) {
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) total += p[i];
    return total;
}

/* A pointer to the static NUL-terminated string "Hello from strings.wasm!". */
EXPORT("greeting") const char *greeting(void) {
    return "Hello from strings.wasm!";
}

/* A new malloc'd NUL-terminated copy of s[0..len) with its bytes in reverse
   order (bytes, not code points); the caller frees it. 0 if malloc fails. */
EXPORT("reverse") char *reverse(const char *s, size_t len) {
    char *r = malloc(len + 1);
    if (r == NULL) return NULL;
    for (size_t i = 0; i < len; i++) r[i] = s[len - 1 - i];
    r[len] = '\0';
    return r;
}
