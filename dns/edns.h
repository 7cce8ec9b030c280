// Building the OPT record vigil sends (RFC 6891), with DNS cookies (RFC 7873) and Extended DNS
// Errors (RFC 8914).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire.h"

namespace vigil::dns {

struct ExtendedError {
  uint16_t code = 0;
  std::string text;
};

struct OptRecord {
  uint16_t udp_size = 1232;
  uint8_t extended_rcode = 0;
  bool dnssec_ok = false;
  Bytes cookie;                            // client cookie (8) + server cookie (0 or 8..32)
  std::optional<ExtendedError> extended_error;
};

// Appends the OPT record; the caller counts it in ARCOUNT.
void append_opt(std::vector<uint8_t>& out, const OptRecord& opt);

// RFC 7873 4: a COOKIE option is 8 bytes of client cookie, then nothing or 8..32 of server cookie.
struct Cookie {
  std::array<uint8_t, 8> client{};
  std::array<uint8_t, 32> server{};
  uint8_t server_length = 0;
};
std::optional<Cookie> parse_cookie(Bytes option_data);

}  // namespace vigil::dns
