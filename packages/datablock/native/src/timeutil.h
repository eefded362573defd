// CLOCK_MONOTONIC deadlines for timed waits (timeouts are capped at 1e12 ms by ArgTimeout).
#pragma once
#include <time.h>

namespace plh {

inline struct timespec MonotonicNow() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts;
}

inline struct timespec AddMs(struct timespec ts, double ms) {
  long long ns = static_cast<long long>(ms * 1e6);
  ts.tv_sec += static_cast<time_t>(ns / 1000000000LL);
  ts.tv_nsec += static_cast<long>(ns % 1000000000LL);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec += 1;
    ts.tv_nsec -= 1000000000L;
  }
  return ts;
}

// deadline - now, or false when the deadline has passed.
inline bool Remaining(const struct timespec& deadline, struct timespec* out) {
  struct timespec now = MonotonicNow();
  long long ns = (static_cast<long long>(deadline.tv_sec) - now.tv_sec) * 1000000000LL +
                 (deadline.tv_nsec - now.tv_nsec);
  if (ns <= 0) return false;
  out->tv_sec = static_cast<time_t>(ns / 1000000000LL);
  out->tv_nsec = static_cast<long>(ns % 1000000000LL);
  return true;
}

}  // namespace plh
