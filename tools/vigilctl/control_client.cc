#include "tools/vigilctl/control_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::ctl {

namespace {

// Closes the descriptor on every path out.
class Socket {
 public:
  Socket() : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Exchange unreachable(std::string message) { return {Outcome::Unreachable, std::move(message), {}}; }

// What an operator should do about a failed connect.
std::string connect_failure(const std::string& path, int error) {
  if (error == EACCES || error == EPERM) {
    return "cannot access " + path +
           ": permission denied; run as root or as a member of group vigil";
  }
  if (error == ENOENT || error == ECONNREFUSED) {
    return "vigild is not running? cannot connect to " + path + ": " + std::strerror(error);
  }
  return "cannot connect to " + path + ": " + std::strerror(error);
}

bool is_timeout(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

}  // namespace

Exchange parse_reply(const std::string& reply) {
  const auto newline = reply.find('\n');
  if (newline == std::string::npos) {
    return unreachable(reply.empty() ? "vigild closed the connection without a reply (too many "
                                       "control connections at once?)"
                                     : "vigild's reply was cut short");
  }
  const std::string status = reply.substr(0, newline);
  std::string body = reply.substr(newline + 1);
  if (status == "ok") return {Outcome::Ok, {}, std::move(body)};
  if (status.starts_with("error: ")) {
    return {Outcome::DaemonError, status.substr(7), std::move(body)};
  }
  if (status.starts_with("usage: ")) {
    return {Outcome::UsageError, status.substr(7), std::move(body)};
  }
  return unreachable("not a vigild reply: " + status);
}

Exchange exchange(const std::string& path, const std::string& request, int timeout_s) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return {Outcome::UsageError, path + ": too long for a socket path", {}};
  }
  std::memcpy(address.sun_path, path.data(), path.size());

  const Socket socket;
  if (socket.fd() < 0) {
    return unreachable(std::string("cannot create a socket: ") + std::strerror(errno));
  }
  const timeval timeout{timeout_s, 0};
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return unreachable(connect_failure(path, errno));
  }

  const std::string line = request + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    // MSG_NOSIGNAL: a vigild that hangs up must be an error message, not SIGPIPE.
    const ssize_t n = ::send(socket.fd(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unreachable(std::string("cannot send to vigild: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }

  std::string reply;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && is_timeout(errno)) {
      return unreachable("no reply from vigild within " + std::to_string(timeout_s) + " s");
    }
    if (n < 0) {
      return unreachable(std::string("cannot read vigild's reply: ") + std::strerror(errno));
    }
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  return parse_reply(reply);
}

}  // namespace vigil::ctl
