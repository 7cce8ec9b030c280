#include "cache/answer_rrsets.h"

#include <algorithm>
#include <limits>

#include "cache/question_key.h"
#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/name.h"

namespace vigil::cache {

namespace {

std::string folded(const std::vector<uint8_t>& bytes) {
  std::string text(bytes.size() + 2, '\0');
  text[0] = static_cast<char>(bytes.size() >> 8);
  text[1] = static_cast<char>(bytes.size() & 0xff);
  std::transform(bytes.begin(), bytes.end(), text.begin() + 2,
                 [](uint8_t c) { return static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c); });
  return text;
}

struct Group {
  AnswerRRset rrset;
  std::vector<std::string> rdatas;
  std::vector<uint8_t> signatures;
};

}  // namespace

std::optional<std::vector<AnswerRRset>> answer_rrsets(dns::Bytes wire, uint64_t group_id,
                                                      dns::Bytes qname) {
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK) return std::nullopt;
  const dns::LdnsPkt packet(parsed);
  const ldns_rr_list* answer = ldns_pkt_answer(packet.get());
  std::vector<Group> groups;
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    const bool signature = ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG;
    const auto type = static_cast<uint16_t>(
        signature ? ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) : ldns_rr_get_type(rr));
    const std::vector<uint8_t> owner = dns::owner_wire(rr);
    std::string key = question_key(group_id, owner, type, static_cast<uint16_t>(ldns_rr_get_class(rr)));
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& g) { return g.rrset.key == key; });
    if (group == groups.end()) {
      Group fresh;
      fresh.rrset.key = std::move(key);
      fresh.rrset.ttl = std::numeric_limits<uint32_t>::max();
      fresh.rrset.trust = dns::equal_ignoring_case(owner, qname) ? Trust::Answer : Trust::Chain;
      groups.push_back(std::move(fresh));
      group = std::prev(groups.end());
    }
    uint8_t* rendered = nullptr;
    std::size_t size = 0;
    if (ldns_rr2wire(&rendered, rr, LDNS_SECTION_ANSWER, &size) != LDNS_STATUS_OK) {
      return std::nullopt;
    }
    auto& out = signature ? group->signatures : group->rrset.records;
    out.insert(out.end(), rendered, rendered + size);
    free(rendered);  // NOLINT: ldns allocates with malloc
    group->rrset.ttl = std::min(group->rrset.ttl, ldns_rr_ttl(rr));
    if (!signature) {
      const auto rdata = dns::rdata_wire(rr);
      if (!rdata) return std::nullopt;
      group->rdatas.push_back(folded(*rdata));
    }
  }
  std::vector<AnswerRRset> rrsets;
  for (auto& group : groups) {
    std::sort(group.rdatas.begin(), group.rdatas.end());
    for (const auto& rdata : group.rdatas) group.rrset.fingerprint += rdata;
    auto& records = group.rrset.records;
    records.insert(records.end(), group.signatures.begin(), group.signatures.end());
    rrsets.push_back(std::move(group.rrset));
  }
  return rrsets;
}

}  // namespace vigil::cache
