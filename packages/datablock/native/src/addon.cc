// @plh/datablock-native: mechanisms only (shm segments, mappings, robust mutex, futex).
// Policy (names, layouts, timeouts, typed errors) lives in @plh/datablock (TypeScript).
#include <napi.h>
#include <pthread.h>

#include <cerrno>

#include "crc32c.h"
#include "mapping.h"
#include "notify.h"
#include "shm.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  plh::InitShm(env, exports);
  plh::InitCrc32c(env, exports);
  plh::InitNotify(env, exports);
  exports.Set("Mapping", plh::Mapping::Define(env));

  Napi::Object e = Napi::Object::New(env);
#define PLH_ERRNO(name) e.Set(#name, Napi::Number::New(env, name))
  PLH_ERRNO(EOWNERDEAD);
  PLH_ERRNO(ETIMEDOUT);
  PLH_ERRNO(EAGAIN);
  PLH_ERRNO(EBUSY);
  PLH_ERRNO(EPERM);
  PLH_ERRNO(ENOTRECOVERABLE);
  PLH_ERRNO(EDEADLK);
  PLH_ERRNO(EINTR);
  PLH_ERRNO(EINVAL);
  PLH_ERRNO(EEXIST);
  PLH_ERRNO(ENOENT);
  PLH_ERRNO(ENOSPC);
  PLH_ERRNO(EACCES);
  PLH_ERRNO(ENAMETOOLONG);
  PLH_ERRNO(EMFILE);
#undef PLH_ERRNO
  e.Freeze();
  exports.Set("errno", e);
  exports.Set("pthreadMutexSize", Napi::Number::New(env, sizeof(pthread_mutex_t)));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

NODE_API_MODULE(plh_datablock, Init)
