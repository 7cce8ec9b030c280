// What vigil keeps of a client's query once it passed the checks: copied out of the packet into a
// fixed-size value, so the packet buffer can be reused at once.
#pragma once

#include <cstdint>

#include "dns/name.h"

namespace vigil::dns {

struct QueryInfo {
  uint16_t id = 0;
  uint16_t flags = 0;   // the client's header flags (RD, CD are echoed)
  WireName qname;       // as the client wrote it: its letter case is echoed back
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  bool has_edns = false;
  uint16_t udp_size = 0;  // the client's advertised EDNS UDP size
  bool dnssec_ok = false;

  bool checking_disabled() const { return (flags & flag::CD) != 0; }
  // Largest UDP reply this client takes: RFC 6891 6.2.5, capped at what we advertise.
  std::size_t udp_reply_limit() const {
    if (!has_edns) return kMinimumUdpSize;
    const std::size_t asked = udp_size < kMinimumUdpSize ? kMinimumUdpSize : udp_size;
    return asked < kAdvertisedUdpSize ? asked : kAdvertisedUdpSize;
  }
};

}  // namespace vigil::dns
