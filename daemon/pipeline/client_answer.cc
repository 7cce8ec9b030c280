#include "daemon/pipeline/client_answer.h"

#include <algorithm>

#include "cache/message_cache.h"
#include "dns/answer_rewrite.h"
#include "dns/dnssec_records.h"

namespace vigil {

std::vector<uint8_t> client_answer(dns::Bytes reply, const dns::MessageLayout& layout,
                                   const dns::QueryInfo& client, Transport transport, bool secure,
                                   const std::optional<dns::ExtendedError>& extended_error,
                                   const PreparedForms& forms) {
  const std::vector<uint8_t>* plain = forms.plain;
  std::span<const uint16_t> ttl_offsets = forms.ttl_offsets;
  dns::Bytes bytes = reply;
  const dns::MessageLayout* used = &layout;
  std::vector<uint8_t> rendered;
  dns::ParseResult plain_parsed;
  if (!client.dnssec_ok) {
    if (plain == nullptr && dns::has_dnssec_records(reply, client.qtype)) {
      rendered = dns::without_dnssec_records(reply, client.qtype);
      plain = &rendered;
    }
    const dns::MessageLayout* plain_layout = plain != nullptr ? forms.plain_layout : nullptr;
    if (plain != nullptr && plain_layout == nullptr && !plain->empty()) {
      plain_parsed = dns::parse_message(*plain);
      if (plain_parsed.ok()) plain_layout = &plain_parsed.layout;
    }
    if (plain != nullptr && !plain->empty() && plain_layout != nullptr) {
      bytes = *plain;
      used = plain_layout;
      ttl_offsets = forms.plain_ttl_offsets;
    }
  }
  dns::RewriteOptions options;
  options.max_size = transport == Transport::Udp ? client.udp_reply_limit() : 65535;
  options.authenticated = secure && (client.dnssec_ok || (client.flags & dns::flag::AD) != 0);
  options.extended_error = extended_error;
  auto answer = dns::rewrite_answer_for_client(bytes, *used, client, options);
  // The records up to the OPT keep their offsets in the client's answer (the question has the
  // same length); a truncated answer (TC) has none.
  if (forms.age_seconds > 0 && (answer[2] & 0x02) == 0) {
    const std::size_t records_end = used->edns ? used->opt_offset : used->end;
    const auto kept = std::lower_bound(ttl_offsets.begin(), ttl_offsets.end(), records_end);
    cache::age_ttls(answer, ttl_offsets.first(static_cast<std::size_t>(kept - ttl_offsets.begin())),
                    forms.age_seconds);
  }
  return answer;
}

}  // namespace vigil
