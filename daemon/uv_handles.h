// RAII for libuv handles: each handle lives at a stable heap address, has one owner, and is freed
// only in its uv_close callback, so a callback already queued never touches freed memory.
#pragma once

#include <uv.h>

#include <functional>

namespace vigil {

// Closes a heap-allocated holder whose first member is the handle; deletes it once closed.
template <typename Holder>
void close_and_delete(Holder* holder) {
  auto* handle = reinterpret_cast<uv_handle_t*>(&holder->handle);
  handle->data = holder;
  if (uv_is_closing(handle)) return;
  uv_close(handle, [](uv_handle_t* h) { delete static_cast<Holder*>(h->data); });
}

class Timer {
 public:
  explicit Timer(uv_loop_t* loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(uint64_t timeout_ms, std::function<void()> callback);
  void stop();

 private:
  struct Holder {
    uv_timer_t handle;
    std::function<void()> callback;
  };
  Holder* holder_;
};

class SignalWatcher {
 public:
  SignalWatcher(uv_loop_t* loop, int signal_number, std::function<void()> callback);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  struct Holder {
    uv_signal_t handle;
    std::function<void()> callback;
  };
  Holder* holder_;
};

}  // namespace vigil
