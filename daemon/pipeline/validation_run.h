// One DNSSEC validation of one upstream reply (../shared/VALIDATING-STUB.md): runs the pure
// validator, fetches each DS or DNSKEY RRset it asks for through the pipeline (with CD=1, so the
// fetch itself is not validated), and reports the verdict once. The validator asks, the
// pipeline fetches: nothing here blocks the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "cache/bogus_cache.h"
#include "cache/key_cache.h"
#include "daemon/stats.h"
#include "dns/ldns_ptr.h"
#include "dns/query.h"
#include "validator/anchor_set.h"
#include "validator/answer_validator.h"

namespace vigil {

// What a validation borrows from the daemon.
struct ValidationSetup {
  std::shared_ptr<const validator::AnchorSet> anchors;
  cache::KeyCache* key_cache = nullptr;
  cache::BogusCache* bogus_cache = nullptr;
  Stats* stats = nullptr;  // validation_step_max_us: the longest the loop was held by one step
  validator::ValidationPolicy policy;
  // Sends `need` upstream and calls back with the reply's bytes (empty on failure).
  std::function<void(const validator::Need&, std::function<void(std::vector<uint8_t>&&)>)> fetch;
};

class ValidationRun {
 public:
  using Done = std::function<void(const validator::AnswerValidation&)>;

  // At most this many DS/DNSKEY fetches for one answer: a chain is a few zones deep, so more
  // means a zone built to make us work (or loop).
  static constexpr unsigned kMaxFetches = 24;

  ValidationRun(ValidationSetup setup, dns::Bytes reply, const dns::QueryInfo& question, Done done);
  ValidationRun(const ValidationRun&) = delete;
  ValidationRun& operator=(const ValidationRun&) = delete;

  void start() { step(); }

 private:
  void step();
  void finish(const validator::AnswerValidation& result);

  ValidationSetup setup_;
  dns::LdnsPkt reply_;
  dns::LdnsRdf qname_;
  ldns_rr_type qtype_;
  Done done_;
  validator::Fetched fetched_;
  validator::ZoneFacts learned_;
  validator::WorkBudget budget_;
  unsigned fetches_ = 0;
  // Fetch callbacks hold a weak reference: a run that ended (its task gone) ignores them.
  std::shared_ptr<ValidationRun*> self_ = std::make_shared<ValidationRun*>(this);
};

}  // namespace vigil
