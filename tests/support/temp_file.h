// A file with given contents under /tmp, removed when the test ends; and a FIFO, for code that
// must refuse to read anything but a regular file.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace vigil::testing {

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/vigil-test-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd >= 0) ::close(fd);
    path_ = name;
    std::ofstream(path_) << contents;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A FIFO no one writes to, in a fresh directory under /tmp: opening it to read blocks, reading it
// never ends.
class TempFifo {
 public:
  TempFifo() {
    char directory[] = "/tmp/vigil-test-XXXXXX";
    if (::mkdtemp(directory) != nullptr) directory_ = directory;
    path_ = directory_ + "/fifo";
    ::mkfifo(path_.c_str(), 0600);
  }
  ~TempFifo() {
    ::unlink(path_.c_str());
    ::rmdir(directory_.c_str());
  }
  TempFifo(const TempFifo&) = delete;
  TempFifo& operator=(const TempFifo&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string directory_;
  std::string path_;
};

}  // namespace vigil::testing
