// One vigilctl connection on the control socket: it reads one request line, writes the reply
// and closes. A client that sends no line, too long a line, or does not read its reply in time
// costs only its own connection.
#pragma once

#include <uv.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/uv_handles.h"

namespace vigil {

class ControlConnection {
 public:
  // A request longer than this is no command of ours (the longest is a name of 255 octets).
  static constexpr std::size_t kMaxRequestBytes = 4096;
  // For the request to arrive, and again for the reply to be read: a stalled client is closed.
  static constexpr uint64_t kIdleTimeoutMs = 5000;

  // The handler answers through `respond`, at once or later (explain); a late answer for a
  // connection that is gone is dropped.
  using Respond = std::function<void(std::string reply)>;
  using Handler = std::function<void(std::string_view request, Respond respond)>;
  // How long a command may take to answer (explain waits for upstreams and validation).
  static constexpr uint64_t kAnswerTimeoutMs = 20000;
  using ClosedCallback = std::function<void(ControlConnection&)>;

  // `on_closed` runs from the handle's close callback, when no libuv callback of this
  // connection can come any more; the owner may delete the connection in it.
  ControlConnection(uv_loop_t* loop, Handler handler, ClosedCallback on_closed);
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&holder_->handle); }
  void start();  // once the server accepted into stream()
  void close();

 private:
  // Outlives the connection until libuv is done with the handle (and with the reply buffer).
  struct Holder {
    uv_pipe_t handle;
    ControlConnection* owner;
    uv_write_t write;
    std::string reply;
  };
  static void on_handle_closed(uv_handle_t* handle);
  void on_read(ssize_t nread, const uv_buf_t* buf);
  void answer(std::string_view request);
  void send(std::string reply);

  Holder* holder_;
  Handler handler_;
  ClosedCallback on_closed_;
  Timer idle_timer_;
  std::string request_;
  std::array<char, 1024> read_buffer_{};
  bool answered_ = false;
  bool closing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for late answers
};

}  // namespace vigil
