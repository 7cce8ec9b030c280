// Domain names in wire form: measuring, skipping compressed names, comparing without regard to
// case, 0x20 letter-case randomization, and printing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dns/random.h"
#include "dns/types.h"
#include "dns/wire.h"

namespace vigil::dns {

// A name held inline (no heap): the question of a query travels through the pipeline in one.
struct WireName {
  std::array<uint8_t, kMaxNameLength> bytes{};
  uint8_t length = 0;

  Bytes view() const { return {bytes.data(), length}; }
  std::span<uint8_t> mutable_view() { return {bytes.data(), length}; }
  static std::optional<WireName> from_wire(Bytes wire);
};

// Length of the uncompressed name starting at `offset`, or nullopt if it is malformed, runs past
// the end, is compressed, or breaks RFC 1035 limits (labels <= 63, name <= 255 octets).
std::optional<std::size_t> uncompressed_name_length(Bytes wire, std::size_t offset);

// Offset just past a possibly compressed name that starts at `offset` (the pointer, if any, is
// not followed: this only steps over the name as it stands in the record).
std::optional<std::size_t> skip_name(Bytes wire, std::size_t offset);

// Compare two uncompressed wire names, ASCII letters folded (RFC 4343).
bool equal_ignoring_case(Bytes a, Bytes b);

// True if `name` equals `zone` or lies below it; both uncompressed wire names, case folded.
bool is_at_or_below(Bytes name, Bytes zone);

void to_lower(std::span<uint8_t> name);

// RFC draft-vixie-dnsext-dns0x20: flip each letter's case by a random bit so that an off-path
// spoofer must also guess the case pattern.
void randomize_case(std::span<uint8_t> name, Random& random);

// Presentation form ("www.example.com."), with non-printing bytes escaped as \DDD.
std::string to_text(Bytes name);

// Wire form of a presentation name (no escapes besides "\."), nullopt if malformed.
std::optional<WireName> from_text(std::string_view text);

}  // namespace vigil::dns
