#include "daemon/uv_handles.h"

namespace vigil {

Timer::Timer(uv_loop_t* loop) : holder_(new Holder{}) {
  uv_timer_init(loop, &holder_->handle);
  holder_->handle.data = holder_;
}

Timer::~Timer() {
  uv_timer_stop(&holder_->handle);
  close_and_delete(holder_);
}

void Timer::start(uint64_t timeout_ms, std::function<void()> callback) {
  holder_->callback = std::move(callback);
  uv_timer_start(
      &holder_->handle,
      [](uv_timer_t* handle) {
        // Copy first: the callback may destroy the Timer (and reassign the function).
        auto callback = static_cast<Holder*>(handle->data)->callback;
        callback();
      },
      timeout_ms, 0);
}

void Timer::stop() { uv_timer_stop(&holder_->handle); }

SignalWatcher::SignalWatcher(uv_loop_t* loop, int signal_number, std::function<void()> callback)
    : holder_(new Holder{}) {
  holder_->callback = std::move(callback);
  uv_signal_init(loop, &holder_->handle);
  holder_->handle.data = holder_;
  uv_signal_start(
      &holder_->handle,
      [](uv_signal_t* handle, int) {
        auto callback = static_cast<Holder*>(handle->data)->callback;
        callback();
      },
      signal_number);
}

SignalWatcher::~SignalWatcher() {
  uv_signal_stop(&holder_->handle);
  close_and_delete(holder_);
}

}  // namespace vigil
