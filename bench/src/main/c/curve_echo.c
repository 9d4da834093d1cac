/*
 * curve_echo: the bare libzmq CURVE ROUTER of the side-by-side benchmark, the C twin of
 * EchoServer.java. A ZAP handler thread admits the Z85 public keys listed in a file (User-Id = the
 * Z85 key); the ROUTER, with the gateway's socket options, answers every [TYPE, PAYLOAD] with
 * [ACK, "TYPE received (N bytes)"] and does nothing else.
 *
 *   curve_echo ENDPOINT SERVER_SECRET_Z85_FILE ALLOWED_KEYS_FILE
 *
 * SERVER_SECRET_Z85_FILE holds the server's secret key in Z85 (40 characters, surrounding white
 * space ignored). ALLOWED_KEYS_FILE holds one Z85 public key per line as the first word (other words
 * on a line, such as a secret key, are ignored; empty lines are skipped). Prints "READY <endpoint>"
 * on standard output once bound; SIGTERM or SIGINT stops it cleanly (exit 0).
 *
 * Threads: the main thread owns the ROUTER; the "zap" thread owns the ZAP REP socket (created and
 * bound by the main thread before the thread starts, then used by it only); libzmq's one I/O thread.
 *
 * Build: gcc -std=c11 -O2 -Wall -Wextra -o curve_echo curve_echo.c -lzmq -lpthread
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN "echo"
#define Z85_KEY_LEN 40
#define KEY_LEN 32
#define ZAP_MAX_FRAMES 8
#define TYPE_ECHO_MAX 200

typedef char z85_key[Z85_KEY_LEN + 1];

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("curve_echo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void check_zmq(int rc, const char *what)
{
    if (rc != 0) {
        die("%s: %s", what, zmq_strerror(errno));
    }
}

static void set_int(void *socket, int option, int value, const char *name)
{
    if (zmq_setsockopt(socket, option, &value, sizeof value) != 0) {
        die("setting %s to %d: %s", name, value, zmq_strerror(errno));
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* ------------------------------------------------------------------ key files */

static void read_secret(const char *path, uint8_t secret[KEY_LEN])
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open the server secret key file %s: %s", path, strerror(errno));
    }
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    if (ferror(f)) {
        die("cannot read %s: %s", path, strerror(errno));
    }
    fclose(f);
    buf[n] = '\0';
    char *start = buf;
    while (*start != '\0' && is_space(*start)) {
        start++;
    }
    char *end = start + strlen(start);
    while (end > start && is_space(end[-1])) {
        *--end = '\0';
    }
    if (strlen(start) != Z85_KEY_LEN) {
        die("%s must hold one Z85 secret key of %d characters, found %zu characters", path, Z85_KEY_LEN,
            strlen(start));
    }
    if (zmq_z85_decode(secret, start) == NULL) {
        die("%s does not hold a valid Z85 key", path);
    }
}

static int compare_keys(const void *a, const void *b)
{
    return memcmp(a, b, Z85_KEY_LEN);
}

/* Reads the first word of every non-empty line; sorted for bsearch. */
static z85_key *read_allowed(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open the allowed keys file %s: %s", path, strerror(errno));
    }
    size_t cap = 1024;
    size_t n = 0;
    z85_key *keys = malloc(cap * sizeof *keys);
    if (keys == NULL) {
        die("out of memory reading %s", path);
    }
    char *line = NULL;
    size_t line_cap = 0;
    size_t line_no = 0;
    while (getline(&line, &line_cap, f) != -1) {
        line_no++;
        char *word = line;
        while (*word != '\0' && is_space(*word)) {
            word++;
        }
        size_t len = 0;
        while (word[len] != '\0' && !is_space(word[len])) {
            len++;
        }
        if (len == 0) {
            continue;
        }
        uint8_t decoded[KEY_LEN];
        word[len] = '\0';
        if (len != Z85_KEY_LEN || zmq_z85_decode(decoded, word) == NULL) {
            die("%s line %zu: '%.60s' is not a Z85 public key of %d characters", path, line_no, word, Z85_KEY_LEN);
        }
        if (n == cap) {
            cap *= 2;
            z85_key *bigger = realloc(keys, cap * sizeof *keys);
            if (bigger == NULL) {
                die("out of memory reading %s", path);
            }
            keys = bigger;
        }
        memcpy(keys[n], word, Z85_KEY_LEN + 1);
        n++;
    }
    if (ferror(f)) {
        die("cannot read %s: %s", path, strerror(errno));
    }
    free(line);
    fclose(f);
    if (n == 0) {
        die("%s lists no public key", path);
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    *count = n;
    return keys;
}

/* ----------------------------------------------------------------------- ZAP */

struct zap {
    void *rep;
    const z85_key *allowed;
    size_t allowed_count;
};

static int frame_is(zmq_msg_t *m, const char *text)
{
    size_t len = strlen(text);
    return zmq_msg_size(m) == len && memcmp(zmq_msg_data(m), text, len) == 0;
}

/* Sends one frame of the ZAP reply; 0, or -1 when the context is shutting down. */
static int zap_send(void *rep, const void *data, size_t len, int more)
{
    while (zmq_send(rep, data, len, more ? ZMQ_SNDMORE : 0) < 0) {
        if (errno == ETERM) {
            return -1;
        }
        if (errno != EINTR) {
            die("ZAP reply: %s", zmq_strerror(errno));
        }
    }
    return 0;
}

/* The "zap" thread: answers ZAP requests until the context is shut down. */
static void *zap_loop(void *arg)
{
    struct zap *z = arg;
    zmq_msg_t frames[ZAP_MAX_FRAMES];
    for (;;) {
        int n = 0;
        int more = 1;
        int extra = 0;
        while (more) {
            zmq_msg_t scratch;
            zmq_msg_t *m = n < ZAP_MAX_FRAMES ? &frames[n] : &scratch;
            check_zmq(zmq_msg_init(m), "zmq_msg_init");
            if (zmq_msg_recv(m, z->rep, 0) < 0) {
                int err = errno;
                zmq_msg_close(m);
                if (err == EINTR) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    zmq_msg_close(&frames[i]);
                }
                if (err == ETERM) {
                    zmq_close(z->rep);
                    return NULL;
                }
                die("ZAP request: %s", zmq_strerror(err));
            }
            more = zmq_msg_more(m);
            if (m == &scratch) {
                zmq_msg_close(m);
                extra = 1;
            } else {
                n++;
            }
        }
        const char *status = "400";
        const char *text = "Denied";
        z85_key user = "";
        if (!extra && n == 7 && frame_is(&frames[0], "1.0") && frame_is(&frames[5], "CURVE")
                && zmq_msg_size(&frames[6]) == KEY_LEN) {
            z85_key key;
            if (zmq_z85_encode(key, zmq_msg_data(&frames[6]), KEY_LEN) != NULL
                    && bsearch(key, z->allowed, z->allowed_count, sizeof *z->allowed, compare_keys) != NULL) {
                status = "200";
                text = "OK";
                memcpy(user, key, sizeof key);
            }
        }
        const void *request_id = n > 1 ? zmq_msg_data(&frames[1]) : "";
        size_t request_id_len = n > 1 ? zmq_msg_size(&frames[1]) : 0;
        int rc = zap_send(z->rep, "1.0", 3, 1);
        rc = rc == 0 ? zap_send(z->rep, request_id, request_id_len, 1) : rc;
        rc = rc == 0 ? zap_send(z->rep, status, 3, 1) : rc;
        rc = rc == 0 ? zap_send(z->rep, text, strlen(text), 1) : rc;
        rc = rc == 0 ? zap_send(z->rep, user, strlen(user), 1) : rc;
        rc = rc == 0 ? zap_send(z->rep, "", 0, 0) : rc;
        for (int i = 0; i < n; i++) {
            zmq_msg_close(&frames[i]);
        }
        if (rc != 0) {
            zmq_close(z->rep);
            return NULL;
        }
    }
}

/* -------------------------------------------------------------------- ROUTER */

/* Receives the next frame of a message already started: never blocks, retried on EINTR. */
static void recv_rest(zmq_msg_t *m, void *router)
{
    while (zmq_msg_recv(m, router, 0) < 0) {
        if (errno != EINTR) {
            die("receiving a message part: %s", zmq_strerror(errno));
        }
    }
}

/* Sends a frame after the routing id went out (the ROUTER accepted the message): retried on EINTR. */
static void send_rest(void *router, const void *data, size_t len, int flags)
{
    while (zmq_send(router, data, len, flags) < 0) {
        if (errno != EINTR) {
            die("sending a reply part: %s", zmq_strerror(errno));
        }
    }
}

static void serve(void *router)
{
    zmq_msg_t rid;
    zmq_msg_t part;
    char type[TYPE_ECHO_MAX + 1];
    char detail[TYPE_ECHO_MAX + 64];
    while (!stopping) {
        check_zmq(zmq_msg_init(&rid), "zmq_msg_init");
        if (zmq_msg_recv(&rid, router, 0) < 0) {
            int err = errno;
            zmq_msg_close(&rid);
            if (err == EAGAIN || err == EINTR) {
                continue;
            }
            die("receiving: %s", zmq_strerror(err));
        }
        size_t type_len = 0;
        size_t payload_len = 0;
        int index = 0;
        int more = zmq_msg_more(&rid);
        while (more) {
            check_zmq(zmq_msg_init(&part), "zmq_msg_init");
            recv_rest(&part, router);
            if (index == 0) {
                type_len = zmq_msg_size(&part);
                if (type_len > TYPE_ECHO_MAX) {
                    type_len = TYPE_ECHO_MAX;
                }
                memcpy(type, zmq_msg_data(&part), type_len);
            } else if (index == 1) {
                payload_len = zmq_msg_size(&part);
            }
            index++;
            more = zmq_msg_more(&part);
            zmq_msg_close(&part);
        }
        type[type_len] = '\0';
        int detail_len = snprintf(detail, sizeof detail, "%.*s received (%zu bytes)", (int) type_len, type,
                                  payload_len);
        if (detail_len < 0 || (size_t) detail_len >= sizeof detail) {
            die("reply detail does not fit its buffer");
        }
        if (zmq_msg_send(&rid, router, ZMQ_SNDMORE) < 0) {
            int err = errno;
            zmq_msg_close(&rid);
            if (err == EHOSTUNREACH || err == EINTR || err == EAGAIN) {
                continue; /* the peer is gone (ROUTER_MANDATORY), or we are stopping */
            }
            die("sending: %s", zmq_strerror(err));
        }
        send_rest(router, "ACK", 3, ZMQ_SNDMORE);
        send_rest(router, detail, (size_t) detail_len, 0);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: curve_echo ENDPOINT SERVER_SECRET_Z85_FILE ALLOWED_KEYS_FILE\n");
        return 2;
    }
    const char *endpoint = argv[1];
    uint8_t secret[KEY_LEN];
    read_secret(argv[2], secret);
    struct zap zap = {0};
    zap.allowed = read_allowed(argv[3], &zap.allowed_count);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked receive returns EINTR */
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) {
        die("sigaction: %s", strerror(errno));
    }

    void *ctx = zmq_ctx_new();
    if (ctx == NULL) {
        die("zmq_ctx_new: %s", zmq_strerror(errno));
    }
    zap.rep = zmq_socket(ctx, ZMQ_REP);
    if (zap.rep == NULL) {
        die("ZAP socket: %s", zmq_strerror(errno));
    }
    set_int(zap.rep, ZMQ_LINGER, 0, "ZMQ_LINGER");
    if (zmq_bind(zap.rep, ZAP_ENDPOINT) != 0) {
        die("binding %s: %s", ZAP_ENDPOINT, zmq_strerror(errno));
    }
    /* the zap thread takes no signals: they are the main thread's */
    sigset_t block;
    sigset_t old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    int rc = pthread_sigmask(SIG_BLOCK, &block, &old);
    if (rc != 0) {
        die("pthread_sigmask: %s", strerror(rc));
    }
    pthread_t zap_thread;
    rc = pthread_create(&zap_thread, NULL, zap_loop, &zap);
    if (rc != 0) {
        die("starting the ZAP thread: %s", strerror(rc));
    }
    rc = pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        die("pthread_sigmask: %s", strerror(rc));
    }

    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    if (router == NULL) {
        die("ROUTER socket: %s", zmq_strerror(errno));
    }
    set_int(router, ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER");
    check_zmq(zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, secret, KEY_LEN), "setting ZMQ_CURVE_SECRETKEY");
    check_zmq(zmq_setsockopt(router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN)), "setting ZMQ_ZAP_DOMAIN");
    set_int(router, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
    set_int(router, ZMQ_LINGER, 0, "ZMQ_LINGER");
    set_int(router, ZMQ_SNDHWM, 10000, "ZMQ_SNDHWM");
    set_int(router, ZMQ_RCVHWM, 10000, "ZMQ_RCVHWM");
    set_int(router, ZMQ_HEARTBEAT_IVL, 10000, "ZMQ_HEARTBEAT_IVL");
    set_int(router, ZMQ_HEARTBEAT_TIMEOUT, 30000, "ZMQ_HEARTBEAT_TIMEOUT");
    set_int(router, ZMQ_HEARTBEAT_TTL, 30000, "ZMQ_HEARTBEAT_TTL");
    set_int(router, ZMQ_HANDSHAKE_IVL, 10000, "ZMQ_HANDSHAKE_IVL");
    set_int(router, ZMQ_RCVTIMEO, 250, "ZMQ_RCVTIMEO");
    if (zmq_bind(router, endpoint) != 0) {
        die("binding %s: %s", endpoint, zmq_strerror(errno));
    }
    char last[256];
    size_t last_len = sizeof last;
    check_zmq(zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, last, &last_len), "reading ZMQ_LAST_ENDPOINT");
    printf("READY %s\n", last);
    fflush(stdout);

    serve(router);

    zmq_close(router);
    check_zmq(zmq_ctx_shutdown(ctx), "zmq_ctx_shutdown");
    rc = pthread_join(zap_thread, NULL);
    if (rc != 0) {
        die("joining the ZAP thread: %s", strerror(rc));
    }
    while (zmq_ctx_term(ctx) != 0) {
        if (errno != EINTR) {
            die("zmq_ctx_term: %s", zmq_strerror(errno));
        }
    }
    free((void *) zap.allowed);
    return 0;
}
