/*
 * wasi_args: the command-line arguments and environment variables a WASI host
 * hands to a module. A reactor has no main(argc, argv), so print_args() asks
 * the host itself with the two WASI calls a command's startup code would make
 * (args_sizes_get, then args_get). The environment needs no such work:
 * wasi-libc fills `environ` (and so getenv) from environ_sizes_get and
 * environ_get the first time it is used.
 *
 * Every printing export ends with fflush(stdout): a host that does not present
 * stdout as a terminal would otherwise keep later lines in stdio's buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* wasi-libc's global list of "NAME=value" strings, ending with a null pointer. */
extern char **environ;

/*
 * Prints "argc = <n>" and then "argv[<i>] = <argument>" for each argument;
 * returns argc, or -errno if the host refuses. By convention argv[0] is the
 * program's name, but nothing enforces it: a host may pass no arguments at all,
 * and then only "argc = 0" is printed.
 */
EXPORT("print_args") int print_args(void) {
    __wasi_size_t argc = 0;
    __wasi_size_t buf_size = 0;
    __wasi_errno_t error = __wasi_args_sizes_get(&argc, &buf_size);
    if (error != 0) return -(int)error;

    /* One pointer per argument, and one buffer for all their NUL-terminated bytes. */
    char **argv = malloc((argc + 1) * sizeof(char *));
    char *buf = malloc(buf_size + 1);
    if (argv == NULL || buf == NULL) {
        free(argv);
        free(buf);
        return -ENOMEM;
    }
    error = __wasi_args_get((uint8_t **)argv, (uint8_t *)buf);
    if (error == 0) {
        printf("argc = %u\n", (unsigned)argc);
        for (__wasi_size_t i = 0; i < argc; i++) printf("argv[%u] = %s\n", (unsigned)i, argv[i]);
        fflush(stdout);
    }
    free(argv);
    free(buf);
    return error == 0 ? (int)argc : -(int)error;
}

/* Prints each environment variable as "NAME=value" on its own line; returns how many there are. */
EXPORT("print_env") int print_env(void) {
    int count = 0;
    for (char **entry = environ; entry != NULL && *entry != NULL; entry++) {
        puts(*entry);
        count++;
    }
    fflush(stdout);
    return count;
}

/*
 * Looks up the variable whose name is the len bytes at name (not NUL-terminated:
 * the host writes them with the exported malloc). Prints "NAME=value" and returns
 * the value's length in bytes, or prints "NAME is not set" and returns -1.
 */
EXPORT("getenv_len") int getenv_len(const char *name, size_t len) {
    /* getenv wants a C string, so copy the name and add the NUL. */
    char *key = malloc(len + 1);
    if (key == NULL) return -ENOMEM;
    memcpy(key, name, len);
    key[len] = '\0';

    const char *value = getenv(key);
    int result;
    if (value == NULL) {
        printf("%s is not set\n", key);
        result = -1;
    } else {
        printf("%s=%s\n", key, value);
        result = (int)strlen(value);
    }
    fflush(stdout);
    free(key);
    return result;
}
