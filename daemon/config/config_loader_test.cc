#include "daemon/config/config_loader.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "daemon/config/config_file.h"
#include "tests/support/temp_file.h"

using namespace vigil;
using vigil::testing::TempFifo;
using vigil::testing::TempFile;

namespace {

CommandLine command_line(std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "vigild");
  return parse_command_line(static_cast<int>(arguments.size()), arguments.data());
}

// Loads with no default config file and the given resolv.conf text.
Config load(std::vector<const char*> arguments, const std::string& resolv_conf = "") {
  const TempFile resolv(resolv_conf);
  return load_config(command_line(std::move(arguments)),
                     SystemFiles{"/nonexistent/vigil.conf", resolv.path()});
}

std::string error_of(std::vector<const char*> arguments) {
  try {
    load(std::move(arguments), "nameserver 192.0.2.1\n");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

std::vector<std::string> texts(const std::vector<SocketAddress>& addresses) {
  std::vector<std::string> result;
  result.reserve(addresses.size());
  for (const auto& address : addresses) result.push_back(address.to_string());
  return result;
}

}  // namespace

TEST_CASE("config lines: key and value, comments, quotes, blank lines") {
  CHECK_FALSE(split_config_line("").has_value());
  CHECK_FALSE(split_config_line("   # just a comment").has_value());
  auto line = split_config_line("  upstream   192.0.2.1:53   # primary\r");
  REQUIRE(line);
  CHECK(line->key == "upstream");
  CHECK(line->value == "192.0.2.1:53");
  line = split_config_line("pin \"x.example TXT \\\"a # b\\\"\"");
  REQUIRE(line);
  CHECK(line->value == "x.example TXT \\\"a # b\\\"");
  line = split_config_line("pin 'x.example TXT \"a # b\"'");
  REQUIRE(line);
  CHECK(line->value == "x.example TXT \"a # b\"");
  line = split_config_line("log-level");
  REQUIRE(line);
  CHECK(line->value.empty());
}

TEST_CASE("command line: --key value, --key=value, switches, errors") {
  const auto parsed = command_line({"--listen", "127.0.0.1:5300", "--upstream=192.0.2.1",
                                    "--check-config", "--config", "/etc/x.conf", "--version"});
  CHECK(parsed.check_config);
  CHECK(parsed.show_version);
  CHECK(parsed.config_file == "/etc/x.conf");
  CHECK(parsed.config_file_given);
  REQUIRE(parsed.settings.size() == 2);
  CHECK(parsed.settings[0].key == "listen");
  CHECK(parsed.settings[1].value == "192.0.2.1");
  CHECK(command_line({"-h"}).show_help);
  CHECK_THROWS_WITH_AS(command_line({"--frobnicate", "1"}),
                       "command line: unknown option --frobnicate", ConfigError);
  CHECK_THROWS_WITH_AS(command_line({"--upstream"}), "command line: --upstream needs a value",
                       ConfigError);
  CHECK_THROWS_WITH_AS(command_line({"--version=2"}), "command line: --version takes no value",
                       ConfigError);
  CHECK_THROWS_AS(command_line({"stray"}), ConfigError);
}

TEST_CASE("defaults: loopback listeners and ACL, upstreams from resolv.conf minus ourselves") {
  const Config config = load({}, "# comment\nnameserver 127.0.0.1\nnameserver 192.0.2.7\n"
                                 "nameserver ::1\nnameserver 2001:db8::1\n");
  CHECK(texts(config.listen) == std::vector<std::string>{"127.0.0.1:53", "[::1]:53"});
  CHECK(texts(config.upstreams) == std::vector<std::string>{"192.0.2.7:53", "[2001:db8::1]:53"});
  CHECK(config.access_control.size() == 2);
  CHECK(config.dnssec == DnssecMode::Validate);
  CHECK(config.outgoing_port_low == 1024);
  CHECK(config.outgoing_port_high == 65535);
  CHECK(config.use_0x20);
  CHECK(config.use_cookies);
}

TEST_CASE("defaults: with only vigil itself in resolv.conf, Quad9") {
  const Config config = load({}, "nameserver 127.0.0.1\n");
  CHECK(texts(config.upstreams) == std::vector<std::string>{"9.9.9.9:53", "149.112.112.112:53"});
  // Listening elsewhere than port 53, resolv.conf's 127.0.0.1 is another server.
  const Config other = load({"--listen", "127.0.0.1:5300"}, "nameserver 127.0.0.1\n");
  CHECK(texts(other.upstreams) == std::vector<std::string>{"127.0.0.1:53"});
}

TEST_CASE("the file sets every kind of key, and the command line overrides it") {
  const TempFile file(
      "# vigil test configuration\n"
      "listen 127.0.0.1:5300\n"
      "listen [::1]:5300\n"
      "upstream 192.0.2.1\n"
      "upstream [2001:db8::53]:5353\n"
      "forward Corp.Example=192.0.2.9:53,192.0.2.10\n"
      "pin api.example.com A 192.0.2.80\n"
      "pin 'x.example TXT \"hello world\"'\n"
      "access-control 10.0.0.0/8 allow\n"
      "access-control 10.1.0.0/16 deny\n"
      "outgoing-port-range 20000-65535\n"
      "upstream-timeout 800ms\n"
      "query-timeout 3s\n"
      "use-0x20 no\n"
      "cookies no\n"
      "tcp-idle-timeout 2000\n"
      "tcp-max-connections 10\n"
      "tcp-max-queries-per-connection 5\n"
      "tcp-max-buffered-bytes 70000\n"
      "log-level debug\n"
      "dnssec off\n");
  const TempFile resolv("");
  const Config config =
      load_config(command_line({"--config", file.path().c_str(), "--upstream", "192.0.2.99",
                                "--log-level=warn"}),
                  SystemFiles{"/nonexistent", resolv.path()});
  CHECK(config.config_file == file.path());
  CHECK(texts(config.listen) == std::vector<std::string>{"127.0.0.1:5300", "[::1]:5300"});
  // Repeatable keys on the command line replace the file's values.
  CHECK(texts(config.upstreams) == std::vector<std::string>{"192.0.2.99:53"});
  REQUIRE(config.forwards.size() == 1);
  CHECK(config.forwards[0].zone == "corp.example.");
  CHECK(texts(config.forwards[0].upstreams) ==
        std::vector<std::string>{"192.0.2.9:53", "192.0.2.10:53"});
  REQUIRE(config.pins.size() == 2);
  CHECK(config.pins[0].type == 1);
  CHECK(config.pins[0].rdata == std::vector<uint8_t>{192, 0, 2, 80});
  CHECK(config.pins[1].rdata.size() == 12);  // one 11-octet character-string
  CHECK(config.access_control.size() == 2);  // the file's rules replace the defaults
  CHECK(config.outgoing_port_low == 20000);
  CHECK(config.upstream_timeout.count() == 800);
  CHECK(config.query_timeout.count() == 3000);
  CHECK_FALSE(config.use_0x20);
  CHECK_FALSE(config.use_cookies);
  CHECK(config.tcp_idle_timeout.count() == 2000);
  CHECK(config.tcp_max_connections == 10);
  CHECK(config.tcp_max_queries_per_connection == 5);
  CHECK(config.tcp_max_buffered_bytes == 70000);
  CHECK(config.log_level == "warn");
}

TEST_CASE("every error in the file names file and line") {
  const TempFile file("# header\n\nupstream 192.0.2.1\nupstream 192.0.2.1:99999\n");
  const TempFile resolv("");
  try {
    load_config(command_line({"--config", file.path().c_str()}),
                SystemFiles{"/nonexistent", resolv.path()});
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) ==
          file.path() + ":4: upstream: \"192.0.2.1:99999\" is not ADDR[:PORT]");
  }
  const TempFile unknown("listen 127.0.0.1:53\nfrobnicate yes\n");
  try {
    load_config(command_line({"--config", unknown.path().c_str()}),
                SystemFiles{"/nonexistent", resolv.path()});
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == unknown.path() + ":2: unknown key \"frobnicate\"");
  }
  const TempFile empty_value("log-level\n");
  CHECK_THROWS_WITH_AS(load_config(command_line({"--config", empty_value.path().c_str()}),
                                   SystemFiles{"/nonexistent", resolv.path()}),
                       (empty_value.path() + ":1: log-level: missing value").c_str(), ConfigError);
  // The default file is read when it exists, and its errors name it too.
  const TempFile default_file("dnssec maybe\n");
  CHECK_THROWS_WITH_AS(
      load_config(command_line({}), SystemFiles{default_file.path(), resolv.path()}),
      (default_file.path() + ":1: dnssec: \"maybe\" is neither validate nor off").c_str(),
      ConfigError);
}

TEST_CASE("command-line errors name the flag") {
  CHECK(error_of({"--listen", "127.0.0.1"}) ==
        "command line: --listen: \"127.0.0.1\" is not ADDR:PORT (the port is required; IPv6 as "
        "[ADDR]:PORT)");
  CHECK(error_of({"--config", "/nonexistent/vigil.conf"}) ==
        "command line: --config: cannot read \"/nonexistent/vigil.conf\": No such file or "
        "directory");
  CHECK(error_of({"--trust-anchor", "/nonexistent/root.key"}) ==
        "command line: --trust-anchor: \"/nonexistent/root.key\" does not exist");
  CHECK(error_of({"--pin", "api.example.com A 300.1.1.1"}).starts_with(
      "command line: --pin: bad A RDATA \"300.1.1.1\""));
  CHECK(error_of({"--pin", "api.example.com ANY x"}) ==
        "command line: --pin: \"ANY\" is a meta type, not data to pin");
  CHECK(error_of({"--pin", "a.example CNAME b.example", "--pin", "a.example A 192.0.2.1"})
            .find("a CNAME must be the only record") != std::string::npos);
  CHECK(error_of({"--forward", "corp.example"}).starts_with("command line: --forward: "));
  CHECK(error_of({"--forward", "a..example=192.0.2.1"}) ==
        "command line: --forward: \"a..example\" has an empty label");
  CHECK(error_of({"--upstream", "192.0.2.1", "--upstream", "192.0.2.1:53"}) ==
        "command line: --upstream: 192.0.2.1:53 is listed twice");
  CHECK(error_of({"--upstream-timeout", "6s"}).find("longer than query-timeout") !=
        std::string::npos);
  CHECK(error_of({"--cookies", "maybe"}) == "command line: --cookies: \"maybe\" is neither yes nor no");
  CHECK(error_of({"--log-level", "loud"}).starts_with("command line: --log-level: \"loud\" is not"));
  CHECK(error_of({"--tcp-max-buffered-bytes", "100"}).starts_with(
      "command line: --tcp-max-buffered-bytes: \"100\" is not a whole number from 65537"));
}

TEST_CASE("--help lists every flag of the contract and every key") {
  const std::string help = usage_text();
  for (const char* flag :
       {"--config FILE", "--listen ADDR:PORT", "--upstream ADDR", "--forward ZONE=",
        "--trust-anchor FILE", "--dnssec validate|off", "--pin 'NAME TYPE RDATA'",
        "--log-level LEVEL", "--check-config", "--version", "--help", "--access-control",
        "--outgoing-port-range", "--upstream-timeout", "--query-timeout", "--use-0x20",
        "--cookies", "--tcp-idle-timeout", "--tcp-max-connections",
        "--tcp-max-queries-per-connection", "--tcp-max-buffered-bytes", "--insecure",
        "--bogus-ttl", "--trust-anchor-state", "--guard", "--pin-watch", "--cache-size",
        "--cache-min-ttl", "--cache-max-ttl", "--cache-max-negative-ttl",
        "--near-miss-threshold", "--near-miss-flush"}) {
    CAPTURE(flag);
    CHECK(help.find(flag) != std::string::npos);
  }
}

TEST_CASE("trust anchors: the built-in root by default, else the named files, checked line by line") {
  CHECK(load({}).trust_anchors.size() == 2);
  const TempFile anchors(
      "; example.test's KSK\n"
      "example.test. IN DS 12345 13 2 "
      "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
  const Config config = load({"--trust-anchor", anchors.path().c_str()});
  REQUIRE(config.trust_anchors.size() == 1);
  CHECK(config.trust_anchors[0].key_tag == 12345);
  CHECK(config.trust_anchor_files == std::vector<std::string>{anchors.path()});
  const TempFile bad("\n. IN DS 20326 8 2 E06D\n");
  CHECK(error_of({"--trust-anchor", bad.path().c_str()}) ==
        "command line: --trust-anchor: " + bad.path() +
            ":2: the digest of type 2 must be 32 octets, not 2");
}

TEST_CASE("files that are not regular files are refused by name, not read forever") {
  const TempFifo fifo;
  for (const std::string& path : {std::string("/dev/zero"), fifo.path()}) {
    CAPTURE(path);
    CHECK(error_of({"--trust-anchor", path.c_str()}) ==
          "command line: --trust-anchor: \"" + path + "\" is not a regular file");
    CHECK(error_of({"--config", path.c_str()}) ==
          "command line: --config: cannot read \"" + path + "\": it is not a regular file");
  }
}

TEST_CASE("a resolv.conf that is not a regular file names no nameservers: Quad9, not a hang") {
  const TempFifo fifo;
  for (const std::string& path : {std::string("/dev/zero"), fifo.path()}) {
    CAPTURE(path);
    const Config config =
        load_config(command_line({}), SystemFiles{"/nonexistent/vigil.conf", path});
    CHECK(texts(config.upstreams) ==
          std::vector<std::string>{"9.9.9.9:53", "149.112.112.112:53"});
  }
}

TEST_CASE("RFC 7646: negative trust anchors add to the RFC 6303 defaults and may expire") {
  const Config defaults = load({});
  const auto has = [](const Config& config, const std::string& name) {
    for (const auto& anchor : config.negative_anchors) {
      if (anchor.name == name) return true;
    }
    return false;
  };
  CHECK(has(defaults, "10.in-addr.arpa."));
  CHECK(has(defaults, "16.172.in-addr.arpa."));
  CHECK(has(defaults, "31.172.in-addr.arpa."));
  CHECK(has(defaults, "168.192.in-addr.arpa."));
  CHECK(has(defaults, "d.f.ip6.arpa."));
  const Config config = load({"--insecure", "Broken.Example", "--insecure",
                              "lab.example 2026-12-31T12:00:00Z"});
  CHECK(has(config, "10.in-addr.arpa."));
  CHECK(has(config, "broken.example."));
  const auto& last = config.negative_anchors.back();
  CHECK(last.name == "lab.example.");
  REQUIRE(last.expires.has_value());
  CHECK(*last.expires == 1798718400);  // 2026-12-31T12:00:00Z
  CHECK(error_of({"--insecure", "x.example next-week"}) ==
        "command line: --insecure: \"next-week\" is not an expiry time (YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, UTC)");
}

TEST_CASE("RFC 7858 3.1: listen tls:// serves DNS over TLS on port 853 unless told otherwise") {
  const TempFile certificate("-----BEGIN CERTIFICATE-----\n");
  const TempFile key("-----BEGIN PRIVATE KEY-----\n");
  const Config config =
      load({"--listen", "tls://127.0.0.1", "--listen", "tls://[::1]:8853", "--tls-certificate",
            certificate.path().c_str(), "--tls-key", key.path().c_str()},
           "nameserver 192.0.2.1\n");
  CHECK(texts(config.listen_tls) == std::vector<std::string>{"127.0.0.1:853", "[::1]:8853"});
  CHECK(config.listen.empty());  // only tls:// given: no plain defaults beside it
  CHECK(config.tls_certificate == certificate.path());
  CHECK(config.tls_key == key.path());
}

TEST_CASE("a tls:// listener without its certificate or key is a config error naming the key") {
  const TempFile certificate("-----BEGIN CERTIFICATE-----\n");
  CHECK(error_of({"--listen", "tls://127.0.0.1"}) ==
        "command line: --listen: tls://127.0.0.1:853 needs tls-certificate FILE (PEM)");
  CHECK(error_of({"--listen", "tls://127.0.0.1", "--tls-certificate",
                  certificate.path().c_str()}) ==
        "command line: --listen: tls://127.0.0.1:853 needs tls-key FILE (PEM)");
  CHECK(error_of({"--tls-key", "/nonexistent/key.pem"}) ==
        "command line: --tls-key: \"/nonexistent/key.pem\" does not exist");
  CHECK(error_of({"--tls-certificate", "/tmp"}) ==
        "command line: --tls-certificate: \"/tmp\" is not a regular file");
  CHECK(error_of({"--listen", "tls://127.0.0.1:0"}) ==
        "command line: --listen: \"tls://127.0.0.1:0\": port 0 is not a port to listen on");
}
