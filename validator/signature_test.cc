#include "validator/signature.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "validator/signature_test_data.h"

using namespace vigil::validator;
using namespace vigil::validator::signature_test_data;
using vigil::dns::LdnsRdf;
using vigil::dns::LdnsRr;
using vigil::dns::LdnsRrList;

namespace {

// RFC 4034 3.1: the positions of the RRSIG fields in an ldns_rr.
constexpr size_t kAlgorithmField = 1;
constexpr size_t kLabelsField = 2;
constexpr size_t kExpirationField = 4;
constexpr size_t kInceptionField = 5;
constexpr size_t kKeyTagField = 6;
constexpr size_t kSignerField = 7;
constexpr size_t kSignatureField = 8;

constexpr uint32_t kSkew = 300;  // ValidationPolicy's default

LdnsRr parse_rr(const char* text) {
  ldns_rr* rr = nullptr;
  const ldns_status status = ldns_rr_new_frm_str(&rr, text, 3600, nullptr, nullptr);
  REQUIRE_MESSAGE(status == LDNS_STATUS_OK, text);
  return LdnsRr(rr);
}

LdnsRrList rr_list(std::initializer_list<const char*> texts) {
  LdnsRrList list(ldns_rr_list_new());
  for (const char* text : texts) ldns_rr_list_push_rr(list.get(), parse_rr(text).release());
  return list;
}

RRset make_rrset(std::initializer_list<const char*> records,
                 std::initializer_list<const char*> rrsigs) {
  return RRset{rr_list(records), rr_list(rrsigs)};
}

RRset www_rrset(const char* rrsig = kWwwRrsig) { return make_rrset({kWwwA1, kWwwA2}, {rrsig}); }

LdnsRrList example_keys() { return rr_list({kExampleZsk, kExampleKsk}); }

LdnsRdf name(const char* text) { return LdnsRdf(ldns_dname_new_frm_str(text)); }

ldns_rr* rrsig_at(const RRset& rrset, size_t index) {
  return ldns_rr_list_rr(rrset.signatures.get(), index);
}

// Replaces one field of a record, freeing the old one.
void set_field(ldns_rr* rr, size_t index, ldns_rdf* field) {
  ldns_rdf_deep_free(ldns_rr_set_rdf(rr, field, index));
}
void set_time_field(ldns_rr* rrsig, size_t index, uint32_t value) {
  set_field(rrsig, index, ldns_native2rdf_int32(LDNS_RDF_TYPE_TIME, value));
}
void set_int8_field(ldns_rr* rr, size_t index, uint8_t value) {
  set_field(rr, index, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, value));
}
void set_int16_field(ldns_rr* rr, size_t index, uint16_t value) {
  set_field(rr, index, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, value));
}
void set_owner(ldns_rr* rr, const char* owner) {
  ldns_rdf_deep_free(ldns_rr_owner(rr));
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner));
}

// Flips one bit of the signature: the RRSIG still passes every field check but cannot verify.
void corrupt_signature(ldns_rr* rrsig) {
  ldns_rdf_data(ldns_rr_rdf(rrsig, kSignatureField))[10] ^= 0x01;
}

SignatureCheck verify(const RRset& rrset, const ldns_rr_list* keys, UnixTime now,
                      const ValidationPolicy& policy = {}, const char* signer = "example.test.") {
  WorkBudget budget;
  const LdnsRdf zone = name(signer);
  return verify_rrset(rrset, keys, zone.get(), now, policy, budget);
}

// KeyTrap: `forged` keys with the key tag of `real` (one key octet up and the next even octet down
// keep the checksum of RFC 4034 Appendix B), then `real` itself.
LdnsRrList keys_behind_tag_collisions(const char* real, uint16_t tag, size_t forged) {
  LdnsRrList keys(ldns_rr_list_new());
  for (size_t i = 1; i <= forged; ++i) {
    LdnsRr key = parse_rr(real);
    uint8_t* octets = ldns_rdf_data(ldns_rr_rdf(key.get(), 3));
    ++octets[2 * i];
    --octets[2 * i + 2];
    REQUIRE(ldns_calc_keytag(key.get()) == tag);
    ldns_rr_list_push_rr(keys.get(), key.release());
  }
  ldns_rr_list_push_rr(keys.get(), parse_rr(real).release());
  return keys;
}

RRset example_dnskey_rrset(std::initializer_list<const char*> rrsigs) {
  return make_rrset({kExampleZsk, kExampleKsk}, rrsigs);
}

SignatureCheck verify_keys(const RRset& dnskeys, std::initializer_list<const char*> trusted,
                           const ValidationPolicy& policy = {}) {
  WorkBudget budget;
  const LdnsRrList list = rr_list(trusted);
  return verify_dnskey_rrset(dnskeys, list.get(), kJune2026, policy, budget);
}

}  // namespace

// ---- Algorithm policy ---------------------------------------------------------------------

TEST_CASE("RFC 8624 3.1: algorithms 8, 10, 13, 14, 15 and 16 are validated, others are not") {
  for (uint8_t algorithm : {8, 10, 13, 14, 15, 16}) CHECK(is_supported_algorithm(algorithm));
  for (uint8_t algorithm : {0, 1, 3, 5, 6, 7, 12, 17, 253, 254, 255}) {
    CHECK_FALSE(is_supported_algorithm(algorithm));
  }
}

TEST_CASE("RFC 8624 3.3: DS digest types 1, 2 and 4 are usable, GOST and unknown ones are not") {
  CHECK(is_supported_digest(1));
  CHECK(is_supported_digest(2));
  CHECK(is_supported_digest(4));
  for (uint8_t digest : {0, 3, 5, 99, 255}) CHECK_FALSE(is_supported_digest(digest));
}

// ---- Validity period ----------------------------------------------------------------------

TEST_CASE("RFC 4035 5.3.1: the validity period is inclusive and widened by the clock skew") {
  const auto inception = static_cast<uint32_t>(kInception);
  const auto expiration = static_cast<uint32_t>(kExpiration);
  CHECK(classify_signature_time(inception, expiration, kJune2026, 0) == SignatureTime::Valid);
  CHECK(classify_signature_time(inception, expiration, kInception, 0) == SignatureTime::Valid);
  CHECK(classify_signature_time(inception, expiration, kExpiration, 0) == SignatureTime::Valid);
  CHECK(classify_signature_time(inception, expiration, kInception - 1, 0) ==
        SignatureTime::NotYetValid);
  CHECK(classify_signature_time(inception, expiration, kExpiration + 1, 0) ==
        SignatureTime::Expired);
  CHECK(classify_signature_time(inception, expiration, kInception - kSkew, kSkew) ==
        SignatureTime::Valid);
  CHECK(classify_signature_time(inception, expiration, kInception - kSkew - 1, kSkew) ==
        SignatureTime::NotYetValid);
  CHECK(classify_signature_time(inception, expiration, kExpiration + kSkew, kSkew) ==
        SignatureTime::Valid);
  CHECK(classify_signature_time(inception, expiration, kExpiration + kSkew + 1, kSkew) ==
        SignatureTime::Expired);
  // NOLINTNEXTLINE(readability-suspicious-call-argument): swapped on purpose, that is the case
  CHECK(classify_signature_time(expiration, inception, kJune2026, kSkew) ==
        SignatureTime::ExpirationBeforeInception);
}

TEST_CASE("RFC 1982: signature times compare by serial arithmetic across 2038 and the 2106 wrap") {
  // 2106-01-01 .. 2107-01-01: the Expiration field wrapped and is numerically the smaller.
  constexpr uint32_t kInception2106 = 4291747200u;
  constexpr uint32_t kExpiration2107 = 28315904u;  // 2^32 + 28315904 = 2107-01-01
  constexpr UnixTime kJune2106 = 4304793600;
  constexpr UnixTime kJune2105 = 4273257600;
  constexpr UnixTime kJune2107 = 4336416000;
  CHECK(classify_signature_time(kInception2106, kExpiration2107, kJune2106, kSkew) ==
        SignatureTime::Valid);
  CHECK(classify_signature_time(kInception2106, kExpiration2107, kJune2105, kSkew) ==
        SignatureTime::NotYetValid);
  CHECK(classify_signature_time(kInception2106, kExpiration2107, kJune2107, kSkew) ==
        SignatureTime::Expired);
  // Skew across the wrap itself: now is 2^32 (2106-02-07T06:28:16Z), expiration 100 s before.
  CHECK(classify_signature_time(kInception2106, 0xFFFFFF9Cu, 4294967296, kSkew) ==
        SignatureTime::Valid);
  CHECK(classify_signature_time(kInception2106, 0xFFFFFF9Cu, 4294967296 + 201, kSkew) ==
        SignatureTime::Expired);
  // 2038: the signed 32-bit time_t overflows at 2^31, serial arithmetic does not care.
  constexpr uint32_t kInception2038 = 2145916800u;   // 2038-01-01
  constexpr uint32_t kExpiration2039 = 2177452800u;  // 2039-01-01
  CHECK(classify_signature_time(kInception2038, kExpiration2039, 2161000000, kSkew) ==
        SignatureTime::Valid);
  CHECK(classify_signature_time(kInception2038, kExpiration2039, 2180000000, kSkew) ==
        SignatureTime::Expired);
}

// ---- verify_rrset -------------------------------------------------------------------------

TEST_CASE("RFC 4035 5.3.1: a correctly signed RRset is secure (algorithm 13)") {
  const RRset rrset = www_rrset();
  const LdnsRrList keys = example_keys();
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_secure());
  CHECK(check.verdict.reason == Reason::None);
  CHECK(check.ttl == 300);
  CHECK(check.rrsig_labels == 3);
}

TEST_CASE("RFC 4035 5.3.1: a correctly signed RRset is secure (algorithms 8, 10, 14, 15, 16)") {
  for (const AlgorithmZone& zone : kAlgorithmZones) {
    CAPTURE(static_cast<int>(zone.algorithm));
    const RRset rrset = make_rrset({zone.www_a1, zone.www_a2}, {zone.www_rrsig});
    const LdnsRrList keys = rr_list({zone.dnskey});
    const std::string signer = name_text(ldns_rr_owner(ldns_rr_list_rr(keys.get(), 0)));
    const SignatureCheck check = verify(rrset, keys.get(), kJune2026, {}, signer.c_str());
    CHECK(check.verdict.is_secure());
    CHECK(check.verdict.detail == "");
    // And tampered data does not verify with this algorithm either.
    const RRset tampered = make_rrset({zone.www_a1}, {zone.www_rrsig});
    CHECK(verify(tampered, keys.get(), kJune2026, {}, signer.c_str()).verdict.reason ==
          Reason::SignatureInvalid);
  }
}

TEST_CASE("RFC 4035 5.3.3: the TTL is capped by the Original TTL and the time left to expiration") {
  const LdnsRrList keys = example_keys();
  // The RRset's own TTL is above the Original TTL (300): the RRSIG's value wins.
  const RRset long_ttl = make_rrset({"www.example.test. 86400 IN A 192.0.2.1",
                                     "www.example.test. 86400 IN A 192.0.2.2"},
                                    {kWwwRrsig});
  const SignatureCheck capped = verify(long_ttl, keys.get(), kJune2026);
  REQUIRE(capped.verdict.is_secure());
  CHECK(capped.ttl == 300);
  // 100 seconds before expiration.
  const SignatureCheck late = verify(www_rrset(), keys.get(), kExpiration - 100);
  REQUIRE(late.verdict.is_secure());
  CHECK(late.ttl == 100);
  // Expired but inside the clock skew: valid, and not to be cached.
  const SignatureCheck skewed = verify(www_rrset(), keys.get(), kExpiration + 10);
  REQUIRE(skewed.verdict.is_secure());
  CHECK(skewed.ttl == 0);
}

TEST_CASE("RFC 4035 5.3.4: an RRset expanded from a wildcard verifies and reports its Labels") {
  const LdnsRrList keys = example_keys();
  // The answer to foo.bar.example.test/A synthesized from *.example.test.
  RRset expanded = make_rrset({kWildcardA}, {kWildcardRrsig});
  set_owner(ldns_rr_list_rr(expanded.records.get(), 0), "foo.bar.example.test.");
  set_owner(rrsig_at(expanded, 0), "foo.bar.example.test.");
  const SignatureCheck check = verify(expanded, keys.get(), kJune2026);
  CHECK(check.verdict.is_secure());
  CHECK(check.rrsig_labels == 2);
  CHECK(check.rrsig_labels < label_count(expanded.owner()));
  // The wildcard itself: "*" is not counted (RFC 4034 3.1.3), so no expansion.
  const RRset wildcard = make_rrset({kWildcardA}, {kWildcardRrsig});
  const SignatureCheck direct = verify(wildcard, keys.get(), kJune2026);
  CHECK(direct.verdict.is_secure());
  CHECK(direct.rrsig_labels == label_count(wildcard.owner()));
}

TEST_CASE("RFC 4035 5.3.2: tampered RDATA makes the RRset bogus") {
  const LdnsRrList keys = example_keys();
  const RRset tampered = make_rrset({kWwwA1, "www.example.test. 300 IN A 192.0.2.3"}, {kWwwRrsig});
  const SignatureCheck check = verify(tampered, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail.find("RRSIG 10693/13 over www.example.test./A does not verify") == 0);
  // A record dropped from the RRset is tampering too.
  CHECK(verify(make_rrset({kWwwA1}, {kWwwRrsig}), keys.get(), kJune2026).verdict.reason ==
        Reason::SignatureInvalid);
}

TEST_CASE("RFC 4035 5.3.1: an expired RRSIG makes the RRset bogus") {
  const LdnsRrList keys = example_keys();
  const SignatureCheck check = verify(www_rrset(), keys.get(), kExpiration + 86400);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureExpired);
  CHECK(check.verdict.detail == "RRSIG over www.example.test./A expired 2027-01-01T00:00:00Z");
}

TEST_CASE("RFC 4035 5.3.1: an RRSIG before its inception makes the RRset bogus") {
  const LdnsRrList keys = example_keys();
  const SignatureCheck check = verify(www_rrset(), keys.get(), kInception - 86400);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureNotYetValid);
  CHECK(check.verdict.detail ==
        "RRSIG over www.example.test./A not valid before 2026-01-01T00:00:00Z");
}

TEST_CASE("RFC 4035 5.3.1: clock skew is tolerated up to the configured limit and no further") {
  const LdnsRrList keys = example_keys();
  CHECK(verify(www_rrset(), keys.get(), kExpiration + kSkew).verdict.is_secure());
  CHECK(verify(www_rrset(), keys.get(), kExpiration + kSkew + 1).verdict.reason ==
        Reason::SignatureExpired);
  CHECK(verify(www_rrset(), keys.get(), kInception - kSkew).verdict.is_secure());
  CHECK(verify(www_rrset(), keys.get(), kInception - kSkew - 1).verdict.reason ==
        Reason::SignatureNotYetValid);
  ValidationPolicy strict;
  strict.clock_skew_seconds = 0;
  CHECK(verify(www_rrset(), keys.get(), kExpiration, strict).verdict.is_secure());
  CHECK(verify(www_rrset(), keys.get(), kExpiration + 1, strict).verdict.reason ==
        Reason::SignatureExpired);
}

TEST_CASE("RFC 1982: an RRSIG whose validity period spans the 2106 wrap verifies in 2106") {
  const LdnsRrList keys = example_keys();
  const RRset rrset = www_rrset(kWwwRrsigAcross2106);
  REQUIRE(ldns_rdf2native_int32(ldns_rr_rrsig_expiration(rrsig_at(rrset, 0))) == 28315904u);
  const SignatureCheck check = verify(rrset, keys.get(), 4304793600);  // 2106-06-01
  CHECK(check.verdict.is_secure());
  CHECK(check.ttl == 300);
  const SignatureCheck expired = verify(rrset, keys.get(), 4336416000);  // 2107-06-01
  CHECK(expired.verdict.reason == Reason::SignatureExpired);
  CHECK(expired.verdict.detail == "RRSIG over www.example.test./A expired 2107-01-01T00:00:00Z");
  CHECK(verify(rrset, keys.get(), 4273257600).verdict.reason ==  // 2105-06-01
        Reason::SignatureNotYetValid);
  // The 2026 signature, with its fields moved across the wrap, is classified by serial
  // arithmetic before any crypto: the signature itself no longer matches the fields.
  RRset moved = www_rrset();
  set_time_field(rrsig_at(moved, 0), kInceptionField, 4291747200u);
  set_time_field(rrsig_at(moved, 0), kExpirationField, 28315904u);
  CHECK(verify(moved, keys.get(), 4336416000).verdict.reason == Reason::SignatureExpired);
  CHECK(verify(moved, keys.get(), 4273257600).verdict.reason == Reason::SignatureNotYetValid);
  CHECK(verify(moved, keys.get(), 4304793600).verdict.reason == Reason::SignatureInvalid);
}

TEST_CASE("RFC 4035 5.3.1: the signer name must be the zone and enclose the owner") {
  const LdnsRrList keys = example_keys();
  // The caller expects another zone than the RRSIG names.
  const SignatureCheck wrong_zone =
      verify(www_rrset(), keys.get(), kJune2026, {}, "other.test.");
  CHECK(wrong_zone.verdict.is_bogus());
  CHECK(wrong_zone.verdict.reason == Reason::SignatureInvalid);
  CHECK(wrong_zone.verdict.detail ==
        "RRSIG 10693/13 over www.example.test./A is signed by example.test., not by other.test.");
  // The signer does not enclose the owner: a zone signing data outside itself.
  const LdnsRrList other_keys = rr_list({kExampleZsk});
  set_owner(ldns_rr_list_rr(other_keys.get(), 0), "other.test.");
  RRset outside = www_rrset();
  set_field(rrsig_at(outside, 0), kSignerField, ldns_dname_new_frm_str("other.test."));
  const SignatureCheck check = verify(outside, other_keys.get(), kJune2026, {}, "other.test.");
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail ==
        "RRSIG 10693/13 over www.example.test./A: signer other.test. does not enclose the owner");
}

TEST_CASE("RFC 4035 5.3.1: a Labels field above the owner's label count makes the RRset bogus") {
  const LdnsRrList keys = example_keys();
  RRset rrset = www_rrset();
  set_int8_field(rrsig_at(rrset, 0), kLabelsField, 4);
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail ==
        "RRSIG 10693/13 over www.example.test./A has 4 labels, the owner only 3");
}

TEST_CASE("RFC 4035 5.3.1: an RRset of a signed zone without RRSIG is bogus (RrsigsMissing)") {
  const LdnsRrList keys = example_keys();
  const RRset rrset = make_rrset({kWwwA1, kWwwA2}, {});
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::RrsigsMissing);
  CHECK(check.verdict.detail == "no RRSIG over www.example.test./A");
}

TEST_CASE("RFC 4035 5.3.1: an RRSIG whose key tag matches no DNSKEY of the zone does not verify") {
  const LdnsRrList keys = example_keys();
  RRset rrset = www_rrset();
  set_int16_field(rrsig_at(rrset, 0), kKeyTagField, 12345);
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail ==
        "no DNSKEY of example.test. matches RRSIG 12345/13 over www.example.test./A");
  // No keys at all.
  CHECK(verify(www_rrset(), nullptr, kJune2026).verdict.reason == Reason::SignatureInvalid);
}

TEST_CASE("RFC 4035 5.3.1: an RRSIG of an unsupported algorithm cannot verify, another one can") {
  const LdnsRrList keys = example_keys();
  RRset unsupported = www_rrset();
  set_int8_field(rrsig_at(unsupported, 0), kAlgorithmField, 253);
  const SignatureCheck check = verify(unsupported, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail ==
        "RRSIG 10693/253 over www.example.test./A uses unsupported algorithm 253");
  // Next to a good RRSIG, the unsupported one is skipped.
  RRset both = make_rrset({kWwwA1, kWwwA2}, {kWwwRrsig, kWwwRrsig});
  set_int8_field(rrsig_at(both, 0), kAlgorithmField, 5);
  CHECK(verify(both, keys.get(), kJune2026).verdict.is_secure());
}

TEST_CASE("RFC 4035 5.3.1: an expired RRSIG does not hide a valid one, nor a bad one's reason") {
  const LdnsRrList keys = example_keys();
  RRset expired_then_good = make_rrset({kWwwA1, kWwwA2}, {kWwwRrsig, kWwwRrsig});
  set_time_field(rrsig_at(expired_then_good, 0), kExpirationField,
                 static_cast<uint32_t>(kInception + 10));
  CHECK(verify(expired_then_good, keys.get(), kJune2026).verdict.is_secure());
  // Expired plus one that reached the crypto and failed: the crypto failure is the reason.
  corrupt_signature(rrsig_at(expired_then_good, 1));
  const SignatureCheck check = verify(expired_then_good, keys.get(), kJune2026);
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  // Only time failures: the time is the reason.
  RRset two_expired = make_rrset({kWwwA1, kWwwA2}, {kWwwRrsig, kWwwRrsig});
  set_int8_field(rrsig_at(two_expired, 0), kLabelsField, 9);
  CHECK(verify(two_expired, keys.get(), kExpiration + 86400).verdict.reason ==
        Reason::SignatureExpired);
}

TEST_CASE("RFC 4034 2.1.1: a DNSKEY without the Zone Key flag does not verify RRSIGs") {
  // The ZSK with flags 0 (key tag 10437); the RRSIG is pointed at it.
  const LdnsRrList keys = rr_list({kExampleZsk});
  set_int16_field(ldns_rr_list_rr(keys.get(), 0), 0, 0);
  const uint16_t tag = ldns_calc_keytag(ldns_rr_list_rr(keys.get(), 0));
  CHECK(tag == 10437);
  RRset rrset = www_rrset();
  set_int16_field(rrsig_at(rrset, 0), kKeyTagField, tag);
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::NoZoneKeyBit);
}

TEST_CASE("RFC 5011 3: a revoked key is not used to verify") {
  const LdnsRrList keys = rr_list({kExampleZsk, kExampleKsk, kRevokedZsk});
  const RRset rrset = www_rrset(kWwwRrsigByRevoked);
  // The signature itself is good: ldns alone accepts it.
  CHECK(ldns_verify_rrsig_keylist_notime(rrset.records.get(), rrsig_at(rrset, 0), keys.get(),
                                         nullptr) == LDNS_STATUS_OK);
  const SignatureCheck check = verify(rrset, keys.get(), kJune2026);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail.find("is revoked") != std::string::npos);
}

TEST_CASE("KeyTrap: an exhausted work budget ends in WorkLimit") {
  const RRset rrset = www_rrset();
  const LdnsRrList keys = example_keys();
  const LdnsRdf zone = name("example.test.");
  WorkBudget empty;
  empty.signature_verifications = 0;
  const SignatureCheck check = verify_rrset(rrset, keys.get(), zone.get(), kJune2026, {}, empty);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::WorkLimit);
  // One verification left: spent, and secure.
  WorkBudget one;
  one.signature_verifications = 1;
  CHECK(verify_rrset(rrset, keys.get(), zone.get(), kJune2026, {}, one).verdict.is_secure());
  CHECK(one.signature_verifications == 0);
  // Field and time failures cost nothing.
  WorkBudget untouched;
  verify_rrset(rrset, keys.get(), zone.get(), kExpiration + 86400, {}, untouched);
  CHECK(untouched.signature_verifications == WorkBudget{}.signature_verifications);
}

TEST_CASE("KeyTrap: at most max_signatures_per_rrset RRSIGs are tried for one RRset") {
  const LdnsRrList keys = example_keys();
  // Ten RRSIGs that fail only in the crypto, then the good one at position 10.
  RRset rrset = make_rrset({kWwwA1, kWwwA2}, {});
  for (int i = 0; i < 11; ++i) {
    ldns_rr_list_push_rr(rrset.signatures.get(), parse_rr(kWwwRrsig).release());
  }
  for (size_t i = 0; i < 10; ++i) corrupt_signature(rrsig_at(rrset, i));
  const LdnsRdf zone = name("example.test.");

  ValidationPolicy policy;
  policy.max_signatures_per_rrset = 8;
  WorkBudget budget;
  const SignatureCheck limited =
      verify_rrset(rrset, keys.get(), zone.get(), kJune2026, policy, budget);
  CHECK_FALSE(limited.verdict.is_secure());
  CHECK(limited.verdict.reason == Reason::SignatureInvalid);
  CHECK(limited.verdict.detail.find("(at most 8 of 11 RRSIGs tried)") != std::string::npos);
  CHECK(budget.signature_verifications == WorkBudget{}.signature_verifications - 8);

  policy.max_signatures_per_rrset = 16;
  WorkBudget enough;
  CHECK(verify_rrset(rrset, keys.get(), zone.get(), kJune2026, policy, enough).verdict.is_secure());
}

TEST_CASE("KeyTrap: at most max_keys_per_signature keys with a colliding key tag are tried") {
  // Five forged keys with the ZSK's key tag, then the real ZSK.
  const LdnsRrList keys = keys_behind_tag_collisions(kExampleZsk, 10693, 5);
  const RRset rrset = www_rrset();
  const LdnsRdf zone = name("example.test.");
  ValidationPolicy policy;
  policy.max_keys_per_signature = 4;
  WorkBudget budget;
  const SignatureCheck limited =
      verify_rrset(rrset, keys.get(), zone.get(), kJune2026, policy, budget);
  CHECK_FALSE(limited.verdict.is_secure());
  CHECK(limited.verdict.reason == Reason::SignatureInvalid);
  CHECK(budget.signature_verifications == WorkBudget{}.signature_verifications - 4);
  policy.max_keys_per_signature = 6;
  CHECK(verify(rrset, keys.get(), kJune2026, policy).verdict.is_secure());
}

// ---- verify_dnskey_rrset ------------------------------------------------------------------

TEST_CASE("RFC 4035 5.2: a DNSKEY RRset whose key matches the DS and signs the set is secure") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByZsk, kExampleDnskeyRrsigByKsk});
  for (const char* ds : {kExampleDs55933Digest2, kExampleDs55933Digest4, kExampleDs10693Digest2}) {
    const std::string text = ds;
    CAPTURE(text);
    const SignatureCheck check = verify_keys(dnskeys, {ds});
    CHECK(check.verdict.is_secure());
    CHECK(check.ttl == 3600);
    CHECK(check.rrsig_labels == 2);  // example.test.
  }
  // SHA-1 alone is still accepted (RFC 8624 3.3: MUST for validation).
  CHECK(verify_keys(dnskeys, {kExampleDs55933Digest1}).verdict.is_secure());
}

TEST_CASE("RFC 4035 5.2: DS and DNSKEY link for algorithms 8, 10, 14, 15 and 16") {
  for (const AlgorithmZone& zone : kAlgorithmZones) {
    CAPTURE(static_cast<int>(zone.algorithm));
    const RRset dnskeys = make_rrset({zone.dnskey}, {zone.dnskey_rrsig});
    CHECK(verify_keys(dnskeys, {zone.ds}).verdict.is_secure());
  }
}

TEST_CASE("RFC 4035 5.2: a DS whose digest matches no DNSKEY gives DnskeyMissing") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByZsk, kExampleDnskeyRrsigByKsk});
  const SignatureCheck check = verify_keys(
      dnskeys, {"example.test. 3600 IN DS 55933 13 2 "
                "0000000000000000000000000000000000000000000000000000000000000000"});
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::DnskeyMissing);
  CHECK(check.verdict.detail == "no DNSKEY of example.test. matches DS 55933/13/2");
  // A DS of a key not in the set at all.
  CHECK(verify_keys(dnskeys, {kAlgorithmZones[0].ds}).verdict.reason == Reason::DnskeyMissing);
  CHECK(verify_keys(dnskeys, {"example.test. 3600 IN DS 1 13 2 "
                              "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41"})
            .verdict.reason == Reason::DnskeyMissing);
}

TEST_CASE("RFC 4035 5.2: the key that matches the DS must itself sign the DNSKEY RRset") {
  // Only the ZSK signed the set; the DS names the KSK.
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByZsk});
  const SignatureCheck check = verify_keys(dnskeys, {kExampleDs55933Digest2});
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::SignatureInvalid);
  CHECK(check.verdict.detail ==
        "no key vouched for by the DS or trust anchor (55933/13) signs example.test./DNSKEY: "
        "no DNSKEY of example.test. matches RRSIG 10693/13 over example.test./DNSKEY");
  // The DS of the ZSK that did sign: secure.
  CHECK(verify_keys(dnskeys, {kExampleDs10693Digest2}).verdict.is_secure());
  // A DNSKEY RRset without any RRSIG.
  CHECK(verify_keys(example_dnskey_rrset({}), {kExampleDs55933Digest2}).verdict.reason ==
        Reason::RrsigsMissing);
}

TEST_CASE("RFC 4035 5.2: a DNSKEY trust anchor matches the key with equal RDATA") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  CHECK(verify_keys(dnskeys, {kExampleKsk}).verdict.is_secure());
  // The ZSK as anchor did not sign this set.
  CHECK(verify_keys(dnskeys, {kExampleZsk}).verdict.reason == Reason::SignatureInvalid);
  // An anchor with other key material matches nothing.
  CHECK(verify_keys(dnskeys, {kRevokedZsk}).verdict.reason == Reason::DnskeyMissing);
}

TEST_CASE("RFC 8624 3.1: a DS RRset with only unsupported algorithms makes the zone insecure") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  const SignatureCheck check = verify_keys(
      dnskeys, {"example.test. 3600 IN DS 55933 253 2 "
                "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41",
                "example.test. 3600 IN DS 55933 5 2 "
                "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41"});
  CHECK(check.verdict.is_insecure());
  CHECK(check.verdict.reason == Reason::UnsupportedAlgorithm);
  // Next to a supported DS that fails, the unsupported one does not make it insecure.
  CHECK(verify_keys(dnskeys, {"example.test. 3600 IN DS 55933 253 2 "
                              "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41",
                              "example.test. 3600 IN DS 55933 13 2 "
                              "0000000000000000000000000000000000000000000000000000000000000000"})
            .verdict.reason == Reason::DnskeyMissing);
}

TEST_CASE("RFC 8624 3.3: a DS RRset with only unsupported digest types makes the zone insecure") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  const SignatureCheck check = verify_keys(
      dnskeys, {"example.test. 3600 IN DS 55933 13 3 "
                "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41",
                "example.test. 3600 IN DS 55933 13 99 "
                "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41"});
  CHECK(check.verdict.is_insecure());
  CHECK(check.verdict.reason == Reason::UnsupportedDigest);
  // An unknown digest next to a good SHA-256 DS changes nothing.
  CHECK(verify_keys(dnskeys, {"example.test. 3600 IN DS 55933 13 99 00", kExampleDs55933Digest2})
            .verdict.is_secure());
}

TEST_CASE("RFC 4509 3: a SHA-1 DS is ignored when a SHA-256 DS is present") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  const char* wrong_sha256 =
      "example.test. 3600 IN DS 55933 13 2 "
      "0000000000000000000000000000000000000000000000000000000000000000";
  const SignatureCheck check = verify_keys(dnskeys, {wrong_sha256, kExampleDs55933Digest1});
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::DnskeyMissing);
  CHECK(check.verdict.detail == "no DNSKEY of example.test. matches DS 55933/13/2");
  // The good SHA-1 DS alone, or next to a good SHA-256 DS, is fine.
  CHECK(verify_keys(dnskeys, {kExampleDs55933Digest1}).verdict.is_secure());
  CHECK(verify_keys(dnskeys, {kExampleDs55933Digest1, kExampleDs55933Digest2}).verdict.is_secure());
}

TEST_CASE("RFC 4035 5.2: trusted records of another owner vouch for nothing") {
  const RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  const SignatureCheck check =
      verify_keys(dnskeys, {"other.test. 3600 IN DS 55933 13 2 "
                            "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41"});
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::DnskeyMissing);
  CHECK(verify_keys(dnskeys, {}).verdict.is_bogus());
}

TEST_CASE("KeyTrap: at most max_ds_dnskey_pairs DS-DNSKEY pairs are compared") {
  // Five forged keys with the KSK's key tag in front of the real KSK.
  RRset dnskeys = example_dnskey_rrset({kExampleDnskeyRrsigByKsk});
  dnskeys.records = keys_behind_tag_collisions(kExampleKsk, 55933, 5);
  ValidationPolicy policy;
  policy.max_ds_dnskey_pairs = 3;
  const SignatureCheck limited = verify_keys(dnskeys, {kExampleDs55933Digest2}, policy);
  CHECK(limited.verdict.is_bogus());
  CHECK(limited.verdict.reason == Reason::WorkLimit);
  // With room for six comparisons the KSK is found; the RRSIG was made over the real set, so
  // it does not verify over this one.
  policy.max_ds_dnskey_pairs = 6;
  CHECK(verify_keys(dnskeys, {kExampleDs55933Digest2}, policy).verdict.reason ==
        Reason::SignatureInvalid);
}

TEST_CASE("RFC 4034 2.1.1: a DS that matches a key without the Zone Key flag is bogus") {
  // The KSK with flags 1 (SEP only) and a DS computed over it.
  LdnsRr key = parse_rr(kExampleKsk);
  set_int16_field(key.get(), 0, 1);
  LdnsRr ds(ldns_key_rr2ds(key.get(), LDNS_SHA256));
  RRset dnskeys = make_rrset({kExampleZsk}, {kExampleDnskeyRrsigByZsk});
  ldns_rr_list_push_rr(dnskeys.records.get(), ldns_rr_clone(key.get()));
  WorkBudget budget;
  LdnsRrList trusted(ldns_rr_list_new());
  ldns_rr_list_push_rr(trusted.get(), ds.release());
  const SignatureCheck check =
      verify_dnskey_rrset(dnskeys, trusted.get(), kJune2026, {}, budget);
  CHECK(check.verdict.is_bogus());
  CHECK(check.verdict.reason == Reason::NoZoneKeyBit);
}
