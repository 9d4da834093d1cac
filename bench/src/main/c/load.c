/*
 * One file on purpose (over 1,000 lines): the harness compiles it with one cc command on the
 * machine under test, with no build system, so the load client's modes share one source.
 *
 * load: the libzmq load client of the side-by-side benchmark (SideBySide.java), run as its own
 * process. DEALERs with CURVE, each with its own enrolled key, send the classic [TYPE, PAYLOAD] and
 * match the answers [ACK, detail] or [ERROR, "CODE: detail"] to the requests in order, per socket.
 * It speaks the same line protocol as LoadClient.java, so the harness drives either:
 *
 *   load ENDPOINT SERVER_KEY KEYS OFFSET CLIENTS WINDOW SIZE [-t TYPE] [-T TIMEOUT_MS] [-j THREADS] [-i INTERVAL_MS]
 *     CLIENTS DEALERs (keys OFFSET.. of KEYS) keep WINDOW requests in flight each. Every DEALER first
 *     has one STRING message answered (whatever TYPE is), then the client prints "CONNECTED", waits
 *     for "GO START_MS END_MS" (epoch milliseconds) on standard input, loads from then on until
 *     END_MS, waits for the answers still due (at most TIMEOUT_MS) and prints one "RESULT ..." line;
 *     then it stays (its CPU time still readable) until "QUIT" or the end of standard input.
 *     A request unanswered TIMEOUT_MS (default 5000) after it was sent counts as a time-out; should
 *     its answer come later it is matched all the same and counted as late. THREADS (default 1)
 *     threads share the DEALERs. INTERVAL_MS (default 0) paces each DEALER: at least that long
 *     between two of its sends, whatever the window allows.
 *   handshake ENDPOINT SERVER_KEY KEYS OFFSET COUNT CONCURRENCY
 *     CONCURRENCY threads each, again and again: a new DEALER with the next of the COUNT keys at
 *     OFFSET, connect, one STRING message of 16 bytes, wait for its answer (5 s at most), close.
 *     Same CONNECTED / GO / RESULT protocol; counts the connections answered inside the window.
 *   hold ENDPOINT SERVER_KEY KEYS OFFSET COUNT
 *     COUNT DEALERs (keys OFFSET..), reconnecting like the client SDK (100 ms, backing off to 10 s),
 *     opened 100 at a time, each hundred answered once before the next; prints "HELD ok=N of=COUNT
 *     last_ms=MS" and keeps them open. Then, for every "PROBE T0_MS TIMEOUT_MS" line (T0 in epoch
 *     milliseconds), sends one STRING message on every DEALER (again every 15 s to those not yet
 *     answered: a message written while a connection was torn down goes with it) and prints
 *     "PROBED ok=N of=COUNT p50_ms=.. p90_ms=.. p99_ms=.. last_ms=.." (answer times after T0), until
 *     "QUIT" or the end of standard input. The reconnect storm's and the idle clients' holder.
 *
 * KEYS is a file of "PUBLIC_Z85 SECRET_Z85" lines; SERVER_KEY the server's public key in Z85.
 *
 * RESULT fields (the window is START_MS..END_MS, by the time an answer arrives):
 *   replies   answers in the window (any kind); rate = replies per second of the window
 *   p50 p95 p99 max   latency send -> answer of those answers, microseconds (log-linear histogram,
 *             256 sub-buckets per power of two: within 0.4%; max is exact)
 *   acks errors   of those, ACK and anything else
 *   timeouts  requests whose time limit passed inside the window; late = of all time-outs, answered later
 *   total sent   answers received and requests sent from GO to the end (warm-up and window)
 *   run_timeouts  time-outs from GO to the end; stray = answers with no request outstanding
 *   codes     NAME:IN_WINDOW:FROM_GO:MAX_US,... per answer code (ACK, or the ERROR's code before ':')
 *
 * Threads: the main thread owns every socket until GO, then hands each to one worker thread (load)
 * or each worker creates and closes its own (handshake); libzmq's I/O thread does the crypto.
 *
 * Build: gcc -std=c11 -O2 -Wall -Wextra -o load load.c -lzmq -lpthread
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <zmq.h>

#define Z85_KEY_LEN 40
#define KEY_LEN 32
#define CONNECT_TIMEOUT_MS 60000
#define HANDSHAKE_REPLY_TIMEOUT_MS 5000
#define HANDSHAKE_PAYLOAD 16
#define MAX_CODES 16
#define CODE_LEN 32
#define HOLD_CHUNK 100
#define HOLD_CONNECT_MS 120000
#define HOLD_RESEND_MS 15000
#define HOLD_BATCH_MS 20
#define HOLD_RECONNECT_MAX_MS 10000
#define HOLD_HANDSHAKE_MS 5000

/* ------------------------------------------------------------------ helpers */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        die("clock_gettime(CLOCK_MONOTONIC) failed");
    }
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t real_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        die("clock_gettime(CLOCK_REALTIME) failed");
    }
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long parse_long(const char *text, const char *name, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        die("%s must be a whole number from %ld to %ld, got '%s'", name, min, max, text);
    }
    return v;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (p == NULL) {
        die("out of memory (%zu x %zu bytes)", n, size);
    }
    return p;
}

static void set_int(void *socket, int option, int value, const char *name)
{
    if (zmq_setsockopt(socket, option, &value, sizeof value) != 0) {
        die("setting %s to %d: %s", name, value, zmq_strerror(errno));
    }
}

/* -------------------------------------------------------------------- keys */

struct key_pair {
    uint8_t public_key[KEY_LEN];
    uint8_t secret_key[KEY_LEN];
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void decode_key(uint8_t out[KEY_LEN], const char *z85, const char *what)
{
    if (strlen(z85) != Z85_KEY_LEN || zmq_z85_decode(out, z85) == NULL) {
        die("%s: '%.60s' is not a Z85 key of %d characters", what, z85, Z85_KEY_LEN);
    }
}

/* Lines OFFSET .. OFFSET+COUNT-1 of KEYS, each "PUBLIC_Z85 SECRET_Z85". */
static struct key_pair *read_keys(const char *path, long offset, long count)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        die("cannot open the key file %s: %s", path, strerror(errno));
    }
    struct key_pair *keys = xcalloc((size_t) count, sizeof *keys);
    char *line = NULL;
    size_t cap = 0;
    long line_no = 0;
    long got = 0;
    while (got < count && getline(&line, &cap, f) != -1) {
        if (line_no++ < offset) {
            continue;
        }
        char *words[2];
        int n = 0;
        char *p = line;
        while (n < 2) {
            while (*p != '\0' && is_space(*p)) {
                p++;
            }
            if (*p == '\0') {
                break;
            }
            words[n++] = p;
            while (*p != '\0' && !is_space(*p)) {
                p++;
            }
            if (*p != '\0') {
                *p++ = '\0';
            }
        }
        if (n != 2) {
            die("%s line %ld: expected PUBLIC_Z85 SECRET_Z85", path, line_no);
        }
        char what[64];
        snprintf(what, sizeof what, "%s line %ld", path, line_no);
        decode_key(keys[got].public_key, words[0], what);
        decode_key(keys[got].secret_key, words[1], what);
        got++;
    }
    if (ferror(f)) {
        die("cannot read %s: %s", path, strerror(errno));
    }
    free(line);
    fclose(f);
    if (got < count) {
        die("%s has %ld lines, need %ld (OFFSET %ld + %ld)", path, line_no, offset + count, offset, count);
    }
    return keys;
}

/* --------------------------------------------------------------- histogram */

/* Log-linear: values below 256 ns exact, above that 256 sub-buckets per power of two. */
#define SUB_BITS 8
#define SUB_COUNT (1u << SUB_BITS)
#define MAX_EXP 42 /* values are clamped below 2^42 ns, about 73 minutes */
#define BUCKETS (SUB_COUNT + (MAX_EXP - SUB_BITS) * SUB_COUNT)

static unsigned floor_log2(uint64_t v)
{
    unsigned k = 0;
    for (unsigned step = 32; step > 0; step /= 2) {
        if (v >> step) {
            v >>= step;
            k += step;
        }
    }
    return k;
}

static unsigned bucket_of(uint64_t v)
{
    if (v < SUB_COUNT) {
        return (unsigned) v;
    }
    if (v >= (UINT64_C(1) << MAX_EXP)) {
        v = (UINT64_C(1) << MAX_EXP) - 1;
    }
    unsigned shift = floor_log2(v) - SUB_BITS;
    unsigned mantissa = (unsigned) (v >> shift); /* SUB_COUNT .. 2 * SUB_COUNT - 1 */
    return SUB_COUNT + shift * SUB_COUNT + (mantissa - SUB_COUNT);
}

/* The highest value that falls into bucket i. */
static uint64_t bucket_high(unsigned i)
{
    if (i < SUB_COUNT) {
        return i;
    }
    unsigned shift = (i - SUB_COUNT) / SUB_COUNT;
    uint64_t mantissa = SUB_COUNT + (i - SUB_COUNT) % SUB_COUNT;
    return ((mantissa + 1) << shift) - 1;
}

/* ------------------------------------------------------------------- stats */

struct code {
    char name[CODE_LEN + 1];
    uint64_t window;
    uint64_t run;
    int64_t max_ns;
};

/* One thread's counts; merged by the main thread after the workers ended. */
struct stats {
    uint64_t *hist; /* BUCKETS counts of the answers in the window */
    int64_t max_ns;
    uint64_t replies, acks, errors, timeouts, late, total, sent, run_timeouts, stray;
    struct code codes[MAX_CODES + 1]; /* the last one collects codes past MAX_CODES as OTHER */
    int ncodes;
};

static void stats_init(struct stats *s)
{
    memset(s, 0, sizeof *s);
    s->hist = xcalloc(BUCKETS, sizeof *s->hist);
}

static struct code *code_entry(struct stats *s, const char *name, size_t len)
{
    for (int i = 0; i < s->ncodes; i++) {
        if (strncmp(s->codes[i].name, name, len) == 0 && s->codes[i].name[len] == '\0') {
            return &s->codes[i];
        }
    }
    if (s->ncodes < MAX_CODES) {
        struct code *c = &s->codes[s->ncodes++];
        memcpy(c->name, name, len);
        c->name[len] = '\0';
        return c;
    }
    struct code *other = &s->codes[MAX_CODES]; /* every code past the first MAX_CODES */
    memcpy(other->name, "OTHER", 6);
    return other;
}

/* The code of an answer: ACK, the ERROR's code (the detail up to ':'), or the first frame. */
static size_t answer_code(char out[CODE_LEN + 1], const uint8_t *first, size_t first_len, const uint8_t *second,
                          size_t second_len, int has_second)
{
    const uint8_t *src = first;
    size_t len = first_len;
    if (first_len == 5 && memcmp(first, "ERROR", 5) == 0 && has_second) {
        src = second;
        len = 0;
        while (len < second_len && second[len] != ':') {
            len++;
        }
    }
    if (len > CODE_LEN) {
        len = CODE_LEN;
    }
    if (len == 0) {
        memcpy(out, "EMPTY", 6);
        return 5;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t c = src[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                 || c == '.';
        out[i] = ok ? (char) c : '_';
    }
    out[len] = '\0';
    return len;
}

static void merge(struct stats *into, const struct stats *from)
{
    for (unsigned i = 0; i < BUCKETS; i++) {
        into->hist[i] += from->hist[i];
    }
    if (from->max_ns > into->max_ns) {
        into->max_ns = from->max_ns;
    }
    into->replies += from->replies;
    into->acks += from->acks;
    into->errors += from->errors;
    into->timeouts += from->timeouts;
    into->late += from->late;
    into->total += from->total;
    into->sent += from->sent;
    into->run_timeouts += from->run_timeouts;
    into->stray += from->stray;
    for (int i = 0; i < from->ncodes; i++) {
        const struct code *c = &from->codes[i];
        struct code *t = code_entry(into, c->name, strlen(c->name));
        t->window += c->window;
        t->run += c->run;
        if (c->max_ns > t->max_ns) {
            t->max_ns = c->max_ns;
        }
    }
    if (from->codes[MAX_CODES].name[0] != '\0') {
        const struct code *c = &from->codes[MAX_CODES];
        struct code *t = code_entry(into, c->name, strlen(c->name));
        t->window += c->window;
        t->run += c->run;
        if (c->max_ns > t->max_ns) {
            t->max_ns = c->max_ns;
        }
    }
}

static uint64_t percentile_ns(const struct stats *s, double p)
{
    uint64_t count = 0;
    for (unsigned i = 0; i < BUCKETS; i++) {
        count += s->hist[i];
    }
    if (count == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t) (p / 100.0 * (double) count + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    uint64_t seen = 0;
    for (unsigned i = 0; i < BUCKETS; i++) {
        seen += s->hist[i];
        if (seen >= rank) {
            uint64_t v = bucket_high(i);
            return v < (uint64_t) s->max_ns ? v : (uint64_t) s->max_ns;
        }
    }
    return (uint64_t) s->max_ns;
}

static uint64_t us(uint64_t ns)
{
    return (ns + 500) / 1000;
}

static void print_result(const struct stats *s, int64_t window_ms)
{
    double seconds = (double) window_ms / 1000.0;
    printf("RESULT replies=%" PRIu64 " rate=%.1f p50=%" PRIu64 " p95=%" PRIu64 " p99=%" PRIu64 " max=%" PRIu64
           " acks=%" PRIu64 " errors=%" PRIu64 " timeouts=%" PRIu64 " late=%" PRIu64 " total=%" PRIu64
           " sent=%" PRIu64 " run_timeouts=%" PRIu64 " stray=%" PRIu64 " codes=",
           s->replies, seconds > 0 ? (double) s->replies / seconds : 0.0, us(percentile_ns(s, 50)),
           us(percentile_ns(s, 95)), us(percentile_ns(s, 99)), us((uint64_t) s->max_ns), s->acks, s->errors,
           s->timeouts, s->late, s->total, s->sent, s->run_timeouts, s->stray);
    int first = 1;
    for (int i = 0; i <= MAX_CODES; i++) {
        const struct code *c = &s->codes[i];
        if (c->name[0] == '\0') {
            continue;
        }
        printf("%s%s:%" PRIu64 ":%" PRIu64 ":%" PRIu64, first ? "" : ",", c->name, c->window, c->run,
               us((uint64_t) c->max_ns));
        first = 0;
    }
    if (first) {
        printf("-");
    }
    printf("\n");
    fflush(stdout);
}

/* ------------------------------------------------------------ the window */

/* The window on the monotonic clock, from GO's epoch milliseconds. Written before the workers start. */
struct window {
    int64_t start_ns;
    int64_t end_ns;
    int64_t length_ms;
};

/* After RESULT: the process stays until QUIT or the end of standard input (or SIGTERM). */
static void await_quit(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "QUIT", 4) == 0) {
            return;
        }
    }
}

static void await_go(struct window *w)
{
    printf("CONNECTED\n");
    fflush(stdout);
    char line[256];
    if (fgets(line, sizeof line, stdin) == NULL) {
        die("standard input closed before GO START_MS END_MS");
    }
    long long start_ms;
    long long end_ms;
    if (sscanf(line, "GO %lld %lld", &start_ms, &end_ms) != 2 || end_ms <= start_ms) {
        die("expected GO START_MS END_MS with START_MS < END_MS, got '%.100s'", line);
    }
    int64_t offset = mono_ns() - real_ns(); /* monotonic = realtime + offset */
    w->start_ns = (int64_t) start_ms * 1000000 + offset;
    w->end_ns = (int64_t) end_ms * 1000000 + offset;
    w->length_ms = (int64_t) (end_ms - start_ms);
}

/* ----------------------------------------------------------------- sockets */

static void *dealer(void *ctx, const uint8_t server_key[KEY_LEN], const struct key_pair *k, int handshake_ms,
                    int reconnect_max_ms, const char *endpoint)
{
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    if (s == NULL) {
        die("zmq_socket(DEALER): %s", zmq_strerror(errno));
    }
    if (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_key, KEY_LEN) != 0
            || zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, k->public_key, KEY_LEN) != 0
            || zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, k->secret_key, KEY_LEN) != 0) {
        die("setting the CURVE keys: %s", zmq_strerror(errno));
    }
    set_int(s, ZMQ_LINGER, 0, "ZMQ_LINGER");
    set_int(s, ZMQ_SNDHWM, 100000, "ZMQ_SNDHWM");
    set_int(s, ZMQ_RCVHWM, 100000, "ZMQ_RCVHWM");
    set_int(s, ZMQ_HANDSHAKE_IVL, handshake_ms, "ZMQ_HANDSHAKE_IVL");
    set_int(s, ZMQ_RECONNECT_IVL, 100, "ZMQ_RECONNECT_IVL");
    set_int(s, ZMQ_RECONNECT_IVL_MAX, reconnect_max_ms, "ZMQ_RECONNECT_IVL_MAX");
    if (zmq_connect(s, endpoint) != 0) {
        die("connecting to %s: %s", endpoint, zmq_strerror(errno));
    }
    return s;
}

/* Sends [type, payload]; 0, or -1 with errno EAGAIN when the socket cannot take it now. */
static int send_request(void *s, const char *type, size_t type_len, const uint8_t *payload, size_t size, int flags)
{
    for (;;) {
        if (zmq_send(s, type, type_len, ZMQ_SNDMORE | flags) >= 0) {
            break;
        }
        if (errno == EAGAIN) {
            return -1;
        }
        if (errno != EINTR) {
            die("sending: %s", zmq_strerror(errno));
        }
    }
    /* the first part was taken: the second one is, too */
    while (zmq_send(s, payload, size, flags) < 0) {
        if (errno != EINTR && errno != EAGAIN) {
            die("sending: %s", zmq_strerror(errno));
        }
    }
    return 0;
}

/*
 * Receives one whole answer with flags (0 or ZMQ_DONTWAIT) and writes its code; 1 when it is an ACK,
 * 0 for anything else, -1 with errno EAGAIN when nothing is there.
 */
static int recv_answer(void *s, zmq_msg_t *first, zmq_msg_t *part, int flags, char code[CODE_LEN + 1])
{
    while (zmq_msg_recv(first, s, flags) < 0) {
        if (errno == EAGAIN) {
            return -1;
        }
        if (errno != EINTR) {
            die("receiving: %s", zmq_strerror(errno));
        }
    }
    int more = zmq_msg_more(first);
    int has_second = 0;
    int index = 1;
    while (more) {
        while (zmq_msg_recv(part, s, 0) < 0) {
            if (errno != EINTR) {
                die("receiving: %s", zmq_strerror(errno));
            }
        }
        if (index == 1) {
            has_second = 1;
            /* the code is read from the second part before the next receive reuses it */
            answer_code(code, zmq_msg_data(first), zmq_msg_size(first), zmq_msg_data(part), zmq_msg_size(part), 1);
        }
        index++;
        more = zmq_msg_more(part);
    }
    if (!has_second) {
        answer_code(code, zmq_msg_data(first), zmq_msg_size(first), NULL, 0, 0);
    }
    return zmq_msg_size(first) == 3 && memcmp(zmq_msg_data(first), "ACK", 3) == 0;
}

static uint8_t *make_payload(size_t size)
{
    uint8_t *p = xcalloc(size > 0 ? size : 1, 1);
    for (size_t i = 0; i < size; i++) {
        p[i] = (uint8_t) ('a' + i % 26);
    }
    return p;
}

static void record(struct stats *st, const struct window *w, int ack, const char *code, int64_t sent_ns,
                   int64_t now)
{
    int64_t latency = now - sent_ns;
    if (latency < 0) {
        latency = 0;
    }
    struct code *c = code_entry(st, code, strlen(code));
    c->run++;
    if (latency > c->max_ns) {
        c->max_ns = latency;
    }
    st->total++;
    if (now >= w->start_ns && now < w->end_ns) {
        st->replies++;
        c->window++;
        st->hist[bucket_of((uint64_t) latency)]++;
        if (latency > st->max_ns) {
            st->max_ns = latency;
        }
        if (ack) {
            st->acks++;
        } else {
            st->errors++;
        }
    }
}

/* -------------------------------------------------------------------- load */

/* One DEALER and its requests in flight, oldest first: a ring of send times. */
struct peer {
    void *socket;
    int64_t *sent;
    unsigned head;
    unsigned count;
    unsigned expired; /* the oldest `expired` requests already counted as time-outs */
    int64_t next_send; /* with -i: not before this monotonic time */
};

struct load_config {
    const char *type;
    size_t type_len;
    const uint8_t *payload;
    size_t size;
    unsigned window;
    int64_t timeout_ns;
    int64_t interval_ns; /* -i: at least this long between two sends of one socket (0: as fast as the window allows) */
    struct window go;
};

/* Starts the thread or dies naming it (WHAT thread T). */
static void start_thread(pthread_t *thread, void *(*fn)(void *), void *arg, const char *what, int t) {
    int rc = pthread_create(thread, NULL, fn, arg);
    if (rc != 0) {
        die("starting %s thread %d: %s", what, t, strerror(rc));
    }
}

/* Waits for the thread to end or dies naming it (WHAT thread T). */
static void join_thread(pthread_t thread, const char *what, int t) {
    int rc = pthread_join(thread, NULL);
    if (rc != 0) {
        die("joining %s thread %d: %s", what, t, strerror(rc));
    }
}

/* A worker thread's share of the DEALERs; it owns them from its start. */
struct load_worker {
    pthread_t thread;
    const struct load_config *config;
    struct peer *peers;
    int npeers;
    struct stats stats;
};

static void *load_loop(void *arg)
{
    struct load_worker *lw = arg;
    const struct load_config *cf = lw->config;
    struct stats *st = &lw->stats;
    int n = lw->npeers;
    zmq_pollitem_t *items = xcalloc((size_t) n, sizeof *items);
    for (int i = 0; i < n; i++) {
        items[i].socket = lw->peers[i].socket;
        items[i].events = ZMQ_POLLIN;
    }
    zmq_msg_t first;
    zmq_msg_t part;
    if (zmq_msg_init(&first) != 0 || zmq_msg_init(&part) != 0) {
        die("zmq_msg_init: %s", zmq_strerror(errno));
    }
    char code[CODE_LEN + 1];
    for (;;) {
        int64_t now = mono_ns();
        int sending = now < cf->go.end_ns;
        int blocked = 0;
        int64_t next_deadline = INT64_MAX;
        for (int i = 0; i < n; i++) {
            struct peer *p = &lw->peers[i];
            /* time-outs: the oldest not yet counted, while past their limit */
            while (p->expired < p->count && p->sent[(p->head + p->expired) % cf->window] + cf->timeout_ns <= now) {
                p->expired++;
                st->run_timeouts++;
                if (now >= cf->go.start_ns && now < cf->go.end_ns) {
                    st->timeouts++;
                }
            }
            while (sending && p->count < cf->window) {
                int64_t t = mono_ns();
                if (t < p->next_send) {
                    if (p->next_send < next_deadline) {
                        next_deadline = p->next_send;
                    }
                    break;
                }
                if (send_request(p->socket, cf->type, cf->type_len, cf->payload, cf->size, ZMQ_DONTWAIT) != 0) {
                    blocked = 1;
                    break;
                }
                p->sent[(p->head + p->count) % cf->window] = t;
                p->count++;
                p->next_send = t + cf->interval_ns;
                st->sent++;
            }
            if (p->expired < p->count) {
                int64_t d = p->sent[(p->head + p->expired) % cf->window] + cf->timeout_ns;
                if (d < next_deadline) {
                    next_deadline = d;
                }
            }
        }
        if (!sending && next_deadline == INT64_MAX) {
            break; /* every request answered or timed out */
        }
        now = mono_ns();
        int64_t wait_ns = next_deadline - now;
        if (sending && cf->go.end_ns - now < wait_ns) {
            wait_ns = cf->go.end_ns - now;
        }
        if (blocked && wait_ns > 1000000) {
            wait_ns = 1000000;
        }
        long timeout_ms = wait_ns <= 0 ? 0 : (long) ((wait_ns + 999999) / 1000000);
        if (timeout_ms > 100) {
            timeout_ms = 100;
        }
        int rc = zmq_poll(items, n, timeout_ms);
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("zmq_poll: %s", zmq_strerror(errno));
        }
        for (int i = 0; rc > 0 && i < n; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) {
                continue;
            }
            struct peer *p = &lw->peers[i];
            int ack;
            while ((ack = recv_answer(p->socket, &first, &part, ZMQ_DONTWAIT, code)) >= 0) {
                int64_t at = mono_ns();
                if (p->count == 0) {
                    st->stray++;
                    continue;
                }
                int64_t sent = p->sent[p->head];
                p->head = (p->head + 1) % cf->window;
                p->count--;
                if (p->expired > 0) {
                    p->expired--;
                    st->late++;
                }
                record(st, &cf->go, ack, code, sent, at);
            }
        }
    }
    zmq_msg_close(&first);
    zmq_msg_close(&part);
    free(items);
    return NULL;
}

/* Every DEALER sends one STRING message; returns how many were answered within CONNECT_TIMEOUT_MS. */
static int connect_all(struct peer *peers, int n, const uint8_t *payload, size_t size)
{
    zmq_pollitem_t *items = xcalloc((size_t) n, sizeof *items);
    int *answered = xcalloc((size_t) n, sizeof *answered);
    for (int i = 0; i < n; i++) {
        items[i].socket = peers[i].socket;
        items[i].events = ZMQ_POLLIN;
        if (send_request(peers[i].socket, "STRING", 6, payload, size, 0) != 0) {
            die("sending the connect message: %s", zmq_strerror(errno));
        }
    }
    zmq_msg_t first;
    zmq_msg_t part;
    if (zmq_msg_init(&first) != 0 || zmq_msg_init(&part) != 0) {
        die("zmq_msg_init: %s", zmq_strerror(errno));
    }
    char code[CODE_LEN + 1];
    int done = 0;
    int64_t deadline = mono_ns() + (int64_t) CONNECT_TIMEOUT_MS * 1000000;
    while (done < n) {
        int64_t left = deadline - mono_ns();
        if (left <= 0) {
            break;
        }
        int rc = zmq_poll(items, n, (long) (left / 1000000 + 1));
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("zmq_poll: %s", zmq_strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            if (items[i].revents & ZMQ_POLLIN) {
                while (recv_answer(peers[i].socket, &first, &part, ZMQ_DONTWAIT, code) >= 0) {
                    if (!answered[i]) {
                        answered[i] = 1;
                        done++;
                    }
                }
            }
        }
    }
    zmq_msg_close(&first);
    zmq_msg_close(&part);
    free(answered);
    free(items);
    return done;
}

static int run_load(int argc, char **argv)
{
    if (argc < 9) {
        die("usage: load load ENDPOINT SERVER_KEY KEYS OFFSET CLIENTS WINDOW SIZE [-t TYPE] [-T TIMEOUT_MS]"
            " [-j THREADS] [-i INTERVAL_MS]");
    }
    const char *endpoint = argv[2];
    uint8_t server_key[KEY_LEN];
    decode_key(server_key, argv[3], "SERVER_KEY");
    long offset = parse_long(argv[5], "OFFSET", 0, 10000000);
    int clients = (int) parse_long(argv[6], "CLIENTS", 1, 100000);
    unsigned window_size = (unsigned) parse_long(argv[7], "WINDOW", 1, 1000000);
    size_t size = (size_t) parse_long(argv[8], "SIZE", 0, 256L * 1024 * 1024);
    const char *type = "STRING";
    long timeout_ms = 5000;
    long interval_ms = 0;
    int threads = 1;
    for (int i = 9; i < argc; i++) {
        if (i + 1 >= argc) {
            die("option %s needs a value", argv[i]);
        }
        if (strcmp(argv[i], "-t") == 0) {
            type = argv[++i];
        } else if (strcmp(argv[i], "-T") == 0) {
            timeout_ms = parse_long(argv[++i], "TIMEOUT_MS (-T)", 1, 3600000);
        } else if (strcmp(argv[i], "-j") == 0) {
            threads = (int) parse_long(argv[++i], "THREADS (-j)", 1, 64);
        } else if (strcmp(argv[i], "-i") == 0) {
            interval_ms = parse_long(argv[++i], "INTERVAL_MS (-i)", 0, 3600000);
        } else {
            die("unknown option '%s' (use -t TYPE, -T TIMEOUT_MS, -j THREADS, -i INTERVAL_MS)", argv[i]);
        }
    }
    if (threads > clients) {
        threads = clients;
    }
    struct key_pair *keys = read_keys(argv[4], offset, clients);
    uint8_t *payload = make_payload(size);

    void *ctx = zmq_ctx_new();
    if (ctx == NULL) {
        die("zmq_ctx_new: %s", zmq_strerror(errno));
    }
    struct peer *peers = xcalloc((size_t) clients, sizeof *peers);
    for (int i = 0; i < clients; i++) {
        peers[i].socket = dealer(ctx, server_key, &keys[i], 3000, 1000, endpoint);
        peers[i].sent = xcalloc(window_size, sizeof *peers[i].sent);
    }
    int connected = connect_all(peers, clients, payload, size);
    if (connected < clients) {
        printf("RESULT failed=connect connected=%d\n", connected);
        fflush(stdout);
        return 1;
    }

    struct load_config config = {
        .type = type,
        .type_len = strlen(type),
        .payload = payload,
        .size = size,
        .window = window_size,
        .timeout_ns = (int64_t) timeout_ms * 1000000,
        .interval_ns = (int64_t) interval_ms * 1000000,
    };
    await_go(&config.go);
    struct load_worker *workers = xcalloc((size_t) threads, sizeof *workers);
    int from = 0;
    for (int t = 0; t < threads; t++) {
        int share = clients / threads + (t < clients % threads ? 1 : 0);
        workers[t].config = &config;
        workers[t].peers = &peers[from];
        workers[t].npeers = share;
        stats_init(&workers[t].stats);
        from += share;
        start_thread(&workers[t].thread, load_loop, &workers[t], "worker", t);
    }
    struct stats all;
    stats_init(&all);
    for (int t = 0; t < threads; t++) {
        join_thread(workers[t].thread, "worker", t);
        merge(&all, &workers[t].stats);
        free(workers[t].stats.hist);
    }
    print_result(&all, config.go.length_ms);
    await_quit();

    for (int i = 0; i < clients; i++) {
        zmq_close(peers[i].socket);
        free(peers[i].sent);
    }
    while (zmq_ctx_term(ctx) != 0 && errno == EINTR) {
    }
    free(all.hist);
    free(workers);
    free(peers);
    free(payload);
    free(keys);
    return 0;
}

/* --------------------------------------------------------------- handshake */

struct handshake_shared {
    void *ctx;
    const char *endpoint;
    const uint8_t *server_key;
    const struct key_pair *keys;
    long count;
    const uint8_t *payload;
    struct window go;
    atomic_uint_fast64_t next_key;
};

struct handshake_worker {
    pthread_t thread;
    struct handshake_shared *shared;
    struct stats stats;
};

/* One connection: connect, one message, its answer (or HANDSHAKE_REPLY_TIMEOUT_MS), close. */
static int one_handshake(struct handshake_shared *sh, const struct key_pair *key, zmq_msg_t *first, zmq_msg_t *part,
                         char code[CODE_LEN + 1])
{
    void *s = dealer(sh->ctx, sh->server_key, key, 2000, 1000, sh->endpoint);
    if (send_request(s, "STRING", 6, sh->payload, HANDSHAKE_PAYLOAD, 0) != 0) {
        die("sending: %s", zmq_strerror(errno));
    }
    zmq_pollitem_t item = {.socket = s, .events = ZMQ_POLLIN};
    int64_t deadline = mono_ns() + (int64_t) HANDSHAKE_REPLY_TIMEOUT_MS * 1000000;
    int result = -1;
    for (;;) {
        int64_t left = deadline - mono_ns();
        if (left <= 0) {
            break;
        }
        int rc = zmq_poll(&item, 1, (long) (left / 1000000 + 1));
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("zmq_poll: %s", zmq_strerror(errno));
        }
        if (rc > 0) {
            result = recv_answer(s, first, part, ZMQ_DONTWAIT, code);
            if (result >= 0) {
                break;
            }
        }
    }
    zmq_close(s);
    return result;
}

static void *handshake_loop(void *arg)
{
    struct handshake_worker *hw = arg;
    struct handshake_shared *sh = hw->shared;
    struct stats *st = &hw->stats;
    zmq_msg_t first;
    zmq_msg_t part;
    if (zmq_msg_init(&first) != 0 || zmq_msg_init(&part) != 0) {
        die("zmq_msg_init: %s", zmq_strerror(errno));
    }
    char code[CODE_LEN + 1];
    while (mono_ns() < sh->go.end_ns) {
        uint_fast64_t k = atomic_fetch_add(&sh->next_key, 1);
        const struct key_pair *key = &sh->keys[k % (uint_fast64_t) sh->count];
        int64_t begin = mono_ns();
        int ack = one_handshake(sh, key, &first, &part, code);
        int64_t at = mono_ns();
        st->sent++;
        if (at < sh->go.start_ns || at >= sh->go.end_ns) {
            continue;
        }
        if (ack == 1) {
            record(st, &sh->go, 1, code, begin, at);
        } else {
            st->errors++;
            if (ack < 0) {
                st->timeouts++;
            } else {
                struct code *c = code_entry(st, code, strlen(code));
                c->window++;
                c->run++;
            }
        }
    }
    zmq_msg_close(&first);
    zmq_msg_close(&part);
    return NULL;
}

static int run_handshake(int argc, char **argv)
{
    if (argc != 8) {
        die("usage: load handshake ENDPOINT SERVER_KEY KEYS OFFSET COUNT CONCURRENCY");
    }
    struct handshake_shared sh;
    memset(&sh, 0, sizeof sh);
    uint8_t server_key[KEY_LEN];
    decode_key(server_key, argv[3], "SERVER_KEY");
    long offset = parse_long(argv[5], "OFFSET", 0, 10000000);
    sh.count = parse_long(argv[6], "COUNT", 1, 10000000);
    int concurrency = (int) parse_long(argv[7], "CONCURRENCY", 1, 1024);
    sh.endpoint = argv[2];
    sh.server_key = server_key;
    sh.keys = read_keys(argv[4], offset, sh.count);
    uint8_t *payload = make_payload(HANDSHAKE_PAYLOAD);
    sh.payload = payload;
    atomic_init(&sh.next_key, 0);
    sh.ctx = zmq_ctx_new();
    if (sh.ctx == NULL) {
        die("zmq_ctx_new: %s", zmq_strerror(errno));
    }
    if (zmq_ctx_set(sh.ctx, ZMQ_MAX_SOCKETS, 65536) != 0) {
        die("zmq_ctx_set(ZMQ_MAX_SOCKETS): %s", zmq_strerror(errno));
    }
    /* one connection before CONNECTED: the server is there and takes our keys */
    zmq_msg_t first;
    zmq_msg_t part;
    if (zmq_msg_init(&first) != 0 || zmq_msg_init(&part) != 0) {
        die("zmq_msg_init: %s", zmq_strerror(errno));
    }
    char code[CODE_LEN + 1];
    if (one_handshake(&sh, &sh.keys[0], &first, &part, code) < 0) {
        printf("RESULT failed=connect\n");
        fflush(stdout);
        return 1;
    }
    zmq_msg_close(&first);
    zmq_msg_close(&part);
    await_go(&sh.go);
    struct handshake_worker *workers = xcalloc((size_t) concurrency, sizeof *workers);
    for (int t = 0; t < concurrency; t++) {
        workers[t].shared = &sh;
        stats_init(&workers[t].stats);
        start_thread(&workers[t].thread, handshake_loop, &workers[t], "handshake", t);
    }
    struct stats all;
    stats_init(&all);
    for (int t = 0; t < concurrency; t++) {
        join_thread(workers[t].thread, "handshake", t);
        merge(&all, &workers[t].stats);
        free(workers[t].stats.hist);
    }
    print_result(&all, sh.go.length_ms);
    await_quit();
    while (zmq_ctx_term(sh.ctx) != 0 && errno == EINTR) {
    }
    free(all.hist);
    free(workers);
    free(payload);
    free((void *) sh.keys);
    return 0;
}

/* -------------------------------------------------------------------- hold */

/* Reads every answer waiting on s; 1 when there was at least one. */
static int drain_answers(void *s, zmq_msg_t *first, zmq_msg_t *part)
{
    char code[CODE_LEN + 1];
    int any = 0;
    while (recv_answer(s, first, part, ZMQ_DONTWAIT, code) >= 0) {
        any = 1;
    }
    return any;
}

/* Sends the probe's [STRING, payload] without waiting; a socket that cannot take it now is sent to again later. */
static void send_probe(void *s, const uint8_t *payload)
{
    send_request(s, "STRING", 6, payload, HANDSHAKE_PAYLOAD, ZMQ_DONTWAIT);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a;
    int64_t y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* The answers of one probe: how many, and their times after T0 (ms) at p50, p90, p99 and the last. */
struct probe_result {
    int ok;
    int64_t p50;
    int64_t p90;
    int64_t p99;
    int64_t last;
};

/*
 * One message on each of the n sockets, then waits until every one was answered or deadline_ns
 * (monotonic) passes. Stale answers (to an earlier probe's resend) are read and dropped first. The
 * sockets still waiting are polled, and after each wake-up the loop sleeps HOLD_BATCH_MS so that a
 * storm's answers are read in batches rather than one poll of every socket per answer.
 */
static struct probe_result probe(void **sockets, int n, const uint8_t *payload, int64_t t0_ms, int64_t deadline_ns)
{
    zmq_msg_t first;
    zmq_msg_t part;
    if (zmq_msg_init(&first) != 0 || zmq_msg_init(&part) != 0) {
        die("zmq_msg_init: %s", zmq_strerror(errno));
    }
    int *open = xcalloc((size_t) n, sizeof *open);
    int64_t *at = xcalloc((size_t) n, sizeof *at);
    zmq_pollitem_t *items = xcalloc((size_t) n, sizeof *items);
    for (int i = 0; i < n; i++) {
        drain_answers(sockets[i], &first, &part);
        send_probe(sockets[i], payload);
        open[i] = i;
    }
    int pending = n;
    int done = 0;
    int64_t resend_at = mono_ns() + (int64_t) HOLD_RESEND_MS * 1000000;
    while (pending > 0) {
        int64_t now = mono_ns();
        if (now >= deadline_ns) {
            break;
        }
        if (now >= resend_at) {
            for (int j = 0; j < pending; j++) {
                send_probe(sockets[open[j]], payload);
            }
            resend_at = now + (int64_t) HOLD_RESEND_MS * 1000000;
        }
        for (int j = 0; j < pending; j++) {
            items[j].socket = sockets[open[j]];
            items[j].fd = 0;
            items[j].events = ZMQ_POLLIN;
            items[j].revents = 0;
        }
        int64_t until = deadline_ns < resend_at ? deadline_ns : resend_at;
        int rc = zmq_poll(items, pending, (long) ((until - now) / 1000000 + 1));
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("zmq_poll: %s", zmq_strerror(errno));
        }
        if (rc == 0) {
            continue;
        }
        int64_t answered_ms = real_ns() / 1000000 - t0_ms;
        int kept = 0;
        for (int j = 0; j < pending; j++) {
            int i = open[j];
            if ((items[j].revents & ZMQ_POLLIN) && drain_answers(sockets[i], &first, &part)) {
                at[done++] = answered_ms;
            } else {
                open[kept++] = i;
            }
        }
        pending = kept;
        if (pending > 0) {
            struct timespec pause = {0, (long) HOLD_BATCH_MS * 1000000};
            nanosleep(&pause, NULL);
        }
    }
    zmq_msg_close(&first);
    zmq_msg_close(&part);
    struct probe_result r = {done, -1, -1, -1, -1};
    if (done > 0) {
        qsort(at, (size_t) done, sizeof *at, compare_i64);
        r.p50 = at[(int) (done * 0.5)];
        r.p90 = at[done - 1 < (int) (done * 0.9) ? done - 1 : (int) (done * 0.9)];
        r.p99 = at[done - 1 < (int) (done * 0.99) ? done - 1 : (int) (done * 0.99)];
        r.last = at[done - 1];
    }
    free(items);
    free(at);
    free(open);
    return r;
}

/* Two descriptors per DEALER (its connection and its mailbox): the soft limit raised to what is needed. */
static void raise_descriptor_limit(long count)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        die("getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
    }
    rlim_t need = (rlim_t) (2 * count + 256);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
            die("%ld DEALERs need %lu open descriptors; the hard limit is %lu (ulimit -Hn): hold fewer per process",
                count, (unsigned long) need, (unsigned long) rl.rlim_max);
        }
        rl.rlim_cur = need;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            die("setrlimit(RLIMIT_NOFILE, %lu): %s", (unsigned long) need, strerror(errno));
        }
    }
}

static int run_hold(int argc, char **argv)
{
    if (argc != 7) {
        die("usage: load hold ENDPOINT SERVER_KEY KEYS OFFSET COUNT");
    }
    uint8_t server_key[KEY_LEN];
    decode_key(server_key, argv[3], "SERVER_KEY");
    long offset = parse_long(argv[5], "OFFSET", 0, 10000000);
    int count = (int) parse_long(argv[6], "COUNT", 1, 100000);
    const char *endpoint = argv[2];
    struct key_pair *keys = read_keys(argv[4], offset, count);
    raise_descriptor_limit(count);
    uint8_t *payload = make_payload(HANDSHAKE_PAYLOAD);
    void *ctx = zmq_ctx_new();
    if (ctx == NULL) {
        die("zmq_ctx_new: %s", zmq_strerror(errno));
    }
    if (zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, count + 64) != 0) {
        die("zmq_ctx_set(ZMQ_MAX_SOCKETS): %s", zmq_strerror(errno));
    }
    void **sockets = xcalloc((size_t) count, sizeof *sockets);
    int64_t begin_ms = real_ns() / 1000000;
    int ok = 0;
    int64_t last = -1;
    for (int from = 0; from < count; from += HOLD_CHUNK) {
        int n = count - from < HOLD_CHUNK ? count - from : HOLD_CHUNK;
        for (int i = 0; i < n; i++) {
            sockets[from + i] = dealer(ctx, server_key, &keys[from + i], HOLD_HANDSHAKE_MS, HOLD_RECONNECT_MAX_MS,
                                       endpoint);
        }
        struct probe_result r = probe(sockets + from, n, payload, begin_ms,
                                      mono_ns() + (int64_t) HOLD_CONNECT_MS * 1000000);
        ok += r.ok;
        if (r.last > last) {
            last = r.last;
        }
    }
    /* the secret keys are in the sockets now */
    memset(keys, 0, (size_t) count * sizeof *keys);
    free(keys);
    printf("HELD ok=%d of=%d last_ms=%" PRId64 "\n", ok, count, last);
    fflush(stdout);
    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL) {
        long long t0_ms;
        long long timeout_ms;
        if (strncmp(line, "QUIT", 4) == 0) {
            break;
        }
        if (sscanf(line, "PROBE %lld %lld", &t0_ms, &timeout_ms) != 2 || timeout_ms < 0) {
            die("expected PROBE T0_MS TIMEOUT_MS or QUIT, got '%.100s'", line);
        }
        struct probe_result r = probe(sockets, count, payload, (int64_t) t0_ms,
                                      mono_ns() + (int64_t) timeout_ms * 1000000);
        printf("PROBED ok=%d of=%d p50_ms=%" PRId64 " p90_ms=%" PRId64 " p99_ms=%" PRId64 " last_ms=%" PRId64 "\n",
               r.ok, count, r.p50, r.p90, r.p99, r.last);
        fflush(stdout);
    }
    for (int i = 0; i < count; i++) {
        zmq_close(sockets[i]);
    }
    while (zmq_ctx_term(ctx) != 0 && errno == EINTR) {
    }
    free(sockets);
    free(payload);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "load") == 0) {
        return run_load(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "handshake") == 0) {
        return run_handshake(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "hold") == 0) {
        return run_hold(argc, argv);
    }
    fprintf(stderr, "usage: load load ENDPOINT SERVER_KEY KEYS OFFSET CLIENTS WINDOW SIZE [-t TYPE] [-T TIMEOUT_MS]"
                    " [-j THREADS] [-i INTERVAL_MS]\n       load handshake ENDPOINT SERVER_KEY KEYS OFFSET COUNT CONCURRENCY\n"
                    "       load hold ENDPOINT SERVER_KEY KEYS OFFSET COUNT\n");
    return 2;
}
