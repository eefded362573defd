/* The C floor of the DataBlock benchmarks: the same work as plh's benches, done in C by two
 * processes (fork) over one MAP_SHARED mapping, each waiting by spinning.
 *
 *   floor ring <slot-size> <slot-count> <slots>   producer (child) copies a payload into each
 *       slot, consumer (parent) copies each slot out; prints "<elapsed ns>" (consumer's clock,
 *       from the start signal to the last slot copied out).
 *   floor pingpong <round-trips> <warm-up>        64 B ping-pong over two one-slot rings; the
 *       parent prints one round-trip time in ns per line (warm-up excluded).
 *
 * Built by the bench at run time with the system C compiler (cc -O2); see floor.ts. Plain C11 and
 * POSIX, x86-64 and aarch64. */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE 64

/* One spin step. Every 1024th step yields the core, so that on a loaded machine (more runnable
 * processes than cores) a spinning side does not hold its core while the peer it waits for is
 * not running; on a quiet machine the peer answers long before that. */
static inline void relax(void) {
  static __thread unsigned spins;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
  if ((++spins & 1023) == 0) sched_yield();
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Control words, each on its own cache line (as a real ring keeps them). */
struct control {
  _Alignas(LINE) _Atomic uint64_t head; /* slots committed by the producer */
  _Alignas(LINE) _Atomic uint64_t tail; /* slots released by the consumer */
  _Alignas(LINE) _Atomic uint32_t go;   /* start signal, set by the parent */
};

static void *map_shared(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("floor: mmap");
    exit(2);
  }
  memset(p, 0, bytes); /* fault every page in before the clock starts, as plh's create does */
  return p;
}

static void *aligned(size_t bytes, int fill) {
  void *p = NULL;
  if (posix_memalign(&p, 4096, bytes) != 0) {
    fprintf(stderr, "floor: out of memory\n");
    exit(2);
  }
  memset(p, fill, bytes);
  return p;
}

static void wait_go(struct control *c) {
  while (atomic_load_explicit(&c->go, memory_order_acquire) == 0) relax();
}

static int join_child(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "floor: child failed\n");
    return 1;
  }
  return 0;
}

/* Producer and consumer each keep the other's cursor as last seen and re-read it only when the
 * ring looks full (or empty): the usual single-producer single-consumer ring. */
static int ring(size_t size, uint64_t slots, uint64_t count) {
  struct control *c = map_shared(sizeof *c);
  unsigned char *data = map_shared(size * slots);
  pid_t pid = fork();
  if (pid < 0) {
    perror("floor: fork");
    return 2;
  }
  if (pid == 0) {
    unsigned char *payload = aligned(size, 0xab);
    uint64_t seen_tail = 0;
    wait_go(c);
    for (uint64_t i = 0; i < count; i++) {
      while (i - seen_tail >= slots) {
        seen_tail = atomic_load_explicit(&c->tail, memory_order_acquire);
        if (i - seen_tail >= slots) relax();
      }
      memcpy(data + (i % slots) * size, payload, size);
      atomic_store_explicit(&c->head, i + 1, memory_order_release);
    }
    _exit(0);
  }
  unsigned char *sink = aligned(size, 0);
  uint64_t seen_head = 0;
  atomic_store_explicit(&c->go, 1, memory_order_release);
  uint64_t started = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    while (seen_head <= i) {
      seen_head = atomic_load_explicit(&c->head, memory_order_acquire);
      if (seen_head <= i) relax();
    }
    memcpy(sink, data + (i % slots) * size, size);
    atomic_store_explicit(&c->tail, i + 1, memory_order_release);
  }
  uint64_t elapsed = now_ns() - started;
  if (join_child(pid) != 0) return 1;
  if (sink[size - 1] != 0xab) {
    fprintf(stderr, "floor: payload did not arrive\n");
    return 1;
  }
  printf("%llu\n", (unsigned long long)elapsed);
  return 0;
}

/* Two one-slot rings: the parent writes 64 B into ping, the child copies it into pong, the parent
 * copies pong out. */
static int pingpong(uint64_t n, uint64_t warmup) {
  struct control *ping = map_shared(sizeof *ping);
  struct control *pong = map_shared(sizeof *pong);
  unsigned char *ping_data = map_shared(LINE);
  unsigned char *pong_data = map_shared(LINE);
  uint64_t total = n + warmup;
  pid_t pid = fork();
  if (pid < 0) {
    perror("floor: fork");
    return 2;
  }
  if (pid == 0) {
    unsigned char buf[64];
    wait_go(ping);
    for (uint64_t i = 0; i < total; i++) {
      while (atomic_load_explicit(&ping->head, memory_order_acquire) <= i) relax();
      memcpy(buf, ping_data, 64);
      memcpy(pong_data, buf, 64);
      atomic_store_explicit(&pong->head, i + 1, memory_order_release);
    }
    _exit(0);
  }
  uint64_t *samples = malloc(sizeof(uint64_t) * (n ? n : 1));
  unsigned char message[64], back[64] = {0};
  memset(message, 0x5a, sizeof message);
  atomic_store_explicit(&ping->go, 1, memory_order_release);
  for (uint64_t i = 0; i < total; i++) {
    uint64_t started = now_ns();
    memcpy(ping_data, message, 64);
    atomic_store_explicit(&ping->head, i + 1, memory_order_release);
    while (atomic_load_explicit(&pong->head, memory_order_acquire) <= i) relax();
    memcpy(back, pong_data, 64);
    if (i >= warmup) samples[i - warmup] = now_ns() - started;
  }
  if (join_child(pid) != 0) return 1;
  if (back[63] != 0x5a) {
    fprintf(stderr, "floor: ping-pong payload did not arrive\n");
    return 1;
  }
  for (uint64_t i = 0; i < n; i++) printf("%llu\n", (unsigned long long)samples[i]);
  return 0;
}

/* A positive decimal number, or 0 when the text is not one. */
static uint64_t positive(const char *text) {
  char *end = NULL;
  unsigned long long value = strtoull(text, &end, 10);
  return (end != text && *end == '\0' && text[0] != '-') ? (uint64_t)value : 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "ring") == 0) {
    uint64_t size = positive(argv[2]), slots = positive(argv[3]), count = positive(argv[4]);
    if (size > 0 && slots > 0 && count > 0) return ring(size, slots, count);
  }
  if (argc == 4 && strcmp(argv[1], "pingpong") == 0) {
    uint64_t n = positive(argv[2]);
    if (n > 0) return pingpong(n, strtoull(argv[3], NULL, 10));
  }
  fprintf(stderr, "floor: bad arguments; floor ring <slot-size> <slot-count> <slots> | floor pingpong <n> <warm-up> (positive numbers)\n");
  return 2;
}
