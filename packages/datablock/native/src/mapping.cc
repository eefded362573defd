#include "mapping.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "errors.h"
#include "fdstat.h"

namespace plh {

Napi::Function Mapping::Define(Napi::Env env) {
  return DefineClass(
      env, "Mapping",
      {
          InstanceAccessor<&Mapping::GetSize>("size"),
          InstanceAccessor<&Mapping::GetClosed>("closed"),
          InstanceMethod<&Mapping::Buffer>("buffer"),
          InstanceMethod<&Mapping::Detach>("detach"),
          InstanceMethod<&Mapping::Close>("close"),
          InstanceMethod<&Mapping::MutexInit>("mutexInit"),
          InstanceMethod<&Mapping::MutexLock>("mutexLock"),
          InstanceMethod<&Mapping::MutexTryLock>("mutexTryLock"),
          InstanceMethod<&Mapping::MutexUnlock>("mutexUnlock"),
          InstanceMethod<&Mapping::MutexConsistent>("mutexConsistent"),
          InstanceMethod<&Mapping::FutexWait>("futexWait"),
          InstanceMethod<&Mapping::FutexWaitAsync>("futexWaitAsync"),
          InstanceMethod<&Mapping::FutexWake>("futexWake"),
      });
}

// new Mapping(fd, size, writable): maps bytes [0, size) of fd. size must not exceed the fd's size
// (touching pages past the end of the file would be SIGBUS).
Mapping::Mapping(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Mapping>(info) {
  Napi::Env env = info.Env();
  int fd;
  uint64_t size;
  bool writable;
  if (!ArgFd(info, 0, &fd) || !ArgIndex(info, 1, "size", SIZE_MAX >> 1, &size) ||
      !ArgBool(info, 2, "writable", &writable)) {
    return;
  }
  if (size == 0) {
    ThrowRange(env, "The value of \"size\" is out of range: a mapping needs at least 1 byte");
    return;
  }
  struct stat st;
  if (FdStat(fd, &st) != 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "fstat", "fd " + std::to_string(fd));
    return;
  }
  if (static_cast<uint64_t>(st.st_size) < size) {
    ThrowRange(env, "The value of \"size\" is out of range: " + std::to_string(size) +
                        " bytes requested but fd " + std::to_string(fd) + " holds only " +
                        std::to_string(st.st_size));
    return;
  }
  void* p = mmap(nullptr, size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "mmap", "fd " + std::to_string(fd) + " (" + std::to_string(size) + " bytes)");
    return;
  }
  base_ = static_cast<uint8_t*>(p);
  size_ = size;
  writable_ = writable;
  closed_ = false;
}

// Garbage collected without close(): unmapping is safe only if no buffer was ever handed out
// (a surviving view over unmapped memory would be a SIGSEGV). Otherwise the mapping leaks
// until the process exits. Never detach or touch JS values here.
Mapping::~Mapping() {
  if (!closed_ && base_ != nullptr && !handedOut_) munmap(base_, size_);
}

bool Mapping::CheckOpen(Napi::Env env) {
  if (!closed_) return true;
  ThrowCoded(env, "ERR_MAPPING_CLOSED", "The mapping is closed: open the segment again to use it");
  return false;
}

bool Mapping::ArgOffset(const Napi::CallbackInfo& info, size_t i, size_t length, size_t align,
                        const char* what, size_t* out) {
  uint64_t off;
  if (!ArgIndex(info, i, "offset", SIZE_MAX >> 1, &off)) return false;
  if (off % align != 0 || off > size_ || length > size_ - off) {
    ThrowRange(info.Env(), std::string("The value of \"offset\" is out of range: ") + what + " at offset " +
                               std::to_string(off) + " needs " + std::to_string(length) +
                               " bytes aligned to " + std::to_string(align) + " inside a mapping of " +
                               std::to_string(size_) + " bytes");
    return false;
  }
  *out = static_cast<size_t>(off);
  return true;
}

Napi::Value Mapping::GetSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(size_));
}

Napi::Value Mapping::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), closed_);
}

static void NoopFinalize(napi_env, void*, void*) {}

void Mapping::SweepBuffers() {
  std::vector<Napi::Reference<Napi::ArrayBuffer>> alive;
  for (auto& r : buffers_) {
    if (!r.Value().IsEmpty()) alive.push_back(std::move(r));
  }
  buffers_ = std::move(alive);
  sweepAt_ = buffers_.size() * 2 > 64 ? buffers_.size() * 2 : 64;
}

// buffer(offset, length): an external ArrayBuffer over base+offset (zero-copy).
Napi::Value Mapping::Buffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  uint64_t off, len;
  if (!ArgIndex(info, 0, "offset", SIZE_MAX >> 1, &off) || !ArgIndex(info, 1, "length", SIZE_MAX >> 1, &len)) {
    return env.Undefined();
  }
  if (off > size_ || len > size_ - off) {
    ThrowRange(env, "The values of \"offset\" and \"length\" are out of range: [" + std::to_string(off) + ", " +
                        std::to_string(off + len) + ") is not inside the mapping of " +
                        std::to_string(size_) + " bytes");
    return env.Undefined();
  }
  napi_value ab;
  napi_status status = napi_create_external_arraybuffer(env, base_ + off, len, NoopFinalize, nullptr, &ab);
  if (status != napi_ok) {
    // V8 refuses some sizes (over 4 GiB here) and may already have thrown: never throw twice.
    ThrowCoded(env, "ERR_BUFFER_TOO_LARGE",
               "Cannot create an ArrayBuffer of " + std::to_string(len) + " bytes over the mapping (V8 refused it; use smaller views)");
    return env.Undefined();
  }
  if (buffers_.size() >= sweepAt_) SweepBuffers();
  buffers_.push_back(Napi::Weak(Napi::ArrayBuffer(env, ab)));
  handedOut_ = true;
  return Napi::Value(env, ab);
}

// detach(buffer): detaches one buffer that this mapping handed out.
Napi::Value Mapping::Detach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env)) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) {
    ThrowType(env, "The \"buffer\" argument must be an ArrayBuffer returned by this mapping's buffer()");
    return env.Undefined();
  }
  for (size_t i = 0; i < buffers_.size(); i++) {
    Napi::ArrayBuffer ab = buffers_[i].Value();
    if (ab.IsEmpty() || !ab.StrictEquals(info[0])) continue;
    napi_status status = napi_detach_arraybuffer(env, ab);
    buffers_.erase(buffers_.begin() + static_cast<std::ptrdiff_t>(i));
    if (status != napi_ok) ThrowCoded(env, "ERR_DETACH_FAILED", "Could not detach the buffer");
    return env.Undefined();
  }
  ThrowCoded(env, "ERR_INVALID_ARG_VALUE",
             "The \"buffer\" argument was not handed out by this mapping (or was already detached)");
  return env.Undefined();
}

// close(): detach every live buffer, stop async futex waits, then munmap once. Idempotent.
Napi::Value Mapping::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) return env.Undefined();
  closed_ = true;
  for (auto& r : buffers_) {
    Napi::ArrayBuffer ab = r.Value();
    if (!ab.IsEmpty()) napi_detach_arraybuffer(env, ab);  // already detached: harmless
  }
  buffers_.clear();
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->closing = true;
  }
  // Async waiters that already checked "open" may be in (or entering) the kernel: wake them
  // until none is left, so no worker touches the memory after munmap.
  for (;;) {
    std::vector<uint32_t*> addrs;
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      if (state_->active == 0) break;
      addrs = state_->waiting;
    }
    for (uint32_t* a : addrs) syscall(SYS_futex, a, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
    sched_yield();
  }
  munmap(base_, size_);
  base_ = nullptr;
  return env.Undefined();
}

}  // namespace plh
