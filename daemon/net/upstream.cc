#include "daemon/net/upstream.h"

namespace vigil {

std::vector<uint8_t> Upstream::cookie_option() const {
  std::vector<uint8_t> cookie(client_cookie.begin(), client_cookie.end());
  cookie.insert(cookie.end(), server_cookie.begin(), server_cookie.begin() + server_cookie_length);
  return cookie;
}

bool UpstreamGroup::has_tls() const {
  for (const auto& upstream : upstreams) {
    if (upstream->tls) return true;
  }
  return false;
}

}  // namespace vigil
