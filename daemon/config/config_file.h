// The config file format: one "key value" per line; "#" at the start of a word begins a comment;
// blank lines are ignored; the value is the rest of the line, trimmed, and may be wrapped in
// single or double quotes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config_loader.h"

namespace vigil {

struct ConfigLine {
  std::string key;
  std::string value;  // empty if the line has a key only (the loader reports it)
};

// Nullopt for a blank or comment-only line.
std::optional<ConfigLine> split_config_line(std::string_view line);

// Every setting in `path`, with origin "PATH:LINE". Keys are not checked here. Throws BadValue
// ("cannot read ...") if the file cannot be opened or read.
std::vector<Setting> read_config_file(const std::string& path);

}  // namespace vigil
