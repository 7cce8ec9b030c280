#include "daemon/control/control_server.h"

#include <sys/stat.h>

#include <stdexcept>

namespace vigil {

namespace {

constexpr int kBacklog = 16;

// While the socket file is created: nobody but us, until restrict_socket_access() opens it to
// the group. umask is per process; vigild is single-threaded here (start-up, no fs work queued).
constexpr mode_t kCreationMask = 0177;

}  // namespace

ControlServer::ControlServer(uv_loop_t* loop, std::string path, ControlConnection::Handler handler,
                             std::string& note)
    : loop_(loop),
      path_(std::move(path)),
      handler_(std::move(handler)),
      holder_(new Holder{{}, this}) {
  uv_pipe_init(loop, &holder_->handle, 0);
  holder_->handle.data = holder_;
  try {
    note = bind_and_listen();
  } catch (...) {
    close_and_delete(holder_);  // no destructor runs for a constructor that throws
    throw;
  }
}

std::string ControlServer::bind_and_listen() {
  prepare_socket_path(path_);
  const mode_t mask = ::umask(kCreationMask);
  const int bound = uv_pipe_bind(&holder_->handle, path_.c_str());
  ::umask(mask);
  if (bound != 0) throw std::runtime_error(std::string("cannot create it: ") + uv_strerror(bound));
  try {
    std::string note = restrict_socket_access(path_);
    socket_id_ = socket_file_id(path_);
    const int listening =
        uv_listen(reinterpret_cast<uv_stream_t*>(&holder_->handle), kBacklog, on_listen);
    if (listening != 0) {
      throw std::runtime_error(std::string("cannot listen: ") + uv_strerror(listening));
    }
    return note;
  } catch (...) {
    remove_socket_file(path_, socket_file_id(path_));
    throw;
  }
}

ControlServer::~ControlServer() {
  connections_.clear();  // each closes its handle; their close callbacks find no owner
  holder_->owner = nullptr;
  close_and_delete(holder_);
  remove_socket_file(path_, socket_id_);
}

void ControlServer::on_listen(uv_stream_t* server, int status) {
  auto* owner = static_cast<Holder*>(server->data)->owner;
  if (status == 0 && owner != nullptr) owner->on_connection();
}

void ControlServer::on_connection() {
  auto connection = std::make_unique<ControlConnection>(
      loop_, handler_, [this](ControlConnection& closed) { connections_.erase(&closed); });
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&holder_->handle), connection->stream()) != 0) {
    return;  // the unique_ptr closes it
  }
  if (connections_.size() >= kMaxConnections) return;  // closed at once, as it goes out of scope
  ControlConnection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  raw->start();
}

}  // namespace vigil
