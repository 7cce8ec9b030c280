// Who may query vigil: prefixes with allow, refuse or deny; the most specific prefix that matches
// a client wins, as in Unbound's access-control. Pure: parsing rules and deciding for one client.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/net/socket_address.h"

namespace vigil {

// The decision for `client` (its port is ignored): the action of the matching rule with the
// longest prefix; a client no rule matches is refused. IPv4-mapped IPv6 clients (::ffff:a.b.c.d,
// from a dual-stack socket) are matched as the IPv4 address they are.
AccessAction decide_access(const std::vector<AccessRule>& rules, const SocketAddress& client);

// "10.0.0.0/8 allow", "::1/128 allow", "192.168.1.5 refuse" (no length: one host). The bits after
// the prefix length must be zero. Throws BadValue.
AccessRule parse_access_rule(std::string_view text);

// Appends `rule`; the same prefix twice is an error (which action would be meant?).
void add_access_rule(std::vector<AccessRule>& rules, AccessRule rule);

// Used when the operator gives no access-control at all: 127.0.0.0/8 and ::1/128 allow.
std::vector<AccessRule> default_access_rules();

std::string prefix_text(const AccessRule& rule);  // "10.0.0.0/8", "::1/128"

}  // namespace vigil
