// The protocol numbers vigil speaks: RR types and classes, header flags, rcodes, EDNS options and
// Extended DNS Error codes (RFC 1035, 6891, 7873, 8914).
#pragma once

#include <cstdint>
#include <string>

namespace vigil::dns {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxNameLength = 255;  // RFC 1035 2.3.4, wire form
constexpr std::size_t kMaxLabelLength = 63;

namespace rrtype {
constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, HINFO = 13, MX = 15, TXT = 16, AAAA = 28,
                   OPT = 41, DS = 43, RRSIG = 46, NSEC = 47, DNSKEY = 48, NSEC3 = 50, TKEY = 249,
                   TSIG = 250, IXFR = 251, AXFR = 252, MAILB = 253, MAILA = 254, ANY = 255;
}
namespace rrclass {
constexpr uint16_t IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255;
}

namespace flag {
constexpr uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080, Z = 0x0040,
                   AD = 0x0020, CD = 0x0010;
constexpr uint16_t kOpcodeMask = 0x7800, kRcodeMask = 0x000f;
}  // namespace flag

constexpr uint8_t kOpcodeQuery = 0;
inline uint8_t opcode_of(uint16_t flags) { return static_cast<uint8_t>((flags >> 11) & 0xf); }

namespace rcode {
constexpr uint16_t NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5,
                   BADVERS = 16, BADCOOKIE = 23;  // the last two need EDNS (extended rcode)
}

// "NOERROR", "SERVFAIL", ...; "RCODE23" for codes without a name here.
inline std::string rcode_name(uint16_t code) {
  switch (code) {
    case rcode::NOERROR: return "NOERROR";
    case rcode::FORMERR: return "FORMERR";
    case rcode::SERVFAIL: return "SERVFAIL";
    case rcode::NXDOMAIN: return "NXDOMAIN";
    case rcode::NOTIMP: return "NOTIMP";
    case rcode::REFUSED: return "REFUSED";
    case rcode::BADVERS: return "BADVERS";
    case rcode::BADCOOKIE: return "BADCOOKIE";
    default: return "RCODE" + std::to_string(code);
  }
}

namespace edns_option {
constexpr uint16_t ECS = 8, COOKIE = 10, PADDING = 12, EDE = 15;
}

// RFC 8914 Extended DNS Error info-codes vigil emits.
namespace ede {
constexpr uint16_t Other = 0, StaleAnswer = 3, DnssecBogus = 6, Blocked = 15, Prohibited = 18, NotReady = 14,
                   NoReachableAuthority = 22, NetworkError = 23;
}

constexpr uint16_t kAdvertisedUdpSize = 1232;  // DNS flag day 2020: no IP fragmentation
constexpr uint16_t kMinimumUdpSize = 512;      // RFC 1035 without EDNS

}  // namespace vigil::dns
