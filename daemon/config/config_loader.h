// Reads vigil's configuration: the command line and the config file share one vocabulary of keys
// ("--upstream X" on the command line is "upstream X" in the file); the command line wins.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/config/config.h"

namespace vigil {

// Every configuration error says where it comes from: "FILE:LINE: ..." or "command line: ...".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One "key value" pair and where it was written, for error messages.
struct Setting {
  std::string key;
  std::string value;
  std::string origin;  // "/etc/vigil/vigil.conf:12" or "command line"
};

struct CommandLine {
  std::string config_file;          // --config FILE; empty: kDefaultConfigFile if it exists
  bool config_file_given = false;   // an explicit --config must exist
  bool check_config = false;        // --check-config
  bool show_version = false;        // --version
  bool show_help = false;           // --help
  std::vector<Setting> settings;    // every other flag, in order
};

// Where the loader looks on the host; tests point these at temporary files.
struct SystemFiles {
  std::string default_config = "/etc/vigil/vigil.conf";
  std::string resolv_conf = "/etc/resolv.conf";
};

CommandLine parse_command_line(int argc, const char* const* argv);  // throws ConfigError

// Reads the config file (if any), applies the command line over it, fills defaults and checks
// the result. Throws ConfigError naming file and line (or the flag) of the first problem.
Config load_config(const CommandLine& command_line, const SystemFiles& files = {});

// The text of `vigild --help`: every flag and config key with its default.
std::string usage_text();

}  // namespace vigil
