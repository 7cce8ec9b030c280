#include "daemon/pipeline/client_answer.h"

#include "dns/answer_rewrite.h"
#include "dns/dnssec_records.h"

namespace vigil {

std::vector<uint8_t> client_answer(dns::Bytes reply, const dns::MessageLayout& layout,
                                   const dns::QueryInfo& client, Transport transport, bool secure,
                                   const std::optional<dns::ExtendedError>& extended_error,
                                   const std::vector<uint8_t>* plain) {
  dns::Bytes bytes = reply;
  const dns::MessageLayout* used = &layout;
  std::vector<uint8_t> rendered;
  dns::ParseResult plain_parsed;
  if (!client.dnssec_ok) {
    if (plain == nullptr) {
      rendered = dns::without_dnssec_records(reply, client.qtype);
      plain = &rendered;
    }
    plain_parsed = dns::parse_message(*plain);
    if (!plain->empty() && plain_parsed.ok()) {
      bytes = *plain;
      used = &plain_parsed.layout;
    }
  }
  dns::RewriteOptions options;
  options.max_size = transport == Transport::Udp ? client.udp_reply_limit() : 65535;
  options.authenticated = secure && (client.dnssec_ok || (client.flags & dns::flag::AD) != 0);
  options.extended_error = extended_error;
  return dns::rewrite_answer_for_client(bytes, *used, client, options);
}

}  // namespace vigil
