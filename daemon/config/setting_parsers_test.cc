#include "daemon/config/setting_parsers.h"

#include <doctest/doctest.h>

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/resolv_conf.h"

using namespace vigil;

TEST_CASE("addresses: listeners need a port, servers default to 53, IPv6 in brackets") {
  CHECK(parse_listen_address("[::1]:5300").to_string() == "[::1]:5300");
  CHECK_THROWS_AS(parse_listen_address("::1"), BadValue);
  CHECK_THROWS_AS(parse_listen_address("127.0.0.1:0"), BadValue);
  CHECK(parse_server_address("192.0.2.1").to_string() == "192.0.2.1:53");
  CHECK(parse_server_address("2001:db8::1").to_string() == "[2001:db8::1]:53");
  CHECK(parse_server_address("[2001:db8::1]:5353").to_string() == "[2001:db8::1]:5353");
  CHECK_THROWS_AS(parse_server_address("0.0.0.0"), BadValue);
  CHECK_THROWS_AS(parse_server_address("example.com"), BadValue);
}

TEST_CASE("durations: plain milliseconds, ms and s suffixes, bounded") {
  CHECK(parse_duration("1500").count() == 1500);
  CHECK(parse_duration("250ms").count() == 250);
  CHECK(parse_duration("2s").count() == 2000);
  CHECK_THROWS_AS(parse_duration("0"), BadValue);
  CHECK_THROWS_AS(parse_duration("2m"), BadValue);
  CHECK_THROWS_AS(parse_duration("3601s"), BadValue);
  CHECK_THROWS_AS(parse_duration("-5"), BadValue);
}

TEST_CASE("outgoing port range: at least 1024, at least 32768 ports wide") {
  const PortRange range = parse_port_range("32768-65535");
  CHECK(range.low == 32768);
  CHECK(range.high == 65535);
  CHECK_THROWS_AS(parse_port_range("53-65535"), BadValue);
  CHECK_THROWS_AS(parse_port_range("40000-50000"), BadValue);
  CHECK_THROWS_AS(parse_port_range("1024-70000"), BadValue);
  CHECK_THROWS_AS(parse_port_range("60000-2000"), BadValue);
  CHECK_THROWS_AS(parse_port_range("1024"), BadValue);
}

TEST_CASE("numbers, switches, modes and levels") {
  CHECK(parse_unsigned("64", 1, 100) == 64);
  CHECK_THROWS_AS(parse_unsigned("0", 1, 100), BadValue);
  CHECK_THROWS_AS(parse_unsigned("12x", 1, 100), BadValue);
  CHECK(parse_yes_no("yes"));
  CHECK_FALSE(parse_yes_no("no"));
  CHECK_THROWS_AS(parse_yes_no("true"), BadValue);
  CHECK(parse_dnssec_mode("validate") == DnssecMode::Validate);
  CHECK(parse_log_level("debug") == "debug");
}

TEST_CASE("domain names: lower-cased, trailing dot optional, RFC 1035 limits") {
  const DomainName name = parse_domain_name("Corp.Example");
  CHECK(name.text == "corp.example.");
  CHECK(name.wire == std::vector<uint8_t>{4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l',
                                          'e', 0});
  CHECK(parse_domain_name(".").wire == std::vector<uint8_t>{0});
  CHECK_THROWS_AS(parse_domain_name(std::string(64, 'a') + ".example"), BadValue);
  CHECK_THROWS_AS(parse_domain_name("a b.example"), BadValue);
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "abcd.";
  CHECK_THROWS_AS(parse_domain_name(long_name), BadValue);
}

TEST_CASE("resolv.conf: nameserver lines only; vigil itself is skipped") {
  const auto servers = parse_resolv_conf(
      "search example\n; comment\nnameserver 192.0.2.1\nnameserver fe80::1%eth0\n"
      "nameserver   2001:db8::2  \nnameserver bogus\n");
  REQUIRE(servers.size() == 2);
  CHECK(servers[1].to_string() == "[2001:db8::2]:53");
  const std::vector<SocketAddress> wildcard{*SocketAddress::parse("0.0.0.0:53")};
  const auto upstreams =
      default_upstreams({*SocketAddress::parse("127.0.0.53:53"), servers[0]}, wildcard);
  REQUIRE(upstreams.size() == 1);
  CHECK(upstreams[0].to_string() == "192.0.2.1:53");
}
