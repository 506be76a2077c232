/*
 * wasi_files: files in a directory the host has opened for the module. WASI has
 * no global file system: a module can only reach paths under directories the
 * host "preopens" (fd 3 onwards). wasi-libc turns a relative path such as
 * "input.txt" into (preopened directory, path) and calls path_open on it, so
 * without a preopen these exports fail with -errno instead of touching files.
 *
 * The calls are POSIX (open, read, write, opendir) rather than stdio, so each
 * one is a single WASI call in a trace. Negative results are -errno: wasi-libc's
 * values, e.g. -44 ENOENT (no such file), -76 ENOTCAPABLE (path not reachable
 * through any preopen), -8 EBADF.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT(name) __attribute__((export_name(name)))

/*
 * Prints the name of each entry in the preopened directory "." on its own line,
 * with "/" after subdirectories, skipping "." and ".."; returns the number of
 * entries printed, or -errno if the directory cannot be opened.
 */
EXPORT("list_dir") int list_dir(void) {
    DIR *dir = opendir(".");
    if (dir == NULL) return -errno;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        printf("%s%s\n", entry->d_name, entry->d_type == DT_DIR ? "/" : "");
        count++;
    }
    closedir(dir);
    fflush(stdout);
    return count;
}

/*
 * Reads the whole of "input.txt", copies its bytes to stdout, and returns its
 * size in bytes, or -errno (-44 ENOENT or -76 ENOTCAPABLE when it is missing).
 */
EXPORT("read_file_len") int read_file_len(void) {
    int fd = open("input.txt", O_RDONLY);
    if (fd < 0) return -errno;
    char chunk[256];
    int total = 0;
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0) {
            int error = errno;
            close(fd);
            return -error;
        }
        if (got == 0) break;
        fwrite(chunk, 1, (size_t)got, stdout);
        total += (int)got;
    }
    close(fd);
    fflush(stdout);
    return total;
}

/*
 * Appends the line "line <n>\n" to "notes.txt", creating the file if needed,
 * and returns the file's size in bytes afterwards, or -errno.
 */
EXPORT("append_line") int append_line(int n) {
    int fd = open("notes.txt", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return -errno;
    char line[32];
    int len = snprintf(line, sizeof line, "line %d\n", n);
    int result;
    struct stat st;
    if (write(fd, line, (size_t)len) != len) {
        result = -errno;
    } else if (fstat(fd, &st) != 0) {
        result = -errno;
    } else {
        result = (int)st.st_size;
    }
    close(fd);
    return result;
}
