// The default upstreams: the host's /etc/resolv.conf nameservers minus vigil itself, else Quad9.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/net/socket_address.h"

namespace vigil {

// Quad9 (9.9.9.9, 149.112.112.112, port 53): it validates DNSSEC itself and sends no EDNS
// Client Subnet, so it is the fallback when resolv.conf names no server but vigil.
std::vector<SocketAddress> quad9_upstreams();

// The "nameserver ADDR" lines of resolv.conf text, in order, on port 53. Lines glibc would not
// use either (unparsable, or with a %zone scope id) are skipped, as are comments (# and ;).
std::vector<SocketAddress> parse_resolv_conf(std::string_view text);

// Reads `path`; a missing or unreadable file, or one that is not a regular file, has no
// nameservers.
std::vector<SocketAddress> read_resolv_conf(const std::string& path);

// The nameservers that are not vigil itself (each once), else quad9_upstreams(). Skipped: the unspecified
// address (0.0.0.0, ::, meaning this host); the address of a listen address on port 53 (the host
// points resolv.conf at vigil); and loopback when vigil listens on the wildcard address on port 53.
std::vector<SocketAddress> default_upstreams(const std::vector<SocketAddress>& nameservers,
                                             const std::vector<SocketAddress>& listen);

}  // namespace vigil
