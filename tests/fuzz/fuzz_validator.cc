// Fuzz target: the validator on one upstream reply (validator/answer_validator.h), driven as the
// query task drives it (daemon/pipeline/validation_run.cc; validator/test_zone_builder.h's
// Session): call, fetch what it needs, call again. The input is a sequence of length-prefixed
// messages (frames.h): the first is the answer, whose question is the client's; the others are
// the upstream's replies to the validator's DS and DNSKEY queries, found by their question as
// reply_match would. A Need no frame answers is a failed fetch (an empty reply). The trust anchor
// and the clock are those of the signed world the seed corpus was made from (validator_world.h,
// written by make_corpus.py), so seeds reach the signature, NSEC and NSEC3 code with valid data.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "dns/ldns_ptr.h"
#include "tests/fuzz/frames.h"
#include "tests/fuzz/validator_world.h"
#include "trust-anchors/trust_anchor.h"
#include "validator/anchor_set.h"
#include "validator/answer_validator.h"
#include "validator/names.h"

using namespace vigil;

namespace {

// validation_run.h's kMaxFetches; past it the query task gives up.
constexpr int kMaxFetches = 24;

const validator::AnchorSet& world_anchors() {
  static const validator::AnchorSet anchors(
      anchors::parse_trust_anchors(fuzz::kWorldTrustAnchor, "validator_world.h"));
  return anchors;
}

dns::LdnsPkt parse(dns::Bytes wire) {
  ldns_pkt* packet = nullptr;
  if (wire.empty() || ldns_wire2pkt(&packet, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return dns::LdnsPkt(packet);
}

using Replies = std::map<std::pair<std::string, uint16_t>, dns::LdnsPkt>;

// Runs the validation to its verdict; `cached` plays the key cache.
validator::ZoneFacts validate(const ldns_pkt* answer, const ldns_rdf* qname, ldns_rr_type qtype,
                              const Replies& replies, const validator::ZoneFacts& cached) {
  validator::ZoneFacts learned;
  validator::Fetched fetched;
  const validator::ValidationPolicy policy;
  validator::WorkBudget budget;
  for (int round = 0; round <= kMaxFetches; ++round) {
    validator::ValidationInput input{world_anchors(), cached,   learned, fetched,
                                     fuzz::kWorldNow, policy, budget};
    const auto result = validator::validate_answer(answer, qname, qtype, input);
    if (!result.need) break;
    const std::pair<std::string, uint16_t> key{result.need->name,
                                               static_cast<uint16_t>(result.need->type)};
    if (fetched.count(key) != 0) break;  // asked twice: the query task ends it as bogus
    const auto found = replies.find(key);
    fetched.emplace(key, found != replies.end() ? dns::LdnsPkt(ldns_pkt_clone(found->second.get()))
                                                : dns::LdnsPkt(ldns_pkt_new()));
  }
  return learned;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto frames = fuzz::split_frames(data, size);
  if (frames.empty()) return 0;
  const dns::LdnsPkt answer = parse(frames[0]);
  if (!answer || ldns_rr_list_rr_count(ldns_pkt_question(answer.get())) == 0) return 0;
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(answer.get()), 0);
  const ldns_rdf* qname = ldns_rr_owner(question);
  if (qname == nullptr || ldns_rdf_get_type(qname) != LDNS_RDF_TYPE_DNAME) return 0;

  Replies replies;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    dns::LdnsPkt reply = parse(frames[i]);
    if (!reply || ldns_rr_list_rr_count(ldns_pkt_question(reply.get())) == 0) continue;
    const ldns_rr* asked = ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0);
    if (ldns_rr_owner(asked) == nullptr) continue;
    replies.emplace(std::make_pair(validator::name_key(ldns_rr_owner(asked)),
                                   static_cast<uint16_t>(ldns_rr_get_type(asked))),
                    std::move(reply));
  }
  // A first query with an empty key cache, then the same answer again with what the first
  // proved already cached, as a second client's query would find it.
  const validator::ZoneFacts learned =
      validate(answer.get(), qname, ldns_rr_get_type(question), replies, {});
  validate(answer.get(), qname, ldns_rr_get_type(question), replies, learned);
  return 0;
}
