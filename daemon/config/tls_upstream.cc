#include "daemon/config/tls_upstream.h"

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"
#include "daemon/net/spki_pin.h"

namespace vigil {

namespace {

constexpr std::string_view kSyntax =
    "tls://ADDR[:PORT]#AUTH_NAME [pin=sha256/BASE64]... [ca=FILE] [pin-only]";

// The words of the value, split at spaces and tabs.
std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    text = trim(text);
    if (text.empty()) return out;
    const auto blank = text.find_first_of(" \t");
    out.push_back(text.substr(0, blank));
    if (blank == std::string_view::npos) return out;
    text.remove_prefix(blank);
  }
}

// "ADDR[:PORT]#AUTH_NAME" after the scheme.
void parse_endpoint(std::string_view endpoint, TlsUpstream& upstream) {
  const auto hash = endpoint.find('#');
  if (hash == std::string_view::npos) {
    throw BadValue(in_quotes(std::string(kTlsScheme) + std::string(endpoint)) +
                   " has no #AUTH_NAME, the name the upstream's certificate must be valid for (" +
                   std::string(kSyntax) + ")");
  }
  const std::string_view address = endpoint.substr(0, hash);
  try {
    upstream.address = parse_server_address(address, kDnsOverTlsPort);
  } catch (const BadValue& problem) {
    throw BadValue(std::string("address: ") + problem.what());
  }
  const std::string_view name = endpoint.substr(hash + 1);
  if (name.empty() || name == ".") {
    throw BadValue("AUTH_NAME: " + in_quotes(name) + " is empty; tls://" + std::string(address) +
                   "#dns.example names the certificate's host name");
  }
  try {
    const DomainName parsed = parse_domain_name(name);
    upstream.auth_name = parsed.text.substr(0, parsed.text.size() - 1);  // no trailing dot
  } catch (const BadValue& problem) {
    throw BadValue(std::string("AUTH_NAME: ") + problem.what());
  }
}

void parse_option(std::string_view option, TlsUpstream& upstream) {
  if (option == "pin-only") {
    if (upstream.pin_only) throw BadValue("pin-only is given twice");
    upstream.pin_only = true;
    return;
  }
  if (option.starts_with("pin=")) {
    const auto pin = parse_spki_pin(option.substr(4));
    if (!pin) {
      throw BadValue(in_quotes(option) +
                     " is not pin=sha256/BASE64 (the base64 SHA-256 of the "
                     "certificate's SubjectPublicKeyInfo, 44 characters)");
    }
    upstream.pins.push_back(*pin);
    return;
  }
  if (option.starts_with("ca=")) {
    if (!upstream.ca_file.empty()) throw BadValue("ca= is given twice");
    if (option.size() == 3) throw BadValue("ca= names no file");
    try {
      upstream.ca_file = parse_readable_file(option.substr(3));
    } catch (const BadValue& problem) {
      throw BadValue(std::string("ca=: ") + problem.what());
    }
    return;
  }
  throw BadValue(in_quotes(option) + " is not pin=sha256/BASE64, ca=FILE or pin-only (" +
                 std::string(kSyntax) + ")");
}

}  // namespace

TlsUpstream parse_tls_upstream(std::string_view text) {
  const auto parts = words(text);
  if (parts.empty() || !is_tls_upstream(parts[0])) {
    throw BadValue(in_quotes(text) + " is not " + std::string(kSyntax));
  }
  TlsUpstream upstream;
  parse_endpoint(parts[0].substr(kTlsScheme.size()), upstream);
  for (std::size_t i = 1; i < parts.size(); ++i) parse_option(parts[i], upstream);
  if (upstream.pin_only && upstream.pins.empty()) {
    throw BadValue(
        "pin-only needs at least one pin=sha256/BASE64: without a pin nothing would "
        "authenticate the upstream");
  }
  if (upstream.pin_only && !upstream.ca_file.empty()) {
    throw BadValue("ca= and pin-only contradict each other: with pin-only no CA is consulted");
  }
  return upstream;
}

void add_tls_upstream(std::vector<TlsUpstream>& upstreams, TlsUpstream upstream) {
  for (const auto& existing : upstreams) {
    if (existing.address == upstream.address) {
      throw BadValue("tls://" + upstream.address.to_string() + " is listed twice");
    }
  }
  upstreams.push_back(std::move(upstream));
}

CriticalName parse_critical_name(std::string_view text) {
  const DomainName name = parse_domain_name(trim(text));
  return CriticalName{name.text, name.wire};
}

}  // namespace vigil
