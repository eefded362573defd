// FdStat(fd, st): fstat through the raw system call. The prebuilt binaries link against glibc 2.28
// stubs (zig 0.11), whose fstat wrapper returns -1 without setting errno; the kernel's struct stat
// is glibc's on x86_64 and aarch64, so the syscall fills the same structure and sets errno.
#pragma once
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace plh {

inline int FdStat(int fd, struct stat* st) { return static_cast<int>(syscall(SYS_fstat, fd, st)); }

}  // namespace plh
