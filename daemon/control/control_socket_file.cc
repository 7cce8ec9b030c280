#include "daemon/control/control_socket_file.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace vigil {

namespace {

constexpr mode_t kDirectoryMode = 0755;  // vigilctl must be able to reach the socket in it
constexpr mode_t kSocketMode = 0660;     // root and group vigil may connect; nobody else

std::runtime_error failure(const std::string& what, int error) {
  return std::runtime_error(what + ": " + std::strerror(error));
}

void create_missing_directories(const std::string& directory) {
  for (std::size_t slash = directory.find('/', 1);; slash = directory.find('/', slash + 1)) {
    const std::string prefix = directory.substr(0, slash);
    if (::mkdir(prefix.c_str(), kDirectoryMode) == 0) {
      ::chmod(prefix.c_str(), kDirectoryMode);  // the umask must not lock group vigil out
    } else if (errno != EEXIST) {
      throw failure("cannot create directory " + prefix, errno);
    }
    if (slash == std::string::npos) return;
  }
}

// True if a process accepts connections on the socket at `path`.
bool is_listened_on(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) throw failure("cannot probe whether it is in use", errno);
  const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int error = errno;
  ::close(probe);
  if (rc == 0) return true;
  if (error == ECONNREFUSED || error == ENOENT) return false;
  throw failure("cannot probe whether it is in use", error);
}

}  // namespace

void prepare_socket_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) create_missing_directories(path.substr(0, slash));
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return;
    throw failure("cannot inspect it", errno);
  }
  if (!S_ISSOCK(status.st_mode)) {
    throw std::runtime_error("the file exists and is not a socket; not replacing it");
  }
  if (is_listened_on(path)) {
    throw std::runtime_error("in use by a running process (another vigild?)");
  }
  // A socket file left behind by a vigild that was killed: bind() would fail with EADDRINUSE.
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw failure("cannot remove the stale socket", errno);
  }
}

std::string restrict_socket_access(const std::string& path, const char* group) {
  if (::chmod(path.c_str(), kSocketMode) != 0) throw failure("cannot set its mode", errno);
  std::vector<char> buffer(4096);
  struct group entry {};
  struct group* found = nullptr;
  if (::getgrnam_r(group, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return {};  // no such group: root only
  }
  // Under the unit vigild already runs in group vigil, so the socket is the group's, and the
  // system call filter would refuse a chown anyway.
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && status.st_gid == found->gr_gid) return {};
  if (::chown(path.c_str(), static_cast<uid_t>(-1), found->gr_gid) != 0) {
    return "cannot give " + path + " to group " + group + ": " + std::strerror(errno);
  }
  return {};
}

SocketFileId socket_file_id(const std::string& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return {};
  return {status.st_dev, status.st_ino, status.st_ctim};
}

void remove_socket_file(const std::string& path, SocketFileId id) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0 || !S_ISSOCK(status.st_mode)) return;
  if (status.st_dev != id.device || status.st_ino != id.inode ||
      status.st_ctim.tv_sec != id.changed.tv_sec || status.st_ctim.tv_nsec != id.changed.tv_nsec) {
    return;  // someone else's now
  }
  ::unlink(path.c_str());
}

}  // namespace vigil
