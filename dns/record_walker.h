// Reading the records of a parsed message one by one, owner names expanded, without ldns: the
// fast paths of the scrubber and of the DO=0 form look at every record of each upstream reply.
#pragma once

#include <cstdint>
#include <optional>

#include "dns/message.h"
#include "dns/name.h"

namespace vigil::dns {

// Expands the possibly compressed name at `offset` into `out` (as spelled: case kept). Every
// pointer must point before the label sequence it ends (RFC 1035 4.1.4: a prior occurrence), so
// expansion ends; the result is at most 255 octets. Returns the offset just past the name where
// it stands, or nullopt if it is malformed.
std::optional<std::size_t> read_name(Bytes wire, std::size_t offset, WireName& out);

// The bytes the name at `offset` reads through its pointers: [first, last) of all of them,
// {0, 0} for a name without pointers; nullopt if malformed. A record copied unchanged to another
// place keeps its name if the bytes of that range are the same there.
struct PointedRange {
  std::size_t first = 0;
  std::size_t last = 0;
  bool empty() const { return first == last; }
};
std::optional<PointedRange> pointed_range(Bytes wire, std::size_t offset);

enum class RecordSection { Answer, Authority, Additional };

struct WireRecord {
  WireName owner;  // expanded, as the upstream spelled it
  uint16_t type = 0;
  uint16_t rclass = 0;
  uint32_t ttl = 0;
  std::size_t start = 0;  // the owner's first byte
  std::size_t rdata = 0;  // the first byte of the RDATA
  std::size_t end = 0;    // just past the RDATA
  RecordSection section = RecordSection::Answer;

  uint16_t rdlength() const { return static_cast<uint16_t>(end - rdata); }
};

// The answer, authority and additional records of a message that parse_message accepted, in
// order (the OPT included). next() fills `record` and returns true, or returns false at the end
// and when a record is malformed (then failed() is true).
class RecordWalker {
 public:
  RecordWalker(Bytes wire, const MessageLayout& layout);
  bool next(WireRecord& record);
  bool failed() const { return failed_; }

 private:
  Bytes wire_;
  std::size_t offset_;
  uint16_t left_[3];
  int section_ = 0;
  bool failed_ = false;
};

}  // namespace vigil::dns
