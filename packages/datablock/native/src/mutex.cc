// Robust, process-shared, error-checking pthread mutexes living inside a Mapping.
#include <dlfcn.h>
#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "mapping.h"
#include "timeutil.h"

namespace plh {

void* Mapping::MutexAt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return nullptr;
  size_t off;
  if (!ArgOffset(info, 0, sizeof(pthread_mutex_t), 8, "a pthread mutex", &off)) return nullptr;
  if (!writable_) {
    ThrowCoded(env, "ERR_MAPPING_READ_ONLY", "A mutex needs a writable mapping: open the segment writable");
    return nullptr;
  }
  return base_ + off;
}

// pthread_mutex_clocklock is glibc 2.30; the addon's floor is 2.28, so it is looked up at run time.
// Without it (glibc 2.28/2.29), pthread_mutex_timedlock with the same remaining time on the
// CLOCK_REALTIME clock (a wall-clock jump during the wait then shortens or stretches it).
using ClockLockFn = int (*)(pthread_mutex_t*, clockid_t, const struct timespec*);
static ClockLockFn ClockLock() {
  static const ClockLockFn fn = reinterpret_cast<ClockLockFn>(dlsym(RTLD_DEFAULT, "pthread_mutex_clocklock"));
  return fn;
}

static int LockUntil(pthread_mutex_t* m, double ms) {
  if (ClockLockFn fn = ClockLock()) {
    struct timespec deadline = AddMs(MonotonicNow(), ms);
    return fn(m, CLOCK_MONOTONIC, &deadline);
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct timespec deadline = AddMs(now, ms);
  return pthread_mutex_timedlock(m, &deadline);
}

// Returns rc for the expected outcomes; throws for anything else (a corrupt or uninitialised mutex).
static Napi::Value Outcome(Napi::Env env, int rc, const char* call) {
  switch (rc) {
    case 0:
    case EOWNERDEAD:
    case ENOTRECOVERABLE:
    case ETIMEDOUT:
    case EBUSY:
    case EPERM:
    case EDEADLK:
    case EAGAIN:
      return Napi::Number::New(env, rc);
    default:
      ThrowErrno(env, rc, call, "(is the mutex initialised? mutexInit must run once, by the creator)");
      return env.Undefined();
  }
}

Napi::Value Mapping::MutexInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* m = static_cast<pthread_mutex_t*>(MutexAt(info));
  if (m == nullptr) return env.Undefined();
  pthread_mutexattr_t attr;
  int rc = pthread_mutexattr_init(&attr);
  const char* call = "pthread_mutexattr_init";
  if (rc == 0) {
    if ((rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)) != 0) call = "pthread_mutexattr_setpshared";
    else if ((rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST)) != 0) call = "pthread_mutexattr_setrobust";
    else if ((rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK)) != 0) call = "pthread_mutexattr_settype";
    else if ((rc = pthread_mutex_init(m, &attr)) != 0) call = "pthread_mutex_init";
    pthread_mutexattr_destroy(&attr);
  }
  if (rc != 0) ThrowErrno(env, rc, call, "");
  return env.Undefined();
}

// mutexLock(offset, timeoutMs): timeoutMs < 0 or Infinity waits forever; otherwise a
// CLOCK_MONOTONIC deadline (immune to wall-clock jumps).
Napi::Value Mapping::MutexLock(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* m = static_cast<pthread_mutex_t*>(MutexAt(info));
  if (m == nullptr) return env.Undefined();
  double ms;
  bool forever;
  if (!ArgTimeout(info, 1, &ms, &forever)) return env.Undefined();
  if (forever) return Outcome(env, pthread_mutex_lock(m), "pthread_mutex_lock");
  return Outcome(env, LockUntil(m, ms), ClockLock() != nullptr ? "pthread_mutex_clocklock" : "pthread_mutex_timedlock");
}

Napi::Value Mapping::MutexTryLock(const Napi::CallbackInfo& info) {
  auto* m = static_cast<pthread_mutex_t*>(MutexAt(info));
  if (m == nullptr) return info.Env().Undefined();
  return Outcome(info.Env(), pthread_mutex_trylock(m), "pthread_mutex_trylock");
}

Napi::Value Mapping::MutexUnlock(const Napi::CallbackInfo& info) {
  auto* m = static_cast<pthread_mutex_t*>(MutexAt(info));
  if (m == nullptr) return info.Env().Undefined();
  return Outcome(info.Env(), pthread_mutex_unlock(m), "pthread_mutex_unlock");
}

// Returns 0, or EINVAL when the mutex is not in the owner-died state (nothing to mark).
Napi::Value Mapping::MutexConsistent(const Napi::CallbackInfo& info) {
  auto* m = static_cast<pthread_mutex_t*>(MutexAt(info));
  if (m == nullptr) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), pthread_mutex_consistent(m));
}

}  // namespace plh
