/* Written for the self-test: a poll() echo server in the contract's words that never ignores SIGPIPE,
 * so its blocking write to a client that has gone kills it. The grader must name the signal. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAXFD 1100
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void say(const char *fmt, ...) {
    struct timeval tv; gettimeofday(&tv, NULL);
    struct tm t; gmtime_r(&tv.tv_sec, &t);
    fprintf(stderr, "%02d:%02d:%02d.%03d ", t.tm_hour, t.tm_min, t.tm_sec, (int)(tv.tv_usec / 1000));
    va_list ap; va_start(ap, fmt); vfprintf(stderr, fmt, ap); va_end(ap);
    fputc('\n', stderr); fflush(stderr);
}

int main(int argc, char **argv) {
    int port = 9000, max = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-clients")) max = atoi(argv[i + 1]);
    }
    if (max < 1) { fprintf(stderr, "echo-server: Invalid value '%d' for option '--max-clients': must be at least 1.\n", max); return 2; }
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1024) < 0) { say("cannot listen on 127.0.0.1:%d: %s", port, strerror(errno)); return 1; }
    socklen_t len = sizeof a; getsockname(l, (struct sockaddr *)&a, &len);
    say("listening on 127.0.0.1:%d (max clients: %d)", ntohs(a.sin_port), max);
    struct pollfd fds[MAXFD]; char peer[MAXFD][32]; int n = 1, clients = 0;
    fds[0].fd = l; fds[0].events = POLLIN;
    char buf[65536];
    for (;;) {
        if (poll(fds, n, -1) < 0) continue;
        if (fds[0].revents & POLLIN) {
            struct sockaddr_in c; socklen_t cl = sizeof c;
            int fd = accept(l, (struct sockaddr *)&c, &cl);
            if (fd >= 0) {
                if (clients >= max || n >= MAXFD) {
                    say("rejected connection: at capacity (%d/%d)", clients, max);
                    write(fd, "server at capacity\n", 19);
                    shutdown(fd, SHUT_WR);
                    close(fd);
                } else {
                    fds[n].fd = fd; fds[n].events = POLLIN; fds[n].revents = 0;
                    snprintf(peer[n], sizeof peer[n], "127.0.0.1:%d", ntohs(c.sin_port));
                    clients++; say("accepted connection from %s (%d/%d)", peer[n], clients, max); n++;
                }
            }
        }
        for (int i = 1; i < n; i++) {
            if (!fds[i].revents) continue;
            ssize_t r = read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                for (ssize_t off = 0; off < r; ) {         /* blocking write: a closed peer raises SIGPIPE */
                    ssize_t w = write(fds[i].fd, buf + off, r - off);
                    if (w < 0) { if (errno == EAGAIN) continue; break; }
                    off += w;
                }
                continue;
            }
            close(fds[i].fd); clients--;
            say("closed connection from %s (%d/%d)", peer[i], clients, max);
            fds[i] = fds[n - 1]; memcpy(peer[i], peer[n - 1], sizeof peer[i]); n--; i--;
        }
    }
}
