// Work handed to an event loop from another thread: closures queue under a mutex and a
// uv_async_t wakes the loop, which runs them on its own thread. This is the only way into a
// worker's loop (daemon/worker.h): nothing reads a worker's structures while its loop runs.
#pragma once

#include <uv.h>

#include <functional>
#include <future>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

namespace vigil {

class LoopInbox {
 public:
  explicit LoopInbox(uv_loop_t* loop);
  // Closes the wake-up handle: call on the loop's thread (or before it runs, or after it ended),
  // then run the loop once more to free it.
  ~LoopInbox();
  LoopInbox(const LoopInbox&) = delete;
  LoopInbox& operator=(const LoopInbox&) = delete;

  // Any thread: `work` runs on the loop's thread at its next turn. Work still queued when the
  // inbox is destroyed is dropped, never run.
  void post(std::function<void()> work);

  // Any thread but the loop's own: runs `work` on the loop's thread and waits for its result.
  // The loop must be running (or about to) and must never wait for the caller in turn.
  template <typename Work>
  auto call(Work work) -> std::invoke_result_t<Work&> {
    using Result = std::invoke_result_t<Work&>;
    std::packaged_task<Result()> task(std::move(work));
    auto result = task.get_future();
    post([&task] { task(); });
    return result.get();  // rethrows what `work` threw
  }

 private:
  struct Holder {
    uv_async_t handle;
    LoopInbox* owner;
  };
  void run_queued();

  Holder* holder_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queued_;
};

}  // namespace vigil
