#include "validator/trust_chain.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "validator/test_zone_builder.h"

using namespace vigil::validator;
using namespace vigil::validator::test_zones;
using vigil::dns::LdnsPkt;
using vigil::dns::LdnsRrList;
using Needs = std::vector<std::string>;

namespace {

std::pair<std::string, uint16_t> key(const std::string& owner, ldns_rr_type type) {
  return {owner, static_cast<uint16_t>(type)};
}

void check_learned(const Session& session, const std::string& zone, ZoneState state) {
  const auto found = session.learned.find(zone);
  REQUIRE_MESSAGE(found != session.learned.end(), "nothing learned about " << zone);
  CHECK_MESSAGE(found->second.state == state, zone);
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

// ---- A secure chain ---------------------------------------------------------------------------

TEST_CASE("RFC 4035 5.2: a chain from the root anchor through test. makes sec.test. secure") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK_MESSAGE(trust.verdict.is_secure(), trust.verdict.detail);
  CHECK(trust.verdict.reason == Reason::None);
  REQUIRE(trust.keys != nullptr);
  CHECK(ldns_rr_list_rr_count(trust.keys.get()) == 2);
  CHECK(trust.ttl > 0);
  CHECK(trust.ttl <= 3600);
  // Top down: the anchor's DNSKEY first, then for each cut its DS (from the parent) and DNSKEY.
  CHECK(session.needs == kChainToSec);
  for (const char* zone : {".", "test.", "sec.test."}) {
    check_learned(session, zone, ZoneState::Secure);
    CHECK(session.learned.at(zone).keys != nullptr);
  }
  CHECK(session.learned.size() == 3);
}

TEST_CASE("RFC 4035 5.2: zones proven before are not proven again") {
  const Upstream upstream = world().upstream();

  SUBCASE("a cached secure test. starts the walk there") {
    Session session(upstream, world().root_anchor());
    session.cached["test."] = ZoneFact{
        ZoneState::Secure, share_rr_list(world().test.keys().release()), Verdict::secure(), 3600};
    const ZoneTrust trust = session.zone_trust("sec.test.");
    CHECK_MESSAGE(trust.verdict.is_secure(), trust.verdict.detail);
    CHECK(session.needs == Needs{"sec.test. DS", "sec.test. DNSKEY"});
    CHECK(session.learned.count(".") == 0);
  }
  SUBCASE("what one validation learned answers the next without a fetch") {
    Session session(upstream, world().root_anchor());
    REQUIRE(session.zone_trust("sec.test.").verdict.is_secure());
    session.needs.clear();
    session.fetched.clear();
    const ZoneTrust again = session.zone_trust("sec.test.");
    CHECK(again.verdict.is_secure());
    CHECK(again.keys != nullptr);
    CHECK(session.needs.empty());
    // A sibling zone only costs its own DS and DNSKEY.
    CHECK(session.zone_trust("alt.test.").verdict.is_secure());
    CHECK(session.needs == Needs{"alt.test. DS", "alt.test. DNSKEY"});
  }
  SUBCASE("a cached insecure zone decides for the names below it") {
    Session session(upstream, world().root_anchor());
    session.cached["unsigned.test."] =
        ZoneFact{ZoneState::Insecure, nullptr, Verdict::insecure(Reason::None, "cached"), 3600};
    const ZoneTrust trust = session.unsigned_name_trust("www.unsigned.test.");
    CHECK(trust.verdict.is_insecure());
    CHECK(session.needs.empty());
  }
}

// ---- Broken chains ---------------------------------------------------------------------------

TEST_CASE("RFC 4035 5.2: a DS that matches no key of the child's DNSKEY RRset is bogus") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("bad.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::DnskeyMissing);
  CHECK_MESSAGE(trust.verdict.detail.find("bad.test.") != std::string::npos, trust.verdict.detail);
  CHECK(trust.keys == nullptr);
  CHECK(session.needs ==
        Needs{". DNSKEY", "test. DS", "test. DNSKEY", "bad.test. DS", "bad.test. DNSKEY"});
  check_learned(session, "bad.test.", ZoneState::Bogus);
  // RFC 9520: a bogus zone is remembered briefly.
  CHECK(session.learned.at("bad.test.").ttl <= session.policy.bogus_ttl);
  // Not an anchor's own zone: no trust anchor failure.
  CHECK_FALSE(starts_with(trust.verdict.detail, kTrustAnchorFailure));
}

TEST_CASE("RFC 4035 5.2: a DNSKEY reply without the DNSKEY RRset is bogus") {
  Upstream upstream = world().upstream();
  upstream[key("sec.test.", LDNS_RR_TYPE_DNSKEY)] =
      reply({}, {world().sec.sign({soa("sec.test.")}).get()});
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::DnskeyMissing);
  CHECK(session.needs == kChainToSec);
  check_learned(session, "sec.test.", ZoneState::Bogus);
}

TEST_CASE("RFC 4035 5.2 / THREATS 14: a DS RRset without RRSIG is bogus") {
  Upstream upstream = world().upstream();
  upstream[key("sec.test.", LDNS_RR_TYPE_DS)] = reply({world().sec.ds().get()});
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::RrsigsMissing);
  // The walk stops at the DS: it never asks for the child's keys.
  CHECK(session.needs == Needs{". DNSKEY", "test. DS", "test. DNSKEY", "sec.test. DS"});
  check_learned(session, "sec.test.", ZoneState::Bogus);
}

TEST_CASE("RFC 4035 5.2: a DS RRset signed by the child instead of the parent is bogus") {
  Upstream upstream = world().upstream();
  upstream[key("sec.test.", LDNS_RR_TYPE_DS)] =
      reply({world().sec.sign(world().sec.ds().get()).get()});
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::SignatureInvalid);
}

TEST_CASE("THREATS 14: a DS that is neither there nor denied by an NSEC is bogus (NsecMissing)") {
  Upstream upstream = world().upstream();
  SUBCASE("a signed SOA but no NSEC") {
    upstream[key("sec.test.", LDNS_RR_TYPE_DS)] =
        reply({}, {world().test.sign({soa("test.")}).get()});
  }
  SUBCASE("an empty reply") { upstream[key("sec.test.", LDNS_RR_TYPE_DS)] = reply({}); }
  SUBCASE("the denial of unsigned.test. offered for another name") {
    upstream[key("sec.test.", LDNS_RR_TYPE_DS)] =
        reply({}, {world().test.sign({"unsigned.test. 300 IN NSEC test. NS RRSIG NSEC"}).get()});
  }
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::NsecMissing);
  CHECK(trust.keys == nullptr);
  CHECK(session.needs == Needs{". DNSKEY", "test. DS", "test. DNSKEY", "sec.test. DS"});
  check_learned(session, "sec.test.", ZoneState::Bogus);
}

TEST_CASE("THREATS 14: an NSEC denying the DS with a forged signature is bogus") {
  Upstream upstream = world().upstream();
  // Signed by sec.test., whose keys test. does not vouch for at this point of the walk.
  upstream[key("unsigned.test.", LDNS_RR_TYPE_DS)] =
      reply({}, {world().sec.sign({"unsigned.test. 300 IN NSEC test. NS RRSIG NSEC"}).get()});
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.unsigned_name_trust("www.unsigned.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::SignatureInvalid);
  check_learned(session, "unsigned.test.", ZoneState::Bogus);
}

TEST_CASE(
    "RFC 4035 5.2 / RFC 8624 3: a DS RRset of unsupported algorithm or digest only is insecure") {
  const std::string tag = std::to_string(world().sec.ksk_tag());
  const std::string digest(64, 'a');
  std::string ds;
  Reason reason = Reason::None;
  SUBCASE("algorithm 7 (RSASHA1-NSEC3-SHA1)") {
    ds = "sec.test. 3600 IN DS " + tag + " 7 2 " + digest;
    reason = Reason::UnsupportedAlgorithm;
  }
  SUBCASE("digest type 3 (GOST R 34.11-94)") {
    ds = "sec.test. 3600 IN DS " + tag + " 13 3 " + digest;
    reason = Reason::UnsupportedDigest;
  }
  Upstream upstream = world().upstream();
  upstream[key("sec.test.", LDNS_RR_TYPE_DS)] = reply({world().test.sign({ds}).get()});
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK_MESSAGE(trust.verdict.is_insecure(), trust.verdict.detail);
  CHECK(trust.verdict.reason == reason);
  CHECK(trust.keys == nullptr);
  check_learned(session, "sec.test.", ZoneState::Insecure);
  // Unsigned data in it is then insecure too, without another fetch.
  session.needs.clear();
  CHECK(session.unsigned_name_trust("www.sec.test.").verdict.is_insecure());
  CHECK(session.needs.empty());
}

TEST_CASE("RFC 4035 5.3.1: a clock past every RRSIG's expiration fails at the anchor") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  session.now = kExpiration + 86400;  // 2027-01-02
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::SignatureExpired);
  CHECK_MESSAGE(starts_with(trust.verdict.detail, kTrustAnchorFailure), trust.verdict.detail);
  CHECK(session.needs == Needs{". DNSKEY"});
}

// ---- Unsigned data -------------------------------------------------------------------------

TEST_CASE("RFC 4035 5.2: an NSEC with NS and without DS proves the delegation insecure") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.unsigned_name_trust("www.unsigned.test.");
  CHECK_MESSAGE(trust.verdict.is_insecure(), trust.verdict.detail);
  CHECK(trust.verdict.reason == Reason::None);
  CHECK(trust.keys == nullptr);
  CHECK(session.needs == Needs{". DNSKEY", "test. DS", "test. DNSKEY", "unsigned.test. DS"});
  check_learned(session, "unsigned.test.", ZoneState::Insecure);
  CHECK(session.learned.at("unsigned.test.").ttl > 0);
  // Everything below the cut is decided by the learned fact, without another fetch.
  session.needs.clear();
  CHECK(session.unsigned_name_trust("deep.www.unsigned.test.").verdict.is_insecure());
  CHECK(session.zone_trust("unsigned.test.").verdict.is_insecure());
  CHECK(session.needs.empty());
}

TEST_CASE("RFC 4035 5.2: data without RRSIG inside a signed zone is bogus (RrsigsMissing)") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.unsigned_name_trust("www.sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::RrsigsMissing);
  CHECK_MESSAGE(trust.verdict.detail.find("www.sec.test.") != std::string::npos,
                trust.verdict.detail);
  Needs expected = kChainToSec;
  expected.push_back("www.sec.test. DS");
  CHECK(session.needs == expected);
  // The DS NODATA showed www.sec.test. exists without NS: no zone cut there.
  check_learned(session, "www.sec.test.", ZoneState::NotACut);
}

TEST_CASE("RFC 4035 5.3.1: a signer name that is no zone cut is bogus") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust("www.sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::Bogus);
  CHECK(trust.keys == nullptr);
}

// ---- Trust anchors ------------------------------------------------------------------------

TEST_CASE("RFC 4033 5: a name under no trust anchor is insecure without any fetch") {
  const Upstream upstream = world().upstream();
  Session session(upstream, AnchorSet({ds_anchor(world().sec.ds_text())}));
  const ZoneTrust trust = session.zone_trust("other.example.");
  CHECK(trust.verdict.is_insecure());
  CHECK(trust.verdict.reason == Reason::NoTrustAnchor);
  CHECK(session.needs.empty());
  CHECK(session.unsigned_name_trust("test.").verdict.reason == Reason::NoTrustAnchor);
  CHECK(session.needs.empty());
  // Under the anchor, the chain starts at the anchor itself.
  const ZoneTrust anchored = session.zone_trust("sec.test.");
  CHECK_MESSAGE(anchored.verdict.is_secure(), anchored.verdict.detail);
  CHECK(session.needs == Needs{"sec.test. DNSKEY"});
}

TEST_CASE("RFC 7646 2: a negative trust anchor makes the names under it insecure") {
  const Upstream upstream = world().upstream();
  Session session(upstream, AnchorSet({ds_anchor(world().root.ds_text())},
                                      {NegativeTrustAnchor{"sec.test.", kNow + 3600}}));
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_insecure());
  CHECK(trust.verdict.reason == Reason::NegativeTrustAnchor);
  const ZoneTrust below = session.unsigned_name_trust("www.sec.test.");
  CHECK(below.verdict.is_insecure());
  CHECK(below.verdict.reason == Reason::NegativeTrustAnchor);
  CHECK(session.needs.empty());
  // Its parent is still validated.
  CHECK(session.zone_trust("test.").verdict.is_secure());
}

TEST_CASE("RFC 7646 2: an expired negative trust anchor no longer applies") {
  const Upstream upstream = world().upstream();
  Session session(upstream, AnchorSet({ds_anchor(world().root.ds_text())},
                                      {NegativeTrustAnchor{"sec.test.", kNow - 1}}));
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK_MESSAGE(trust.verdict.is_secure(), trust.verdict.detail);
  CHECK(session.needs == kChainToSec);
  CHECK(session.unsigned_name_trust("www.sec.test.").verdict.reason == Reason::RrsigsMissing);
}

TEST_CASE("RFC 4035 5.2: a DNSKEY trust anchor vouches for the key with equal RDATA") {
  const Upstream upstream = world().upstream();
  const LdnsRrList keys = world().root.keys();
  // The KSK, first in the list.
  Session session(upstream, AnchorSet({ds_anchor(rr_text(ldns_rr_list_rr(keys.get(), 0)))}));
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK_MESSAGE(trust.verdict.is_secure(), trust.verdict.detail);
  CHECK(session.needs == kChainToSec);
}

TEST_CASE("RFC 4035 5 / THREATS 18: a trust anchor that matches no root key fails closed") {
  const Upstream upstream = world().upstream();
  // The root KSK's key tag and algorithm, a digest of nothing.
  const std::string anchor =
      ". 3600 IN DS " + std::to_string(world().root.ksk_tag()) + " 13 2 " + std::string(64, '0');
  Session session(upstream, AnchorSet({ds_anchor(anchor)}));
  const ZoneTrust trust = session.zone_trust("sec.test.");
  CHECK(trust.verdict.is_bogus());
  CHECK(trust.verdict.reason == Reason::DnskeyMissing);
  CHECK_MESSAGE(starts_with(trust.verdict.detail, kTrustAnchorFailure), trust.verdict.detail);
  CHECK(session.needs == Needs{". DNSKEY"});
  check_learned(session, ".", ZoneState::Bogus);
  // Every name under the anchor fails the same way.
  CHECK(session.unsigned_name_trust("www.unsigned.test.").verdict.is_bogus());
}

TEST_CASE("RFC 4035 5 / THREATS 18: a remembered trust anchor failure is still reported as one") {
  const Upstream upstream = world().upstream();
  const std::string anchor =
      ". 3600 IN DS " + std::to_string(world().root.ksk_tag()) + " 13 2 " + std::string(64, '0');
  Session session(upstream, AnchorSet({ds_anchor(anchor)}));
  REQUIRE(session.zone_trust("sec.test.").verdict.is_bogus());
  // The next query finds the root's bogus fact in what was learned (or in the key cache).
  const ZoneTrust again = session.zone_trust("alt.test.");
  CHECK(again.verdict.is_bogus());
  CHECK(again.verdict.reason == Reason::DnskeyMissing);
  CHECK_MESSAGE(starts_with(again.verdict.detail, kTrustAnchorFailure), again.verdict.detail);
}

TEST_CASE("RFC 4035 5.2: the root zone itself is secure once its keys match the anchor") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  const ZoneTrust trust = session.zone_trust(".");
  CHECK_MESSAGE(trust.verdict.is_secure(), trust.verdict.detail);
  CHECK(session.needs == Needs{". DNSKEY"});
}
