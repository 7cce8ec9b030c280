#include "daemon/pipeline/query_check.h"

#include "dns/message.h"
#include "dns/response.h"

namespace vigil {

namespace {

QueryCheck drop(const char* reason) {
  QueryCheck check;
  check.reason = reason;
  return check;
}

QueryCheck reply(const dns::QueryInfo& query, uint16_t rcode, const char* reason) {
  QueryCheck check;
  check.action = QueryCheck::Action::Reply;
  check.query = query;
  check.reply = dns::make_reply_without_records(query, dns::ReplyOptions{rcode, false, {}});
  check.reason = reason;
  return check;
}

QueryCheck header_only_reply(const dns::Header& header, uint16_t rcode, const char* reason) {
  QueryCheck check;
  check.action = QueryCheck::Action::Reply;
  check.reply = dns::make_header_only_reply(header, rcode);
  check.reason = reason;
  return check;
}

dns::QueryInfo query_info(dns::Bytes wire, const dns::MessageLayout& layout) {
  dns::QueryInfo query;
  query.id = layout.header.id;
  query.flags = layout.header.flags;
  query.qname = *dns::WireName::from_wire(layout.question->name(wire));
  query.qtype = layout.question->qtype;
  query.qclass = layout.question->qclass;
  if (layout.edns) {
    query.has_edns = true;
    query.udp_size = layout.edns->udp_size;
    query.dnssec_ok = layout.edns->dnssec_ok;
  }
  return query;
}

// Question types vigil never forwards.
QueryCheck check_qtype(const dns::QueryInfo& query) {
  using namespace dns::rrtype;
  switch (query.qtype) {
    case OPT:
    case TSIG:
    case TKEY:
      return reply(query, dns::rcode::FORMERR, "formerr");  // meta-types are not questions
    case AXFR:
    case IXFR:
      return reply(query, dns::rcode::REFUSED, "refused");  // a stub serves no zone transfers
    case MAILA:
    case MAILB:
      return reply(query, dns::rcode::NOTIMP, "notimp");
    case ANY: {
      QueryCheck check;
      check.action = QueryCheck::Action::Reply;
      check.query = query;
      check.reply = dns::make_any_reply(query);  // RFC 8482: no amplification through us
      check.reason = "any";
      return check;
    }
    default: {
      QueryCheck check;
      check.action = QueryCheck::Action::Forward;
      check.query = query;
      return check;
    }
  }
}

}  // namespace

QueryCheck check_client_query(dns::Bytes wire) {
  const auto parsed = dns::parse_message(wire);
  const auto& layout = parsed.layout;
  // Without a header there is nobody to answer; a response is never answered (no loops).
  if (parsed.error == dns::ParseError::TooShort) return drop("short");
  if (layout.header.has(dns::flag::QR)) return drop("response");

  const bool one_question = layout.header.qdcount == 1 && layout.question.has_value();
  if (layout.header.opcode() != dns::kOpcodeQuery) {
    if (one_question && parsed.ok()) return reply(query_info(wire, layout), dns::rcode::NOTIMP, "notimp");
    return header_only_reply(layout.header, dns::rcode::NOTIMP, "notimp");
  }
  if (!one_question || parsed.error == dns::ParseError::BadQuestion) {
    return header_only_reply(layout.header, dns::rcode::FORMERR, "formerr");
  }
  dns::QueryInfo query = query_info(wire, layout);
  if (!parsed.ok()) {
    query.has_edns = query.has_edns && parsed.error != dns::ParseError::BadOpt;
    return reply(query, dns::rcode::FORMERR, "formerr");
  }
  // RFC 1035 4.1.2: a query carries its question and, at most, additional records; an IXFR
  // query also carries the client's SOA in authority (RFC 1995 3) and is refused below.
  const bool ixfr_soa = query.qtype == dns::rrtype::IXFR && layout.header.nscount == 1;
  if (layout.header.ancount != 0 || (layout.header.nscount != 0 && !ixfr_soa)) {
    return reply(query, dns::rcode::FORMERR, "formerr");
  }
  // RFC 6891 6.1.3: a version we do not implement gets BADVERS.
  if (layout.edns && layout.edns->version > 0) return reply(query, dns::rcode::BADVERS, "badvers");
  if (query.qclass != dns::rrclass::IN) return reply(query, dns::rcode::REFUSED, "refused");
  return check_qtype(query);
}

}  // namespace vigil
