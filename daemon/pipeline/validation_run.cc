#include "daemon/pipeline/validation_run.h"

#include <chrono>
#include <ctime>

#include "dns/name.h"

namespace vigil {

namespace {

dns::LdnsPkt parse_reply(dns::Bytes wire) {
  ldns_pkt* packet = nullptr;
  if (wire.empty() || ldns_wire2pkt(&packet, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return dns::LdnsPkt(ldns_pkt_new());  // a failed fetch: a reply with nothing in it
  }
  return dns::LdnsPkt(packet);
}

validator::AnswerValidation bogus(const std::string& detail) {
  return {std::nullopt, validator::Verdict::bogus(validator::Reason::WorkLimit, detail), 0};
}

}  // namespace

ValidationRun::ValidationRun(ValidationSetup setup, dns::Bytes reply,
                             const dns::QueryInfo& question, Done done)
    : setup_(std::move(setup)),
      reply_(parse_reply(reply)),
      qname_(ldns_dname_new_frm_data(static_cast<uint16_t>(question.qname.length),
                                     question.qname.bytes.data())),
      qtype_(static_cast<ldns_rr_type>(question.qtype)),
      done_(std::move(done)) {}

void ValidationRun::step() {
  // Signatures are dated by the wall clock (RFC 4034 3.1.5), not the loop's monotonic one.
  const auto now = static_cast<validator::UnixTime>(std::time(nullptr));
  const auto now_s = static_cast<uint64_t>(now);
  const auto started = std::chrono::steady_clock::now();
  validator::ValidationInput input{*setup_.anchors, setup_.key_cache->facts(now_s), learned_,
                                   fetched_,        now,           setup_.policy,
                                   budget_,         &setup_.key_cache->public_keys()};
  const validator::AnswerValidation result = validate_answer(reply_.get(), qname_.get(), qtype_, input);
  setup_.key_cache->store(learned_, now_s);
  // The validator runs on the loop thread: measure how long one step holds it (KeyTrap).
  const auto held = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started).count();
  if (setup_.stats != nullptr) {
    setup_.stats->validation_step_max_us =
        std::max<uint64_t>(setup_.stats->validation_step_max_us, static_cast<uint64_t>(held));
  }
  if (!result.need) return finish(result);
  const auto key = std::make_pair(result.need->name, static_cast<uint16_t>(result.need->type));
  if (fetched_.count(key) != 0) {
    return finish(bogus("the validator asked twice for " + result.need->name));  // never loop
  }
  if (++fetches_ > kMaxFetches) {
    return finish(bogus("more than " + std::to_string(kMaxFetches) + " DS/DNSKEY fetches"));
  }
  std::weak_ptr<ValidationRun*> weak = self_;
  setup_.fetch(*result.need, [weak, key](std::vector<uint8_t>&& wire) {
    const auto self = weak.lock();
    if (!self) return;
    ValidationRun& run = **self;
    run.fetched_[key] = parse_reply(wire);
    run.step();
  });
}

void ValidationRun::finish(const validator::AnswerValidation& result) {
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(result);
}

}  // namespace vigil
