#include "daemon/config/resolv_conf.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/config/setting_parsers.h"

namespace vigil {

namespace {

bool is_unspecified(const SocketAddress& address) {
  const std::string text = address.address_text();
  return text == "0.0.0.0" || text == "::";
}

bool is_loopback(const SocketAddress& address) {
  const std::string text = address.address_text();
  return address.is_v6() ? text == "::1" : text.starts_with("127.");
}

// True if a query sent to `server` would come back to a vigil listening on `listen`.
bool is_ourselves(const SocketAddress& server, const std::vector<SocketAddress>& listen) {
  if (is_unspecified(server)) return true;
  for (const auto& ours : listen) {
    if (ours.port() != kDnsPort || ours.family() != server.family()) continue;
    if (ours.same_address(server)) return true;
    if (is_unspecified(ours) && is_loopback(server)) return true;
  }
  return false;
}

}  // namespace

std::vector<SocketAddress> quad9_upstreams() {
  return {*SocketAddress::parse("9.9.9.9:53"), *SocketAddress::parse("149.112.112.112:53")};
}

std::vector<SocketAddress> parse_resolv_conf(std::string_view text) {
  std::vector<SocketAddress> servers;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string keyword, address;
    if (!(words >> keyword >> address) || keyword != "nameserver") continue;
    if (auto server = SocketAddress::parse(address, kDnsPort); server && server->port() == kDnsPort) {
      servers.push_back(*server);
    }
  }
  return servers;
}

std::vector<SocketAddress> read_resolv_conf(const std::string& path) {
  // A FIFO or device in its place would stall start-up forever in the read below.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return {};
  std::ifstream file(path);
  if (!file) return {};
  std::ostringstream text;
  text << file.rdbuf();
  return parse_resolv_conf(text.str());
}

std::vector<SocketAddress> default_upstreams(const std::vector<SocketAddress>& nameservers,
                                             const std::vector<SocketAddress>& listen) {
  std::vector<SocketAddress> upstreams;
  for (const auto& server : nameservers) {
    if (is_ourselves(server, listen)) continue;
    if (std::find(upstreams.begin(), upstreams.end(), server) != upstreams.end()) continue;
    upstreams.push_back(server);
  }
  return upstreams.empty() ? quad9_upstreams() : upstreams;
}

}  // namespace vigil
