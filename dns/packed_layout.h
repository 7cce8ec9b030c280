// A MessageLayout in 14 bytes, for messages kept a long time (the answer cache): the offsets that
// cost a walk over the names are kept; the header, the question's type and class and the EDNS
// fields are read back from the wire, a few loads instead of a parse.
#pragma once

#include <cstdint>
#include <optional>

#include "dns/message.h"
#include "dns/wire.h"

namespace vigil::dns {

struct PackedLayout {
  uint16_t question_name_length = 0;  // 0: no question (a name is at least one byte)
  uint16_t question_end = kHeaderSize;
  uint16_t additional_start = 0;
  uint16_t opt_offset = 0;  // 0: no OPT record (it can never start at 0)
  uint16_t opt_end = 0;
  uint16_t additional_before_opt = 0;
  uint16_t end = 0;
};

// nullopt if an offset does not fit 16 bits (a DNS message never exceeds 65,535 bytes).
std::optional<PackedLayout> pack_layout(const MessageLayout& layout);

// The layout `packed` was made from; `wire` must be the message it describes (or a copy of it
// with other TTLs).
MessageLayout unpack_layout(const PackedLayout& packed, Bytes wire);

}  // namespace vigil::dns
