#include "daemon/config/tls_upstream.h"

#include <doctest/doctest.h>

#include "daemon/config/bad_value.h"
#include "daemon/config/config_loader.h"
#include "daemon/config/forward_zone.h"
#include "daemon/net/spki_pin.h"
#include "tests/support/temp_file.h"

using namespace vigil;

namespace {

// sha256/ of 32 bytes 0x00..0x1f, computed with `base64`.
constexpr const char* kPin = "sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string error_of(std::string_view text) {
  try {
    parse_tls_upstream(text);
  } catch (const BadValue& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("RFC 7469 2.4: an SPKI pin is sha256/ and the base64 of 32 bytes, and reads back") {
  const auto pin = parse_spki_pin(kPin);
  REQUIRE(pin);
  for (std::size_t i = 0; i < pin->size(); ++i) CHECK((*pin)[i] == i);
  CHECK(spki_pin_text(*pin) == kPin);
  CHECK_FALSE(parse_spki_pin("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));  // no sha256/
  CHECK_FALSE(parse_spki_pin("sha1/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
  CHECK_FALSE(parse_spki_pin("sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh=="));  // 31 bytes
  CHECK_FALSE(parse_spki_pin("sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));   // short
  CHECK_FALSE(parse_spki_pin("sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH*8="));  // not base64
}

TEST_CASE("RFC 7858 3.1: a tls:// upstream defaults to port 853 and keeps its options") {
  const auto upstream =
      parse_tls_upstream(std::string("tls://192.0.2.1#DNS.Example.  pin=") + kPin + " pin=" + kPin);
  CHECK(upstream.address.to_string() == "192.0.2.1:853");
  CHECK(upstream.auth_name == "dns.example");
  CHECK(upstream.pins.size() == 2);
  CHECK_FALSE(upstream.pin_only);
  CHECK(upstream.ca_file.empty());
  CHECK(upstream.name() == "tls://192.0.2.1:853#dns.example");
  CHECK(parse_tls_upstream("tls://[2001:db8::1]:8853#a.example").address.to_string() ==
        "[2001:db8::1]:8853");
  CHECK(parse_tls_upstream("tls://2001:db8::1#a.example").address.to_string() ==
        "[2001:db8::1]:853");
  const testing::TempFile ca("not checked here: OpenSSL reads it when it connects");
  const auto with_ca = parse_tls_upstream("tls://192.0.2.1:853#a.example ca=" + ca.path());
  CHECK(with_ca.ca_file == ca.path());
  const auto pinned =
      parse_tls_upstream(std::string("tls://192.0.2.1#a.example pin-only pin=") + kPin);
  CHECK(pinned.pin_only);
}

TEST_CASE("a bad tls:// upstream is refused with the part that is wrong") {
  CHECK(error_of("tls://192.0.2.1").find("has no #AUTH_NAME") != std::string::npos);
  CHECK(error_of("tls://192.0.2.1#").find("AUTH_NAME: \"\" is empty") != std::string::npos);
  CHECK(error_of("tls://192.0.2.1:99999#a.example").starts_with("address: "));
  CHECK(error_of("tls://0.0.0.0#a.example").starts_with("address: "));
  CHECK(error_of("tls://192.0.2.1#a..example").starts_with("AUTH_NAME: "));
  CHECK(error_of("tls://192.0.2.1#a.example pin=sha256/xyz") ==
        "\"pin=sha256/xyz\" is not pin=sha256/BASE64 (the base64 SHA-256 of the certificate's "
        "SubjectPublicKeyInfo, 44 characters)");
  CHECK(error_of("tls://192.0.2.1#a.example pin-only").starts_with("pin-only needs at least"));
  CHECK(error_of("tls://192.0.2.1#a.example ca=/nonexistent/ca.pem") ==
        "ca=: \"/nonexistent/ca.pem\" does not exist");
  CHECK(error_of("tls://192.0.2.1#a.example frob=1").starts_with("\"frob=1\" is not pin="));
  std::vector<TlsUpstream> upstreams;
  add_tls_upstream(upstreams, parse_tls_upstream("tls://192.0.2.1#a.example"));
  CHECK_THROWS_WITH_AS(
      add_tls_upstream(upstreams, parse_tls_upstream("tls://192.0.2.1:853#b.example")),
      "tls://192.0.2.1:853 is listed twice", BadValue);
}

TEST_CASE("forward zones take tls:// servers beside plain ones") {
  const auto zone = parse_forward_zone(std::string("corp.example=tls://192.0.2.1#dns.corp pin=") +
                                       kPin + ", 192.0.2.2");
  REQUIRE(zone.tls_upstreams.size() == 1);
  CHECK(zone.tls_upstreams[0].auth_name == "dns.corp");
  CHECK(zone.tls_upstreams[0].pins.size() == 1);
  REQUIRE(zone.upstreams.size() == 1);
  CHECK(zone.upstreams[0].to_string() == "192.0.2.2:53");
}

TEST_CASE("config: tls:// upstreams and critical names, errors naming the file and line") {
  const testing::TempFile file(std::string("upstream tls://192.0.2.1#dns.example pin=") + kPin +
                               "\ncritical pay.example\ncritical Hooks.Partner.Example.\n");
  const auto config = load_config(CommandLine{}, SystemFiles{file.path(), "/nonexistent"});
  CHECK(config.upstreams.empty());  // a TLS upstream is an upstream: no resolv.conf default
  REQUIRE(config.tls_upstreams.size() == 1);
  REQUIRE(config.critical.size() == 2);
  CHECK(config.critical[1].name == "hooks.partner.example.");
  const testing::TempFile both(
      "upstream tls://127.0.0.1:853#dns.example\nupstream 127.0.0.1:853\n");
  CHECK_THROWS_WITH_AS(load_config(CommandLine{}, SystemFiles{both.path(), "/nonexistent"}),
                       (both.path() + ":2: upstream: 127.0.0.1:853 is also a TLS upstream "
                                      "(tls://127.0.0.1:853#dns.example): it would be asked in "
                                      "clear text")
                           .c_str(),
                       ConfigError);
  const testing::TempFile bad("critical a.example\nupstream tls://192.0.2.1#x pin=sha256/no\n");
  CHECK_THROWS_WITH_AS(load_config(CommandLine{}, SystemFiles{bad.path(), "/nonexistent"}),
                       (bad.path() + ":2: upstream: \"pin=sha256/no\" is not pin=sha256/BASE64 "
                                     "(the base64 SHA-256 of the certificate's "
                                     "SubjectPublicKeyInfo, 44 characters)")
                           .c_str(),
                       ConfigError);
}
