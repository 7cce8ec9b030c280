#include "dns/edns.h"

#include <cstring>

#include "dns/types.h"

namespace vigil::dns {

void append_opt(std::vector<uint8_t>& out, const OptRecord& opt) {
  out.push_back(0);  // owner: the root
  append_u16(out, rrtype::OPT);
  append_u16(out, opt.udp_size);
  append_u32(out, (uint32_t{opt.extended_rcode} << 24) | (opt.dnssec_ok ? 0x8000u : 0u));
  std::size_t rdlength = 0;
  if (!opt.cookie.empty()) rdlength += 4 + opt.cookie.size();
  if (opt.extended_error) rdlength += 4 + 2 + opt.extended_error->text.size();
  append_u16(out, static_cast<uint16_t>(rdlength));
  if (!opt.cookie.empty()) {
    append_u16(out, edns_option::COOKIE);
    append_u16(out, static_cast<uint16_t>(opt.cookie.size()));
    append_bytes(out, opt.cookie);
  }
  if (opt.extended_error) {
    append_u16(out, edns_option::EDE);
    append_u16(out, static_cast<uint16_t>(2 + opt.extended_error->text.size()));
    append_u16(out, opt.extended_error->code);
    out.insert(out.end(), opt.extended_error->text.begin(), opt.extended_error->text.end());
  }
}

std::optional<Cookie> parse_cookie(Bytes option_data) {
  const std::size_t size = option_data.size();
  if (size != 8 && (size < 16 || size > 40)) return std::nullopt;
  Cookie cookie;
  std::memcpy(cookie.client.data(), option_data.data(), 8);
  cookie.server_length = static_cast<uint8_t>(size - 8);
  std::memcpy(cookie.server.data(), option_data.data() + 8, cookie.server_length);
  return cookie;
}

}  // namespace vigil::dns
