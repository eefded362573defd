#pragma once
#include <napi.h>

namespace plh {
// Adds crc32c(data: Uint8Array): number and crc32cHardware: boolean to the exports.
void InitCrc32c(Napi::Env env, Napi::Object exports);
}  // namespace plh
