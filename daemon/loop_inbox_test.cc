#include "daemon/loop_inbox.h"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace vigil {

namespace {

// A loop on a thread of its own, kept alive by the inbox until the test stops it.
struct LoopThread {
  uv_loop_t loop{};
  std::unique_ptr<LoopInbox> inbox;
  std::thread thread;
  std::thread::id loop_thread_id;

  LoopThread() {
    uv_loop_init(&loop);
    inbox = std::make_unique<LoopInbox>(&loop);
    thread = std::thread([this] {
      loop_thread_id = std::this_thread::get_id();
      uv_run(&loop, UV_RUN_DEFAULT);
    });
  }
  ~LoopThread() {
    inbox->post([this] { uv_stop(&loop); });
    thread.join();
    inbox.reset();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("LoopInbox::call runs the work on the loop's thread and returns its result") {
  LoopThread worker;
  const auto where = worker.inbox->call([] { return std::this_thread::get_id(); });
  CHECK(where != std::this_thread::get_id());
  CHECK(where == worker.inbox->call([&] { return worker.loop_thread_id; }));
  int counted = 0;  // touched only on the loop's thread
  for (int i = 0; i < 100; ++i) worker.inbox->post([&counted] { ++counted; });
  CHECK(worker.inbox->call([&] { return counted; }) == 100);  // in order: after the posts
}

TEST_CASE("LoopInbox::call hands back what the work threw") {
  LoopThread worker;
  CHECK_THROWS_AS(worker.inbox->call([]() -> int { throw std::runtime_error("no"); }),
                  std::runtime_error);
}

TEST_CASE("LoopInbox drops work still queued when it is destroyed") {
  uv_loop_t loop{};
  uv_loop_init(&loop);
  bool ran = false;
  {
    LoopInbox inbox(&loop);
    inbox.post([&ran] { ran = true; });
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_FALSE(ran);
  uv_loop_close(&loop);
}

}  // namespace vigil
