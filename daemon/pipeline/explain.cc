#include "daemon/pipeline/explain.h"

#include <fmt/format.h>

#include "cache/listing.h"
#include "dns/ldns_ptr.h"
#include "dns/message.h"
#include "dns/types.h"

namespace vigil {

std::vector<std::string> describe_answer(dns::Bytes reply) {
  const auto parsed = dns::parse_message(reply);
  if (!parsed.ok()) return {"answer: (no usable reply)"};
  const auto& header = parsed.layout.header;
  ldns_pkt* packet = nullptr;
  if (ldns_wire2pkt(&packet, reply.data(), reply.size()) != LDNS_STATUS_OK) {
    return {"answer: (no usable reply)"};
  }
  const dns::LdnsPkt owned(packet);
  const dns::LdnsStr rcode(ldns_pkt_rcode2str(ldns_pkt_get_rcode(packet)));
  std::string first = fmt::format("answer: {}{}", rcode ? rcode.get() : "?",
                                  header.has(dns::flag::AD) ? ", AD (validated)" : "");
  if (parsed.layout.edns) {
    if (const auto ede = dns::find_edns_option(parsed.layout.edns->options, dns::edns_option::EDE);
        ede && ede->size() >= 2) {
      first += fmt::format(", EDE {} \"{}\"", dns::read_u16(ede->data()),
                           std::string(ede->begin() + 2, ede->end()));
    }
  }
  std::vector<std::string> lines{first};
  const ldns_rr_list* answer = ldns_pkt_answer(packet);
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    lines.push_back("  " + cache::record_line(ldns_rr_list_rr(answer, i), 0));
  }
  return lines;
}

}  // namespace vigil
