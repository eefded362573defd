// Error helpers and argument parsing shared by every part of the addon.
// Rule: never throw when an exception is already pending (a second throw aborts the process).
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>

namespace plh {

// Error with code = errno name, errno = number, syscall = the failing call.
Napi::Error MakeErrno(Napi::Env env, int err, const char* syscall, const std::string& detail);
Napi::Error MakeCoded(Napi::Env env, const char* code, const std::string& message);
void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& detail);
// Error with a custom code ('ERR_MAPPING_CLOSED', ...).
void ThrowCoded(Napi::Env env, const char* code, const std::string& message);
// RangeError with code ERR_OUT_OF_RANGE.
void ThrowRange(Napi::Env env, const std::string& message);
// TypeError with code ERR_INVALID_ARG_TYPE.
void ThrowType(Napi::Env env, const std::string& message);
const char* ErrnoName(int err);

// Argument readers: return false after throwing.
bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* what, std::string* out);
bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* what, bool* out);
// A non-negative safe integer (0 .. 2^53-1), at most `max`.
bool ArgIndex(const Napi::CallbackInfo& info, size_t i, const char* what, uint64_t max, uint64_t* out);
// An integer fd 0 .. INT_MAX.
bool ArgFd(const Napi::CallbackInfo& info, size_t i, int* out);
// A timeout in milliseconds: finite >= 0, or negative / +Infinity meaning "wait forever" (*forever = true).
bool ArgTimeout(const Napi::CallbackInfo& info, size_t i, double* ms, bool* forever);
// Validates a POSIX shm name ("/name"): throws EINVAL / ENAMETOOLONG coded errors.
bool ValidShmName(Napi::Env env, const std::string& name, const char* syscall);

}  // namespace plh
