#include "daemon/config/forward_zone.h"

#include <algorithm>

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"
#include "daemon/config/tls_upstream.h"

namespace vigil {

ForwardZone parse_forward_zone(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) {
    throw BadValue(in_quotes(text) + " is not ZONE=ADDR[:PORT][,ADDR[:PORT]]... (or tls://... "
                                     "servers)");
  }
  const DomainName name = parse_domain_name(trim(text.substr(0, equals)));
  ForwardZone zone{name.text, name.wire, {}, {}};
  std::string_view servers = text.substr(equals + 1);
  while (true) {
    const auto comma = servers.find(',');
    const std::string_view text_of_server = trim(servers.substr(0, comma));
    if (is_tls_upstream(text_of_server)) {
      TlsUpstream tls = parse_tls_upstream(text_of_server);
      for (const auto& existing : zone.tls_upstreams) {
        if (existing.address == tls.address) {
          throw BadValue(tls.name() + " is listed twice for " + zone.zone);
        }
      }
      zone.tls_upstreams.push_back(std::move(tls));
      if (comma == std::string_view::npos) break;
      servers.remove_prefix(comma + 1);
      continue;
    }
    const SocketAddress server = parse_server_address(text_of_server);
    if (std::find(zone.upstreams.begin(), zone.upstreams.end(), server) != zone.upstreams.end()) {
      throw BadValue(server.to_string() + " is listed twice for " + zone.zone);
    }
    zone.upstreams.push_back(server);
    if (comma == std::string_view::npos) break;
    servers.remove_prefix(comma + 1);
  }
  return zone;
}

void add_forward_zone(std::vector<ForwardZone>& zones, ForwardZone zone) {
  for (const auto& existing : zones) {
    if (existing.zone == zone.zone) throw BadValue(zone.zone + " is forwarded twice");
  }
  zones.push_back(std::move(zone));
}

}  // namespace vigil
