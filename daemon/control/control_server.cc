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
    : loop_(loop), path_(std::move(path)), handler_(std::move(handler)), holder_(new Holder{{}, this}) {
  uv_pipe_init(loop, &holder_->handle, 0);
  holder_->handle.data = holder_;
  try {
    prepare_socket_path(path_);
  } catch (...) {
    close_and_delete(holder_);
    throw;
  }
  const mode_t mask = ::umask(kCreationMask);
  int rc = uv_pipe_bind(&holder_->handle, path_.c_str());
  ::umask(mask);
  if (rc == 0) {
    try {
      note = restrict_socket_access(path_);
    } catch (...) {
      remove_socket_file(path_, socket_file_id(path_));
      close_and_delete(holder_);
      throw;
    }
    socket_id_ = socket_file_id(path_);
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&holder_->handle), kBacklog,
                   [](uv_stream_t* server, int status) {
                     if (status == 0) static_cast<Holder*>(server->data)->owner->on_connection();
                   });
    if (rc != 0) remove_socket_file(path_, socket_id_);
  }
  if (rc != 0) {
    close_and_delete(holder_);
    throw std::runtime_error(std::string("cannot listen: ") + uv_strerror(rc));
  }
}

ControlServer::~ControlServer() {
  connections_.clear();  // each closes its handle; their close callbacks find no owner
  holder_->owner = nullptr;
  close_and_delete(holder_);
  remove_socket_file(path_, socket_id_);
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
