#include "daemon/control/control_connection.h"

#include <exception>

#include "daemon/control/control_commands.h"

namespace vigil {

ControlConnection::ControlConnection(uv_loop_t* loop, Handler handler, ClosedCallback on_closed)
    : holder_(new Holder{{}, this, {}, {}}),
      handler_(std::move(handler)),
      on_closed_(std::move(on_closed)),
      idle_timer_(loop) {
  uv_pipe_init(loop, &holder_->handle, 0);
  holder_->handle.data = holder_;
}

ControlConnection::~ControlConnection() {
  holder_->owner = nullptr;  // a write or close callback still to come finds no connection
  if (closing_) return;      // the close callback frees the holder
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&holder_->handle), on_handle_closed);
}

void ControlConnection::start() {
  idle_timer_.start(kIdleTimeoutMs, [this] { close(); });
  uv_read_start(
      stream(),
      [](uv_handle_t* handle, size_t, uv_buf_t* out) {
        auto* owner = static_cast<Holder*>(handle->data)->owner;
        *out = owner == nullptr ? uv_buf_init(nullptr, 0)
                                : uv_buf_init(owner->read_buffer_.data(),
                                              static_cast<unsigned>(owner->read_buffer_.size()));
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* owner = static_cast<Holder*>(stream->data)->owner;
        if (owner != nullptr) owner->on_read(nread, buf);
      });
}

void ControlConnection::on_read(ssize_t nread, const uv_buf_t* buf) {
  if (closing_ || answered_) return;
  if (nread < 0) {
    // The client may end its request with EOF instead of a newline.
    if (nread == UV_EOF && !request_.empty()) return answer(request_);
    return close();
  }
  request_.append(buf->base, static_cast<std::size_t>(nread));
  const auto newline = request_.find('\n');
  if (newline != std::string::npos) {
    std::string_view line(request_.data(), newline);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return answer(line);
  }
  if (request_.size() > kMaxRequestBytes) {
    send(control_error_text("request longer than " + std::to_string(kMaxRequestBytes) + " bytes"));
  }
}

void ControlConnection::answer(std::string_view request) {
  uv_read_stop(stream());
  idle_timer_.start(kAnswerTimeoutMs, [this] { close(); });
  std::weak_ptr<bool> alive = alive_;
  try {  // nothing may throw across this libuv callback
    handler_(request, [this, alive](std::string reply) {
      if (!alive.expired()) send(std::move(reply));
    });
  } catch (const std::exception& failure) {
    send(control_error_text(std::string("internal error: ") + failure.what()));
  }
}

// Writes the reply and closes once it is written; reads no more.
void ControlConnection::send(std::string reply) {
  if (answered_ || closing_) return;
  answered_ = true;
  uv_read_stop(stream());
  holder_->reply = std::move(reply);
  idle_timer_.start(kIdleTimeoutMs, [this] { close(); });  // the client must read it in time
  holder_->write.data = holder_;
  uv_buf_t buf = uv_buf_init(holder_->reply.data(), static_cast<unsigned>(holder_->reply.size()));
  const int rc = uv_write(&holder_->write, stream(), &buf, 1, [](uv_write_t* request, int) {
    auto* owner = static_cast<Holder*>(request->data)->owner;
    if (owner != nullptr) owner->close();
  });
  if (rc != 0) close();
}

void ControlConnection::close() {
  if (closing_) return;
  closing_ = true;
  idle_timer_.stop();
  uv_close(reinterpret_cast<uv_handle_t*>(&holder_->handle), on_handle_closed);
}

void ControlConnection::on_handle_closed(uv_handle_t* handle) {
  auto* holder = static_cast<Holder*>(handle->data);
  if (holder->owner != nullptr) {
    // A copy: the owner may delete the connection, and with it on_closed_, in the call.
    auto callback = holder->owner->on_closed_;
    callback(*holder->owner);
  }
  delete holder;
}

}  // namespace vigil
