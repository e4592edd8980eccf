/* The floor of a write-through logger: the time of one write(2) of an
 * 80-byte line appended to a file on local disk, as every record of W1 in
 * write-through mode costs. Usage: write_floor DIR [WRITES]; prints the
 * median over 5 passes, with and without O_APPEND, in ns per write. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: write_floor DIR [WRITES]\n");
        return 2;
    }
    long writes = argc > 2 ? atol(argv[2]) : 200000;
    char path[4096];
    snprintf(path, sizeof path, "%s/write_floor.log", argv[1]);
    char line[80];
    memset(line, 'x', sizeof line);
    line[sizeof line - 1] = '\n';
    for (int append = 0; append < 2; append++) {
        double passes[5];
        for (int p = 0; p < 5; p++) {
            unlink(path);
            int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : 0), 0644);
            if (fd < 0) {
                perror(path);
                return 1;
            }
            double start = now_ns();
            for (long i = 0; i < writes; i++) {
                if (write(fd, line, sizeof line) != (ssize_t)sizeof line) {
                    perror("write");
                    return 1;
                }
            }
            passes[p] = (now_ns() - start) / writes;
            close(fd);
        }
        unlink(path);
        qsort(passes, 5, sizeof passes[0], by_value);
        printf("{\"open\":\"%s\",\"writes\":%ld,\"ns_per_write\":%.0f}\n",
               append ? "O_APPEND" : "plain", writes, passes[2]);
    }
    return 0;
}
