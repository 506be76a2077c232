/*
 * hello: a C reactor on wasi-libc that prints, exits, and keeps state.
 *
 * stdout is a musl FILE: line-buffered only while fd 1 looks like a terminal.
 * wasi-libc decides that on the first flush through fd_fdstat_get (a character
 * device without the seek/tell rights); a host that reports a plain character
 * device (as @runno/wasi does unless isTTY is set) makes stdout fully buffered
 * from then on, so nothing after the first line would appear until exit. Every
 * printing export below therefore calls fflush(stdout) itself, except
 * buffered(), which exists to show the difference. stderr is unbuffered.
 */
#include <stdio.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(name)))

static int ticks;

/* Prints "hello <n>\n" to stdout and returns n * 2. */
EXPORT("greet") int greet(int n) {
    printf("hello %d\n", n);
    fflush(stdout);
    return n * 2;
}

/* Writes "warning: this goes to stderr\n" to stderr. */
EXPORT("warn") void warn(void) {
    fputs("warning: this goes to stderr\n", stderr);
}

/* Prints "buffered <n>\n" without flushing; returns n. */
EXPORT("buffered") int buffered(int n) {
    printf("buffered %d\n", n);
    return n;
}

/* Flushes whatever buffered() left in stdout's buffer. */
EXPORT("flush") void flush(void) {
    fflush(stdout);
}

/* Prints "bye <code>\n", then exit(code): flushes stdio and calls proc_exit. */
EXPORT("exit_with") int exit_with(int code) {
    printf("bye %d\n", code);
    exit(code);
}

/* The mean of a and b as a double (average(1, 2) == 1.5). */
EXPORT("average") double average(int a, int b) {
    return ((double)a + (double)b) / 2.0;
}

/* 2^53 + 1 = 9007199254740993: an i64 that a JS number cannot hold exactly. */
EXPORT("big") long long big(void) {
    return 9007199254740993LL;
}

/* A static counter: returns 1, 2, 3, ... across calls. */
EXPORT("tick") int tick(void) {
    return ++ticks;
}
