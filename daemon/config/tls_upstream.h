// The value of an "upstream" (or a "forward" server) that starts with tls://: a DNS over TLS
// upstream with how to authenticate it,
//   tls://ADDR[:PORT]#AUTH_NAME [pin=sha256/BASE64]... [ca=FILE] [pin-only]
// Throws BadValue naming the part that is wrong; the loader adds the file and line.
#pragma once

#include <string_view>

#include "daemon/config/config.h"

namespace vigil {

constexpr std::string_view kTlsScheme = "tls://";

inline bool is_tls_upstream(std::string_view text) { return text.starts_with(kTlsScheme); }

TlsUpstream parse_tls_upstream(std::string_view text);

// Appends `upstream`; the same address and port twice is an error (which settings would hold?).
void add_tls_upstream(std::vector<TlsUpstream>& upstreams, TlsUpstream upstream);

// A "critical" value: NAME (and every name below it).
CriticalName parse_critical_name(std::string_view text);

}  // namespace vigil
