#include "daemon/config/config_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "daemon/config/bad_value.h"
#include "daemon/config/setting_parsers.h"

namespace vigil {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Cuts a "#" comment. A quote opens only at the start of a word ("it's" opens nothing), and a "#"
// inside quotes or inside a word ("a#b", "\#" in generic RDATA) is data.
std::string_view strip_comment(std::string_view line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool word_start = i == 0 || is_blank(line[i - 1]);
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;  // an escaped character inside double quotes, e.g. \" in TXT RDATA
      } else if (c == quote) {
        quote = 0;
      }
    } else if ((c == '"' || c == '\'') && word_start) {
      quote = c;
    } else if (c == '#' && word_start) {
      return line.substr(0, i);
    }
  }
  return line;
}

// Unwraps a value that is one quoted string. Inside double quotes a backslash escapes the next
// character (\" in TXT RDATA) and stays in the value for the key's own parser.
std::string_view strip_quotes(std::string_view value) {
  if (value.size() < 2 || (value.front() != '"' && value.front() != '\'')) return value;
  const char quote = value.front();
  std::size_t i = 1;
  while (i < value.size() && value[i] != quote) i += (quote == '"' && value[i] == '\\') ? 2 : 1;
  if (i != value.size() - 1) return value;  // 'a' 'b' or "x" y: not one quoted value
  return value.substr(1, value.size() - 2);
}

}  // namespace

std::optional<ConfigLine> split_config_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // a file edited on Windows
  const std::string_view content = trim(strip_comment(line));
  if (content.empty()) return std::nullopt;
  const auto blank = content.find_first_of(" \t");
  const std::string_view key = content.substr(0, blank);
  const std::string_view value =
      blank == std::string_view::npos ? std::string_view{} : trim(content.substr(blank));
  return ConfigLine{std::string(key), std::string(strip_quotes(value))};
}

std::vector<Setting> read_config_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (std::filesystem::is_directory(status)) {
    throw BadValue("cannot read " + in_quotes(path) + ": it is a directory");
  }
  // A device or FIFO would be read forever (/dev/zero) or block the open (a FIFO with no writer).
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw BadValue("cannot read " + in_quotes(path) + ": it is not a regular file");
  }
  std::ifstream file(path);
  if (!file) throw BadValue("cannot read " + in_quotes(path) + ": " + std::strerror(errno));
  std::vector<Setting> settings;
  std::string line;
  for (unsigned number = 1; std::getline(file, line); ++number) {
    if (auto parsed = split_config_line(line)) {
      settings.push_back(Setting{std::move(parsed->key), std::move(parsed->value),
                                 path + ":" + std::to_string(number)});
    }
  }
  if (file.bad()) throw BadValue("cannot read " + in_quotes(path) + ": " + std::strerror(errno));
  return settings;
}

}  // namespace vigil
