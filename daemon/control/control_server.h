// The control socket vigilctl talks to: a Unix socket, one request per connection (see
// control_commands.h for the protocol), a handful of connections at once.
#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "daemon/control/control_connection.h"
#include "daemon/control/control_socket_file.h"

namespace vigil {

class ControlServer {
 public:
  // Operators, not clients, use this socket: more at once than this is a runaway script, and
  // each one beyond it is accepted and closed at once so that the backlog cannot fill.
  static constexpr std::size_t kMaxConnections = 8;

  // Prepares the path (missing directories, a stale socket), binds, sets mode 0660 (and group
  // vigil if it exists) and listens. Throws std::runtime_error if it cannot (the message does
  // not repeat the path).
  // `note` gets what is worth a log line but no failure (the group could not be set).
  ControlServer(uv_loop_t* loop, std::string path, ControlConnection::Handler handler,
                std::string& note);
  ~ControlServer();  // closes every connection and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return path_; }

 private:
  struct Holder {
    uv_pipe_t handle;
    ControlServer* owner;
  };
  std::string bind_and_listen();  // returns the note
  static void on_listen(uv_stream_t* server, int status);
  void on_connection();

  uv_loop_t* loop_;
  std::string path_;
  ControlConnection::Handler handler_;
  Holder* holder_;
  SocketFileId socket_id_;
  std::unordered_map<ControlConnection*, std::unique_ptr<ControlConnection>> connections_;
};

}  // namespace vigil
