#include "validator/answer_validator.h"

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

LdnsRrList www_a() {
  return world().sec.sign({"www.sec.test. 300 IN A 192.0.2.1", "www.sec.test. 300 IN A 192.0.2.2"});
}
LdnsRrList alt_www_a() { return world().alt.sign({"www.alt.test. 300 IN A 192.0.2.7"}); }
LdnsRrList sec_soa() { return world().sec.sign({soa("sec.test.")}); }

// The answer to host.wild.sec.test./A, expanded from *.wild.sec.test.: its RRSIG has 3 labels.
LdnsRrList wildcard_answer() {
  LdnsRrList answer = world().sec.sign({"*.wild.sec.test. 600 IN A 192.0.2.99"});
  rename(answer.get(), "host.wild.sec.test.");
  return answer;
}

struct Validation {
  AnswerValidation result;
  Needs needs;
};

Validation validate(const LdnsPkt& answer, const std::string& qname,
                    ldns_rr_type qtype = LDNS_RR_TYPE_A, const ValidationPolicy& policy = {}) {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  session.policy = policy;
  AnswerValidation result = session.validate(answer.get(), qname, qtype);
  return {result, session.needs};
}

void check_secure(const Validation& validation) {
  CHECK_MESSAGE(validation.result.verdict.is_secure(), validation.result.verdict.detail);
  CHECK(validation.result.verdict.reason == Reason::None);
  CHECK(validation.result.ttl > 0);
  CHECK_FALSE(validation.result.need.has_value());
}

void check_bogus(const Validation& validation, Reason reason) {
  CHECK(validation.result.verdict.is_bogus());
  CHECK_MESSAGE(validation.result.verdict.reason == reason,
                to_string(validation.result.verdict.reason), ": ",
                validation.result.verdict.detail);
  CHECK_FALSE(validation.result.verdict.detail.empty());
}

}  // namespace

// ---- Positive answers ---------------------------------------------------------------------

TEST_CASE("RFC 4035 5.3: a signed positive answer is secure") {
  const LdnsRrList answer = www_a();
  const Validation validation = validate(reply({answer.get()}), "www.sec.test.");
  check_secure(validation);
  // RFC 4035 5.3.3: no longer than the RRset's TTL (300), under the DNSKEY and DS TTLs (3600).
  CHECK(validation.result.ttl == 300);
  CHECK(validation.needs == kChainToSec);
}

TEST_CASE("RFC 4035 5.3.2: a tampered RDATA makes the answer bogus") {
  LdnsRrList answer = www_a();
  ldns_rr* first = ldns_rr_list_rr(answer.get(), 0);
  REQUIRE(ldns_rr_get_type(first) == LDNS_RR_TYPE_A);
  ldns_rdf_deep_free(
      ldns_rr_set_rdf(first, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.66"), 0));
  const Validation validation = validate(reply({answer.get()}), "www.sec.test.");
  check_bogus(validation, Reason::SignatureInvalid);
  CHECK(validation.result.ttl == 0);
}

TEST_CASE("RFC 4035 5.3.1: an answer without RRSIG from a signed zone is bogus") {
  const LdnsRrList answer = records({"www.sec.test. 300 IN A 192.0.2.1"});
  const Validation validation = validate(reply({answer.get()}), "www.sec.test.");
  check_bogus(validation, Reason::RrsigsMissing);
}

// ---- CNAME and DNAME chains -----------------------------------------------------------------

TEST_CASE("RFC 4035 5.3: a CNAME chain across two secure zones is secure") {
  const LdnsRrList cname = world().sec.sign({"alias.sec.test. 300 IN CNAME www.alt.test."});
  const LdnsRrList target = alt_www_a();
  const Validation validation = validate(reply({cname.get(), target.get()}), "alias.sec.test.");
  check_secure(validation);
  Needs expected = kChainToSec;
  expected.insert(expected.end(), {"alt.test. DS", "alt.test. DNSKEY"});
  CHECK(validation.needs == expected);
}

TEST_CASE("RFC 4035 5.3: a CNAME chain is bogus when one link is") {
  const LdnsRrList cname = world().sec.sign({"alias.sec.test. 300 IN CNAME www.alt.test."});
  // www.alt.test. signed by sec.test.: a signer that does not enclose the owner.
  const LdnsRrList target = world().sec.sign({"www.alt.test. 300 IN A 192.0.2.7"});
  const Validation validation = validate(reply({cname.get(), target.get()}), "alias.sec.test.");
  check_bogus(validation, Reason::Bogus);
}

TEST_CASE("RFC 4035 5.2: a CNAME into a zone under an insecure delegation is insecure") {
  const LdnsRrList cname = world().sec.sign({"insecure.sec.test. 300 IN CNAME www.unsigned.test."});
  const LdnsRrList target = records({"www.unsigned.test. 300 IN A 192.0.2.50"});
  const Validation validation = validate(reply({cname.get(), target.get()}), "insecure.sec.test.");
  CHECK_MESSAGE(validation.result.verdict.is_insecure(), validation.result.verdict.detail);
  CHECK(validation.result.verdict.reason == Reason::None);
  CHECK(validation.needs.back() == "unsigned.test. DS");
}

TEST_CASE("THREATS 11: a CNAME chain longer than policy.max_cname_chain is bogus") {
  const LdnsRrList c1 = world().sec.sign({"c1.sec.test. 300 IN CNAME c2.sec.test."});
  const LdnsRrList c2 = world().sec.sign({"c2.sec.test. 300 IN CNAME c3.sec.test."});
  const LdnsRrList c3 = world().sec.sign({"c3.sec.test. 300 IN CNAME www.sec.test."});
  const LdnsRrList www = www_a();
  const LdnsPkt answer = reply({c1.get(), c2.get(), c3.get(), www.get()});
  ValidationPolicy policy;
  SUBCASE("three links with a limit of three") {
    policy.max_cname_chain = 3;
    check_secure(validate(answer, "c1.sec.test.", LDNS_RR_TYPE_A, policy));
  }
  SUBCASE("three links with a limit of two") {
    policy.max_cname_chain = 2;
    const Validation validation = validate(answer, "c1.sec.test.", LDNS_RR_TYPE_A, policy);
    check_bogus(validation, Reason::Bogus);
    CHECK_MESSAGE(validation.result.verdict.detail.find("CNAME chain") != std::string::npos,
                  validation.result.verdict.detail);
  }
  SUBCASE("a CNAME loop ends at the default limit") {
    const LdnsRrList loop = world().sec.sign({"c1.sec.test. 300 IN CNAME c1.sec.test."});
    check_bogus(validate(reply({loop.get()}), "c1.sec.test."), Reason::Bogus);
  }
}

TEST_CASE("RFC 6672 5.3.1: a signed DNAME with an unsigned synthesized CNAME is secure") {
  const LdnsRrList dname = world().sec.sign({"dname.sec.test. 300 IN DNAME alt.test."});
  const LdnsRrList synthesized = records({"www.dname.sec.test. 300 IN CNAME www.alt.test."});
  const LdnsRrList target = alt_www_a();
  const Validation validation =
      validate(reply({dname.get(), synthesized.get(), target.get()}), "www.dname.sec.test.");
  check_secure(validation);
}

TEST_CASE("RFC 6672 2.2: the DNAME substitution keeps every label below the DNAME owner") {
  const LdnsRrList dname = world().sec.sign({"dname.sec.test. 300 IN DNAME alt.test."});
  const LdnsRrList synthesized = records({"a.b.dname.sec.test. 300 IN CNAME a.b.alt.test."});
  const LdnsRrList target = world().alt.sign({"a.b.alt.test. 300 IN A 192.0.2.8"});
  check_secure(
      validate(reply({dname.get(), synthesized.get(), target.get()}), "a.b.dname.sec.test."));
}

TEST_CASE("RFC 6672 5.3.1: a synthesized CNAME that differs from the DNAME's mapping is ignored") {
  const LdnsRrList dname = world().sec.sign({"dname.sec.test. 300 IN DNAME alt.test."});
  const LdnsRrList forged = records({"a.b.dname.sec.test. 300 IN CNAME www.alt.test."});
  const LdnsRrList elsewhere = alt_www_a();
  const LdnsPkt answer = reply({dname.get(), forged.get(), elsewhere.get()});
  // The chain goes on at a.b.alt.test., which has no data in the answer and no proof of
  // absence: the walk asks for its DS, and gets nothing signed back.
  Upstream upstream = world().upstream();
  upstream.emplace(std::make_pair(std::string("b.alt.test."), uint16_t{LDNS_RR_TYPE_DS}),
                   reply({}));
  Session session(upstream, world().root_anchor());
  const AnswerValidation result =
      session.validate(answer.get(), "a.b.dname.sec.test.", LDNS_RR_TYPE_A);
  CHECK(result.verdict.is_bogus());
  CHECK(result.verdict.reason == Reason::NsecMissing);
  // The proof is sought for the mapped name, below the secure alt.test.
  REQUIRE_FALSE(session.needs.empty());
  CHECK(session.needs.back() == "b.alt.test. DS");
}

TEST_CASE("RFC 6672 5.3.1: an unsigned DNAME is bogus, whatever CNAME comes with it") {
  const LdnsRrList dname = records({"dname.sec.test. 300 IN DNAME alt.test."});
  const LdnsRrList synthesized = records({"www.dname.sec.test. 300 IN CNAME www.alt.test."});
  const LdnsRrList target = alt_www_a();
  const Validation validation =
      validate(reply({dname.get(), synthesized.get(), target.get()}), "www.dname.sec.test.");
  check_bogus(validation, Reason::RrsigsMissing);
}

// ---- Wildcards ----------------------------------------------------------------------------

TEST_CASE("RFC 4035 5.3.4: a wildcard expansion with its NSEC proof is secure") {
  const LdnsRrList answer = wildcard_answer();
  // *.wild.sec.test. < host.wild.sec.test. < www.sec.test.: the closest encloser is wild.sec.test.
  const LdnsRrList nsec = world().sec_nsec("*.wild");
  const Validation validation =
      validate(reply({answer.get()}, {nsec.get()}), "host.wild.sec.test.");
  check_secure(validation);
  CHECK(validation.result.ttl == 300);  // the NSEC's TTL is below the answer's 600
}

TEST_CASE("RFC 4035 5.3.4: a wildcard expansion without the NSEC proof is bogus") {
  const LdnsRrList answer = wildcard_answer();
  SUBCASE("no proof at all") {
    check_bogus(validate(reply({answer.get()}), "host.wild.sec.test."), Reason::NsecMissing);
  }
  SUBCASE("an NSEC that covers another name") {
    const LdnsRrList nsec = world().sec_nsec("alias");
    check_bogus(validate(reply({answer.get()}, {nsec.get()}), "host.wild.sec.test."),
                Reason::NsecMissing);
  }
  SUBCASE("the right NSEC without its RRSIG") {
    const LdnsRrList nsec = records({"*.wild.sec.test. 300 IN NSEC www.sec.test. A RRSIG NSEC"});
    check_bogus(validate(reply({answer.get()}, {nsec.get()}), "host.wild.sec.test."),
                Reason::RrsigsMissing);
  }
}

TEST_CASE("RFC 4035 5.4: a CNAME into an NXDOMAIN of another secure zone is secure") {
  const LdnsRrList cname = world().sec.sign({"alias.sec.test. 300 IN CNAME nosuch.alt.test."});
  const LdnsRrList alt_soa = world().alt.sign({soa("alt.test.")});
  const LdnsRrList alt_nsec =
      world().alt.sign({"alt.test. 300 IN NSEC www.alt.test. NS SOA RRSIG NSEC DNSKEY"});
  const Validation validation =
      validate(reply({cname.get()}, {alt_soa.get(), alt_nsec.get()}, LDNS_RCODE_NXDOMAIN),
               "alias.sec.test.");
  check_secure(validation);
  // Without alt.test.'s NSEC, the denial is unproven.
  check_bogus(
      validate(reply({cname.get()}, {alt_soa.get()}, LDNS_RCODE_NXDOMAIN), "alias.sec.test."),
      Reason::NsecMissing);
}

TEST_CASE("RFC 4035 5.3.4 / 5.4: a wildcard CNAME into an NXDOMAIN of another zone is secure") {
  // host.wild.sec.test. CNAME nosuch.alt.test., synthesized from *.wild.sec.test.; the
  // authority section holds the proofs of both zones: sec.test.'s NSEC for the expansion,
  // alt.test.'s SOA and NSEC (alt.test. -> www.alt.test. covers nosuch and *.alt.test.).
  LdnsRrList cname = world().sec.sign({"*.wild.sec.test. 600 IN CNAME nosuch.alt.test."});
  rename(cname.get(), "host.wild.sec.test.");
  const LdnsRrList expansion = world().sec_nsec("*.wild");
  const LdnsRrList alt_soa = world().alt.sign({soa("alt.test.")});
  const LdnsRrList alt_nsec =
      world().alt.sign({"alt.test. 300 IN NSEC www.alt.test. NS SOA RRSIG NSEC DNSKEY"});
  SUBCASE("the expansion proof first") {
    check_secure(validate(
        reply({cname.get()}, {expansion.get(), alt_soa.get(), alt_nsec.get()}, LDNS_RCODE_NXDOMAIN),
        "host.wild.sec.test."));
  }
  SUBCASE("the negative answer's proof first") {
    check_secure(validate(
        reply({cname.get()}, {alt_soa.get(), alt_nsec.get(), expansion.get()}, LDNS_RCODE_NXDOMAIN),
        "host.wild.sec.test."));
  }
}

// ---- Negative answers ----------------------------------------------------------------------

TEST_CASE("RFC 4035 5.4: a signed NXDOMAIN with its NSEC proofs is secure") {
  const LdnsRrList soa = sec_soa();
  // insecure < nosuch < *.wild covers the name; sec.test. -> alias covers *.sec.test.
  const LdnsRrList covering = world().sec_nsec("insecure");
  const LdnsRrList wildcard = world().sec_nsec("@");
  const Validation validation =
      validate(reply({}, {soa.get(), covering.get(), wildcard.get()}, LDNS_RCODE_NXDOMAIN),
               "nosuch.sec.test.");
  check_secure(validation);
  CHECK(validation.result.ttl == 300);
  CHECK(validation.needs == kChainToSec);
}

TEST_CASE("RFC 4035 5.4: an NXDOMAIN without NSEC is bogus (NsecMissing)") {
  const LdnsRrList soa = sec_soa();
  SUBCASE("a signed SOA only") {
    check_bogus(validate(reply({}, {soa.get()}, LDNS_RCODE_NXDOMAIN), "nosuch.sec.test."),
                Reason::NsecMissing);
  }
  SUBCASE("an empty authority section") {
    check_bogus(validate(reply({}, {}, LDNS_RCODE_NXDOMAIN), "nosuch.sec.test."),
                Reason::NsecMissing);
  }
  SUBCASE("the covering NSEC without the wildcard proof") {
    const LdnsRrList covering = world().sec_nsec("insecure");
    check_bogus(
        validate(reply({}, {soa.get(), covering.get()}, LDNS_RCODE_NXDOMAIN), "nosuch.sec.test."),
        Reason::NsecMissing);
  }
}

TEST_CASE("RFC 4035 5.4: a signed NODATA with the NSEC at the name is secure") {
  const LdnsRrList soa = sec_soa();
  const LdnsRrList nsec = world().sec_nsec("www");
  const Validation validation =
      validate(reply({}, {soa.get(), nsec.get()}), "www.sec.test.", LDNS_RR_TYPE_AAAA);
  check_secure(validation);
  // The same NSEC lists A: it is no NODATA proof for A.
  check_bogus(validate(reply({}, {soa.get(), nsec.get()}), "www.sec.test.", LDNS_RR_TYPE_A),
              Reason::NsecMissing);
}

TEST_CASE("RFC 4035 3.1.3.4: a wildcard NODATA with the wildcard's NSEC is secure") {
  // *.wild.sec.test. -> www.sec.test. covers host.wild.sec.test. and is the wildcard's own NSEC,
  // whose bitmap lacks AAAA.
  const LdnsRrList soa = sec_soa();
  const LdnsRrList nsec = world().sec_nsec("*.wild");
  check_secure(
      validate(reply({}, {soa.get(), nsec.get()}), "host.wild.sec.test.", LDNS_RR_TYPE_AAAA));
  check_bogus(validate(reply({}, {soa.get(), nsec.get()}), "host.wild.sec.test."),
              Reason::NsecMissing);
}

TEST_CASE("RFC 4035 5.4: a signed NODATA for the DS of an insecure delegation is secure") {
  const LdnsRrList test_soa = world().test.sign({soa("test.")});
  const LdnsRrList nsec = world().test.sign({"unsigned.test. 300 IN NSEC test. NS RRSIG NSEC"});
  const Validation validation =
      validate(reply({}, {test_soa.get(), nsec.get()}), "unsigned.test.", LDNS_RR_TYPE_DS);
  check_secure(validation);
  CHECK(validation.needs == Needs{". DNSKEY", "test. DS", "test. DNSKEY"});
}

TEST_CASE("RFC 4035 5.2: an unsigned NXDOMAIN below an insecure delegation is insecure") {
  const LdnsRrList unsigned_soa = records({soa("unsigned.test.")});
  const Validation validation =
      validate(reply({}, {unsigned_soa.get()}, LDNS_RCODE_NXDOMAIN), "nosuch.unsigned.test.");
  CHECK_MESSAGE(validation.result.verdict.is_insecure(), validation.result.verdict.detail);
  CHECK(validation.needs == Needs{". DNSKEY", "test. DS", "test. DNSKEY", "unsigned.test. DS"});
}

// ---- Work budget --------------------------------------------------------------------------

TEST_CASE("CVE-2023-50387 (KeyTrap): a query without signature budget ends in WorkLimit") {
  const LdnsRrList answer = www_a();
  const LdnsPkt packet = reply({answer.get()});
  const Upstream upstream = world().upstream();

  SUBCASE("no verification at all") {
    Session session(upstream, world().root_anchor());
    session.budget = WorkBudget{0, 128};
    const AnswerValidation result = session.validate(packet.get(), "www.sec.test.", LDNS_RR_TYPE_A);
    CHECK(result.verdict.is_bogus());
    CHECK(result.verdict.reason == Reason::WorkLimit);
    CHECK(session.needs == Needs{". DNSKEY"});
  }
  SUBCASE("enough for the chain of trust, one short for the answer") {
    Session full(upstream, world().root_anchor());
    REQUIRE(full.validate(packet.get(), "www.sec.test.", LDNS_RR_TYPE_A).verdict.is_secure());
    const unsigned spent =
        WorkBudget{}.signature_verifications - full.budget.signature_verifications;
    REQUIRE(spent >= 6);  // five DNSKEY and DS RRsets on the way, then the answer
    Session session(upstream, world().root_anchor());
    session.budget = WorkBudget{spent - 1, 128};
    const AnswerValidation result = session.validate(packet.get(), "www.sec.test.", LDNS_RR_TYPE_A);
    CHECK(result.verdict.is_bogus());
    CHECK(result.verdict.reason == Reason::WorkLimit);
    CHECK(session.needs == kChainToSec);
    CHECK(session.learned.at("sec.test.").state == ZoneState::Secure);
  }
}

// ---- Name case ---------------------------------------------------------------------------

TEST_CASE("RFC 4343 / RFC 4034 6.2: owner names are compared case-insensitively") {
  // The upstream echoes the query's case (0x20); the RRSIG verifies over the canonical form.
  LdnsRrList answer = www_a();
  rename(answer.get(), "WWW.Sec.Test.");
  check_secure(validate(reply({answer.get()}), "WWW.Sec.Test."));
  // The same through a DNAME: the query's case differs from the DNAME owner's.
  const LdnsRrList dname = world().sec.sign({"dname.sec.test. 300 IN DNAME alt.test."});
  const LdnsRrList synthesized = records({"WWW.Dname.Sec.Test. 300 IN CNAME WWW.alt.test."});
  const LdnsRrList target = alt_www_a();
  check_secure(
      validate(reply({dname.get(), synthesized.get(), target.get()}), "WWW.Dname.Sec.Test."));
}
