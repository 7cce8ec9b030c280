// One pass over a DNS message in wire form: the header, the question, where each section and the
// OPT record lie. Nothing is copied; untrusted input gets a ParseError, never an assertion.
#pragma once

#include <cstdint>
#include <optional>

#include "dns/name.h"
#include "dns/wire.h"

namespace vigil::dns {

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  bool has(uint16_t flag_bit) const { return (flags & flag_bit) != 0; }
  uint8_t opcode() const { return opcode_of(flags); }
  uint8_t rcode() const { return flags & flag::kRcodeMask; }
};

Header read_header(Bytes wire);  // wire.size() >= kHeaderSize

struct QuestionRef {
  std::size_t name_offset = 0;
  std::size_t name_length = 0;
  uint16_t qtype = 0;
  uint16_t qclass = 0;

  Bytes name(Bytes wire) const { return wire.subspan(name_offset, name_length); }
};

// The EDNS(0) pseudo-record (RFC 6891 6.1.3).
struct Edns {
  uint16_t udp_size = 0;
  uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit rcode
  uint8_t version = 0;
  bool dnssec_ok = false;
  Bytes options;  // the OPT RDATA, a sequence of {code, length, data}
};

enum class ParseError {
  None,
  TooShort,        // not even a header
  BadQuestion,     // question name malformed, compressed or truncated
  BadRecord,       // a record runs past the end or its name is malformed
  BadOpt,          // OPT outside the additional section, not at the root, or more than one
  TrailingBytes,   // bytes after the last record
};
const char* to_string(ParseError error);

struct MessageLayout {
  Header header;
  std::optional<QuestionRef> question;  // the first question (QDCOUNT > 0)
  std::size_t question_end = kHeaderSize;
  std::size_t additional_start = 0;     // offset of the first additional record
  std::optional<Edns> edns;
  std::size_t opt_offset = 0, opt_end = 0;  // valid when edns is set
  uint16_t additional_before_opt = 0;       // additional records that precede the OPT
  std::size_t end = 0;                      // offset after the last record
};

struct ParseResult {
  MessageLayout layout;
  ParseError error = ParseError::None;
  bool ok() const { return error == ParseError::None; }
};

// Parses the whole message. A ParseError::TooShort result has no header; any other error has
// the header (and the question, if it parsed) filled in, so a FORMERR can echo them.
ParseResult parse_message(Bytes wire);

// The data of the first EDNS option with `code`, if present and well formed.
std::optional<Bytes> find_edns_option(Bytes options, uint16_t code);

}  // namespace vigil::dns
