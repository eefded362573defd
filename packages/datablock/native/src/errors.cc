#include "errors.h"

#include "errnames.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

namespace plh {

const char* ErrnoName(int err) {
  const char* name = ErrnoNameOf(err);
  return name != nullptr ? name : "EUNKNOWN";
}

static bool Pending(Napi::Env env) { return env.IsExceptionPending(); }

Napi::Error MakeErrno(Napi::Env env, int err, const char* syscall, const std::string& detail) {
  std::string msg = std::string(ErrnoName(err)) + ": " + strerror(err) + ", " + syscall;
  if (!detail.empty()) msg += " " + detail;
  Napi::Error e = Napi::Error::New(env, msg);
  e.Value().Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Value().Set("errno", Napi::Number::New(env, err));
  e.Value().Set("syscall", Napi::String::New(env, syscall));
  return e;
}

void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& detail) {
  if (Pending(env)) return;
  MakeErrno(env, err, syscall, detail).ThrowAsJavaScriptException();
}

Napi::Error MakeCoded(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Value().Set("code", Napi::String::New(env, code));
  return e;
}

void ThrowCoded(Napi::Env env, const char* code, const std::string& message) {
  if (Pending(env)) return;
  MakeCoded(env, code, message).ThrowAsJavaScriptException();
}

void ThrowRange(Napi::Env env, const std::string& message) {
  if (Pending(env)) return;
  Napi::RangeError e = Napi::RangeError::New(env, message);
  e.Value().Set("code", Napi::String::New(env, "ERR_OUT_OF_RANGE"));
  e.ThrowAsJavaScriptException();
}

void ThrowType(Napi::Env env, const std::string& message) {
  if (Pending(env)) return;
  Napi::TypeError e = Napi::TypeError::New(env, message);
  e.Value().Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  e.ThrowAsJavaScriptException();
}

bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* what, std::string* out) {
  if (i >= info.Length() || !info[i].IsString()) {
    ThrowType(info.Env(), std::string("The \"") + what + "\" argument must be a string");
    return false;
  }
  *out = info[i].As<Napi::String>().Utf8Value();
  return !Pending(info.Env());
}

bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* what, bool* out) {
  if (i >= info.Length() || !info[i].IsBoolean()) {
    ThrowType(info.Env(), std::string("The \"") + what + "\" argument must be a boolean");
    return false;
  }
  *out = info[i].As<Napi::Boolean>().Value();
  return true;
}

static constexpr double kMaxSafe = 9007199254740991.0;  // 2^53 - 1

bool ArgIndex(const Napi::CallbackInfo& info, size_t i, const char* what, uint64_t max, uint64_t* out) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    ThrowType(info.Env(), std::string("The \"") + what + "\" argument must be a number");
    return false;
  }
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v < 0 || v != std::floor(v) || v > kMaxSafe ||
      static_cast<uint64_t>(v) > max) {
    ThrowRange(info.Env(), std::string("The value of \"") + what +
                               "\" is out of range: it must be an integer >= 0 and <= " +
                               std::to_string(max) + ", received " + std::to_string(v));
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

bool ArgFd(const Napi::CallbackInfo& info, size_t i, int* out) {
  uint64_t v;
  if (!ArgIndex(info, i, "fd", INT_MAX, &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ArgTimeout(const Napi::CallbackInfo& info, size_t i, double* ms, bool* forever) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    ThrowType(info.Env(), "The \"timeoutMs\" argument must be a number (negative or Infinity = wait forever)");
    return false;
  }
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (std::isnan(v)) {
    ThrowRange(info.Env(), "The value of \"timeoutMs\" is out of range: NaN (use a number >= 0, or -1 / Infinity to wait forever)");
    return false;
  }
  *forever = v < 0 || std::isinf(v) || v > 1e12;  // > ~31 years: treat as forever
  *ms = *forever ? 0 : v;
  return true;
}

bool ValidShmName(Napi::Env env, const std::string& name, const char* syscall) {
  const char* why = nullptr;
  if (name.empty()) why = "it is empty";
  else if (name[0] != '/') why = "it must start with '/'";
  else if (name.size() == 1) why = "it needs at least one character after '/'";
  else if (name.find('/', 1) != std::string::npos) why = "it must not contain '/' after the first character";
  else if (name.find('\0') != std::string::npos) why = "it must not contain NUL characters";
  else if (name == "/." || name == "/..") why = "'.' and '..' are not valid names";
  if (why != nullptr) {
    ThrowErrno(env, EINVAL, syscall, "(invalid shared memory name " + std::string(name.c_str()) + ": " + why + ")");
    return false;
  }
  if (name.size() - 1 >= NAME_MAX) {
    ThrowErrno(env, ENAMETOOLONG, syscall,
               "(shared memory name is " + std::to_string(name.size() - 1) +
                   " bytes after '/'; the limit is " + std::to_string(NAME_MAX - 1) + ")");
    return false;
  }
  return true;
}

}  // namespace plh
