#include "daemon/anchor_state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

namespace vigil {

namespace {

std::string failure(const std::string& file, const char* step, int error) {
  return file + ": " + step + ": " + std::strerror(error);
}

// Closes on scope exit unless released; close errors on a written file are checked by hand.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string write_all(int fd, const std::string& contents, const std::string& file) {
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(file, "write", errno);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Writes and syncs the temporary file; "" on success.
std::string write_temporary(const std::string& tmp, const std::string& contents) {
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) return failure(tmp, "open", errno);
  if (auto error = write_all(fd.get(), contents, tmp); !error.empty()) return error;
  if (::fsync(fd.get()) != 0) return failure(tmp, "fsync", errno);
  if (::close(fd.release()) != 0) return failure(tmp, "close", errno);
  return {};
}

// After the rename, the directory entry itself must reach the disk.
std::string sync_directory(const std::string& directory) {
  const Fd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return failure(directory, "open directory", errno);
  if (::fsync(fd.get()) != 0) return failure(directory, "fsync directory", errno);
  return {};
}

std::string write_state_file_or_throw(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  std::string error = write_temporary(tmp, contents);
  if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = failure(path, "rename from .tmp", errno);
  }
  if (!error.empty()) {
    ::unlink(tmp.c_str());  // ENOENT when open failed: nothing to remove
    return error;
  }
  if (auto synced = sync_directory(directory_of(path)); !synced.empty()) {
    return path + " was replaced, but may not survive a crash: " + synced;
  }
  return {};
}

StateFileRead read_state_file_or_throw(const std::string& path) {
  StateFileRead result;
  // O_NONBLOCK: a FIFO put in the file's place must not stall the open; it is refused below.
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    const int error = errno;
    result.missing = error == ENOENT;
    result.error = failure(path, "open", error);
    return result;
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    result.error = failure(path, "fstat", errno);
    return result;
  }
  if (!S_ISREG(status.st_mode)) {
    result.error = path + ": not a regular file: not a trust anchor state file";
    return result;
  }
  std::string contents;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result.error = failure(path, "read", errno);
      return result;
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > kMaxStateFileBytes) {
      result.error = path + ": larger than " + std::to_string(kMaxStateFileBytes) +
                     " bytes: not a trust anchor state file";
      return result;
    }
  }
  result.contents = std::move(contents);
  return result;
}

}  // namespace

std::string write_state_file(const std::string& path, const std::string& contents) {
  try {
    return write_state_file_or_throw(path, contents);
  } catch (const std::bad_alloc&) {
    return path + ": out of memory while writing";
  }
}

StateFileRead read_state_file(const std::string& path) {
  try {
    return read_state_file_or_throw(path);
  } catch (const std::bad_alloc&) {
    StateFileRead result;
    result.error = path + ": out of memory while reading";
    return result;
  }
}

}  // namespace vigil
