#include "validator/scrub.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "validator/names.h"
#include "validator/rrset.h"
#include "validator/scrub_agreement.h"

using namespace vigil::validator;
using vigil::dns::LdnsPkt;
using vigil::dns::LdnsRdf;

namespace {

// Records or dropped RRsets as text, printed whole when a check fails.
struct Texts : std::vector<std::string> {
  using std::vector<std::string>::vector;
};

std::ostream& operator<<(std::ostream& out, const Texts& texts) {
  out << "{";
  for (const auto& text : texts) out << " \"" << text << "\"";
  return out << " }";
}

// An upstream reply built record by record: QR, RD, RA set, one question, EDNS on.
class Reply {
 public:
  Reply(const std::string& qname, const std::string& qtype) : pkt_(ldns_pkt_new()) {
    ldns_pkt_set_qr(pkt_.get(), true);
    ldns_pkt_set_rd(pkt_.get(), true);
    ldns_pkt_set_ra(pkt_.get(), true);
    ldns_pkt_set_edns_udp_size(pkt_.get(), 1232);
    ldns_pkt_set_edns_do(pkt_.get(), true);
    ldns_rr* question = nullptr;
    const std::string text = qname + " IN " + qtype;
    REQUIRE(ldns_rr_new_question_frm_str(&question, text.c_str(), nullptr, nullptr) ==
            LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt_.get(), LDNS_SECTION_QUESTION, question);
  }

  Reply& answer(std::initializer_list<std::string> texts) {
    return push(LDNS_SECTION_ANSWER, texts);
  }
  Reply& authority(std::initializer_list<std::string> texts) {
    return push(LDNS_SECTION_AUTHORITY, texts);
  }
  Reply& additional(std::initializer_list<std::string> texts) {
    return push(LDNS_SECTION_ADDITIONAL, texts);
  }
  Reply& push(ldns_pkt_section section, const std::string& text) {
    ldns_rr* rr = nullptr;
    REQUIRE_MESSAGE(ldns_rr_new_frm_str(&rr, text.c_str(), 300, nullptr, nullptr) == LDNS_STATUS_OK,
                    text);
    ldns_pkt_push_rr(pkt_.get(), section, rr);
    return *this;
  }
  Reply& rcode(ldns_pkt_rcode rcode) {
    ldns_pkt_set_rcode(pkt_.get(), rcode);
    return *this;
  }
  ldns_pkt* get() const { return pkt_.get(); }

 private:
  Reply& push(ldns_pkt_section section, std::initializer_list<std::string> texts) {
    for (const auto& text : texts) push(section, text);
    return *this;
  }

  LdnsPkt pkt_;
};

// An RRSIG over `covered` at `owner` by `signer` (the signature itself is never checked here).
std::string sig(const std::string& owner, const std::string& covered, const std::string& signer,
                int labels = -1, int key_tag = 12345) {
  if (labels < 0) {
    LdnsRdf name(ldns_dname_new_frm_str(owner.c_str()));
    labels = label_count(name.get());
  }
  return owner + " 300 IN RRSIG " + covered + " 13 " + std::to_string(labels) +
         " 300 20270101000000 20260101000000 " + std::to_string(key_tag) + " " + signer +
         " dGVzdA==";
}

std::string soa(const std::string& zone) {
  return zone + " 300 IN SOA ns1." + zone + " hostmaster." + zone + " 1 7200 3600 1209600 300";
}

ScrubResult scrub(const Reply& reply, const std::string& qname, ldns_rr_type qtype,
                  const ScrubLimits& limits = {}) {
  LdnsRdf name(ldns_dname_new_frm_str(qname.c_str()));
  REQUIRE(name != nullptr);
  // Every case here also checks the fast path: where it says "clean", nothing may be cut.
  vigil::validator::testing::check_fast_path_agrees(
      vigil::validator::testing::wire_of(reply.get()),
      vigil::validator::testing::lower_wire_name(qname.c_str()), qtype, limits);
  return scrub_answer(reply.get(), name.get(), qtype, limits);
}

// "owner TYPE" of each record of a section ("owner RRSIG A" for an RRSIG), owners lower-cased.
Texts records_of(const ldns_rr_list* list) {
  Texts texts;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
    std::string text = name_key(ldns_rr_owner(rr)) + " " + type;
    free(type);  // NOLINT: ldns allocates with malloc
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG) {
      char* covered = ldns_rr_type2str(ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)));
      text += std::string(" ") + covered;
      free(covered);  // NOLINT
    }
    texts.push_back(text);
  }
  return texts;
}

Texts answer_of(const ScrubResult& result) {
  REQUIRE(result.message != nullptr);
  return records_of(ldns_pkt_answer(result.message.get()));
}
Texts authority_of(const ScrubResult& result) {
  REQUIRE(result.message != nullptr);
  return records_of(ldns_pkt_authority(result.message.get()));
}
Texts additional_of(const ScrubResult& result) {
  REQUIRE(result.message != nullptr);
  return records_of(ldns_pkt_additional(result.message.get()));
}

const char* section_text(Section section) {
  switch (section) {
    case Section::Answer:
      return "answer";
    case Section::Authority:
      return "authority";
    case Section::Additional:
      return "additional";
  }
  return "?";
}

// "section owner TYPE" of each dropped RRset, in order.
Texts dropped_of(const ScrubResult& result) {
  Texts texts;
  for (const auto& dropped : result.dropped) {
    texts.push_back(std::string(section_text(dropped.section)) + " " + dropped.owner + " " +
                    dropped.type);
  }
  return texts;
}

void check_kept(const ScrubResult& result) {
  CHECK_MESSAGE(!result.refused, result.reason);
  CHECK(result.reason.empty());
  REQUIRE(result.message != nullptr);
}

void check_refused(const ScrubResult& result, const std::string& reason) {
  CHECK(result.refused);
  CHECK(result.message == nullptr);
  CHECK(result.reason == reason);
}

// A chain c0.example.com. -> c1 -> ... -> c<links>.example.com. A 192.0.2.1.
Reply cname_chain(unsigned links) {
  Reply reply("c0.example.com.", "A");
  for (unsigned i = 0; i < links; ++i) {
    reply.push(LDNS_SECTION_ANSWER, "c" + std::to_string(i) + ".example.com. 300 IN CNAME c" +
                                        std::to_string(i + 1) + ".example.com.");
  }
  reply.push(LDNS_SECTION_ANSWER, "c" + std::to_string(links) + ".example.com. 300 IN A 192.0.2.1");
  return reply;
}

}  // namespace

// ---- The answer chain ---------------------------------------------------------------------

TEST_CASE("THREATS rule 9: a plain answer is kept whole with its RRSIG") {
  Reply reply("www.example.com.", "A");
  reply.answer({"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2",
                sig("www.example.com.", "A", "example.com.")});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) ==
        Texts{"www.example.com. A", "www.example.com. A", "www.example.com. RRSIG A"});
  CHECK(result.dropped.empty());
  CHECK(ldns_pkt_ancount(result.message.get()) == 3);
}

TEST_CASE("THREATS rule 9: an answer record for another owner is dropped and reported") {
  Reply reply("www.example.com.", "A");
  reply.answer({"www.example.com. 300 IN A 192.0.2.1", "bank.example.net. 300 IN A 6.6.6.6",
                sig("bank.example.net.", "A", "example.net."),
                "www.example.com. 300 IN AAAA 2001:db8::1"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"www.example.com. A"});
  CHECK(dropped_of(result) == Texts{"answer bank.example.net. A", "answer bank.example.net. RRSIG",
                                    "answer www.example.com. AAAA"});
  CHECK(ldns_pkt_ancount(result.message.get()) == 1);
}

TEST_CASE("THREATS rule 9: NS and glue for another zone are dropped (MaginotDNS)") {
  Reply reply("www.example.com.", "A");
  reply.answer({"www.example.com. 300 IN A 192.0.2.1"})
      .authority({"com. 300 IN NS ns.attacker.", "bank.com. 300 IN NS ns.attacker.",
                  "example.com. 300 IN NS ns1.example.com."})
      .additional({"ns.attacker. 300 IN A 6.6.6.6", "ns1.example.com. 300 IN A 192.0.2.53"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"www.example.com. A"});
  CHECK(authority_of(result).empty());
  CHECK(additional_of(result).empty());
  CHECK(dropped_of(result) == Texts{"authority com. NS", "authority bank.com. NS",
                                    "authority example.com. NS", "additional ns.attacker. A",
                                    "additional ns1.example.com. A"});
  CHECK(ldns_pkt_nscount(result.message.get()) == 0);
  CHECK(ldns_pkt_arcount(result.message.get()) == 0);
}

TEST_CASE("THREATS rule 9: every link of a CNAME chain is kept, records off the chain dropped") {
  Reply reply("www.example.com.", "A");
  reply.answer({"www.example.com. 300 IN CNAME alias.other.test.",
                sig("www.example.com.", "CNAME", "example.com."),
                "alias.other.test. 300 IN CNAME final.third.test.",
                sig("alias.other.test.", "CNAME", "other.test."),
                "final.third.test. 300 IN A 192.0.2.9",
                sig("final.third.test.", "A", "third.test."), "bank.other.test. 300 IN A 6.6.6.6",
                "alias.example.com. 300 IN A 6.6.6.7"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"www.example.com. CNAME", "www.example.com. RRSIG CNAME",
                                   "alias.other.test. CNAME", "alias.other.test. RRSIG CNAME",
                                   "final.third.test. A", "final.third.test. RRSIG A"});
  CHECK(dropped_of(result) == Texts{"answer bank.other.test. A", "answer alias.example.com. A"});
}

TEST_CASE("THREATS rule 9: a DNAME and its synthesized CNAME are kept, the chain continues") {
  // RFC 6672 2.2: www.old.test. -> www.new.test. through the DNAME at old.test.
  Reply reply("www.old.test.", "A");
  reply.answer({"old.test. 300 IN DNAME new.test.", sig("old.test.", "DNAME", "test."),
                "www.old.test. 300 IN CNAME www.new.test.",
                "www.new.test. 300 IN CNAME host.cdn.test.", "host.cdn.test. 300 IN A 192.0.2.5",
                "other.old.test. 300 IN A 6.6.6.6"});
  const ScrubResult result = scrub(reply, "www.old.test.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"old.test. DNAME", "old.test. RRSIG DNAME",
                                   "www.old.test. CNAME", "www.new.test. CNAME",
                                   "host.cdn.test. A"});
  CHECK(dropped_of(result) == Texts{"answer other.old.test. A"});
}

TEST_CASE("THREATS rule 9: the chain follows the DNAME substitution, not the upstream's CNAME") {
  // RFC 6672 5.3.1: the synthesized CNAME is kept beside its DNAME, but only the substitution
  // decides where the chain goes.
  Reply reply("www.old.test.", "A");
  reply.answer({"old.test. 300 IN DNAME new.test.", "www.old.test. 300 IN CNAME bank.evil.test.",
                "bank.evil.test. 300 IN A 6.6.6.6", "www.new.test. 300 IN A 192.0.2.5"});
  const ScrubResult result = scrub(reply, "www.old.test.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"old.test. DNAME", "www.old.test. CNAME", "www.new.test. A"});
  CHECK(dropped_of(result) == Texts{"answer bank.evil.test. A"});
}

TEST_CASE("THREATS rule 11: a CNAME chain of 11 links is kept, 12 links are refused") {
  const ScrubResult eleven = scrub(cname_chain(11), "c0.example.com.", LDNS_RR_TYPE_A);
  check_kept(eleven);
  CHECK(answer_of(eleven).size() == 12);
  CHECK(eleven.dropped.empty());

  check_refused(scrub(cname_chain(12), "c0.example.com.", LDNS_RR_TYPE_A),
                "CNAME chain longer than 11");
  ScrubLimits limits;
  limits.max_chain = 3;
  check_refused(scrub(cname_chain(4), "c0.example.com.", LDNS_RR_TYPE_A, limits),
                "CNAME chain longer than 3");
}

TEST_CASE("THREATS rule 11: a CNAME loop is refused") {
  Reply reply("a.example.com.", "A");
  reply.answer(
      {"a.example.com. 300 IN CNAME b.example.com.", "b.example.com. 300 IN CNAME A.Example.com."});
  check_refused(scrub(reply, "a.example.com.", LDNS_RR_TYPE_A), "CNAME loop at A.Example.com.");

  Reply self("a.example.com.", "A");
  self.answer({"a.example.com. 300 IN CNAME a.example.com."});
  check_refused(scrub(self, "a.example.com.", LDNS_RR_TYPE_A), "CNAME loop at a.example.com.");
}

TEST_CASE("THREATS rule 11: a DNAME that keeps growing the name is refused as a long chain") {
  // x.test. DNAME a.x.test. maps b.x.test. to b.a.x.test., b.a.a.x.test., ... without end.
  Reply reply("b.x.test.", "A");
  reply.answer({"x.test. 300 IN DNAME a.x.test."});
  check_refused(scrub(reply, "b.x.test.", LDNS_RR_TYPE_A), "CNAME chain longer than 11");
}

// ---- Negative answers ---------------------------------------------------------------------

TEST_CASE("THREATS rule 9: NXDOMAIN keeps the SOA and NSEC of the queried name's zone") {
  Reply reply("nope.example.com.", "A");
  reply.rcode(LDNS_RCODE_NXDOMAIN)
      .authority({soa("example.com."), sig("example.com.", "SOA", "example.com."),
                  "example.com. 300 IN NSEC a.example.com. A NS SOA RRSIG NSEC DNSKEY",
                  sig("example.com.", "NSEC", "example.com."),
                  "mail.example.com. 300 IN NSEC www.example.com. A RRSIG NSEC",
                  sig("mail.example.com.", "NSEC", "example.com.")});
  const ScrubResult result = scrub(reply, "nope.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(authority_of(result) == Texts{"example.com. SOA", "example.com. RRSIG SOA",
                                      "example.com. NSEC", "example.com. RRSIG NSEC",
                                      "mail.example.com. NSEC", "mail.example.com. RRSIG NSEC"});
  CHECK(result.dropped.empty());
  CHECK(ldns_pkt_get_rcode(result.message.get()) == LDNS_RCODE_NXDOMAIN);
}

TEST_CASE("THREATS rule 9: an SOA or NSEC of another zone is dropped") {
  Reply reply("nope.example.com.", "A");
  reply.rcode(LDNS_RCODE_NXDOMAIN)
      .authority({soa("bank.com."), sig("bank.com.", "SOA", "bank.com."), soa("example.com."),
                  "bank.com. 300 IN NSEC zzz.bank.com. A NS SOA RRSIG NSEC DNSKEY",
                  sig("bank.com.", "NSEC", "bank.com."),
                  "mail.example.com. 300 IN NSEC www.example.com. A RRSIG NSEC",
                  soa("www.example.com."), soa("com.")});
  const ScrubResult result = scrub(reply, "nope.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  // The SOA of com. encloses the name too, but example.com. is the deeper zone that holds it.
  CHECK(authority_of(result) == Texts{"example.com. SOA", "mail.example.com. NSEC"});
  CHECK(dropped_of(result) == Texts{"authority bank.com. SOA", "authority bank.com. RRSIG",
                                    "authority bank.com. NSEC", "authority www.example.com. SOA",
                                    "authority com. SOA"});
}

TEST_CASE("THREATS rule 9: NODATA keeps the SOA and NSEC") {
  Reply reply("www.example.com.", "AAAA");
  reply.authority({soa("example.com."), sig("example.com.", "SOA", "example.com."),
                   "www.example.com. 300 IN NSEC zzz.example.com. A RRSIG NSEC",
                   sig("www.example.com.", "NSEC", "example.com."),
                   "example.com. 300 IN NS ns.attacker."});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_AAAA);
  check_kept(result);
  CHECK(answer_of(result).empty());
  CHECK(authority_of(result) == Texts{"example.com. SOA", "example.com. RRSIG SOA",
                                      "www.example.com. NSEC", "www.example.com. RRSIG NSEC"});
  CHECK(dropped_of(result) == Texts{"authority example.com. NS"});
}

TEST_CASE("THREATS rule 9: the denial at the end of a CNAME chain is kept, other zones' dropped") {
  Reply reply("www.example.com.", "A");
  reply.rcode(LDNS_RCODE_NXDOMAIN)
      .answer({"www.example.com. 300 IN CNAME gone.other.test."})
      .authority({soa("other.test."), "other.test. 300 IN NSEC zz.other.test. SOA NS NSEC",
                  soa("example.com."), "example.com. 300 IN NSEC zz.example.com. SOA NS NSEC"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(authority_of(result) == Texts{"other.test. SOA", "other.test. NSEC"});
  CHECK(dropped_of(result) == Texts{"authority example.com. SOA", "authority example.com. NSEC"});
}

TEST_CASE("THREATS rule 9: without a SOA, NSEC3 of the closest signing zone are kept") {
  // A wildcard answer: host.wild.example.com. from *.wild.example.com. (RRSIG labels 3) with the
  // NSEC3 proving host.wild.example.com. does not exist; no SOA. The signer "com." also
  // encloses the name, but example.com. is the closest, so com.'s NSEC3 at bank.com. is dropped.
  const std::string hash = "2vptu5timamqttgl4luu9kg21e0aor3s";
  Reply reply("host.wild.example.com.", "A");
  reply
      .answer({"host.wild.example.com. 300 IN A 192.0.2.3",
               sig("host.wild.example.com.", "A", "example.com.", 3)})
      .authority({hash + ".example.com. 300 IN NSEC3 1 0 0 - " + hash + " A RRSIG",
                  sig(hash + ".example.com.", "NSEC3", "example.com."),
                  hash + ".bank.com. 300 IN NSEC3 1 0 0 - " + hash + " A RRSIG",
                  sig(hash + ".bank.com.", "NSEC3", "com.")});
  const ScrubResult result = scrub(reply, "host.wild.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result).size() == 2);
  CHECK(authority_of(result) ==
        Texts{hash + ".example.com. NSEC3", hash + ".example.com. RRSIG NSEC3"});
  CHECK(dropped_of(result) ==
        Texts{"authority " + hash + ".bank.com. NSEC3", "authority " + hash + ".bank.com. RRSIG"});
}

TEST_CASE("THREATS rule 9: the proof of a wildcard CNAME earlier in the chain is kept") {
  // RFC 4035 5.3.4: *.example.com. CNAME cdn.other.test. expanded at www.example.com. needs
  // example.com.'s NSEC, though the chain ends in other.test.
  Reply reply("www.example.com.", "A");
  reply
      .answer({"www.example.com. 300 IN CNAME cdn.other.test.",
               sig("www.example.com.", "CNAME", "example.com.", 2),
               "cdn.other.test. 300 IN A 192.0.2.4", sig("cdn.other.test.", "A", "other.test.")})
      .authority({"example.com. 300 IN NSEC zz.example.com. SOA NS NSEC RRSIG",
                  sig("example.com.", "NSEC", "example.com."),
                  "bank.com. 300 IN NSEC zz.bank.com. SOA NS NSEC RRSIG"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(authority_of(result) == Texts{"example.com. NSEC", "example.com. RRSIG NSEC"});
  CHECK(dropped_of(result) == Texts{"authority bank.com. NSEC"});
}

TEST_CASE("THREATS rule 9: a referral keeps nothing but its SOA-based proof") {
  // A stub asks with RD=1: a referral from a recursive upstream is an error, not data.
  Reply referral("www.example.com.", "A");
  referral
      .authority({"example.com. 300 IN NS ns1.example.com.",
                  "example.com. 300 IN DS 1 13 2 "
                  "0000000000000000000000000000000000000000000000000000000000000000"})
      .additional({"ns1.example.com. 300 IN A 192.0.2.53"});
  const ScrubResult result = scrub(referral, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result).empty());
  CHECK(authority_of(result).empty());
  CHECK(additional_of(result).empty());
  CHECK(dropped_of(result) == Texts{"authority example.com. NS", "authority example.com. DS",
                                    "additional ns1.example.com. A"});

  Reply with_soa("www.example.com.", "A");
  with_soa.authority({"example.com. 300 IN NS ns1.example.com.", soa("com.")});
  const ScrubResult soa_kept = scrub(with_soa, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(soa_kept);
  CHECK(authority_of(soa_kept) == Texts{"com. SOA"});
}

// ---- RRSIGs -------------------------------------------------------------------------------

TEST_CASE("THREATS rule 11: more than 8 RRSIGs over one RRset are refused, 8 are kept") {
  for (const int rrsigs : {8, 9}) {
    CAPTURE(rrsigs);
    Reply reply("x.", "A");
    reply.push(LDNS_SECTION_ANSWER, "x. 300 IN A 192.0.2.1");
    for (int i = 0; i < rrsigs; ++i) {
      reply.push(LDNS_SECTION_ANSWER, sig("x.", "A", ".", -1, 1000 + i));
    }
    const ScrubResult result = scrub(reply, "x.", LDNS_RR_TYPE_A);
    if (rrsigs == 8) {
      check_kept(result);
      CHECK(answer_of(result).size() == 9);
    } else {
      check_refused(result, "9 RRSIGs over x./A");
    }
  }
}

TEST_CASE("THREATS rule 11: more than 8 RRSIGs over a kept SOA are refused") {
  Reply reply("nope.example.com.", "A");
  reply.rcode(LDNS_RCODE_NXDOMAIN).push(LDNS_SECTION_AUTHORITY, soa("example.com."));
  for (int i = 0; i < 9; ++i) {
    reply.push(LDNS_SECTION_AUTHORITY, sig("example.com.", "SOA", "example.com.", -1, 2000 + i));
  }
  check_refused(scrub(reply, "nope.example.com.", LDNS_RR_TYPE_A),
                "9 RRSIGs over example.com./SOA");
}

TEST_CASE("THREATS rule 9: an RRSIG over a dropped or absent RRset is dropped") {
  Reply reply("www.example.com.", "A");
  reply
      .answer({"www.example.com. 300 IN A 192.0.2.1", sig("www.example.com.", "A", "example.com."),
               "evil.example.com. 300 IN A 6.6.6.6", sig("evil.example.com.", "A", "example.com."),
               sig("www.example.com.", "AAAA", "example.com.")})
      .authority(
          {"example.com. 300 IN NS ns.attacker.", sig("example.com.", "NS", "example.com.")});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"www.example.com. A", "www.example.com. RRSIG A"});
  CHECK(dropped_of(result) == Texts{"answer evil.example.com. A", "answer evil.example.com. RRSIG",
                                    "answer www.example.com. RRSIG", "authority example.com. NS",
                                    "authority example.com. RRSIG"});
}

TEST_CASE("THREATS rule 11: 9 RRSIGs over a dropped RRset do not refuse the answer") {
  Reply reply("www.example.com.", "A");
  reply.push(LDNS_SECTION_ANSWER, "www.example.com. 300 IN A 192.0.2.1");
  reply.push(LDNS_SECTION_ANSWER, "evil.example.com. 300 IN A 6.6.6.6");
  for (int i = 0; i < 9; ++i) {
    reply.push(LDNS_SECTION_ANSWER, sig("evil.example.com.", "A", "example.com.", -1, 3000 + i));
  }
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"www.example.com. A"});
}

// ---- Section caps -------------------------------------------------------------------------

TEST_CASE("THREATS rule 11: more than max_records_per_section records in a section are refused") {
  const auto addresses = [](Reply& reply, ldns_pkt_section section, int count) {
    for (int i = 0; i < count; ++i) {
      reply.push(section, "www.example.com. 300 IN A 10.0." + std::to_string(i / 250) + "." +
                              std::to_string(i % 250 + 1));
    }
  };
  Reply at_cap("www.example.com.", "A");
  addresses(at_cap, LDNS_SECTION_ANSWER, 100);
  const ScrubResult kept = scrub(at_cap, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(kept);
  CHECK(answer_of(kept).size() == 100);

  Reply over("www.example.com.", "A");
  addresses(over, LDNS_SECTION_ANSWER, 101);
  check_refused(scrub(over, "www.example.com.", LDNS_RR_TYPE_A),
                "more than 100 records in the answer section");

  Reply glue("www.example.com.", "A");
  addresses(glue, LDNS_SECTION_ADDITIONAL, 11);
  ScrubLimits limits;
  limits.max_records_per_section = 10;
  check_refused(scrub(glue, "www.example.com.", LDNS_RR_TYPE_A, limits),
                "more than 10 records in the additional section");
}

// ---- Names, special types, the message ----------------------------------------------------

TEST_CASE("THREATS rule 9: owners are compared case-insensitively (0x20 answers, rule 3)") {
  Reply reply("wWw.ExAmple.CoM.", "A");
  reply
      .answer({"WWW.example.COM. 300 IN CNAME Alias.Example.com.",
               sig("www.EXAMPLE.com.", "CNAME", "Example.Com."),
               "alias.example.com. 300 IN A 192.0.2.1"})
      .authority({soa("EXAMPLE.com."), "ExAmPlE.CoM. 300 IN NS ns.attacker."});
  const ScrubResult result = scrub(reply, "wWw.ExAmple.CoM.", LDNS_RR_TYPE_A);
  check_kept(result);
  CHECK(answer_of(result) ==
        Texts{"www.example.com. CNAME", "www.example.com. RRSIG CNAME", "alias.example.com. A"});
  CHECK(authority_of(result) == Texts{"example.com. SOA"});
  // Reported as the upstream spelled it.
  CHECK(dropped_of(result) == Texts{"authority ExAmPlE.CoM. NS"});
}

TEST_CASE("THREATS rule 9: qtype ANY keeps every RRset at the name, RRSIG the RRSIGs there") {
  Reply any("www.example.com.", "ANY");
  any.answer({"www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN TXT \"hello\"",
              sig("www.example.com.", "TXT", "example.com."),
              "mail.example.com. 300 IN A 6.6.6.6"});
  const ScrubResult all = scrub(any, "www.example.com.", LDNS_RR_TYPE_ANY);
  check_kept(all);
  CHECK(answer_of(all) ==
        Texts{"www.example.com. A", "www.example.com. TXT", "www.example.com. RRSIG TXT"});
  CHECK(dropped_of(all) == Texts{"answer mail.example.com. A"});

  Reply rrsig("www.example.com.", "RRSIG");
  rrsig.answer({sig("www.example.com.", "A", "example.com."),
                sig("www.example.com.", "NSEC", "example.com."),
                sig("mail.example.com.", "A", "example.com."),
                "www.example.com. 300 IN A 192.0.2.1"});
  const ScrubResult sigs = scrub(rrsig, "www.example.com.", LDNS_RR_TYPE_RRSIG);
  check_kept(sigs);
  CHECK(answer_of(sigs) == Texts{"www.example.com. RRSIG A", "www.example.com. RRSIG NSEC"});
  CHECK(dropped_of(sigs) == Texts{"answer mail.example.com. RRSIG", "answer www.example.com. A"});
}

TEST_CASE("THREATS rule 9: qtype CNAME keeps the CNAME and the DNAME it was synthesized from") {
  Reply reply("www.old.test.", "CNAME");
  reply.answer({"old.test. 300 IN DNAME new.test.", "www.old.test. 300 IN CNAME www.new.test.",
                "www.new.test. 300 IN A 192.0.2.5"});
  const ScrubResult result = scrub(reply, "www.old.test.", LDNS_RR_TYPE_CNAME);
  check_kept(result);
  CHECK(answer_of(result) == Texts{"old.test. DNAME", "www.old.test. CNAME"});
  CHECK(dropped_of(result) == Texts{"answer www.new.test. A"});
}

TEST_CASE("THREATS rule 9: the scrubbed message keeps the header, question and EDNS") {
  Reply reply("www.example.com.", "A");
  ldns_pkt* in = reply.get();
  ldns_pkt_set_id(in, 0x1234);
  ldns_pkt_set_aa(in, true);
  ldns_pkt_set_cd(in, true);
  ldns_pkt_set_ad(in, true);
  ldns_pkt_set_edns_extended_rcode(in, 1);
  ldns_pkt_set_edns_version(in, 0);
  reply.rcode(LDNS_RCODE_SERVFAIL)
      .answer({"www.example.com. 300 IN A 192.0.2.1"})
      .additional({"glue.example.com. 300 IN A 192.0.2.2"});
  const ScrubResult result = scrub(reply, "www.example.com.", LDNS_RR_TYPE_A);
  check_kept(result);
  const ldns_pkt* out = result.message.get();
  CHECK(ldns_pkt_id(out) == 0x1234);
  CHECK(ldns_pkt_qr(out));
  CHECK(ldns_pkt_aa(out));
  CHECK(ldns_pkt_rd(out));
  CHECK(ldns_pkt_ra(out));
  CHECK(ldns_pkt_cd(out));
  CHECK(ldns_pkt_ad(out));
  CHECK_FALSE(ldns_pkt_tc(out));
  CHECK(ldns_pkt_get_rcode(out) == LDNS_RCODE_SERVFAIL);
  CHECK(records_of(ldns_pkt_question(out)) == Texts{"www.example.com. A"});
  CHECK(ldns_pkt_qdcount(out) == 1);
  CHECK(ldns_pkt_edns(out));
  CHECK(ldns_pkt_edns_udp_size(out) == 1232);
  CHECK(ldns_pkt_edns_do(out));
  CHECK(ldns_pkt_edns_extended_rcode(out) == 1);
  CHECK(ldns_pkt_arcount(out) == 0);
  // The input is not touched.
  CHECK(ldns_pkt_arcount(in) == 1);

  // And the result goes to the wire with the counts it shows.
  uint8_t* wire = nullptr;
  size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, out, &size) == LDNS_STATUS_OK);
  ldns_pkt* parsed = nullptr;
  CHECK(ldns_wire2pkt(&parsed, wire, size) == LDNS_STATUS_OK);
  free(wire);  // NOLINT: ldns allocates with malloc
  LdnsPkt reparsed(parsed);
  REQUIRE(reparsed != nullptr);
  CHECK(ldns_pkt_ancount(reparsed.get()) == 1);
  CHECK(ldns_pkt_arcount(reparsed.get()) == 0);
  CHECK(ldns_pkt_edns_udp_size(reparsed.get()) == 1232);
}
