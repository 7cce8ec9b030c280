#include "validator/scrub_fast_path.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "validator/scrub_agreement.h"

using namespace vigil::validator;
using namespace vigil::validator::testing;
using vigil::dns::LdnsPkt;

namespace {

// An upstream reply to `qname`/`qtype` (QR, RD, RA, EDNS with DO) in wire form.
struct ReplyBuilder {
  LdnsPkt pkt{ldns_pkt_new()};

  ReplyBuilder(const std::string& qname, const std::string& qtype, bool edns = true) {
    ldns_pkt_set_qr(pkt.get(), true);
    ldns_pkt_set_rd(pkt.get(), true);
    ldns_pkt_set_ra(pkt.get(), true);
    if (edns) {
      ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
      ldns_pkt_set_edns_do(pkt.get(), true);
    }
    ldns_rr* question = nullptr;
    const std::string text = qname + " IN " + qtype;
    REQUIRE(ldns_rr_new_question_frm_str(&question, text.c_str(), nullptr, nullptr) ==
            LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, question);
  }
  ReplyBuilder& add(ldns_pkt_section section, const std::string& text) {
    ldns_rr* rr = nullptr;
    REQUIRE_MESSAGE(ldns_rr_new_frm_str(&rr, text.c_str(), 300, nullptr, nullptr) == LDNS_STATUS_OK,
                    text);
    ldns_pkt_push_rr(pkt.get(), section, rr);
    return *this;
  }
  ReplyBuilder& answer(const std::string& text) { return add(LDNS_SECTION_ANSWER, text); }
  ReplyBuilder& authority(const std::string& text) { return add(LDNS_SECTION_AUTHORITY, text); }
  ReplyBuilder& additional(const std::string& text) { return add(LDNS_SECTION_ADDITIONAL, text); }
  std::vector<uint8_t> wire() const { return wire_of(pkt.get()); }
};

std::string sig(const std::string& owner, const std::string& covered, const std::string& signer,
                int key_tag = 12345, int labels = 3) {
  return owner + " 300 IN RRSIG " + covered + " 13 " + std::to_string(labels) +
         " 300 20270101000000 20260101000000 " + std::to_string(key_tag) + " " + signer +
         " dGVzdA==";
}

std::string soa(const std::string& zone) {
  return zone + " 300 IN SOA ns1." + zone + " hostmaster." + zone + " 1 7200 3600 1209600 300";
}

const char* const kQname = "www.example.com.";

bool clean(const ReplyBuilder& reply, ldns_rr_type qtype = LDNS_RR_TYPE_A,
           const ScrubLimits& limits = {}) {
  return check_fast_path_agrees(reply.wire(), lower_wire_name(kQname), qtype, limits);
}

}  // namespace

TEST_CASE("THREATS rule 9: a minimal positive answer and its RRSIGs need no full scrub") {
  ReplyBuilder reply(kQname, "A");
  reply.answer("www.example.com. 300 IN A 192.0.2.1")
      .answer("WWW.Example.com. 300 IN A 192.0.2.2")
      .answer(sig("www.example.com.", "A", "example.com."));
  CHECK(clean(reply));
  ReplyBuilder unsigned_aaaa(kQname, "AAAA", false);
  unsigned_aaaa.answer("www.example.com. 300 IN AAAA 2001:db8::1");
  CHECK(clean(unsigned_aaaa, LDNS_RR_TYPE_AAAA));
}

TEST_CASE("THREATS rule 9: anything off the question's name goes to the full scrubber") {
  ReplyBuilder other_owner(kQname, "A");
  other_owner.answer("www.example.com. 300 IN A 192.0.2.1")
      .answer("bank.example.net. 300 IN A 6.6.6.6");
  CHECK_FALSE(clean(other_owner));
  ReplyBuilder ns(kQname, "A");
  ns.answer("www.example.com. 300 IN A 192.0.2.1").authority("example.com. 300 IN NS ns.evil.");
  CHECK_FALSE(clean(ns));
  ReplyBuilder glue(kQname, "A");
  glue.answer("www.example.com. 300 IN A 192.0.2.1").additional("ns.evil. 300 IN A 6.6.6.6");
  CHECK_FALSE(clean(glue));
  ReplyBuilder cname(kQname, "A");
  cname.answer("www.example.com. 300 IN CNAME x.example.com.")
      .answer("x.example.com. 300 IN A 192.0.2.1");
  CHECK_FALSE(clean(cname));
  ReplyBuilder other_class(kQname, "A");
  other_class.answer("www.example.com. 300 CH A 192.0.2.1");
  CHECK_FALSE(clean(other_class));
  ReplyBuilder foreign_sig(kQname, "A");
  foreign_sig.answer("www.example.com. 300 IN A 192.0.2.1")
      .answer(sig("www.example.com.", "AAAA", "example.com."));
  CHECK_FALSE(clean(foreign_sig));
  ReplyBuilder only_sig(kQname, "A");
  only_sig.answer(sig("www.example.com.", "A", "example.com."));
  CHECK_FALSE(clean(only_sig));
}

TEST_CASE("THREATS rule 11: the fast path never passes an answer over a cap") {
  ReplyBuilder nine(kQname, "A");
  nine.answer("www.example.com. 300 IN A 192.0.2.1");
  for (int tag = 1; tag <= 9; ++tag) nine.answer(sig("www.example.com.", "A", "example.com.", tag));
  CHECK_FALSE(clean(nine));
  ScrubLimits nine_allowed;
  nine_allowed.max_rrsigs_per_rrset = 9;
  CHECK(clean(nine, LDNS_RR_TYPE_A, nine_allowed));

  ReplyBuilder many(kQname, "A");
  for (int i = 1; i <= 5; ++i) many.answer("www.example.com. 300 IN A 192.0.2." + std::to_string(i));
  ScrubLimits four;
  four.max_records_per_section = 4;
  CHECK_FALSE(clean(many, LDNS_RR_TYPE_A, four));
  CHECK(clean(many));

  ReplyBuilder soa_sigs(kQname, "A");
  soa_sigs.authority(soa("example.com."));
  for (int tag = 1; tag <= 9; ++tag) {
    soa_sigs.authority(sig("example.com.", "SOA", "example.com.", tag, 2));
  }
  CHECK_FALSE(clean(soa_sigs));
}

TEST_CASE("THREATS rule 9: a negative answer with its zone's SOA and NSEC needs no full scrub") {
  ReplyBuilder nxdomain(kQname, "A");
  nxdomain.authority(soa("Example.com."))
      .authority(sig("example.com.", "SOA", "example.com.", 1, 2))
      .authority("example.com. 300 IN NSEC zzz.example.com. A SOA RRSIG NSEC")
      .authority(sig("example.com.", "NSEC", "example.com.", 1, 2))
      .authority("abcd.example.com. 300 IN NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG")
      .authority(sig("abcd.example.com.", "NSEC3", "example.com."));
  CHECK(clean(nxdomain));
  CHECK(clean(ReplyBuilder(kQname, "MX")));  // nothing at all: nothing to cut

  ReplyBuilder two_zones(kQname, "A");
  two_zones.authority(soa("example.com.")).authority(soa("com."));
  CHECK_FALSE(clean(two_zones));
  ReplyBuilder foreign_nsec(kQname, "A");
  foreign_nsec.authority(soa("example.com."))
      .authority("a.example.net. 300 IN NSEC b.example.net. A");
  CHECK_FALSE(clean(foreign_nsec));
  ReplyBuilder zone_below(kQname, "A");
  zone_below.authority(soa("sub.www.example.com."));
  CHECK_FALSE(clean(zone_below));
  ReplyBuilder no_soa(kQname, "A");
  no_soa.authority("example.com. 300 IN NSEC zzz.example.com. A SOA RRSIG NSEC")
      .authority(sig("example.com.", "NSEC", "example.com.", 1, 2));
  CHECK_FALSE(clean(no_soa));
  ReplyBuilder ds(kQname, "A");
  ds.authority(soa("example.com.")).authority(sig("example.com.", "DS", "example.com.", 1, 2));
  CHECK_FALSE(clean(ds));
}

namespace {

// Records the generator draws from: on the question's name and off it, every section's usual
// inhabitants and the attacker's favourites, in mixed letter case.
constexpr const char* kDigest = "3490A6806D47F17A34C29E2CE80E8A999FFBE4BE3490A6806D47F17A34C29E2C";

const std::vector<std::string>& record_pool() {
  static const std::vector<std::string> pool = {
      "www.example.com. 300 IN A 192.0.2.1",
      "WwW.ExAmple.com. 300 IN A 192.0.2.2",
      "www.example.com. 300 IN AAAA 2001:db8::1",
      "www.example.com. 300 IN TXT \"hello\"",
      "www.example.com. 300 CH A 192.0.2.4",
      "other.example.com. 300 IN A 192.0.2.3",
      "www.example.com. 300 IN CNAME other.example.com.",
      "example.com. 300 IN DNAME example.net.",
      "example.com. 300 IN NS ns1.example.com.",
      "ns1.example.com. 300 IN A 192.0.2.53",
      soa("example.com."),
      soa("EXAMPLE.COM."),
      soa("com."),
      soa("www.example.com."),
      soa("example.net."),
      soa("sub.www.example.com."),
      "example.com. 300 IN NSEC zzz.example.com. A SOA RRSIG NSEC",
      "www.example.com. 300 IN NSEC x.example.com. RRSIG NSEC",
      "a.example.net. 300 IN NSEC b.example.net. A",
      "abcd.example.com. 300 IN NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG",
      std::string("example.com. 300 IN DS 12345 13 2 ") + kDigest,
      sig("www.example.com.", "A", "example.com."),
      sig("WWW.example.com.", "A", "Example.com.", 2),
      sig("www.example.com.", "AAAA", "example.com."),
      sig("other.example.com.", "A", "example.com."),
      sig("www.example.com.", "CNAME", "example.com."),
      sig("example.com.", "SOA", "example.com.", 1, 2),
      sig("example.com.", "NSEC", "example.com.", 1, 2),
      sig("www.example.com.", "NSEC", "example.com."),
      sig("abcd.example.com.", "NSEC3", "example.com."),
      sig("example.net.", "SOA", "example.net.", 1, 2),
      sig("example.com.", "DS", "com.", 1, 2),
  };
  return pool;
}

// A reply of the shape the fast path recognises, then (sometimes) one record more.
ReplyBuilder near_clean(std::mt19937& random, const std::string& qtype) {
  ReplyBuilder reply(kQname, qtype, random() % 4 != 0);
  const auto& pool = record_pool();
  const unsigned signatures = random() % 11;
  if (random() % 2 == 0) {
    const std::string data = qtype == "AAAA" ? pool[2] : pool[random() % 2];
    reply.answer(data);
    for (unsigned i = 0; i < signatures; ++i) {
      reply.answer(sig("www.example.com.", qtype, "example.com.", static_cast<int>(i)));
    }
  } else {
    reply.authority(soa("example.com."));
    for (unsigned i = 0; i < signatures; ++i) {
      reply.authority(sig("example.com.", "SOA", "example.com.", static_cast<int>(i), 2));
    }
    if (random() % 2 == 0) reply.authority(pool[16]).authority(pool[27]);
  }
  if (random() % 2 == 0) {
    const auto section = static_cast<ldns_pkt_section>(LDNS_SECTION_ANSWER + random() % 3);
    reply.add(section, pool[random() % pool.size()]);
  }
  return reply;
}

// Records drawn at random into each section.
ReplyBuilder random_reply(std::mt19937& random, const std::string& qtype) {
  ReplyBuilder reply(kQname, qtype, random() % 4 != 0);
  const auto& pool = record_pool();
  for (int section = 0; section < 3; ++section) {
    const unsigned count = random() % (section == 2 ? 3 : 6);
    for (unsigned i = 0; i < count; ++i) {
      reply.add(static_cast<ldns_pkt_section>(LDNS_SECTION_ANSWER + section),
                pool[random() % pool.size()]);
    }
  }
  return reply;
}

}  // namespace

TEST_CASE("THREATS rules 9-11: where the fast path says clean, the full scrubber cuts nothing") {
  std::mt19937 random(20261123);  // fixed seed: the same replies on every run
  const std::pair<const char*, ldns_rr_type> qtypes[] = {
      {"A", LDNS_RR_TYPE_A},         {"A", LDNS_RR_TYPE_A},         {"AAAA", LDNS_RR_TYPE_AAAA},
      {"TXT", LDNS_RR_TYPE_TXT},     {"CNAME", LDNS_RR_TYPE_CNAME}, {"ANY", LDNS_RR_TYPE_ANY},
      {"RRSIG", LDNS_RR_TYPE_RRSIG}, {"SOA", LDNS_RR_TYPE_SOA},     {"NS", LDNS_RR_TYPE_NS}};
  ScrubLimits tight;
  tight.max_chain = 1;
  tight.max_rrsigs_per_rrset = 2;
  tight.max_records_per_section = 3;
  const auto qname = lower_wire_name(kQname);
  unsigned clean_replies = 0, clean_mutants = 0, mutants = 0;
  for (int round = 0; round < 1500; ++round) {
    const auto& [qtype_text, qtype] = qtypes[random() % std::size(qtypes)];
    const ReplyBuilder reply =
        round % 2 == 0 ? near_clean(random, qtype_text) : random_reply(random, qtype_text);
    const ScrubLimits limits = random() % 3 == 0 ? tight : ScrubLimits{};
    const auto wire = reply.wire();
    if (check_fast_path_agrees(wire, qname, qtype, limits)) ++clean_replies;
    // Mutants: a few bytes changed anywhere after the header (names, types, lengths, RDATA).
    for (int m = 0; m < 4 && wire.size() > 12; ++m) {
      auto mutant = wire;
      const unsigned flips = 1 + random() % 3;
      for (unsigned f = 0; f < flips; ++f) {
        const std::size_t at = 12 + random() % (mutant.size() - 12);
        mutant[at] = random() % 2 == 0 ? static_cast<uint8_t>(random()) : mutant[at] ^ 0x20;
      }
      if (random() % 5 == 0) mutant.resize(mutant.size() - 1 - random() % 4);
      ++mutants;
      if (check_fast_path_agrees(mutant, qname, qtype, limits)) ++clean_mutants;
    }
  }
  // The comparison means something only if both kinds of verdict came up often.
  MESSAGE("clean replies ", clean_replies, " of 1500, clean mutants ", clean_mutants, " of ",
          mutants);
  CHECK(clean_replies > 100);
  CHECK(clean_replies < 1300);
  CHECK(clean_mutants > 200);
}
