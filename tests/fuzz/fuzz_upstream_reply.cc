// Fuzz target: an upstream's reply on its way through the pipeline (query_task.cc): matched
// against the question it answers (reply_match), scrubbed to the question's chain and proofs
// (validator/scrub.h, THREATS rules 9-11; its wire fast path checked against it), stored in
// the answer cache (cache/answer_cache.h), then rewritten for clients, fresh and from the cache. The question is the reply's own, as
// when the reply is genuine; a reply for another question is dropped before any of this.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cache/answer_cache.h"
#include "cache/answer_rrsets.h"
#include "cache/question_key.h"
#include "daemon/net/reply_match.h"
#include "daemon/pipeline/client_answer.h"
#include "dns/ldns_wire.h"
#include "dns/message.h"
#include "validator/scrub.h"
#include "validator/scrub_fast_path.h"

using namespace vigil;

namespace {

constexpr uint64_t kGroup = 1;
constexpr uint64_t kNowMs = 1'000'000;

// The client question the reply answers: its own question, case and all.
dns::QueryInfo client_question(dns::Bytes wire, const dns::MessageLayout& layout, bool dnssec_ok) {
  dns::QueryInfo query;
  query.id = static_cast<uint16_t>(layout.header.id ^ 0x5a5a);
  query.flags = dns::flag::RD;
  query.qname = *dns::WireName::from_wire(layout.question->name(wire));
  query.qtype = layout.question->qtype;
  query.qclass = layout.question->qclass;
  query.has_edns = dnssec_ok;
  query.udp_size = 1232;
  query.dnssec_ok = dnssec_ok;
  return query;
}

void answer_clients(dns::Bytes wire, const dns::MessageLayout& layout, bool secure) {
  // A DO client over TCP, and a client without EDNS over UDP (512 bytes: truncation).
  (void)client_answer(wire, layout, client_question(wire, layout, true), Transport::Tcp, secure,
                      std::nullopt);
  (void)client_answer(wire, layout, client_question(wire, layout, false), Transport::Udp, secure,
                      dns::ExtendedError{dns::ede::Other, "fuzz"});
}

void store_and_answer(dns::Bytes wire, const dns::MessageLayout& layout) {
  const dns::Bytes qname = layout.question->name(wire);
  // The RRsets as the RRset cache reads them from the wire, and their RDATA sets compared.
  if (const auto rrsets = cache::answer_rrsets(wire, qname)) {
    for (const auto& rrset : *rrsets) {
      (void)cache::rrset_records(wire, rrset.offset);
      (void)cache::has_same_rdata(wire, rrset.offset, wire, rrsets->front().offset);
    }
  }
  cache::AnswerCache answers(cache::CacheLimits{.max_bytes = 64 << 10});
  const std::string key =
      cache::question_key(kGroup, qname, layout.question->qtype, layout.question->qclass);
  // Unchecked first, then the same answer as secure (it outranks itself, RFC 2181 5.4.1).
  for (const auto security : {cache::Security::Unchecked, cache::Security::Secure}) {
    (void)answers.store(key, kGroup, qname, wire, security, kNowMs, "upstream");
  }
  const uint64_t later = kNowMs + 30'000;
  if (const cache::CachedAnswer* cached = answers.find(key, later)) {
    const dns::QueryInfo client = client_question(wire, layout, false);
    (void)client_answer(cached->wire(), cached->layout(), client, Transport::Udp,
                        cached->security == cache::Security::Secure, std::nullopt,
                        PreparedForms{cached->plain(), cached->plain_layout(), cached->ttl_offsets(),
                                      cached->plain_ttl_offsets(), cached->age_seconds(later)});
  }
  (void)answers.find_stale(key, kNowMs + 100'000'000);
  (void)answers.dump(later);
  (void)answers.lookup(qname, layout.question->qtype, later);
  answers.flush(qname, true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const dns::Bytes reply(data, size);
  const auto parsed = dns::parse_message(reply);
  if (!parsed.layout.question) return 0;
  const dns::Bytes qname = parsed.layout.question->name(reply);
  const ExpectedReply expected{parsed.layout.header.id, qname, parsed.layout.question->qtype,
                               parsed.layout.question->qclass, {}, false, false};
  const ReplyMatch match = match_reply(reply, expected);
  if (match.verdict != ReplyVerdict::Accept) return 0;

  // The pipeline first asks the scrubber's fast path (validator/scrub_fast_path.h), with the
  // question's name lower-cased; a reply it passes whole must be one ldns parses and the full
  // scrubber neither cuts nor refuses (a differential check: any disagreement is a crash).
  dns::WireName lower = *dns::WireName::from_wire(qname);
  dns::to_lower(lower.mutable_view());
  const bool clean = validator::scrub_keeps_everything(reply, match.parsed.layout, lower.view(),
                                                       parsed.layout.question->qtype);
  ldns_pkt* packet = nullptr;
  if (ldns_wire2pkt(&packet, reply.data(), reply.size()) != LDNS_STATUS_OK) {
    if (clean) __builtin_trap();
    return 0;
  }
  const dns::LdnsPkt owned(packet);
  const dns::LdnsRdf ldns_qname(
      ldns_dname_new_frm_data(static_cast<uint16_t>(qname.size()), qname.data()));
  const auto scrubbed = validator::scrub_answer(
      owned.get(), ldns_qname.get(), static_cast<ldns_rr_type>(parsed.layout.question->qtype));
  if (clean && (scrubbed.refused || !scrubbed.dropped.empty())) __builtin_trap();
  if (scrubbed.refused) return 0;  // the client gets SERVFAIL
  if (scrubbed.dropped.empty()) {
    store_and_answer(reply, match.parsed.layout);
    answer_clients(reply, match.parsed.layout, false);
    return 0;
  }
  const auto wire = dns::packet_wire(scrubbed.message.get());
  if (!wire) return 0;
  const auto kept = dns::parse_message(*wire);
  if (!kept.ok() || !kept.layout.question) return 0;  // the pipeline answers SERVFAIL
  store_and_answer(*wire, kept.layout);
  answer_clients(*wire, kept.layout, true);
  return 0;
}
