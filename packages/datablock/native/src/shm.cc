// POSIX shared memory segments and fds: shm_open, space reservation, shm_unlink, fstat, close.
#include "shm.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errors.h"
#include "fdstat.h"

namespace plh {

static constexpr uint64_t kMaxSegment = (1ULL << 53) - 1;

// shmCreate(name, size, mode): O_CREAT|O_EXCL|O_RDWR, fchmod(mode), ftruncate, posix_fallocate.
// On any failure after creation the segment is unlinked again.
static Napi::Value ShmCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  uint64_t size, mode;
  if (!ArgString(info, 0, "name", &name) || !ValidShmName(env, name, "shm_open")) return env.Undefined();
  if (!ArgIndex(info, 1, "size", kMaxSegment, &size)) return env.Undefined();
  if (size == 0) {
    ThrowRange(env, "The value of \"size\" is out of range: a segment needs at least 1 byte");
    return env.Undefined();
  }
  if (!ArgIndex(info, 2, "mode", 07777, &mode)) return env.Undefined();

  int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "shm_open", name);
    return env.Undefined();
  }
  const char* failed = nullptr;
  int err = 0;
  // shm_open's mode is filtered by the umask; make the mode exactly what was asked for.
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    failed = "fchmod";
    err = errno;
  } else if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    failed = "ftruncate";
    err = errno;
  } else {
    // Reserve the pages now: a full /dev/shm is ENOSPC here instead of SIGBUS on first touch.
    do {
      err = posix_fallocate(fd, 0, static_cast<off_t>(size));
    } while (err == EINTR);
    if (err != 0) failed = "posix_fallocate";
  }
  if (failed != nullptr) {
    close(fd);
    shm_unlink(name.c_str());
    ThrowErrno(env, err, failed, name + " (" + std::to_string(size) + " bytes)");
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

static Napi::Value ShmOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  bool writable;
  if (!ArgString(info, 0, "name", &name) || !ValidShmName(env, name, "shm_open")) return env.Undefined();
  if (!ArgBool(info, 1, "writable", &writable)) return env.Undefined();
  int fd = shm_open(name.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "shm_open", name);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

static Napi::Value ShmUnlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ArgString(info, 0, "name", &name) || !ValidShmName(env, name, "shm_unlink")) return env.Undefined();
  if (shm_unlink(name.c_str()) != 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(env, err, "shm_unlink", name);
  }
  return env.Undefined();
}

static bool Fstat(const Napi::CallbackInfo& info, struct stat* st) {
  int fd;
  if (!ArgFd(info, 0, &fd)) return false;
  if (FdStat(fd, st) != 0) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(info.Env(), err, "fstat", "fd " + std::to_string(fd));
    return false;
  }
  return true;
}

static Napi::Value FdSize(const Napi::CallbackInfo& info) {
  struct stat st;
  if (!Fstat(info, &st)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(st.st_size));
}

// { uid, mode } where mode is the permission bits (st_mode & 07777).
static Napi::Value FdOwner(const Napi::CallbackInfo& info) {
  struct stat st;
  if (!Fstat(info, &st)) return info.Env().Undefined();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("uid", Napi::Number::New(info.Env(), st.st_uid));
  o.Set("mode", Napi::Number::New(info.Env(), st.st_mode & 07777));
  return o;
}

static Napi::Value FdClose(const Napi::CallbackInfo& info) {
  int fd;
  if (!ArgFd(info, 0, &fd)) return info.Env().Undefined();
  // On Linux the fd is released even when close reports EINTR: never retry.
  if (close(fd) != 0 && errno != EINTR) {
    const int err = errno;  // read before building the message (allocation may change errno)
    ThrowErrno(info.Env(), err, "close", "fd " + std::to_string(fd));
  }
  return info.Env().Undefined();
}

// exit(code): _exit at once, no cleanup, no atexit handlers (for zombie-owner scenarios).
static Napi::Value Exit(const Napi::CallbackInfo& info) {
  uint64_t code = 0;
  if (info.Length() > 0 && !ArgIndex(info, 0, "code", 255, &code)) return info.Env().Undefined();
  _exit(static_cast<int>(code));
}

void InitShm(Napi::Env env, Napi::Object exports) {
  exports.Set("shmCreate", Napi::Function::New(env, ShmCreate, "shmCreate"));
  exports.Set("shmOpen", Napi::Function::New(env, ShmOpen, "shmOpen"));
  exports.Set("shmUnlink", Napi::Function::New(env, ShmUnlink, "shmUnlink"));
  exports.Set("fdSize", Napi::Function::New(env, FdSize, "fdSize"));
  exports.Set("fdOwner", Napi::Function::New(env, FdOwner, "fdOwner"));
  exports.Set("fdClose", Napi::Function::New(env, FdClose, "fdClose"));
  exports.Set("exit", Napi::Function::New(env, Exit, "exit"));
}

}  // namespace plh
