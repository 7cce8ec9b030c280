#include "daemon/config/access_control.h"

#include <doctest/doctest.h>

#include "daemon/config/bad_value.h"

using namespace vigil;

namespace {
SocketAddress client(const char* text) { return *SocketAddress::parse(text); }
}  // namespace

TEST_CASE("the default ACL allows loopback only and refuses everyone else") {
  const auto rules = default_access_rules();
  CHECK(decide_access(rules, client("127.0.0.1:4000")) == AccessAction::Allow);
  CHECK(decide_access(rules, client("127.5.6.7:4000")) == AccessAction::Allow);
  CHECK(decide_access(rules, client("[::1]:4000")) == AccessAction::Allow);
  CHECK(decide_access(rules, client("192.0.2.1:4000")) == AccessAction::Refuse);
  CHECK(decide_access(rules, client("[2001:db8::1]:4000")) == AccessAction::Refuse);
  // A dual-stack socket sees IPv4 clients as ::ffff:a.b.c.d.
  CHECK(decide_access(rules, client("[::ffff:127.0.0.1]:4000")) == AccessAction::Allow);
}

TEST_CASE("the most specific prefix wins, whatever the order") {
  std::vector<AccessRule> rules;
  add_access_rule(rules, parse_access_rule("10.1.2.0/24 deny"));
  add_access_rule(rules, parse_access_rule("10.0.0.0/8 allow"));
  add_access_rule(rules, parse_access_rule("10.1.2.3 allow"));
  add_access_rule(rules, parse_access_rule("2001:db8::/32 refuse"));
  CHECK(decide_access(rules, client("10.9.9.9:1")) == AccessAction::Allow);
  CHECK(decide_access(rules, client("10.1.2.4:1")) == AccessAction::Deny);
  CHECK(decide_access(rules, client("10.1.2.3:1")) == AccessAction::Allow);
  CHECK(decide_access(rules, client("[2001:db8::5]:1")) == AccessAction::Refuse);
  CHECK(decide_access(rules, client("11.0.0.1:1")) == AccessAction::Refuse);
}

TEST_CASE("access rules: syntax errors are explained") {
  CHECK(prefix_text(parse_access_rule("::1/128 allow")) == "::1/128");
  CHECK(prefix_text(parse_access_rule("::ffff:10.0.0.0/104 allow")) == "10.0.0.0/8");
  CHECK_THROWS_WITH_AS(parse_access_rule("10.0.0.1/8 allow"),
                       "\"10.0.0.1/8\" has bits set after the prefix length (did you mean "
                       "10.0.0.0/8?)",
                       BadValue);
  CHECK_THROWS_AS(parse_access_rule("10.0.0.0/33 allow"), BadValue);
  CHECK_THROWS_AS(parse_access_rule("10.0.0.0/8 maybe"), BadValue);
  CHECK_THROWS_AS(parse_access_rule("10.0.0.0/8"), BadValue);
  std::vector<AccessRule> rules;
  add_access_rule(rules, parse_access_rule("10.0.0.0/8 allow"));
  CHECK_THROWS_AS(add_access_rule(rules, parse_access_rule("10.0.0.0/8 deny")), BadValue);
}
