#include "validator/public_key_cache.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "validator/signature.h"
#include "validator/signature_test_data.h"
#include "validator/signed_data.h"

using namespace vigil::validator;
using namespace vigil::validator::signature_test_data;
using vigil::dns::LdnsRdf;
using vigil::dns::LdnsRr;
using vigil::dns::LdnsRrList;

namespace {

LdnsRrList rr_list(std::initializer_list<const char*> texts) {
  LdnsRrList list(ldns_rr_list_new());
  for (const char* text : texts) {
    ldns_rr* rr = nullptr;
    REQUIRE_MESSAGE(ldns_rr_new_frm_str(&rr, text, 3600, nullptr, nullptr) == LDNS_STATUS_OK, text);
    ldns_rr_list_push_rr(list.get(), rr);
  }
  return list;
}

RRset make_rrset(std::initializer_list<const char*> records,
                 std::initializer_list<const char*> rrsigs) {
  return RRset{rr_list(records), rr_list(rrsigs)};
}

void set_owner(ldns_rr* rr, const char* owner) {
  ldns_rdf_deep_free(ldns_rr_owner(rr));
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner));
}

// The same check with and without the cache: the verdicts must not differ.
struct Both {
  SignatureCheck plain;
  SignatureCheck cached;
};

Both verify_both(const RRset& rrset, const ldns_rr_list* keys, const char* signer,
                 PublicKeyCache& cache) {
  const LdnsRdf zone(ldns_dname_new_frm_str(signer));
  WorkBudget budget;
  const ValidationPolicy policy;
  Both both;
  both.plain = verify_rrset(rrset, keys, zone.get(), kJune2026, policy, budget);
  both.cached = verify_rrset(rrset, keys, zone.get(), kJune2026, policy, budget, &cache);
  return both;
}

}  // namespace

TEST_CASE("RFC 6605: ECDSA signatures verify with kept keys exactly as they do with ldns") {
  PublicKeyCache cache;
  const LdnsRrList keys = rr_list({kExampleZsk, kExampleKsk});
  const Both good = verify_both(make_rrset({kWwwA1, kWwwA2}, {kWwwRrsig}), keys.get(),
                                "example.test.", cache);
  CHECK(good.plain.verdict.is_secure());
  CHECK(good.cached.verdict.is_secure());
  CHECK(good.cached.ttl == good.plain.ttl);
  CHECK(cache.size() == 1);  // the ZSK, built once
  // The records in another order and letter case sign the same canonical bytes (RFC 4034 6).
  const Both reordered = verify_both(
      make_rrset({"WWW.Example.TEST. 300 IN A 192.0.2.2", kWwwA1}, {kWwwRrsig}), keys.get(),
      "example.test.", cache);
  CHECK(reordered.plain.verdict.is_secure());
  CHECK(reordered.cached.verdict.is_secure());
  CHECK(cache.size() == 1);
  // Tampered data fails with the same reason and detail.
  const Both tampered = verify_both(make_rrset({kWwwA1, "www.example.test. 300 IN A 192.0.2.3"},
                                               {kWwwRrsig}),
                                    keys.get(), "example.test.", cache);
  CHECK(tampered.cached.verdict.reason == Reason::SignatureInvalid);
  CHECK(tampered.cached.verdict.detail == tampered.plain.verdict.detail);
}

TEST_CASE("RFC 4035 5.3.2: a wildcard expansion is verified over the wildcard owner") {
  PublicKeyCache cache;
  const LdnsRrList keys = rr_list({kExampleZsk, kExampleKsk});
  RRset expanded = make_rrset({kWildcardA}, {kWildcardRrsig});
  set_owner(ldns_rr_list_rr(expanded.records.get(), 0), "foo.bar.example.test.");
  set_owner(ldns_rr_list_rr(expanded.signatures.get(), 0), "foo.bar.example.test.");
  const Both both = verify_both(expanded, keys.get(), "example.test.", cache);
  CHECK(both.plain.verdict.is_secure());
  CHECK(both.cached.verdict.is_secure());
  CHECK(both.cached.rrsig_labels == 2);
}

TEST_CASE("RFC 8624 3.1: every supported algorithm gives the same verdicts with the cache") {
  PublicKeyCache cache;
  for (const AlgorithmZone& zone : kAlgorithmZones) {
    CAPTURE(static_cast<int>(zone.algorithm));
    const LdnsRrList keys = rr_list({zone.dnskey});
    const std::string signer =
        name_text(ldns_rr_owner(ldns_rr_list_rr(keys.get(), 0)));
    const Both good = verify_both(make_rrset({zone.www_a1, zone.www_a2}, {zone.www_rrsig}),
                                  keys.get(), signer.c_str(), cache);
    CHECK(good.plain.verdict.is_secure());
    CHECK(good.cached.verdict.is_secure());
    const Both bad = verify_both(make_rrset({zone.www_a1}, {zone.www_rrsig}), keys.get(),
                                 signer.c_str(), cache);
    CHECK(bad.cached.verdict.reason == Reason::SignatureInvalid);
    CHECK(bad.cached.verdict.detail == bad.plain.verdict.detail);
  }
  CHECK(cache.size() == 1);  // only the P-384 key: the other algorithms stay with ldns
}

TEST_CASE("PublicKeyCache: malformed keys and signatures fail, unknown algorithms are not handled") {
  PublicKeyCache cache;
  const uint8_t bytes[64] = {};
  const uint8_t data[4] = {1, 2, 3, 4};
  CHECK(cache.verify(13, std::span(bytes, 10), std::span(bytes), data) == KeyVerdict::Failed);
  CHECK(cache.verify(13, std::span(bytes), std::span(bytes, 63), data) == KeyVerdict::Failed);
  // All zeros is no point on the curve: OpenSSL refuses the key.
  CHECK(cache.verify(13, std::span(bytes), std::span(bytes), data) != KeyVerdict::Verified);
  CHECK(cache.verify(8, std::span(bytes), std::span(bytes), data) == KeyVerdict::NotHandled);
}

TEST_CASE("RFC 4034 3.1.8.1: the signed data starts with the RRSIG's fields and a lowercase signer") {
  const LdnsRrList records = rr_list({kWwwA2, kWwwA1, kWwwA1});
  const LdnsRrList rrsigs = rr_list({kWwwRrsig});
  const auto data = signed_data(records.get(), ldns_rr_list_rr(rrsigs.get(), 0));
  REQUIRE(data);
  // 18 bytes of fixed fields, the signer (14), then two records (duplicates suppressed, RFC 4034
  // 6.3) of 18 + 10 + 4 bytes each.
  CHECK(data->size() == 18 + 14 + 2 * (18 + 10 + 4));
  CHECK((*data)[0] == 0);
  CHECK((*data)[1] == 1);    // type covered: A
  CHECK((*data)[2] == 13);   // algorithm
  // The records in canonical order: 192.0.2.1 first.
  CHECK(data->back() == 2);
  CHECK((*data)[18 + 14 + 18 + 10 + 3] == 1);
}
