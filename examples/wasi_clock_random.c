/*
 * wasi_clock_random: the two things that make a run differ from the last one,
 * time and randomness. Both come from the host: clock_gettime is WASI's
 * clock_time_get, getentropy is WASI's random_get. A host that fixes the clock
 * and seeds the random bytes makes every export here repeat exactly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* The monotonic time when the module was initialized, in nanoseconds. */
static int64_t started_ns;

static int64_t to_ns(const struct timespec *t) {
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/*
 * A constructor runs inside _initialize, before any export is called: it is the
 * reactor's place for setup that a command would do at the top of main().
 */
__attribute__((constructor)) static void remember_start(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) == 0) started_ns = to_ns(&now);
}

/*
 * Wall-clock time (CLOCK_REALTIME) in milliseconds since 1970-01-01 UTC, as an
 * i64; -errno if the host has no such clock.
 */
EXPORT("now_ms") long long now_ms(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -errno;
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/*
 * Nanoseconds on the monotonic clock since _initialize ran, as an i64; never
 * negative on a correct host, and -errno if the host has no monotonic clock.
 */
EXPORT("elapsed_ns") long long elapsed_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return -errno;
    return to_ns(&now) - started_ns;
}

/*
 * A fair die: returns 1 to 6 from one random byte, or -errno. Bytes 252..255 are
 * drawn again, because 256 is not a multiple of 6 and keeping them would make
 * 1..4 slightly likelier than 5 and 6.
 */
EXPORT("roll_dice") int roll_dice(void) {
    unsigned char byte;
    do {
        if (getentropy(&byte, 1) != 0) return -errno;
    } while (byte >= 252);
    return byte % 6 + 1;
}

/*
 * Asks the host for n random bytes (0 to 256, getentropy's limit), prints them
 * as lowercase hex on one line, and returns n; -28 (EINVAL) for any other n.
 */
EXPORT("fill_random") int fill_random(int n) {
    unsigned char bytes[256];
    if (n < 0 || n > (int)sizeof bytes) return -EINVAL;
    if (getentropy(bytes, (size_t)n) != 0) return -errno;
    for (int i = 0; i < n; i++) printf("%02x", bytes[i]);
    printf("\n");
    fflush(stdout);
    return n;
}
