#include "dns/packed_layout.h"

#include <limits>

namespace vigil::dns {

namespace {

constexpr std::size_t kOptFixedFields = 11;  // root name, type, class, TTL, RDLENGTH

bool fits(std::size_t offset) { return offset <= std::numeric_limits<uint16_t>::max(); }

}  // namespace

std::optional<PackedLayout> pack_layout(const MessageLayout& layout) {
  if (!fits(layout.end) || (layout.question && layout.question->name_offset != kHeaderSize)) {
    return std::nullopt;
  }
  PackedLayout packed;
  packed.question_name_length =
      layout.question ? static_cast<uint16_t>(layout.question->name_length) : uint16_t{0};
  packed.question_end = static_cast<uint16_t>(layout.question_end);
  packed.additional_start = static_cast<uint16_t>(layout.additional_start);
  if (layout.edns) {
    packed.opt_offset = static_cast<uint16_t>(layout.opt_offset);
    packed.opt_end = static_cast<uint16_t>(layout.opt_end);
  }
  packed.additional_before_opt = layout.additional_before_opt;
  packed.end = static_cast<uint16_t>(layout.end);
  return packed;
}

MessageLayout unpack_layout(const PackedLayout& packed, Bytes wire) {
  MessageLayout layout;
  layout.header = read_header(wire);
  if (packed.question_name_length != 0) {
    const uint8_t* fields = wire.data() + kHeaderSize + packed.question_name_length;
    layout.question = QuestionRef{kHeaderSize, packed.question_name_length, read_u16(fields),
                                  read_u16(fields + 2)};
  }
  layout.question_end = packed.question_end;
  layout.additional_start = packed.additional_start;
  if (packed.opt_offset != 0) {
    // As parse_message reads the OPT record (RFC 6891 6.1.3): class is the UDP size, the TTL
    // holds the extended rcode, the version and the DO bit.
    const uint8_t* opt = wire.data() + packed.opt_offset;
    const uint32_t ttl = read_u32(opt + 5);
    Edns edns;
    edns.udp_size = read_u16(opt + 3);
    edns.extended_rcode = static_cast<uint8_t>(ttl >> 24);
    edns.version = static_cast<uint8_t>(ttl >> 16);
    edns.dnssec_ok = (ttl & 0x8000) != 0;
    edns.options = wire.subspan(packed.opt_offset + kOptFixedFields,
                                packed.opt_end - packed.opt_offset - kOptFixedFields);
    layout.edns = edns;
    layout.opt_offset = packed.opt_offset;
    layout.opt_end = packed.opt_end;
  }
  layout.additional_before_opt = packed.additional_before_opt;
  layout.end = packed.end;
  return layout;
}

}  // namespace vigil::dns
