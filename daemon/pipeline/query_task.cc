#include "daemon/pipeline/query_task.h"

#include <algorithm>
#include <ctime>

#include "cache/question_key.h"
#include "daemon/pipeline/client_answer.h"
#include "daemon/pipeline/guard_check.h"
#include "daemon/pipeline/pin_splice.h"
#include "daemon/pipeline/routing.h"
#include "dns/answer_rewrite.h"
#include "validator/chain_story.h"
#include "validator/scrub.h"
#include "validator/scrub_fast_path.h"
#include "dns/dnssec_records.h"
#include "dns/ldns_wire.h"
#include "dns/response.h"

namespace vigil {

namespace {
uint16_t ede_code_of_insecure(const validator::Verdict& verdict) {
  return verdict.is_insecure() ? validator::ede_code(verdict.reason) : 0;
}

const char* section_name(validator::Section section) {
  switch (section) {
    case validator::Section::Answer: return "answer";
    case validator::Section::Authority: return "authority";
    case validator::Section::Additional: return "additional";
  }
  return "?";
}
}  // namespace

QueryTask::QueryTask(TaskContext& context, std::shared_ptr<const Config> config,
                     std::shared_ptr<UpstreamGroup> group, const dns::QueryInfo& question,
                     uint64_t id, DoneCallback done)
    : context_(context),
      config_(std::move(config)),
      group_(std::move(group)),
      question_(question),
      id_(id),
      done_(std::move(done)),
      tried_(group_->upstreams.size(), false),
      attempt_timer_(context.io.loop),
      deadline_timer_(context.io.loop) {
  dns::to_lower(question_.qname.mutable_view());
  critical_ = is_critical(*config_, question_.qname.view());
  exclude_cleartext();
}

// A critical name goes only to the group's TLS upstreams if it has any (else over TCP).
void QueryTask::exclude_cleartext() {
  if (!critical_ || !group_->has_tls()) return;
  for (std::size_t i = 0; i < tried_.size(); ++i) {
    if (!group_->upstreams[i]->tls) tried_[i] = true;
  }
}

QueryTask::~QueryTask() { cancel_exchanges(); }

std::string QueryTask::describe() const {
  return fmt::format("qid={} qname={} qtype={}", id_, dns::to_text(question_.qname.view()),
                     question_.qtype);
}

void QueryTask::start() {
  deadline_timer_.start(static_cast<uint64_t>(config_->query_timeout.count()), [this] {
    if (stage_ == Stage::AwaitKeys) {
      return finish_with_servfail(dns::ede::NoReachableAuthority,
                                  "the DS and DNSKEY records to validate the answer did not come "
                                  "in time");
    }
    if (current_) record_failure(0);
    ++context_.stats.upstream_timeouts;
    give_up();
  });
  ask_next_upstream();
}

void QueryTask::ask_next_upstream() {
  cancel_exchanges();
  attempt_timer_.stop();
  if (group_->upstreams.empty()) return give_up();
  std::vector<const UpstreamHealth*> health;
  for (const auto& upstream : group_->upstreams) health.push_back(&upstream->health);
  auto next = choose_upstream(health, tried_, now(), context_.io.random);
  if (!next && lame_reply_.empty() && ++round_ < kMaxRounds) {
    std::fill(tried_.begin(), tried_.end(), false);
    exclude_cleartext();
    next = choose_upstream(health, tried_, now(), context_.io.random);
  }
  if (!next) return give_up();
  current_ = next;
  tried_[*next] = true;
  udp_unconfirmed_error_ = false;
  // The arguments of note() are evaluated even when it formats nothing: an upstream's name is
  // printed from its address, so only a traced query pays for it.
  if (trace_) note("asking upstream {} (round {})", current().name(), round_ + 1);
  attempt_started_ms_ = now();
  attempt_timer_.start(static_cast<uint64_t>(config_->upstream_timeout.count()),
                       [this] { on_attempt_timeout(); });
  if (current().tls) return start_tls();
  if (critical_) return start_tcp("a critical name, never asked over udp");
  start_udp();
}

ExchangeRequest QueryTask::make_request(bool randomize_case) {
  Upstream& upstream = current();
  dns::WireName qname = question_.qname;
  if (randomize_case) {
    dns::randomize_case(qname.mutable_view(), context_.io.random);
  } else {
    dns::to_lower(qname.mutable_view());  // without 0x20, a plain canonical question
  }
  const auto cookie = upstream.cookie_option();
  // Validating, vigil asks for everything with its signatures and for the data even if the
  // upstream thinks it bogus (CD=1): it trusts no validation but its own.
  const bool validating = is_validating() || config_->dnssec == DnssecMode::Validate;
  dns::UpstreamQuery query{context_.io.random.next_u16(), qname.view(), question_.qtype,
                           question_.qclass, validating || question_.checking_disabled(),
                           validating || question_.dnssec_ok,
                           config_->use_cookies ? dns::Bytes(cookie) : dns::Bytes()};
  ExchangeRequest request;
  request.upstream = upstream.address;
  request.query = dns::make_upstream_query(query);
  request.qname_length = qname.length;
  request.qtype = question_.qtype;
  request.qclass = question_.qclass;
  request.client_cookie = upstream.client_cookie;
  request.use_cookie = config_->use_cookies;
  request.require_server_cookie = config_->use_cookies && upstream.server_cookie_length > 0;
  request.ignore_case = !randomize_case;
  return request;
}

void QueryTask::start_udp() {
  const bool use_0x20 = config_->use_0x20 && !current().case_exempt;
  int error = 0;
  note("over udp from a fresh random port{}", use_0x20 ? ", with 0x20" : "");
  udp_ = UdpExchange::start(context_.io, make_request(use_0x20), *this, error);
  ++context_.stats.upstream_queries_udp;
  if (udp_ == nullptr) {
    context_.log.upstream->warn("{} upstream={} cannot send over udp: {}", describe(),
                                current().name(), uv_strerror(error));
    on_failure(Transport::Udp, error);
  }
}

void QueryTask::start_tcp(const char* why) {
  if (tcp_ != nullptr || current().tls) return;  // never clear text to a TLS upstream
  context_.log.upstream->debug("{} upstream={} retrying over tcp: {}", describe(),
                               current().name(), why);
  note("retrying over tcp: {}", why);
  // Over TCP the case is still randomized: the reply tells whether the upstream echoes it.
  int error = 0;
  tcp_ = TcpExchange::start(context_.io, make_request(config_->use_0x20), *this, error);
  ++context_.stats.upstream_queries_tcp;
  if (tcp_ == nullptr) on_failure(Transport::Tcp, error);
}

// RFC 7858: over the upstream's one TLS connection, shared with every other query to it.
void QueryTask::start_tls() {
  note("over tls{}", config_->use_0x20 ? ", with 0x20" : "");
  int error = 0;
  const TlsEnvironment environment{context_.io, context_.security, context_.log,
                                   static_cast<uint64_t>(config_->upstream_timeout.count())};
  tls_ = TlsExchange::start(environment, *current().tls, make_request(config_->use_0x20), *this,
                            error);
  ++context_.stats.upstream_queries_tcp;  // TLS runs over TCP
  if (tls_ == nullptr) {
    context_.log.upstream->debug("{} upstream={} cannot send over tls: {}", describe(),
                                 current().name(), uv_strerror(error));
    on_failure(Transport::Tls, error);
  }
}

void QueryTask::on_attempt_timeout() {
  ++context_.stats.upstream_timeouts;
  note("{} did not answer in time", current().name());
  context_.log.upstream->debug("{} upstream={} timed out", describe(), current().name());
  record_failure(static_cast<uint32_t>(config_->upstream_timeout.count()));
  ask_next_upstream();
}

void QueryTask::record_failure(uint32_t timeout_ms) {
  Upstream& upstream = current();
  const bool was_backed_off = upstream.health.is_backed_off(now());
  upstream.health.record_failure(now(), timeout_ms);
  if (!was_backed_off && upstream.health.is_backed_off(now())) {
    context_.security.event(
        "upstream_down", fmt::format("upstream={} consecutive_failures={} backoff_ms={}",
                                     upstream.name(), upstream.health.consecutive_failures(),
                                     upstream.health.backoff_until_ms() - now()));
  }
}

void QueryTask::on_reply(Transport transport, dns::Bytes reply, const ReplyMatch& match) {
  Upstream& upstream = current();
  if (upstream.health.consecutive_failures() >= UpstreamHealth::kFailuresBeforeBackoff) {
    context_.log.upstream->info("upstream {} answers again", upstream.name());
  }
  upstream.health.record_reply(now(), static_cast<uint32_t>(now() - attempt_started_ms_));
  if (match.cookie && match.cookie->server_length > 0) {
    std::copy_n(match.cookie->server.begin(), match.cookie->server_length,
                upstream.server_cookie.begin());
    upstream.server_cookie_length = match.cookie->server_length;
  }
  if (transport != Transport::Udp && !match.case_preserved && !upstream.case_exempt) {
    upstream.case_exempt = true;  // THREATS rule 3: detected over TCP, where nobody can spoof
    context_.security.event("no_0x20", fmt::format("upstream={} detail=\"does not echo the "
                                                   "question's letter case; 0x20 disabled for it\"",
                                                   upstream.name()));
  }
  const auto& layout = match.parsed.layout;
  const uint16_t rcode = static_cast<uint16_t>(
      (layout.edns ? layout.edns->extended_rcode << 4 : 0) | layout.header.rcode());
  if (trace_) {
    note("{} answered over {}: {}, {} answer, {} authority, {} additional record(s){}",
         upstream.name(), to_string(transport), dns::rcode_name(rcode), layout.header.ancount,
         layout.header.nscount, layout.header.arcount,
         layout.header.has(dns::flag::TC) ? ", truncated" : "");
  }
  if (transport == Transport::Udp && rcode == dns::rcode::BADCOOKIE) {
    return start_tcp("BADCOOKIE");  // RFC 7873 5.3: the server wants its new cookie; TCP needs none
  }
  if (transport == Transport::Udp && layout.header.has(dns::flag::TC)) {
    ++context_.stats.tc_retries;
    udp_->cancel();
    udp_ = nullptr;
    return start_tcp("truncated");
  }
  if (is_lame(layout)) {
    note("that is no answer: asking the next upstream");
    lame_reply_.assign(reply.begin(), reply.end());
    return ask_next_upstream();
  }
  finish_with_reply(reply, layout);
}

// An upstream that cannot or will not answer: ask another before relaying its refusal.
bool QueryTask::is_lame(const dns::MessageLayout& layout) const {
  const uint8_t rcode = layout.header.rcode();
  return rcode == dns::rcode::SERVFAIL || rcode == dns::rcode::REFUSED ||
         rcode == dns::rcode::NOTIMP || rcode == dns::rcode::FORMERR;
}

void QueryTask::on_near_miss(Transport transport, MismatchReason reason) {
  ++context_.stats.near_misses;
  note("near miss over {}: {} (a forged reply?)", to_string(transport), to_string(reason));
  context_.security.event(
      "near_miss", fmt::format("{} upstream={} transport={} reason={}", describe(),
                               current().name(), to_string(transport), to_string(reason)));
  // THREATS rule 6: many near misses mean someone is guessing: alert, and forget what this
  // upstream told us that nothing but its word vouches for.
  if (context_.near_misses != nullptr && context_.near_misses->record(current().name(), now())) {
    ++context_.stats.spoofing_alerts;
    const std::size_t flushed = config_->near_miss_flush && context_.answers != nullptr
                                    ? context_.answers->flush_unvalidated_from(current().name())
                                    : 0;
    context_.security.event(
        "spoofing_suspected",
        fmt::format("upstream={} near_misses={} window_ms={} flushed_answers={}", current().name(),
                    config_->near_miss_threshold, NearMissWatch::kWindowMs, flushed));
  }
  // THREATS rule 6: keep waiting on UDP, and ask again over TCP where guessing does not work.
  start_tcp("near miss");
}

void QueryTask::on_unwanted(Transport transport, MismatchReason reason) {
  ++context_.stats.unwanted_replies;
  context_.security.event(
      "unwanted_reply", fmt::format("{} upstream={} transport={} reason={}", describe(),
                                    current().name(), to_string(transport), to_string(reason)));
}

void QueryTask::on_failure(Transport transport, int uv_error) {
  ++context_.stats.upstream_errors;
  saw_network_error_ = true;
  context_.log.upstream->debug("{} upstream={} {} error: {}", describe(), current().name(),
                               to_string(transport), uv_strerror(uv_error));
  if (transport == Transport::Udp && udp_ != nullptr) {
    // THREATS rule 6 (TuDoor): an ICMP error is as easy to forge as a reply and names no query
    // ID, so it does not end the wait. The UDP socket keeps waiting for the genuine reply, and
    // the same upstream is asked over TCP at once: a port that really is closed refuses that too.
    udp_unconfirmed_error_ = true;
    note("udp error {} (unconfirmed: ICMP can be forged)", uv_strerror(uv_error));
    start_tcp("udp error, unconfirmed");
    return;
  }
  if (transport == Transport::Tcp && tcp_ != nullptr) {
    tcp_->cancel();
    tcp_ = nullptr;
  }
  if (transport == Transport::Tls && tls_ != nullptr) {
    tls_->cancel();
    tls_ = nullptr;
  }
  if (udp_ != nullptr && !udp_unconfirmed_error_) return;  // UDP may still answer
  // TCP failed as well (or UDP could not even be sent): the upstream is unreachable.
  if (udp_ != nullptr) {
    udp_->cancel();
    udp_ = nullptr;
  }
  record_failure(static_cast<uint32_t>(config_->upstream_timeout.count()));
  ask_next_upstream();
}

void QueryTask::give_up() {
  if (!lame_reply_.empty()) {
    auto reply = std::move(lame_reply_);
    auto parsed = dns::parse_message(reply);
    return finish_with_reply(reply, parsed.layout);
  }
  if (serve_stale()) return;
  note("no upstream answered");
  if (saw_network_error_) {
    return finish_with_servfail(dns::ede::NetworkError, "no upstream could be reached");
  }
  finish_with_servfail(dns::ede::NoReachableAuthority, "no upstream answered in time");
}

void QueryTask::finish_with_reply(dns::Bytes reply, const dns::MessageLayout& layout) {
  const uint8_t rcode = layout.header.rcode();
  if (rcode == dns::rcode::NOERROR || rcode == dns::rcode::NXDOMAIN) {
    // THREATS rules 9-11: only the chain from the question and its proofs go any further.
    const auto scrubbed = scrub(reply, layout);
    if (!scrubbed) return;  // refused: the client already has its SERVFAIL
    if (!scrubbed->empty()) {
      scrubbed_ = *scrubbed;
      const auto parsed = dns::parse_message(scrubbed_);
      if (!parsed.ok()) {
        return finish_with_servfail(dns::ede::Other, "the scrubbed answer does not parse");
      }
      return continue_with_reply(scrubbed_, parsed.layout);
    }
  }
  continue_with_reply(reply, layout);
}

// Keeps only what answers the question (validator/scrub.h). Empty: nothing was dropped, use the
// reply as it came; nullopt: the answer broke a cap and the client got SERVFAIL.
std::optional<std::vector<uint8_t>> QueryTask::scrub(dns::Bytes reply,
                                                     const dns::MessageLayout& layout) {
  // Most answers are the question's RRset (and its RRSIGs) or a zone's denial: recognised on the
  // wire, they skip ldns's parse; anything else gets the full scrubber.
  if (validator::scrub_keeps_everything(reply, layout, question_.qname.view(), question_.qtype)) {
    note("scrubber: nothing outside the question's chain and proofs");
    return std::vector<uint8_t>{};
  }
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, reply.data(), reply.size()) != LDNS_STATUS_OK) {
    finish_with_servfail(dns::ede::Other, "the upstream answer does not parse");
    return std::nullopt;
  }
  const dns::LdnsPkt packet(parsed);
  const dns::LdnsRdf qname(ldns_dname_new_frm_data(static_cast<uint16_t>(question_.qname.length),
                                                   question_.qname.bytes.data()));
  const auto result = validator::scrub_answer(packet.get(), qname.get(),
                                              static_cast<ldns_rr_type>(question_.qtype));
  // Named only in security events: not written for the usual answer.
  const auto upstream = [this] { return current_ ? current().name() : std::string(); };
  if (result.refused) {
    note("scrubber refused the answer: {}", result.reason);
    context_.security.event("answer_refused", fmt::format("{} upstream={} reason=\"{}\"",
                                                          describe(), upstream(), result.reason));
    finish_with_servfail(dns::ede::Other, "the upstream answer was refused: " + result.reason);
    return std::nullopt;
  }
  if (result.dropped.empty()) {
    note("scrubber: nothing outside the question's chain and proofs");
    return std::vector<uint8_t>{};
  }
  for (const auto& dropped : result.dropped) {
    ++context_.stats.scrubbed_rrsets;
    note("scrubber dropped {} {} from the {} section", dropped.owner, dropped.type,
         section_name(dropped.section));
    context_.security.event_lazily("scrubbed", [&] {
      return fmt::format("{} upstream={} owner={} type={} section={}", describe(), upstream(),
                         dropped.owner, dropped.type, section_name(dropped.section));
    });
  }
  auto out = dns::packet_wire(result.message.get());
  if (!out) finish_with_servfail(dns::ede::Other, "the scrubbed answer cannot be written");
  return out;
}

void QueryTask::continue_with_reply(dns::Bytes reply, const dns::MessageLayout& layout) {
  // A CNAME chain into a pinned name ends in the pin (THREATS "Pinned names"); the pin is not
  // DNSSEC data, so the answer is relayed without validation and without AD.
  if (context_.pins != nullptr && !question_.checking_disabled()) {
    if (auto spliced = splice_pins(reply, question_, *context_.pins)) {
      note("the CNAME chain ends in a pinned name: its records come from the pin, without "
           "validation");
      ++context_.stats.pinned_answers;
      pinned_tail_ = true;
      scrubbed_ = std::move(*spliced);
      const auto parsed = dns::parse_message(scrubbed_);
      if (parsed.ok()) return deliver(scrubbed_, parsed.layout, nullptr);
    }
  }
  const uint8_t rcode = layout.header.rcode();
  // RFC 4035 3.1.4.1 / 5: RRSIGs are not RRsets of their own; an explicit RRSIG query is
  // relayed as it came, without AD, like an answer to a CD=1 client.
  const bool rrsig_query = question_.qtype == dns::rrtype::RRSIG;
  if (is_validating() && !rrsig_query &&
      (rcode == dns::rcode::NOERROR || rcode == dns::rcode::NXDOMAIN)) {
    return start_validation(reply);
  }
  note(config_->dnssec == DnssecMode::Validate ? "not validated (CD=1 or an RRSIG query)"
                                               : "not validated: dnssec off");
  deliver(reply, layout, nullptr);
}

// Validation is on, and the client did not ask for the data unchecked (CD=1, RFC 4035 3.2.2).
bool QueryTask::is_validating() const {
  return config_->dnssec == DnssecMode::Validate && context_.validation != nullptr &&
         !question_.checking_disabled();
}

void QueryTask::start_validation(dns::Bytes reply) {
  stage_ = Stage::AwaitKeys;
  cancel_exchanges();
  attempt_timer_.stop();
  // The upstream that answered stays current_ while the keys are fetched; its name (printed from
  // its address) is written only into a security event, when one is raised.
  answered_by_.clear();
  reply_.assign(reply.begin(), reply.end());  // the receive buffer is reused by the next packet
  validation_ = std::make_unique<ValidationRun>(
      *context_.validation, reply_, question_,
      [this](const validator::AnswerValidation& result) { finish_validated(result); });
  validation_->start();
}

void QueryTask::finish_validated(const validator::AnswerValidation& result) {
  if (stage_ != Stage::AwaitKeys) return;  // the deadline ended this query first
  const validator::Verdict& verdict = result.verdict;
  if (trace_) {
    note("dnssec: {}{}{}", validator::to_string(verdict.security),
         verdict.reason == validator::Reason::None
             ? ""
             : std::string(" (") + validator::to_string(verdict.reason) + ")",
         verdict.detail.empty() ? "" : ": " + verdict.detail);
  }
  note_chain_of_trust();
  ++context_.stats.verdicts_by_reason[static_cast<std::size_t>(verdict.reason)];
  if (verdict.is_secure()) ++context_.stats.secure;
  if (verdict.is_insecure()) ++context_.stats.insecure;
  if (!verdict.is_bogus() && verdict.security != validator::Security::Indeterminate) {
    const auto parsed = dns::parse_message(reply_);
    return deliver(reply_, parsed.layout, &verdict);
  }
  ++context_.stats.bogus;
  context_.security.event(
      "bogus", fmt::format("{} upstream={} reason={} ede={} detail=\"{}\"", describe(),
                           current_ ? current().name() : answered_by_,
                           validator::to_string(verdict.reason),
                           validator::ede_code(verdict.reason), verdict.detail));
  if (verdict.detail.starts_with(validator::kTrustAnchorFailure)) {
    context_.log.main->error("{}: {}; every name under that anchor fails until the anchor or "
                             "the upstream is fixed", describe(), verdict.detail);
  }
  if (verdict.reason == validator::Reason::SignatureExpired ||
      verdict.reason == validator::Reason::SignatureNotYetValid) {
    context_.log.main->warn("{}: {}; if this happens for many zones, check the system clock",
                            describe(), verdict.detail);
  }
  const uint16_t ede = validator::ede_code(verdict.reason);
  const uint16_t code = ede != 0 ? ede : dns::ede::DnssecBogus;
  // RFC 9520: the next clients asking this get the same SERVFAIL without a new validation.
  if (!trace_) context_.validation->bogus_cache->store(
      cache::question_key(group_->id, question_),
      cache::BogusAnswer{code, verdict.detail}, now(),
      static_cast<uint64_t>(config_->bogus_ttl.count()));
  finish_with_servfail(code, verdict.detail);
}

void QueryTask::deliver(dns::Bytes reply, const dns::MessageLayout& layout,
                        const validator::Verdict* verdict) {
  // THREATS "Pinned names": a guarded name's addresses must be in its allowlist, whatever the
  // upstream (and DNSSEC) says.
  if (const Guard* guard = guard_for(config_->guards, question_.qname.view())) {
    note("guard {}{}: its addresses must be in the allowlist", guard->subtree ? "*." : "",
         guard->name);
    if (const auto address = guard_violation(*guard, reply)) {
      note("guard: {} is outside the allowlist: refused", *address);
      ++context_.stats.guard_blocked;
      context_.security.event(
          "guard_violation", fmt::format("{} guard={}{} address={} upstream={}", describe(),
                                         guard->subtree ? "*." : "", guard->name, *address,
                                         current_ ? current().name() : answered_by_));
      return finish_with_servfail(dns::ede::Blocked, "the answer for " + guard->name +
                                                         " is outside its guard: " + *address);
    }
  }
  const bool secure = verdict != nullptr && verdict->is_secure();
  std::optional<dns::ExtendedError> extended_error;
  if (verdict != nullptr && verdict->is_insecure()) {
    if (const uint16_t code = validator::ede_code(verdict->reason); code != 0) {
      extended_error = dns::ExtendedError{code, verdict->detail};
    }
  }
  store_in_cache(reply, layout, verdict);
  std::vector<uint8_t> plain;  // rendered once, for the first waiter without DO
  for (auto& waiter : retire_and_take_waiters()) {
    if (!waiter.query.dnssec_ok && plain.empty()) {
      plain = dns::without_dnssec_records(reply, waiter.query.qtype);
    }
    auto answer = client_answer(reply, layout, waiter.query, waiter.transport, secure,
                                extended_error,
                                PreparedForms{plain.empty() ? nullptr : &plain, nullptr, {}, {}, 0});
    if (waiter.from_client) {
      if (answer.size() > 2 && (answer[2] & 0x02)) ++context_.stats.truncated;
      ++context_.stats.answers;
    }
    waiter.sink(std::move(answer));
  }
  finish();
}

// RFC 8767: when no upstream answers, an answer that expired not long ago is better than
// SERVFAIL, if it was validated or proven insecure (THREATS rule 13); it says it is stale (EDE 3).
bool QueryTask::serve_stale() {
  if (context_.answers == nullptr || question_.checking_disabled()) return false;
  const auto stale = context_.answers->find_stale(
      cache::question_key(group_->id, question_),
      now());
  if (!stale) return false;
  note("no upstream answered: serving the cached answer stale (RFC 8767)");
  const dns::ExtendedError stale_answer{dns::ede::StaleAnswer, "no upstream answered"};
  for (auto& waiter : retire_and_take_waiters()) {
    if (waiter.from_client) ++context_.stats.stale_answers;
    waiter.sink(client_answer(stale->wire, stale->layout(), waiter.query, waiter.transport,
                              stale->security == cache::Security::Secure, stale_answer,
                              PreparedForms{stale->plain(), stale->plain_layout(), {}, {}, 0}));
  }
  finish();
  return true;
}

// Answers to clients that asked with CD=1 (and the validator's own fetches) are never cached:
// they were not validated. Pinned tails are not either: the pins answer for themselves.
void QueryTask::store_in_cache(dns::Bytes reply, const dns::MessageLayout& layout,
                               const validator::Verdict* verdict) {
  if (context_.answers == nullptr || question_.checking_disabled() || pinned_tail_ || trace_) {
    return;
  }
  const uint8_t rcode = layout.header.rcode();
  if (rcode != dns::rcode::NOERROR && rcode != dns::rcode::NXDOMAIN) return;
  const cache::Security security = verdict == nullptr        ? cache::Security::Unchecked
                                   : verdict->is_secure()     ? cache::Security::Secure
                                                              : cache::Security::Insecure;
  if (verdict != nullptr && !verdict->is_secure() && ede_code_of_insecure(*verdict) != 0) {
    return;  // insecure with a reason worth an EDE: re-validated each time, not cached
  }
  const std::string upstream = current_ ? current().name() : answered_by_;
  const auto stored =
      context_.answers->store(cache::question_key(group_->id, question_), group_->id,
                              question_.qname.view(), reply, security, now(), upstream);
  // RFC 2181 5.4.1: this answer disagrees with a cached RRset that outranks it (or is still
  // locked); the cached copy stands and this answer is not cached. Worth an operator's look: a
  // forged answer that got through looks like this.
  for (const auto& refused : stored.refused) {
    ++context_.stats.cache_conflicts;
    const auto keyed = cache::keyed_question(refused.key);
    context_.security.event(
        "cache_conflict",
        fmt::format("{} upstream={} owner={} type={} offered={}/{} cached={}/{} cached_from={}",
                    describe(), upstream, dns::to_text(keyed.qname), keyed.qtype,
                    cache::to_string(refused.offered_security),
                    refused.offered_trust == cache::Trust::Answer ? "answer" : "chain",
                    cache::to_string(refused.standing.security),
                    refused.standing.trust == cache::Trust::Answer ? "answer" : "chain",
                    refused.standing.upstream));
  }
}

// The zones from the trust anchor down to the question's name, with what the validator proved
// about each (the key cache holds it now).
void QueryTask::note_chain_of_trust() {
  if (!trace_ || context_.validation == nullptr || !context_.validation->anchors) return;
  const dns::LdnsRdf qname(ldns_dname_new_frm_data(static_cast<uint16_t>(question_.qname.length),
                                                   question_.qname.bytes.data()));
  const auto& facts = context_.validation->key_cache->facts(static_cast<uint64_t>(std::time(nullptr)));
  for (auto& line : validator::chain_story(qname.get(), *context_.validation->anchors, facts, {})) {
    note("chain of trust: {}", line);
  }
}

void QueryTask::finish_with_servfail(uint16_t ede_code, const std::string& text) {
  context_.log.upstream->info("{} SERVFAIL ede={} {}", describe(), ede_code, text);
  for (auto& waiter : retire_and_take_waiters()) {
    if (waiter.from_client) ++context_.stats.servfail;
    waiter.sink(dns::make_reply_without_records(
        waiter.query, dns::ReplyOptions{dns::rcode::SERVFAIL, false,
                                        dns::ExtendedError{ede_code, text}}));
  }
  finish();
}

// A reply sent to a TCP client can make it dispatch its next pipelined query at once, which may
// be this same question: it must start a new task, not join this finished one mid-delivery.
std::vector<Waiter> QueryTask::retire_and_take_waiters() {
  std::vector<Waiter> waiters = std::move(waiters_);
  waiters_.clear();
  done_(*this);  // the pipeline forgets this task's key; it stays alive until the reaper runs
  return waiters;
}

void QueryTask::finish() {
  stage_ = Stage::Done;
  cancel_exchanges();
  attempt_timer_.stop();
  deadline_timer_.stop();
  waiters_.clear();
  done_(*this);  // last: the pipeline retires this task
}

void QueryTask::cancel_exchanges() {
  if (udp_ != nullptr) udp_->cancel();
  if (tcp_ != nullptr) tcp_->cancel();
  if (tls_ != nullptr) tls_->cancel();
  udp_ = nullptr;
  tcp_ = nullptr;
  tls_ = nullptr;
}

}  // namespace vigil
