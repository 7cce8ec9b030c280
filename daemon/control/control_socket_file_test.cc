#include "daemon/control/control_socket_file.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

using namespace vigil;

namespace {

// A directory under /tmp, removed with everything in it when the test ends.
struct TempDirectory {
  TempDirectory() {
    char name[] = "/tmp/vigil-ctl-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TempDirectory() { std::filesystem::remove_all(path); }
  std::string path;
};

// A Unix socket bound at `path`; listening if `listen` is set. Closing it leaves the file.
int bound_socket(const std::string& path, bool listen) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  if (listen) REQUIRE(::listen(fd, 1) == 0);
  return fd;
}

mode_t mode_of(const std::string& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return status.st_mode & 07777;
}

}  // namespace

TEST_CASE("control socket: missing directories are created with mode 0755") {
  TempDirectory temp;
  const std::string path = temp.path + "/run/vigil/control.sock";
  const mode_t mask = ::umask(077);  // an operator's strict umask must not lock vigilctl out
  prepare_socket_path(path);
  ::umask(mask);
  CHECK(mode_of(temp.path + "/run") == 0755);
  CHECK(mode_of(temp.path + "/run/vigil") == 0755);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("control socket: a stale socket is removed, a live one or another file is left alone") {
  TempDirectory temp;
  const std::string path = temp.path + "/control.sock";

  ::close(bound_socket(path, false));  // a vigild that was killed left its socket behind
  REQUIRE(std::filesystem::exists(path));
  prepare_socket_path(path);
  CHECK_FALSE(std::filesystem::exists(path));

  const int live = bound_socket(path, true);
  CHECK_THROWS_WITH_AS(prepare_socket_path(path), "in use by a running process (another vigild?)",
                       std::runtime_error);
  CHECK(std::filesystem::exists(path));
  ::close(live);
  ::unlink(path.c_str());

  std::ofstream(path) << "not a socket";
  CHECK_THROWS_WITH_AS(prepare_socket_path(path),
                       "the file exists and is not a socket; not replacing it", std::runtime_error);
  CHECK(std::filesystem::exists(path));
}

TEST_CASE("control socket: mode 0660; a group that does not exist is no failure") {
  TempDirectory temp;
  const std::string path = temp.path + "/control.sock";
  ::close(bound_socket(path, false));
  CHECK(restrict_socket_access(path, "no-such-group-for-vigil").empty());
  CHECK(mode_of(path) == 0660);
}

TEST_CASE("control socket: stopping removes our socket file, not one that replaced it") {
  TempDirectory temp;
  const std::string path = temp.path + "/control.sock";
  ::close(bound_socket(path, false));
  const SocketFileId ours = socket_file_id(path);
  // Moved aside, not deleted: the new socket must not get the same inode in the same tick.
  REQUIRE(::rename(path.c_str(), (path + ".old").c_str()) == 0);
  ::close(bound_socket(path, false));  // another vigild's socket now
  remove_socket_file(path, ours);
  CHECK(std::filesystem::exists(path));
  remove_socket_file(path, socket_file_id(path));
  CHECK_FALSE(std::filesystem::exists(path));
}
