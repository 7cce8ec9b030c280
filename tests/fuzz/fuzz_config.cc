// Fuzz target: a config file, read as vigild reads /etc/vigil/vigil.conf (daemon/config): split
// into lines (config_file.h), every key parsed and checked, defaults filled in. A bad file must
// end in ConfigError, nothing else. load_config reads a file, so the input is written to one.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/config/config_file.h"
#include "daemon/config/config_loader.h"
#include "daemon/config/resolv_conf.h"

using namespace vigil;

namespace {

// One file for the process, rewritten for each input; in memory (tmpfs) where there is one:
// on ext4, rewriting a truncated file flushes it to disk at every close.
struct ConfigFile {
  std::string path;
  ConfigFile() {
    for (const char* dir : {"/dev/shm", "/tmp"}) {
      std::string name = std::string(dir) + "/vigil-fuzz-config-XXXXXX";
      const int fd = ::mkstemp(name.data());
      if (fd < 0) continue;
      ::close(fd);
      path = name;
      return;
    }
    std::abort();
  }
  ~ConfigFile() { ::unlink(path.c_str()); }
};

const std::string& config_path() {
  static const ConfigFile file;
  return file.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The line splitter on its own, line by line as read_config_file calls it.
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    (void)split_config_line(text.substr(start, end - start));
    start = end + 1;
  }
  // The same text as /etc/resolv.conf, the other file the loader reads.
  (void)parse_resolv_conf(text);

  FILE* file = std::fopen(config_path().c_str(), "w");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);

  const char* argv[] = {"vigild", "--config", config_path().c_str()};
  try {
    const CommandLine command_line = parse_command_line(3, argv);
    // No resolv.conf: without an upstream in the file the loader uses its own defaults.
    (void)load_config(command_line, SystemFiles{"/nonexistent/vigil.conf", "/nonexistent/resolv.conf"});
  } catch (const ConfigError&) {
  }
  return 0;
}
