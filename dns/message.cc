#include "dns/message.h"

namespace vigil::dns {

Header read_header(Bytes wire) {
  const uint8_t* p = wire.data();
  return Header{read_u16(p), read_u16(p + 2), read_u16(p + 4), read_u16(p + 6), read_u16(p + 8),
                read_u16(p + 10)};
}

const char* to_string(ParseError error) {
  switch (error) {
    case ParseError::None: return "ok";
    case ParseError::TooShort: return "shorter than a header";
    case ParseError::BadQuestion: return "malformed question";
    case ParseError::BadRecord: return "malformed record";
    case ParseError::BadOpt: return "malformed or misplaced OPT";
    case ParseError::TrailingBytes: return "trailing bytes";
  }
  return "unknown";
}

namespace {

enum class Section { Answer, Authority, Additional };

struct RecordRef {
  uint16_t type, rclass;
  uint32_t ttl;
  std::size_t start, rdata, end;
};

std::optional<RecordRef> read_record(Bytes wire, std::size_t offset) {
  auto after_name = skip_name(wire, offset);
  if (!after_name || *after_name + 10 > wire.size()) return std::nullopt;
  const uint8_t* p = wire.data() + *after_name;
  RecordRef record{read_u16(p), read_u16(p + 2), read_u32(p + 4), offset, *after_name + 10, 0};
  record.end = record.rdata + read_u16(p + 8);
  if (record.end > wire.size()) return std::nullopt;
  return record;
}

// RFC 6891 6.1.1: at most one OPT, in the additional section, owned by the root.
ParseError take_opt(Bytes wire, const RecordRef& record, Section section, MessageLayout& layout) {
  if (section != Section::Additional || layout.edns) return ParseError::BadOpt;
  if (wire[record.start] != 0) return ParseError::BadOpt;
  Edns edns;
  edns.udp_size = record.rclass;
  edns.extended_rcode = static_cast<uint8_t>(record.ttl >> 24);
  edns.version = static_cast<uint8_t>(record.ttl >> 16);
  edns.dnssec_ok = (record.ttl & 0x8000) != 0;
  edns.options = wire.subspan(record.rdata, record.end - record.rdata);
  layout.edns = edns;
  layout.opt_offset = record.start;
  layout.opt_end = record.end;
  return ParseError::None;
}

ParseError parse_questions(Bytes wire, MessageLayout& layout) {
  std::size_t pos = kHeaderSize;
  for (uint16_t i = 0; i < layout.header.qdcount; ++i) {
    auto length = uncompressed_name_length(wire, pos);
    if (!length || pos + *length + 4 > wire.size()) return ParseError::BadQuestion;
    if (i == 0) {
      const uint8_t* p = wire.data() + pos + *length;
      layout.question = QuestionRef{pos, *length, read_u16(p), read_u16(p + 2)};
    }
    pos += *length + 4;
  }
  layout.question_end = pos;
  return ParseError::None;
}

}  // namespace

ParseResult parse_message(Bytes wire) {
  ParseResult result;
  if (wire.size() < kHeaderSize) {
    result.error = ParseError::TooShort;
    return result;
  }
  MessageLayout& layout = result.layout;
  layout.header = read_header(wire);
  if ((result.error = parse_questions(wire, layout)) != ParseError::None) return result;

  std::size_t pos = layout.question_end;
  const uint16_t counts[] = {layout.header.ancount, layout.header.nscount, layout.header.arcount};
  for (int s = 0; s < 3; ++s) {
    const auto section = static_cast<Section>(s);
    if (section == Section::Additional) layout.additional_start = pos;
    for (uint16_t i = 0; i < counts[s]; ++i) {
      auto record = read_record(wire, pos);
      if (!record) {
        result.error = ParseError::BadRecord;
        return result;
      }
      if (record->type == rrtype::OPT) {
        if ((result.error = take_opt(wire, *record, section, layout)) != ParseError::None) {
          return result;
        }
      } else if (section == Section::Additional && !layout.edns) {
        ++layout.additional_before_opt;
      }
      pos = record->end;
    }
  }
  layout.end = pos;
  if (pos != wire.size()) result.error = ParseError::TrailingBytes;
  return result;
}

std::optional<Bytes> find_edns_option(Bytes options, uint16_t code) {
  std::size_t pos = 0;
  while (pos + 4 <= options.size()) {
    const uint16_t option_code = read_u16(options.data() + pos);
    const uint16_t length = read_u16(options.data() + pos + 2);
    if (pos + 4 + length > options.size()) return std::nullopt;
    if (option_code == code) return options.subspan(pos + 4, length);
    pos += 4 + length;
  }
  return std::nullopt;
}

}  // namespace vigil::dns
