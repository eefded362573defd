#pragma once
#include <napi.h>
namespace plh {
// shmCreate, shmOpen, shmUnlink, fdSize, fdOwner, fdClose, exit.
void InitShm(Napi::Env env, Napi::Object exports);
}  // namespace plh
