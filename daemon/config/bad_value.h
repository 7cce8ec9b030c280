// BadValue: what the per-key parsers throw when a value does not parse. The loader catches it and
// rethrows a ConfigError that names where the value was written ("FILE:LINE: KEY: ...").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vigil {

struct BadValue : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The value as the operator wrote it, in double quotes, for messages: "1.2.3.4:99999".
inline std::string in_quotes(std::string_view value) {
  return "\"" + std::string(value) + "\"";
}

}  // namespace vigil
