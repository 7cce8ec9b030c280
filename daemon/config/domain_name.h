// Domain names as an operator writes them in the config ("Corp.Example", "corp.example.", "."):
// checked against the RFC 1035 limits and kept as lower-case text and lower-case wire form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct DomainName {
  std::string text;           // lower case, ending in "." ("corp.example.", "." for the root)
  std::vector<uint8_t> wire;  // length-prefixed labels ending in the zero-length root label
};

// Accepts a name with or without the trailing dot. Escapes (\. \DDD) are not supported: names an
// operator pins or forwards are host names. Throws BadValue.
DomainName parse_domain_name(std::string_view text);

}  // namespace vigil
