#include "daemon/config/negative_anchor.h"

#include <ctime>

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"

namespace vigil {

namespace {

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", UTC, to seconds since 1970.
std::optional<int64_t> parse_utc_time(std::string_view text) {
  std::tm parts{};
  const std::string value(text);
  const char* end = value.size() == 10 ? strptime(value.c_str(), "%Y-%m-%d", &parts)
                                       : strptime(value.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&parts));
}

NegativeAnchor anchor(std::string_view name) {
  const DomainName parsed = parse_domain_name(name);
  return NegativeAnchor{parsed.text, parsed.wire, std::nullopt, std::string(name)};
}

}  // namespace

NegativeAnchor parse_negative_anchor(std::string_view text) {
  const auto blank = text.find_first_of(" \t");
  NegativeAnchor result = anchor(text.substr(0, blank));
  result.text = std::string(text);
  if (blank != std::string_view::npos) {
    const std::string_view expiry = trim(text.substr(blank));
    result.expires = parse_utc_time(expiry);
    if (!result.expires) {
      throw BadValue(in_quotes(expiry) + " is not an expiry time (YYYY-MM-DD or "
                                         "YYYY-MM-DDTHH:MM:SSZ, UTC)");
    }
  }
  return result;
}

std::vector<NegativeAnchor> default_negative_anchors() {
  std::vector<NegativeAnchor> anchors;
  // RFC 6303 4.1-4.3 and RFC 1918: IPv4 private, "this network", loopback, link-local, and
  // the documentation prefixes.
  for (const char* zone : {"10.in-addr.arpa", "168.192.in-addr.arpa", "0.in-addr.arpa",
                           "127.in-addr.arpa", "254.169.in-addr.arpa", "2.0.192.in-addr.arpa",
                           "100.51.198.in-addr.arpa", "113.0.203.in-addr.arpa",
                           "255.255.255.255.in-addr.arpa"}) {
    anchors.push_back(anchor(zone));
  }
  for (int octet = 16; octet <= 31; ++octet) {
    anchors.push_back(anchor(std::to_string(octet) + ".172.in-addr.arpa"));
  }
  // RFC 6303 4.4-4.6: ::, ::1, link-local fe80::/10, ULA fc00::/7 (RFC 4193), and the
  // documentation prefix 2001:db8::/32.
  const std::string zeros = "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0";
  for (const std::string& zone : {"0." + zeros + ".ip6.arpa", "1." + zeros + ".ip6.arpa",
                                 std::string("8.e.f.ip6.arpa"), std::string("9.e.f.ip6.arpa"),
                                 std::string("a.e.f.ip6.arpa"), std::string("b.e.f.ip6.arpa"),
                                 std::string("c.f.ip6.arpa"), std::string("d.f.ip6.arpa"),
                                 std::string("8.b.d.0.1.0.0.2.ip6.arpa")}) {
    anchors.push_back(anchor(zone));
  }
  return anchors;
}

}  // namespace vigil
