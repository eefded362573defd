// Mapping: an mmap(MAP_SHARED) of a whole fd, the ArrayBuffers handed out over it, and the
// mutex / futex operations on words inside it. Every offset is range-checked here.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace plh {

// State shared with futexWaitAsync workers (they may outlive a close()).
struct MapState {
  std::mutex mu;
  bool closing = false;
  int active = 0;                   // async waits between "checked open" and "left the kernel"
  std::vector<uint32_t*> waiting;   // their addresses, to wake them on close
};

class Mapping : public Napi::ObjectWrap<Mapping> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Mapping(const Napi::CallbackInfo& info);
  ~Mapping() override;

 private:
  Napi::Value GetSize(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);
  Napi::Value Buffer(const Napi::CallbackInfo& info);
  Napi::Value Detach(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  // mutex.cc
  Napi::Value MutexInit(const Napi::CallbackInfo& info);
  Napi::Value MutexLock(const Napi::CallbackInfo& info);
  Napi::Value MutexTryLock(const Napi::CallbackInfo& info);
  Napi::Value MutexUnlock(const Napi::CallbackInfo& info);
  Napi::Value MutexConsistent(const Napi::CallbackInfo& info);
  // futex.cc
  Napi::Value FutexWait(const Napi::CallbackInfo& info);
  Napi::Value FutexWaitAsync(const Napi::CallbackInfo& info);
  Napi::Value FutexWake(const Napi::CallbackInfo& info);

  // Throws ERR_MAPPING_CLOSED and returns false when closed.
  bool CheckOpen(Napi::Env env);
  // Reads argument i as an offset of a `length`-byte object aligned to `align`, inside the mapping.
  bool ArgOffset(const Napi::CallbackInfo& info, size_t i, size_t length, size_t align,
                 const char* what, size_t* out);
  // Open check + offset of a pthread mutex (+ writable check). Returns nullptr after throwing.
  void* MutexAt(const Napi::CallbackInfo& info);
  uint32_t* FutexAt(const Napi::CallbackInfo& info);
  void SweepBuffers();

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  bool writable_ = false;
  bool closed_ = true;
  bool handedOut_ = false;  // a buffer was ever created (then a GC'd Mapping leaks, never unmaps)
  size_t sweepAt_ = 64;
  std::vector<Napi::Reference<Napi::ArrayBuffer>> buffers_;  // weak
  std::shared_ptr<MapState> state_ = std::make_shared<MapState>();
};

}  // namespace plh
