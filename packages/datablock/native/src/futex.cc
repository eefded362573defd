// Futex wait / wake on a shared 32-bit word (no FUTEX_PRIVATE_FLAG: works across processes).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <string>

#include "errors.h"
#include "mapping.h"
#include "timeutil.h"

namespace plh {

// 0 (woken, possibly spuriously) | EAGAIN (word != expected) | ETIMEDOUT | other errno.
// EINTR is retried with the remaining time. The first call always reaches the kernel so that a
// zero timeout still reports EAGAIN when the word differs.
static int WaitOn(uint32_t* addr, uint32_t expected, bool forever, double ms) {
  struct timespec deadline = AddMs(MonotonicNow(), forever ? 0 : ms);
  struct timespec rel = AddMs({0, 0}, forever ? 0 : ms);
  for (;;) {
    long r = syscall(SYS_futex, addr, FUTEX_WAIT, expected, forever ? nullptr : &rel, nullptr, 0);
    if (r == 0) return 0;
    int err = errno;
    if (err != EINTR) return err;
    if (!forever && !Remaining(deadline, &rel)) return ETIMEDOUT;
  }
}

uint32_t* Mapping::FutexAt(const Napi::CallbackInfo& info) {
  if (!CheckOpen(info.Env())) return nullptr;
  size_t off;
  if (!ArgOffset(info, 0, 4, 4, "a futex word", &off)) return nullptr;
  return reinterpret_cast<uint32_t*>(base_ + off);
}

// expected: any 32-bit value, given as int32 (-2^31..2^31-1) or uint32 (0..2^32-1).
static bool ArgExpected(const Napi::CallbackInfo& info, uint32_t* out) {
  if (info.Length() < 2 || !info[1].IsNumber()) {
    ThrowType(info.Env(), "The \"expected\" argument must be a number");
    return false;
  }
  double v = info[1].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v != std::floor(v) || v < -2147483648.0 || v > 4294967295.0) {
    ThrowRange(info.Env(), "The value of \"expected\" is out of range: it must be a 32-bit integer (int32 or uint32)");
    return false;
  }
  *out = static_cast<uint32_t>(static_cast<int64_t>(v));
  return true;
}

static Napi::Value WaitOutcome(Napi::Env env, int rc) {
  if (rc == 0 || rc == EAGAIN || rc == ETIMEDOUT) return Napi::Number::New(env, rc);
  ThrowErrno(env, rc, "futex", "(FUTEX_WAIT)");
  return env.Undefined();
}

// futexWait(offset, expected, timeoutMs): blocks the calling thread.
Napi::Value Mapping::FutexWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t* addr = FutexAt(info);
  uint32_t expected;
  double ms;
  bool forever;
  if (addr == nullptr || !ArgExpected(info, &expected) || !ArgTimeout(info, 2, &ms, &forever)) return env.Undefined();
  return WaitOutcome(env, WaitOn(addr, expected, forever, ms));
}

namespace {

class FutexWaitWorker : public Napi::AsyncWorker {
 public:
  FutexWaitWorker(Napi::Env env, Napi::Object mapping, std::shared_ptr<MapState> state, uint32_t* addr,
                  uint32_t expected, bool forever, double ms)
      : Napi::AsyncWorker(env, "plh.futexWaitAsync"),
        promise_(NewPromise(env, &deferred_)),
        mapping_(Napi::Persistent(mapping)),  // keeps the Mapping (and its memory) from GC
        state_(std::move(state)),
        addr_(addr),
        expected_(expected),
        forever_(forever),
        ms_(ms) {}

  void Execute() override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      if (state_->closing) {
        closed_ = true;
        return;
      }
      state_->active++;
      state_->waiting.push_back(addr_);
    }
    rc_ = WaitOn(addr_, expected_, forever_, ms_);
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = std::find(state_->waiting.begin(), state_->waiting.end(), addr_);
    if (it != state_->waiting.end()) state_->waiting.erase(it);
    state_->active--;
    if (state_->closing) closed_ = true;
  }

  // Settles the promise with raw N-API calls whose status is ignored. When the wait belongs to a
  // worker thread that was terminated meanwhile, its environment can no longer run JavaScript:
  // node-addon-api would turn the failed napi call into a throw, and a throw that fails is a fatal
  // error (the whole process aborts). A promise nobody can observe any more need not settle.
  void OnWorkComplete(Napi::Env env, napi_status status) override {
    napi_handle_scope scope;
    if (status != napi_cancelled && napi_open_handle_scope(env, &scope) == napi_ok) {
      Settle(env);
      napi_close_handle_scope(env, scope);
    }
    Destroy();
  }

  void Settle(napi_env env) {
    napi_value value = nullptr;
    if (closed_) {
      value = MakeCoded(env, "ERR_MAPPING_CLOSED", "The mapping was closed while futexWaitAsync waited").Value();
      napi_reject_deferred(env, deferred_, value);
    } else if (rc_ == 0 || rc_ == EAGAIN || rc_ == ETIMEDOUT) {
      if (napi_create_int32(env, rc_, &value) == napi_ok) napi_resolve_deferred(env, deferred_, value);
    } else {
      value = MakeErrno(env, rc_, "futex", "(FUTEX_WAIT)").Value();
      napi_reject_deferred(env, deferred_, value);
    }
  }

  Napi::Promise Promise() { return promise_; }

 private:
  static Napi::Promise NewPromise(Napi::Env env, napi_deferred* deferred) {
    napi_value promise;
    napi_status status = napi_create_promise(env, deferred, &promise);
    NAPI_FATAL_IF_FAILED(status, "FutexWaitWorker", "napi_create_promise");
    return Napi::Promise(env, promise);
  }

  napi_deferred deferred_ = nullptr;
  Napi::Promise promise_;
  Napi::ObjectReference mapping_;
  std::shared_ptr<MapState> state_;
  uint32_t* addr_;
  uint32_t expected_;
  bool forever_;
  double ms_;
  int rc_ = 0;
  bool closed_ = false;
};

}  // namespace

// futexWaitAsync(offset, expected, timeoutMs): the wait runs on a libuv threadpool thread.
Napi::Value Mapping::FutexWaitAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t* addr = FutexAt(info);
  uint32_t expected;
  double ms;
  bool forever;
  if (addr == nullptr || !ArgExpected(info, &expected) || !ArgTimeout(info, 2, &ms, &forever)) return env.Undefined();
  auto* worker = new FutexWaitWorker(env, info.This().As<Napi::Object>(), state_, addr, expected, forever, ms);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// futexWake(offset, count): wakes up to count waiters (Infinity = all); returns how many woke.
Napi::Value Mapping::FutexWake(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t* addr = FutexAt(info);
  if (addr == nullptr) return env.Undefined();
  uint64_t count = INT_MAX;
  bool all = info.Length() > 1 && info[1].IsNumber() && std::isinf(info[1].As<Napi::Number>().DoubleValue()) &&
             info[1].As<Napi::Number>().DoubleValue() > 0;
  if (!all && !ArgIndex(info, 1, "count", INT_MAX, &count)) return env.Undefined();
  long r = syscall(SYS_futex, addr, FUTEX_WAKE, static_cast<int>(count), nullptr, nullptr, 0);
  if (r < 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "futex", "(FUTEX_WAKE)");
    return env.Undefined();
  }
  return Napi::Number::New(env, static_cast<double>(r));
}

}  // namespace plh
