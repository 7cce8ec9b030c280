// Fuzz target: a client's packet as the UDP listener and the TCP connection hand it to the
// pipeline (THREATS rule 20: malformed client input gets FORMERR or silence, never a crash).
#include <cstddef>
#include <cstdint>

#include "daemon/pipeline/query_check.h"
#include "dns/message.h"
#include "dns/response.h"

using namespace vigil;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const dns::Bytes wire(data, size);
  const auto parsed = dns::parse_message(wire);
  if (parsed.layout.edns) {
    (void)dns::find_edns_option(parsed.layout.edns->options, dns::edns_option::COOKIE);
  }
  const QueryCheck check = check_client_query(wire);
  if (check.action == QueryCheck::Action::Reply) {
    // What goes back to the client must itself be a well-formed message.
    if (!dns::parse_message(check.reply).ok()) __builtin_trap();
  }
  if (check.action == QueryCheck::Action::Forward) {
    // The question as it goes upstream.
    dns::UpstreamQuery upstream;
    upstream.id = check.query.id;
    upstream.qname = check.query.qname.view();
    upstream.qtype = check.query.qtype;
    upstream.qclass = check.query.qclass;
    upstream.checking_disabled = check.query.checking_disabled();
    upstream.dnssec_ok = check.query.dnssec_ok;
    if (!dns::parse_message(dns::make_upstream_query(upstream)).ok()) __builtin_trap();
  }
  return 0;
}
