#include "daemon/pipeline/guard_check.h"

#include <arpa/inet.h>

#include "daemon/config/access_control.h"
#include "dns/ldns_ptr.h"
#include "dns/name.h"

namespace vigil {

const Guard* guard_for(const std::vector<Guard>& guards, dns::Bytes qname) {
  const Guard* best = nullptr;
  for (const auto& guard : guards) {
    const bool exact = dns::equal_ignoring_case(qname, guard.name_wire);
    const bool below = guard.subtree && dns::is_at_or_below(qname, guard.name_wire);
    if (!exact && !below) continue;
    if (exact && !guard.subtree) return &guard;  // an exact guard wins
    if (best == nullptr || guard.name_wire.size() > best->name_wire.size()) best = &guard;
  }
  return best;
}

std::optional<std::string> guard_violation(const Guard& guard, dns::Bytes reply) {
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, reply.data(), reply.size()) != LDNS_STATUS_OK) {
    return std::string("(an answer that does not parse)");
  }
  const dns::LdnsPkt packet(parsed);
  const ldns_rr_list* answer = ldns_pkt_answer(packet.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) continue;
    const ldns_rdf* address = ldns_rr_rdf(rr, 0);
    char text[INET6_ADDRSTRLEN] = {};
    const int family = type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
    if (address == nullptr || inet_ntop(family, ldns_rdf_data(address), text, sizeof text) == nullptr) {
      return std::string("(a malformed address)");
    }
    const auto socket_address = SocketAddress::parse(
        family == AF_INET6 ? "[" + std::string(text) + "]:0" : std::string(text) + ":0");
    if (!socket_address || decide_access(guard.allowed, *socket_address) != AccessAction::Allow) {
      return std::string(text);
    }
  }
  return std::nullopt;
}

}  // namespace vigil
