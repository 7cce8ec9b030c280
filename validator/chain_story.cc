#include "validator/chain_story.h"

#include "validator/names.h"

namespace vigil::validator {

namespace {

constexpr uint16_t kSecureEntryPoint = 0x0001;  // RFC 4034 2.1.1: the SEP bit marks a KSK

const char* state_text(ZoneState state) {
  switch (state) {
    case ZoneState::Secure: return "secure";
    case ZoneState::Insecure: return "insecure";
    case ZoneState::Bogus: return "bogus";
    case ZoneState::NotACut: break;
  }
  return "not a zone cut";
}

}  // namespace

std::string describe_keys(const ldns_rr_list* keys) {
  std::string text;
  for (std::size_t i = 0; keys != nullptr && i < ldns_rr_list_rr_count(keys); ++i) {
    const ldns_rr* key = ldns_rr_list_rr(keys, i);
    if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(key) < 3) continue;
    const uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(key, 0));
    const unsigned algorithm = ldns_rdf2native_int8(ldns_rr_rdf(key, 2));
    if (!text.empty()) text += ", ";
    text += std::to_string(ldns_calc_keytag(key)) + "/alg" + std::to_string(algorithm) +
            ((flags & kSecureEntryPoint) != 0 ? " KSK" : " ZSK");
  }
  return text.empty() ? "(no keys)" : text;
}

std::vector<std::string> chain_story(const ldns_rdf* name, const AnchorSet& anchors,
                                     const ZoneFacts& cached, const ZoneFacts& learned) {
  std::vector<std::string> lines;
  std::string anchor_zone;
  if (anchors.closest(name, anchor_zone) == nullptr) {
    lines.push_back("no trust anchor at or above " + name_key(name) + ": insecure");
  } else {
    lines.push_back("trust anchor " + anchor_zone);
  }
  // From the root down: "." "test." "example.test." "www.example.test.".
  std::vector<dns::LdnsRdf> ancestors;
  dns::LdnsRdf current(ldns_rdf_clone(name));
  while (current) {
    ancestors.insert(ancestors.begin(), dns::LdnsRdf(ldns_rdf_clone(current.get())));
    if (ldns_dname_label_count(current.get()) == 0) break;
    current.reset(ldns_dname_left_chop(current.get()));
  }
  for (const auto& zone : ancestors) {
    const std::string key = name_key(zone.get());
    const ZoneFact* fact = nullptr;
    if (const auto found = learned.find(key); found != learned.end()) {
      fact = &found->second;
    } else if (const auto known = cached.find(key); known != cached.end()) {
      fact = &known->second;
    }
    if (fact == nullptr || fact->state == ZoneState::NotACut) continue;
    std::string line = "zone " + key + ": " + state_text(fact->state);
    if (fact->state == ZoneState::Secure) {
      line += ", DNSKEY " + describe_keys(fact->keys.get());
    } else {
      if (fact->verdict.reason != Reason::None) {
        line += std::string(" (") + to_string(fact->verdict.reason) + ")";
      }
      if (!fact->verdict.detail.empty()) line += ": " + fact->verdict.detail;
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace vigil::validator
