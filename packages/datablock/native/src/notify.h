#pragma once
#include <napi.h>
namespace plh {
// NotifySocket: an sd_notify receiver (AF_UNIX datagram socket watched on the event loop).
void InitNotify(Napi::Env env, Napi::Object exports);
}  // namespace plh
