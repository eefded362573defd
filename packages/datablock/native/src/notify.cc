// NotifySocket: the receiving end of the sd_notify protocol. Node cannot bind a Unix datagram
// socket (node:dgram is UDP only), so this binds an AF_UNIX SOCK_DGRAM socket at a filesystem
// path with SO_PASSCRED, watches it with uv_poll on the JS thread's loop, and hands each datagram
// to a JS callback with the sender's pid and uid (SCM_CREDENTIALS). File descriptors passed along
// (systemd-notify's BARRIER=1 sends one) are closed at once; truncated control data (MSG_CTRUNC)
// is harmless. Policy (what READY=1 means, timeouts) lives in TypeScript.
#include "notify.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "errors.h"

namespace plh {
namespace {

// Datagrams larger than this are dropped whole, as systemd drops them (its own limit is 4096).
constexpr size_t kMaxMessage = 64 * 1024;
// Room for the credentials and for the most fds one message can carry (SCM_MAX_FD = 253).
constexpr size_t kControl = CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 253);

class NotifySocket : public Napi::ObjectWrap<NotifySocket> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NotifySocket",
                       {
                           InstanceAccessor<&NotifySocket::GetPath>("path"),
                           InstanceMethod<&NotifySocket::Close>("close"),
                           InstanceMethod<&NotifySocket::RefMethod>("ref"),
                           InstanceMethod<&NotifySocket::UnrefMethod>("unref"),
                       });
  }

  explicit NotifySocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NotifySocket>(info) {
    Napi::Env env = info.Env();
    if (!ArgString(info, 0, "path", &path_)) return;
    if (info.Length() < 2 || !info[1].IsFunction()) {
      ThrowType(env, "The \"onMessage\" argument must be a function ({ pid, uid, text }) => void");
      return;
    }
    if (!ValidPath(env)) return;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      const int err = errno;  // read before building the message (allocation may change errno)
      ThrowErrno(env, err, "socket", "(AF_UNIX, SOCK_DGRAM)");
      return;
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
      int err = errno;
      close(fd);
      ThrowErrno(env, err, "setsockopt", "(SO_PASSCRED)");
      return;
    }
    struct sockaddr_un addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) != 0) {
      int err = errno;
      close(fd);
      ThrowErrno(env, err, "bind", path_ + BindAdvice(err));
      return;
    }
    uv_loop_t* loop = nullptr;
    poll_ = new uv_poll_t();
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr ||
        uv_poll_init(loop, poll_, fd) != 0) {
      delete poll_;
      poll_ = nullptr;
      close(fd);
      unlink(path_.c_str());
      ThrowCoded(env, "ERR_NOTIFY_SOCKET", "NotifySocket: cannot watch the socket on the event loop");
      return;
    }
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, OnReadable);
    fd_ = fd;
    open_ = true;
    env_ = env;
    onMessage_ = Napi::Persistent(info[1].As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "plh.NotifySocket");
    Ref();  // the JS object lives while the socket is open, even if JS drops it
    napi_add_env_cleanup_hook(env, CleanupHook, this);
  }

  // Reached after close() (the strong reference held while open prevents an earlier collection),
  // or at environment teardown after CleanupHook.
  ~NotifySocket() override = default;

 private:
  Napi::Value GetPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (open_) {
      napi_remove_env_cleanup_hook(env_, CleanupHook, this);
      Shutdown();
      Unref();  // the object may now be collected; the uv handle's close callback does not touch it
    }
    return info.Env().Undefined();
  }

  Napi::Value RefMethod(const Napi::CallbackInfo& info) {
    if (open_) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  Napi::Value UnrefMethod(const Napi::CallbackInfo& info) {
    if (open_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    return info.Env().Undefined();
  }

  bool ValidPath(Napi::Env env) {
    const char* why = nullptr;
    if (path_.empty()) why = "it is empty";
    else if (path_.find('\0') != std::string::npos) why = "it contains a NUL character";
    else if (path_[0] == '@') why = "abstract socket names ('@...') are not supported: give a filesystem path";
    if (why != nullptr) {
      ThrowErrno(env, EINVAL, "bind", "(invalid notify socket path: " + std::string(why) + ")");
      return false;
    }
    if (path_.size() >= sizeof(sockaddr_un::sun_path)) {
      ThrowErrno(env, ENAMETOOLONG, "bind",
                 "(notify socket path is " + std::to_string(path_.size()) + " bytes; a Unix socket path holds at most " +
                     std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                     ": use a shorter directory, such as one made with mkdtemp under /tmp)");
      return false;
    }
    return true;
  }

  static std::string BindAdvice(int err) {
    switch (err) {
      case EADDRINUSE: return " (the path already exists: remove the stale file or choose a new path)";
      case ENOENT: return " (its directory does not exist: create it first)";
      case ENOTDIR: return " (a component of the path is not a directory)";
      case EACCES: return " (no permission to create a file in its directory)";
      default: return "";
    }
  }

  // Stops watching, closes the fd and unlinks the path. The uv handle is a separate allocation that
  // its close callback frees (this object may be collected before that callback runs).
  void Shutdown() {
    if (!open_) return;
    open_ = false;
    uv_poll_stop(poll_);
    poll_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), OnClosed);
    poll_ = nullptr;
    close(fd_);
    fd_ = -1;
    // Unlink only if the path is still our socket (another process may have replaced it).
    struct stat st;
    if (lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path_.c_str());
    onMessage_.Reset();  // context_ stays until destruction: close() may run inside a callback
  }

  static void OnClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

  // At environment teardown (process exit, worker end) with the socket still open.
  static void CleanupHook(void* arg) {
    auto* self = static_cast<NotifySocket*>(arg);
    self->Shutdown();
  }

  static void OnReadable(uv_poll_t* handle, int status, int events) {
    auto* self = static_cast<NotifySocket*>(handle->data);
    if (self == nullptr || status < 0 || (events & UV_READABLE) == 0) return;
    self->Drain();
  }

  // Reads every queued datagram (the socket is non-blocking) and delivers each one.
  void Drain() {
    Napi::Env env = env_;
    Napi::HandleScope outer(env);
    // A local handle on our JS object: if the callback calls close() (dropping the strong
    // reference), the object still cannot be collected before this loop returns.
    Napi::Object keep = Value();
    std::vector<char> data(kMaxMessage + 1);
    alignas(struct cmsghdr) char control[kControl];
    while (open_) {
      struct iovec iov = {data.data(), data.size()};
      struct msghdr msg;
      std::memset(&msg, 0, sizeof msg);
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN: drained (other errors: nothing more to read now)
      }
      int pid = 0;
      int uid = -1;
      for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
          struct ucred cred;
          std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
          pid = cred.pid;
          uid = static_cast<int>(cred.uid);
        } else if (c->cmsg_type == SCM_RIGHTS) {
          size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
          for (size_t k = 0; k < count; k++) {
            int passed;
            std::memcpy(&passed, CMSG_DATA(c) + k * sizeof(int), sizeof passed);
            close(passed);  // a passed fd (systemd-notify's barrier): closing it releases the sender
          }
        }
      }
      if ((msg.msg_flags & MSG_TRUNC) != 0 || static_cast<size_t>(n) > kMaxMessage) continue;
      Napi::HandleScope scope(env);
      Napi::Object message = Napi::Object::New(env);
      message.Set("pid", Napi::Number::New(env, pid));
      message.Set("uid", Napi::Number::New(env, uid));
      message.Set("text", Napi::String::New(env, data.data(), static_cast<size_t>(n)));
      onMessage_.MakeCallback(keep, {message}, *context_);
      if (env.IsExceptionPending()) {
        // A throwing callback is an uncaught exception of the program, as for any event handler.
        Napi::Error error = env.GetAndClearPendingException();
        napi_fatal_exception(env, error.Value());
        return;
      }
    }
  }

  std::string path_;
  int fd_ = -1;
  bool open_ = false;
  uv_poll_t* poll_ = nullptr;
  napi_env env_ = nullptr;
  Napi::FunctionReference onMessage_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

}  // namespace

void InitNotify(Napi::Env env, Napi::Object exports) {
  exports.Set("NotifySocket", NotifySocket::Define(env));
}

}  // namespace plh
