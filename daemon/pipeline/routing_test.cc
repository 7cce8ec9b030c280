#include "daemon/pipeline/routing.h"

#include <doctest/doctest.h>

#include "dns/name.h"
#include "tests/support/seeded_random.h"

using namespace vigil;

namespace {
ForwardZone forward(const char* zone, const char* upstream) {
  ForwardZone f;
  f.zone = zone;
  auto wire = dns::from_text(zone);
  f.zone_wire.assign(wire->bytes.begin(), wire->bytes.begin() + wire->length);
  f.upstreams.push_back(*SocketAddress::parse(upstream));
  return f;
}
dns::Bytes name(const char* text, dns::WireName& storage) {
  storage = *dns::from_text(text);
  return storage.view();
}
}  // namespace

TEST_CASE("split DNS: the most closely enclosing forward zone wins, else the default group") {
  Config config;
  config.upstreams.push_back(*SocketAddress::parse("127.0.0.1:53"));
  config.forwards.push_back(forward("corp.example.", "127.0.0.2:53"));
  config.forwards.push_back(forward("lab.corp.example.", "127.0.0.3:53"));
  testing::SeededRandom random(9);
  auto routing = Routing::build(config, nullptr, random);
  dns::WireName storage;
  CHECK(routing.route(name("www.example", storage))->zone == ".");
  CHECK(routing.route(name("DB.Corp.Example", storage))->zone == "corp.example.");
  CHECK(routing.route(name("x.lab.corp.example", storage))->zone == "lab.corp.example.");
  CHECK(routing.route(name("xcorp.example", storage))->zone == ".");
}

TEST_CASE("a reload keeps what was learned about upstreams that stay, with new group ids") {
  Config config;
  config.upstreams.push_back(*SocketAddress::parse("127.0.0.1:53"));
  testing::SeededRandom random(10);
  auto first = Routing::build(config, nullptr, random);
  first.groups()[0]->upstreams[0]->server_cookie_length = 8;
  config.upstreams.push_back(*SocketAddress::parse("127.0.0.9:53"));
  auto second = Routing::build(config, &first, random);
  CHECK(second.groups()[0]->upstreams[0]->server_cookie_length == 8);
  CHECK(second.groups()[0]->upstreams[1]->server_cookie_length == 0);
  CHECK(second.groups()[0]->id != first.groups()[0]->id);
  // Client cookies differ per upstream (RFC 9018).
  CHECK(second.groups()[0]->upstreams[0]->client_cookie !=
        second.groups()[0]->upstreams[1]->client_cookie);
}

TEST_CASE("critical names cover their subtree, and only it") {
  Config config;
  auto critical = dns::from_text("pay.example.");
  config.critical.push_back(CriticalName{
      "pay.example.", {critical->bytes.begin(), critical->bytes.begin() + critical->length}});
  dns::WireName storage;
  CHECK(is_critical(config, name("pay.example.", storage)));
  CHECK(is_critical(config, name("api.pay.example.", storage)));
  CHECK_FALSE(is_critical(config, name("xpay.example.", storage)));
  CHECK_FALSE(is_critical(config, name("example.", storage)));
}

TEST_CASE("a TLS upstream is kept across a reload only with the same settings") {
  Config config;
  TlsUpstream tls;
  tls.address = *SocketAddress::parse("127.0.0.1:853");
  tls.auth_name = "dns.example";
  config.tls_upstreams.push_back(tls);
  config.upstreams.push_back(*SocketAddress::parse("127.0.0.1:53"));
  testing::SeededRandom random(11);
  auto first = Routing::build(config, nullptr, random);
  REQUIRE(first.groups()[0]->upstreams.size() == 2);
  CHECK(first.groups()[0]->has_tls());
  CHECK(first.groups()[0]->upstreams[1]->name() == "tls://127.0.0.1:853#dns.example");
  auto same = Routing::build(config, &first, random);
  CHECK(same.groups()[0]->upstreams[1] == first.groups()[0]->upstreams[1]);
  config.tls_upstreams[0].pin_only = true;
  config.tls_upstreams[0].pins.push_back({});
  auto changed = Routing::build(config, &same, random);
  CHECK(changed.groups()[0]->upstreams[1] != first.groups()[0]->upstreams[1]);
  CHECK(changed.groups()[0]->upstreams[0] == first.groups()[0]->upstreams[0]);
}
