// The one vocabulary of configuration keys: each key is a line "KEY VALUE" in the config file and
// a flag "--KEY VALUE" on the command line. The table drives parsing, precedence and --help.
#pragma once

#include <span>
#include <string_view>

#include "daemon/config/config.h"

namespace vigil {

struct ConfigKey {
  std::string_view key;           // "upstream"
  std::string_view syntax;        // "ADDR[:PORT]"
  std::string_view group;         // heading in --help
  std::string_view meaning;       // one line for --help
  std::string_view default_text;  // "127.0.0.1:53 and [::1]:53"
  // Repeatable keys collect values; on the command line they replace the file's values. Other
  // keys keep the last value given.
  bool repeatable = false;
  void (*apply)(std::string_view value, Config& config) = nullptr;  // throws BadValue
  void (*forget)(Config& config) = nullptr;  // repeatable keys: drop the values collected so far
};

// Every key, in --help order (grouped).
std::span<const ConfigKey> config_keys();

// Nullptr for an unknown key.
const ConfigKey* find_config_key(std::string_view key);

}  // namespace vigil
