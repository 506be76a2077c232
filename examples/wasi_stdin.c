/*
 * wasi_stdin: reading standard input (fd 0) from a reactor, one call at a time.
 * Both exports use read(2) directly rather than stdio: each read() is exactly one
 * WASI fd_read with one buffer, so what the host is asked for is what the code
 * says. (stdio's fgets would ask for 1 KiB at a time and keep whatever follows
 * the line in a hidden buffer inside the module.)
 *
 * End of input is a read() that returns 0. The host decides when that is; a later
 * call asks it again, so a host may supply more input between calls.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* The longest line read_line() keeps; longer lines are cut here and finished by the next call. */
#define LINE_MAX_BYTES 256

/*
 * Reads one line from stdin, a byte at a time so that nothing after the newline
 * is consumed. Prints "read: <line>" (without its newline) and returns the bytes
 * read including the newline; returns 0 at end of input (and prints nothing),
 * or -errno if stdin cannot be read.
 */
EXPORT("read_line") int read_line(void) {
    char line[LINE_MAX_BYTES];
    int n = 0;
    while (n < LINE_MAX_BYTES) {
        ssize_t got = read(0, &line[n], 1);
        if (got < 0) return -errno;
        if (got == 0) break;
        n++;
        if (line[n - 1] == '\n') break;
    }
    if (n == 0) return 0;
    /* Print the line without its newline, so a last line with or without one looks the same. */
    int shown = line[n - 1] == '\n' ? n - 1 : n;
    printf("read: %.*s\n", shown, line);
    fflush(stdout);
    return n;
}

/*
 * Reads stdin to its end, 64 bytes per read(), and returns the number of bytes
 * read (0 for empty input), or -errno if stdin cannot be read. Prints
 * "<n> bytes, <k> read() calls" so the number of fd_read calls is visible; the
 * last call is the one that returned 0.
 */
EXPORT("count_bytes") int count_bytes(void) {
    char chunk[64];
    int total = 0;
    int reads = 0;
    for (;;) {
        ssize_t got = read(0, chunk, sizeof chunk);
        reads++;
        if (got < 0) return -errno;
        if (got == 0) break;
        total += (int)got;
    }
    printf("%d bytes, %d read() calls\n", total, reads);
    fflush(stdout);
    return total;
}
