#include "daemon/loop_inbox.h"

#include "daemon/uv_handles.h"

namespace vigil {

LoopInbox::LoopInbox(uv_loop_t* loop) : holder_(new Holder{{}, this}) {
  uv_async_init(loop, &holder_->handle, [](uv_async_t* async) {
    if (auto* owner = static_cast<Holder*>(async->data)->owner) owner->run_queued();
  });
  holder_->handle.data = holder_;
}

LoopInbox::~LoopInbox() {
  const std::lock_guard lock(mutex_);
  queued_.clear();
  holder_->owner = nullptr;
  close_and_delete(holder_);
}

void LoopInbox::post(std::function<void()> work) {
  {
    const std::lock_guard lock(mutex_);
    queued_.push_back(std::move(work));
  }
  uv_async_send(&holder_->handle);  // several sends before the loop wakes make one callback
}

void LoopInbox::run_queued() {
  std::vector<std::function<void()>> work;
  {
    const std::lock_guard lock(mutex_);
    work.swap(queued_);
  }
  for (auto& item : work) item();
}

}  // namespace vigil
