#include "validator/trust_chain.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "validator/denial.h"
#include "validator/names.h"
#include "validator/rrset.h"
#include "validator/signature.h"

namespace vigil::validator {

namespace {

enum class Goal { ZoneApex, UnsignedData };

const ZoneFact* find_fact(const std::string& key, const ValidationInput& input) {
  if (auto found = input.learned.find(key); found != input.learned.end()) return &found->second;
  if (auto found = input.cached.find(key); found != input.cached.end()) return &found->second;
  return nullptr;
}

ZoneTrust from_fact(const ZoneFact& fact) {
  ZoneTrust trust;
  trust.verdict = fact.verdict;
  trust.keys = fact.keys;
  trust.ttl = fact.ttl;
  return trust;
}

ZoneTrust need(const std::string& name, ldns_rr_type type) {
  ZoneTrust trust;
  trust.need = Need{name, type};
  return trust;
}

ZoneTrust record(ValidationInput& input, const std::string& key, ZoneState state, Verdict verdict,
                 std::shared_ptr<ldns_rr_list> keys, uint32_t ttl) {
  if (state == ZoneState::Bogus) ttl = std::min(ttl, input.policy.bogus_ttl);
  input.learned[key] = ZoneFact{state, keys, verdict, ttl};
  ZoneTrust trust;
  trust.verdict = std::move(verdict);
  trust.keys = std::move(keys);
  trust.ttl = ttl;
  return trust;
}

const ldns_pkt* fetched_reply(const ValidationInput& input, const std::string& key,
                              ldns_rr_type type) {
  const auto found = input.fetched.find({key, static_cast<uint16_t>(type)});
  return found != input.fetched.end() ? found->second.get() : nullptr;
}

std::optional<RRset> answer_rrset(const ldns_pkt* reply, const ldns_rdf* owner, ldns_rr_type type) {
  for (auto& rrset : group_rrsets(ldns_pkt_answer(reply))) {
    if (rrset.type() == type && ldns_dname_compare(rrset.owner(), owner) == 0) return std::move(rrset);
  }
  return std::nullopt;
}

// RFC 4035 5.2: the DNSKEY RRset of `zone`, validated against `trusted` (anchors or the
// validated DS RRset from the parent).
ZoneTrust zone_keys(const ldns_rdf* zone, const std::string& key, const ldns_rr_list* trusted,
                    uint32_t trusted_ttl, ValidationInput& input) {
  const ldns_pkt* reply = fetched_reply(input, key, LDNS_RR_TYPE_DNSKEY);
  if (reply == nullptr) return need(key, LDNS_RR_TYPE_DNSKEY);
  auto dnskeys = answer_rrset(reply, zone, LDNS_RR_TYPE_DNSKEY);
  if (!dnskeys) {
    return record(input, key, ZoneState::Bogus,
                  Verdict::bogus(Reason::DnskeyMissing, "no DNSKEY RRset for " + key), nullptr, 0);
  }
  const SignatureCheck check =
      verify_dnskey_rrset(*dnskeys, trusted, input.now, input.policy, input.budget,
                          input.public_keys);
  if (check.verdict.is_secure()) {
    return record(input, key, ZoneState::Secure, check.verdict,
                  share_rr_list(dnskeys->records.release()), std::min(check.ttl, trusted_ttl));
  }
  const ZoneState state = check.verdict.is_insecure() ? ZoneState::Insecure : ZoneState::Bogus;
  return record(input, key, state, check.verdict, nullptr, std::min(dnskeys->ttl(), trusted_ttl));
}

// The ancestors of `name` up to and including `top`: path[0] is name, path.back() is top.
std::vector<dns::LdnsRdf> path_up_to(const ldns_rdf* name, const ldns_rdf* top) {
  std::vector<dns::LdnsRdf> path;
  dns::LdnsRdf cursor(ldns_rdf_clone(name));
  while (cursor) {
    const bool at_top = ldns_dname_compare(cursor.get(), top) == 0;
    dns::LdnsRdf next(at_top || ldns_dname_label_count(cursor.get()) == 0
                          ? nullptr
                          : ldns_dname_left_chop(cursor.get()));
    path.push_back(std::move(cursor));
    if (at_top) break;
    cursor = std::move(next);
  }
  return path;
}

struct DenialOfDs {
  std::optional<ZoneTrust> outcome;  // the walk ends here (insecure, bogus)
  bool not_a_cut = false;            // else: the candidate is inside the current zone
};

// A reply to "candidate DS" without a DS RRset: a signed denial from `zone` (the current secure
// zone) must say whether `candidate` is an insecure delegation or no cut at all.
DenialOfDs classify_ds_denial(const ldns_pkt* reply, const ldns_rdf* candidate,
                              const std::string& key, const ldns_rdf* zone,
                              const ZoneTrust& secure, ValidationInput& input) {
  const auto authority = group_rrsets(ldns_pkt_authority(reply));
  std::vector<const RRset*> proofs;
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  for (const auto& rrset : authority) {
    if (rrset.type() != LDNS_RR_TYPE_NSEC && rrset.type() != LDNS_RR_TYPE_NSEC3) continue;
    const SignatureCheck check = verify_rrset(rrset, secure.keys.get(), zone, input.now,
                                              input.policy, input.budget, input.public_keys);
    if (!check.verdict.is_secure()) {
      return {record(input, key, ZoneState::Bogus, check.verdict, nullptr, 0), false};
    }
    proofs.push_back(&rrset);
    ttl = std::min(ttl, check.ttl);
  }
  if (proofs.empty()) {
    // THREATS rule 14: a DS that is neither there nor provably absent is a stripped chain.
    return {record(input, key, ZoneState::Bogus,
                   Verdict::bogus(Reason::NsecMissing, "no DS for " + key +
                                                           " and no signed proof that it has none"),
                   nullptr, 0),
            false};
  }
  const CutProof cut = prove_no_ds(candidate, proofs, zone, input.policy, input.budget);
  if (cut.verdict.is_insecure()) {
    // RFC 9276 / RFC 5155 opt-out: the proof itself makes everything below insecure.
    return {record(input, key, ZoneState::Insecure, cut.verdict, nullptr, ttl), false};
  }
  switch (cut.kind) {
    case CutKind::InsecureDelegation:
      return {record(input, key, ZoneState::Insecure,
                     Verdict::insecure(Reason::None, "insecure delegation at " + key), nullptr,
                     ttl),
              false};
    case CutKind::NotACut:
      input.learned[key] = ZoneFact{ZoneState::NotACut, nullptr, Verdict::secure(), ttl};
      return {std::nullopt, true};
    case CutKind::NoSuchName: {
      ZoneTrust trust;
      trust.verdict = Verdict::bogus(Reason::NsecMissing, key + " does not exist");
      return {trust, false};
    }
    case CutKind::Unproven:
      break;
  }
  return {record(input, key, ZoneState::Bogus, cut.verdict, nullptr, 0), false};
}

ZoneTrust walk(const ldns_rdf* target, Goal goal, ValidationInput& input) {
  // RFC 7646 2: below a negative trust anchor, validation stops and answers are insecure.
  if (const auto* negative = input.anchors.negative_covering(target, input.now)) {
    ZoneTrust trust;
    trust.verdict = Verdict::insecure(Reason::NegativeTrustAnchor,
                                      name_key(target) + " is under the negative trust anchor " +
                                          negative->name);
    trust.ttl = 60;  // re-checked soon: the anchor may expire or be removed on reload
    return trust;
  }
  std::string anchor_key;
  const ldns_rr_list* anchor = input.anchors.closest(target, anchor_key);
  if (anchor == nullptr) {
    ZoneTrust trust;
    trust.verdict = Verdict::insecure(Reason::NoTrustAnchor, name_key(target) +
                                                                 " is under no trust anchor");
    trust.ttl = std::numeric_limits<uint32_t>::max();
    return trust;
  }
  const dns::LdnsRdf anchor_name = name_from_text(anchor_key);
  const std::vector<dns::LdnsRdf> path = path_up_to(target, anchor_name.get());

  // Start at the deepest zone already known; an insecure or bogus zone decides for all below.
  std::size_t start = path.size();
  ZoneTrust secure;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const ZoneFact* fact = find_fact(name_key(path[i].get()), input);
    if (fact == nullptr || fact->state == ZoneState::NotACut) continue;
    if (fact->state != ZoneState::Secure) return from_fact(*fact);
    secure = from_fact(*fact);
    start = i;
    break;
  }
  if (start == path.size()) {
    secure = zone_keys(anchor_name.get(), anchor_key, anchor,
                       std::numeric_limits<uint32_t>::max(), input);
    if (secure.verdict.is_bogus()) {
      // RFC 4035 5 / THREATS rule 18: no key matches the anchor: fail closed, and say so, also
      // when the failure is later read back from the key cache.
      secure.verdict.detail = kTrustAnchorFailure + secure.verdict.detail;
      if (auto learned = input.learned.find(anchor_key); learned != input.learned.end()) {
        learned->second.verdict.detail = secure.verdict.detail;
      }
    }
    if (secure.need || !secure.verdict.is_secure()) return secure;
    start = path.size() - 1;
  }
  dns::LdnsRdf zone(ldns_rdf_clone(path[start].get()));
  bool target_is_apex = start == 0;

  for (std::size_t i = start; i-- > 0;) {
    const ldns_rdf* candidate = path[i].get();
    const std::string key = name_key(candidate);
    const ZoneFact* fact = find_fact(key, input);
    if (fact != nullptr && fact->state == ZoneState::NotACut) continue;
    const ldns_pkt* reply = fetched_reply(input, key, LDNS_RR_TYPE_DS);
    if (reply == nullptr) return need(key, LDNS_RR_TYPE_DS);
    if (auto ds = answer_rrset(reply, candidate, LDNS_RR_TYPE_DS)) {
      // RFC 4035 5.2: the DS RRset is signed by the parent, the zone we stand in.
      const SignatureCheck check = verify_rrset(*ds, secure.keys.get(), zone.get(), input.now,
                                                input.policy, input.budget, input.public_keys);
      if (!check.verdict.is_secure()) {
        return record(input, key, ZoneState::Bogus, check.verdict, nullptr, 0);
      }
      ZoneTrust child = zone_keys(candidate, key, ds->records.get(), check.ttl, input);
      if (child.need || !child.verdict.is_secure()) return child;
      secure = std::move(child);
      zone.reset(ldns_rdf_clone(candidate));
      target_is_apex = i == 0;
      continue;
    }
    const DenialOfDs denial = classify_ds_denial(reply, candidate, key, zone.get(), secure, input);
    if (denial.outcome) return *denial.outcome;
  }
  if (goal == Goal::ZoneApex) {
    if (target_is_apex) return secure;
    ZoneTrust trust;
    trust.verdict = Verdict::bogus(Reason::Bogus, "signer " + name_key(target) +
                                                      " is not a zone cut under " +
                                                      name_key(zone.get()));
    return trust;
  }
  ZoneTrust trust;
  trust.verdict = Verdict::bogus(Reason::RrsigsMissing, "no RRSIG over data at " +
                                                            name_key(target) + " in signed zone " +
                                                            name_key(zone.get()));
  return trust;
}

}  // namespace

ZoneTrust zone_trust(const ldns_rdf* zone, ValidationInput& input) {
  return walk(zone, Goal::ZoneApex, input);
}

ZoneTrust unsigned_name_trust(const ldns_rdf* name, ValidationInput& input) {
  return walk(name, Goal::UnsignedData, input);
}

}  // namespace vigil::validator
