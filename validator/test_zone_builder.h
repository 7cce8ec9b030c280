// Signed test data for trust_chain_test.cc and answer_validator_test.cc: zones whose keys ldns
// makes at run time (ECDSAP256SHA256, RRSIGs valid 2026-01-01 to 2027-01-01), upstream replies
// as ldns packets, and a Session that answers the walk's Needs from a prepared upstream.
//
// The hierarchy (World): the anchor is the DS of the root KSK.
//   .          signs DS test.
//   test.      signs DS alt.test., bad.test. (a key bad.test. does not publish), sec.test.;
//              its NSEC at unsigned.test. shows NS without DS (an insecure delegation)
//   sec.test.  www A; alias CNAME www.alt.test.; c1 -> c2 -> c3 -> www (CNAMEs);
//              dname DNAME alt.test.; insecure CNAME www.unsigned.test.; *.wild A
//   alt.test.  www A
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dns/ldns_ptr.h"
#include "trust-anchors/trust_anchor.h"
#include "validator/anchor_set.h"
#include "validator/answer_validator.h"
#include "validator/trust_chain.h"

namespace vigil::validator::test_zones {

constexpr uint32_t kInception = 1767225600;   // 2026-01-01T00:00:00Z
constexpr uint32_t kExpiration = 1798761600;  // 2027-01-01T00:00:00Z
constexpr UnixTime kNow = 1780272000;         // 2026-06-01T00:00:00Z
constexpr int kMaxRounds = 20;                // a walk that needs more is looping

struct LdnsKeyDeleter {
  void operator()(ldns_key* key) const { ldns_key_deep_free(key); }
};
using LdnsKey = std::unique_ptr<ldns_key, LdnsKeyDeleter>;

inline dns::LdnsRdf name(const std::string& text) {
  dns::LdnsRdf result(ldns_dname_new_frm_str(text.c_str()));
  REQUIRE_MESSAGE(result != nullptr, text);
  return result;
}

inline dns::LdnsRr parse_rr(const std::string& text) {
  ldns_rr* rr = nullptr;
  const ldns_status status = ldns_rr_new_frm_str(&rr, text.c_str(), 3600, nullptr, nullptr);
  REQUIRE_MESSAGE(status == LDNS_STATUS_OK, text);
  return dns::LdnsRr(rr);
}

inline dns::LdnsRrList records(std::initializer_list<std::string> texts) {
  dns::LdnsRrList list(ldns_rr_list_new());
  for (const auto& text : texts) ldns_rr_list_push_rr(list.get(), parse_rr(text).release());
  return list;
}

inline dns::LdnsRrList clone(const ldns_rr_list* list) {
  return dns::LdnsRrList(ldns_rr_list_clone(list));
}

// The records of `lists`, cloned into one list.
inline dns::LdnsRrList concat(std::initializer_list<const ldns_rr_list*> lists) {
  dns::LdnsRrList all(ldns_rr_list_new());
  for (const ldns_rr_list* list : lists) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      ldns_rr_list_push_rr(all.get(), ldns_rr_clone(ldns_rr_list_rr(list, i)));
    }
  }
  return all;
}

// Gives every record of `list` (data and RRSIGs) the owner `owner`: a wildcard expansion.
inline void rename(ldns_rr_list* list, const std::string& owner) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(list, i);
    ldns_rdf_deep_free(ldns_rr_owner(rr));
    ldns_rr_set_owner(rr, name(owner).release());
  }
}

inline std::string rr_text(const ldns_rr* rr) {
  char* text = ldns_rr2str(rr);
  std::string result = text != nullptr ? text : "";
  free(text);  // NOLINT: ldns allocates with malloc
  while (!result.empty() && (result.back() == '\n' || result.back() == ' ')) result.pop_back();
  return result;
}

// One signed zone: a KSK (flags 257) and a ZSK (256). ldns_sign_public lets the KSK sign only
// the DNSKEY RRset, the ZSK everything.
class Zone {
 public:
  explicit Zone(std::string apex)
      : apex_(std::move(apex)),
        ksk_(make_key(257)),
        zsk_(make_key(256)),
        ksk_rr_(key_rr(ksk_.get())),
        zsk_rr_(key_rr(zsk_.get())) {}

  const std::string& apex() const { return apex_; }
  uint16_t ksk_tag() const { return ldns_calc_keytag(ksk_rr_.get()); }

  // The DNSKEY RRset, without RRSIGs.
  dns::LdnsRrList keys() const {
    dns::LdnsRrList list(ldns_rr_list_new());
    ldns_rr_list_push_rr(list.get(), ldns_rr_clone(ksk_rr_.get()));
    ldns_rr_list_push_rr(list.get(), ldns_rr_clone(zsk_rr_.get()));
    return list;
  }
  // The DNSKEY RRset and its RRSIGs (by both keys), as the zone serves it.
  dns::LdnsRrList signed_keys() const { return sign(keys().get()); }

  // The DS (SHA-256) of the KSK, unsigned: the parent signs it.
  dns::LdnsRrList ds() const {
    dns::LdnsRrList list(ldns_rr_list_new());
    ldns_rr* ds = ldns_key_rr2ds(ksk_rr_.get(), LDNS_SHA256);
    REQUIRE(ds != nullptr);
    ldns_rr_set_ttl(ds, 3600);
    ldns_rr_list_push_rr(list.get(), ds);
    return list;
  }
  std::string ds_text() const { return rr_text(ldns_rr_list_rr(ds().get(), 0)); }

  // One RRset: its records followed by its RRSIGs.
  dns::LdnsRrList sign(const ldns_rr_list* rrset) const {
    ldns_key_list* keys = ldns_key_list_new();
    ldns_key_list_push_key(keys, ksk_.get());
    ldns_key_list_push_key(keys, zsk_.get());
    dns::LdnsRrList copy = clone(rrset);
    dns::LdnsRrList rrsigs(ldns_sign_public(copy.get(), keys));
    // The list borrows the keys: empty it so that ldns_key_list_free frees only the list.
    ldns_key_list_set_key_count(keys, 0);
    ldns_key_list_free(keys);
    REQUIRE(rrsigs != nullptr);
    REQUIRE(ldns_rr_list_rr_count(rrsigs.get()) > 0);
    return concat({rrset, rrsigs.get()});
  }
  dns::LdnsRrList sign(std::initializer_list<std::string> texts) const {
    return sign(records(texts).get());
  }

 private:
  LdnsKey make_key(uint16_t flags) const {
    LdnsKey key(ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256));
    REQUIRE(key != nullptr);
    ldns_key_set_flags(key.get(), flags);
    ldns_key_set_pubkey_owner(key.get(), name(apex_).release());
    ldns_key_set_inception(key.get(), kInception);
    ldns_key_set_expiration(key.get(), kExpiration);
    ldns_key_set_use(key.get(), true);
    dns::LdnsRr rr = key_rr(key.get());
    ldns_key_set_keytag(key.get(), ldns_calc_keytag(rr.get()));
    return key;
  }
  static dns::LdnsRr key_rr(const ldns_key* key) {
    dns::LdnsRr rr(ldns_key2rr(key));
    REQUIRE(rr != nullptr);
    ldns_rr_set_ttl(rr.get(), 3600);
    return rr;
  }

  std::string apex_;
  LdnsKey ksk_;
  LdnsKey zsk_;
  dns::LdnsRr ksk_rr_;
  dns::LdnsRr zsk_rr_;
};

// An upstream reply: the records of `answer` and `authority` (cloned), with `rcode`.
inline dns::LdnsPkt reply(std::initializer_list<const ldns_rr_list*> answer,
                          std::initializer_list<const ldns_rr_list*> authority = {},
                          ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR) {
  dns::LdnsPkt pkt(ldns_pkt_new());
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), static_cast<uint8_t>(rcode));
  const auto push = [&](const ldns_rr_list* list, ldns_pkt_section section) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      ldns_pkt_push_rr(pkt.get(), section, ldns_rr_clone(ldns_rr_list_rr(list, i)));
    }
  };
  for (const ldns_rr_list* list : answer) push(list, LDNS_SECTION_ANSWER);
  for (const ldns_rr_list* list : authority) push(list, LDNS_SECTION_AUTHORITY);
  return pkt;
}

// What the upstream would answer to "name type", by (lower-case name, type) like Fetched.
using Upstream = Fetched;

inline std::string need_text(const Need& need) {
  return need.name + " " +
         (need.type == LDNS_RR_TYPE_DS       ? "DS"
          : need.type == LDNS_RR_TYPE_DNSKEY ? "DNSKEY"
                                             : std::to_string(need.type));
}

inline anchors::TrustAnchor ds_anchor(const std::string& text) {
  anchors::TrustAnchor anchor;
  anchor.type = LDNS_RR_TYPE_DS;
  anchor.text = text;
  return anchor;
}

// One validation as the query task runs it: call, fetch what is needed, call again.
class Session {
 public:
  Session(const Upstream& upstream, AnchorSet anchors)
      : upstream_(upstream), anchors_(std::move(anchors)) {}

  ZoneFacts cached;
  ZoneFacts learned;
  Fetched fetched;
  ValidationPolicy policy;
  WorkBudget budget;
  UnixTime now = kNow;
  std::vector<std::string> needs;  // "test. DS", in the order the walk asked

  ValidationInput input() {
    return ValidationInput{anchors_, cached, learned, fetched, now, policy, budget};
  }

  // Runs `step` (a call of zone_trust, unsigned_name_trust or validate_answer) until it stops
  // asking, feeding it the prepared replies. Fails the test on an unprepared or repeated Need.
  template <typename Step>
  auto drive(Step step) -> decltype(step(std::declval<ValidationInput&>())) {
    for (int round = 0; round < kMaxRounds; ++round) {
      ValidationInput in = input();
      auto result = step(in);
      if (!result.need) return result;
      const std::string text = need_text(*result.need);
      needs.push_back(text);
      const std::pair<std::string, uint16_t> key{result.need->name,
                                                 static_cast<uint16_t>(result.need->type)};
      if (fetched.count(key) != 0) FAIL("asked again for " << text << " after it was fetched");
      const auto found = upstream_.find(key);
      if (found == upstream_.end()) FAIL("no prepared reply for " << text);
      fetched.emplace(key, dns::LdnsPkt(ldns_pkt_clone(found->second.get())));
    }
    FAIL("the walk needed more than " << kMaxRounds << " rounds");
    return {};
  }

  ZoneTrust zone_trust(const std::string& zone) {
    const dns::LdnsRdf owner = name(zone);
    return drive([&](ValidationInput& in) { return validator::zone_trust(owner.get(), in); });
  }
  ZoneTrust unsigned_name_trust(const std::string& data_owner) {
    const dns::LdnsRdf owner = name(data_owner);
    return drive(
        [&](ValidationInput& in) { return validator::unsigned_name_trust(owner.get(), in); });
  }
  AnswerValidation validate(const ldns_pkt* answer, const std::string& qname, ldns_rr_type qtype) {
    const dns::LdnsRdf query = name(qname);
    return drive([&](ValidationInput& in) {
      return validator::validate_answer(answer, query.get(), qtype, in);
    });
  }

 private:
  const Upstream& upstream_;
  AnchorSet anchors_;
};

inline std::string soa(const std::string& apex) {
  return apex + " 300 IN SOA ns." + apex + " hostmaster." + apex + " 1 7200 3600 1209600 300";
}

// The signed hierarchy of the header comment, made once for the whole test binary.
struct World {
  Zone root{"."};
  Zone test{"test."};
  Zone sec{"sec.test."};
  Zone alt{"alt.test."};
  Zone bad{"bad.test."};
  Zone stray{"bad.test."};  // the key the DS of bad.test. names; bad.test. does not publish it

  // The replies of an honest upstream to every DS and DNSKEY query the tests make.
  Upstream upstream() const {
    Upstream replies;
    const auto add = [&](const std::string& owner, ldns_rr_type type, dns::LdnsPkt pkt) {
      replies.emplace(std::make_pair(owner, static_cast<uint16_t>(type)), std::move(pkt));
    };
    add(".", LDNS_RR_TYPE_DNSKEY, reply({root.signed_keys().get()}));
    for (const Zone* child : {&test, &sec, &alt, &bad}) {
      add(child->apex(), LDNS_RR_TYPE_DNSKEY, reply({child->signed_keys().get()}));
    }
    add("test.", LDNS_RR_TYPE_DS, reply({root.sign(test.ds().get()).get()}));
    add("sec.test.", LDNS_RR_TYPE_DS, reply({test.sign(sec.ds().get()).get()}));
    add("alt.test.", LDNS_RR_TYPE_DS, reply({test.sign(alt.ds().get()).get()}));
    add("bad.test.", LDNS_RR_TYPE_DS, reply({test.sign(stray.ds().get()).get()}));
    // RFC 4035 5.2: NODATA for the DS of an insecure delegation: its NSEC has NS, no DS.
    add("unsigned.test.", LDNS_RR_TYPE_DS,
        reply({}, {test.sign({soa("test.")}).get(),
                   test.sign({"unsigned.test. 300 IN NSEC test. NS RRSIG NSEC"}).get()}));
    // NODATA for the DS of an ordinary name inside sec.test.: no zone cut there.
    add("www.sec.test.", LDNS_RR_TYPE_DS,
        reply({}, {sec.sign({soa("sec.test.")}).get(), sec_nsec("www").get()}));
    add("dname.sec.test.", LDNS_RR_TYPE_DS,
        reply({}, {sec.sign({soa("sec.test.")}).get(), sec_nsec("dname").get()}));
    // NXDOMAIN for the DS of a name that does not exist in sec.test.
    add("nosuch.sec.test.", LDNS_RR_TYPE_DS,
        reply({},
              {sec.sign({soa("sec.test.")}).get(), sec_nsec("insecure").get(), sec_nsec("@").get()},
              LDNS_RCODE_NXDOMAIN));
    return replies;
  }

  // The signed NSEC chain of sec.test., by the owner's first label ("@" for the apex).
  dns::LdnsRrList sec_nsec(const std::string& label) const {
    static const std::map<std::string, std::string> chain = {
        {"@", "sec.test. 300 IN NSEC alias.sec.test. NS SOA RRSIG NSEC DNSKEY"},
        {"alias", "alias.sec.test. 300 IN NSEC c1.sec.test. CNAME RRSIG NSEC"},
        {"c1", "c1.sec.test. 300 IN NSEC c2.sec.test. CNAME RRSIG NSEC"},
        {"c2", "c2.sec.test. 300 IN NSEC c3.sec.test. CNAME RRSIG NSEC"},
        {"c3", "c3.sec.test. 300 IN NSEC dname.sec.test. CNAME RRSIG NSEC"},
        {"dname", "dname.sec.test. 300 IN NSEC insecure.sec.test. DNAME RRSIG NSEC"},
        {"insecure", "insecure.sec.test. 300 IN NSEC *.wild.sec.test. CNAME RRSIG NSEC"},
        {"*.wild", "*.wild.sec.test. 300 IN NSEC www.sec.test. A RRSIG NSEC"},
        {"www", "www.sec.test. 300 IN NSEC sec.test. A RRSIG NSEC"},
    };
    const auto found = chain.find(label);
    REQUIRE_MESSAGE(found != chain.end(), label);
    return sec.sign({found->second});
  }

  AnchorSet root_anchor() const { return AnchorSet({ds_anchor(root.ds_text())}); }
};

inline const World& world() {
  static const World instance;
  return instance;
}

// What a validator asks for, in order, from the root anchor down to sec.test.'s keys.
inline const std::vector<std::string> kChainToSec = {". DNSKEY", "test. DS", "test. DNSKEY",
                                                     "sec.test. DS", "sec.test. DNSKEY"};

}  // namespace vigil::validator::test_zones
