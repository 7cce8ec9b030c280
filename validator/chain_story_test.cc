#include "validator/chain_story.h"

#include <doctest/doctest.h>

#include "validator/test_zone_builder.h"

using namespace vigil::validator;
using namespace vigil::validator::test_zones;

TEST_CASE("The chain story names each zone cut from the anchor down, with its keys") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  REQUIRE(session.zone_trust("sec.test.").verdict.is_secure());
  const auto www = name("www.sec.test.");
  AnchorSet anchors = world().root_anchor();
  const auto story = chain_story(www.get(), anchors, session.cached, session.learned);
  REQUIRE(story.size() == 4);
  CHECK(story[0] == "trust anchor .");
  CHECK(story[1].starts_with("zone .: secure, DNSKEY "));
  CHECK(story[2].starts_with("zone test.: secure, DNSKEY "));
  CHECK(story[3].starts_with("zone sec.test.: secure, DNSKEY "));
  CHECK(story[3].find("KSK") != std::string::npos);
  CHECK(story[3].find("ZSK") != std::string::npos);
  CHECK(story[3].find("/alg") != std::string::npos);
}

TEST_CASE("The chain story gives the reason for a bogus or insecure zone") {
  const Upstream upstream = world().upstream();
  Session session(upstream, world().root_anchor());
  REQUIRE(session.zone_trust("bad.test.").verdict.is_bogus());
  AnchorSet anchors = world().root_anchor();
  const auto bad = name("www.bad.test.");
  const auto story = chain_story(bad.get(), anchors, session.cached, session.learned);
  REQUIRE_FALSE(story.empty());
  CHECK(story.back().starts_with("zone bad.test.: bogus ("));
  // A cached fact counts as much as a learned one.
  ZoneFacts cached;
  cached["unsigned.test."] = ZoneFact{ZoneState::Insecure, nullptr,
                                      Verdict::insecure(Reason::None, "no DS at the delegation"), 300};
  const auto unsigned_name = name("www.unsigned.test.");
  const auto insecure = chain_story(unsigned_name.get(), anchors, cached, ZoneFacts{});
  CHECK(insecure.back() == "zone unsigned.test.: insecure: no DS at the delegation");
}
