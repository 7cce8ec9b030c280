#include "dns/record_walker.h"

#include <doctest/doctest.h>

#include <vector>

using namespace vigil::dns;

namespace {

// A reply to www.example.com/A: two answer records whose owners point at the question, then an
// OPT. Offsets: question name at 12 (17 octets), type/class to 33.
std::vector<uint8_t> sample_reply() {
  std::vector<uint8_t> wire = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 1};
  const uint8_t qname[] = {3, 'W', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
  wire.insert(wire.end(), std::begin(qname), std::end(qname));
  append_u16(wire, rrtype::A);
  append_u16(wire, rrclass::IN);
  for (uint8_t last : {1, 2}) {
    append_u16(wire, 0xc00c);
    append_u16(wire, rrtype::A);
    append_u16(wire, rrclass::IN);
    append_u32(wire, 300);
    append_u16(wire, 4);
    for (uint8_t octet : {192, 0, 2}) wire.push_back(octet);
    wire.push_back(last);
  }
  wire.push_back(0);  // OPT, owned by the root
  append_u16(wire, rrtype::OPT);
  append_u16(wire, 1232);
  append_u32(wire, 0x8000);
  append_u16(wire, 0);
  return wire;
}

}  // namespace

TEST_CASE("RFC 1035 4.1.4: record owners are expanded through their pointers, case kept") {
  const auto wire = sample_reply();
  const auto parsed = parse_message(wire);
  REQUIRE(parsed.ok());
  RecordWalker walker(wire, parsed.layout);
  WireRecord record;
  std::vector<RecordSection> sections;
  while (walker.next(record)) {
    sections.push_back(record.section);
    if (record.type == rrtype::A) {
      CHECK(to_text(record.owner.view()) == "Www.example.com.");
      CHECK(record.rdlength() == 4);
      CHECK(record.ttl == 300);
      CHECK(record.rclass == rrclass::IN);
    }
  }
  CHECK_FALSE(walker.failed());
  CHECK(sections == std::vector<RecordSection>{RecordSection::Answer, RecordSection::Answer,
                                               RecordSection::Additional});
  const auto range = pointed_range(wire, 33);  // the first owner: the question's name
  REQUIRE(range);
  CHECK(range->first == 12);
  CHECK(range->last == 29);
  CHECK(pointed_range(wire, 12)->empty());
}

TEST_CASE("RFC 1035 4.1.4: a pointer must point to a prior occurrence: loops are malformed") {
  WireName name;
  // A pointer to itself, and one forward.
  const std::vector<uint8_t> self = {0xc0, 0x00};
  CHECK_FALSE(read_name(self, 0, name));
  const std::vector<uint8_t> forward = {0xc0, 0x02, 0x00};
  CHECK_FALSE(read_name(forward, 0, name));
  // Two names pointing at each other: the second's pointer goes back to the first, whose own
  // pointer goes forward again.
  const std::vector<uint8_t> ping_pong = {1, 'a', 0xc0, 0x04, 1, 'b', 0xc0, 0x00};
  CHECK_FALSE(read_name(ping_pong, 4, name));
  // Labels past the end, reserved label types, names over 255 octets.
  CHECK_FALSE(read_name(std::vector<uint8_t>{5, 'a', 'b'}, 0, name));
  CHECK_FALSE(read_name(std::vector<uint8_t>{0x40, 0}, 0, name));
  std::vector<uint8_t> long_name;
  for (int i = 0; i < 5; ++i) {
    long_name.push_back(63);
    long_name.insert(long_name.end(), 63, 'x');
  }
  long_name.push_back(0);
  CHECK_FALSE(read_name(long_name, 0, name));
  // A good chain: "b" then a pointer to "a." at 0.
  const std::vector<uint8_t> good = {1, 'a', 0, 1, 'b', 0xc0, 0x00};
  const auto after = read_name(good, 3, name);
  REQUIRE(after);
  CHECK(*after == 7);
  CHECK(to_text(name.view()) == "b.a.");
  CHECK(pointed_range(good, 3)->first == 0);
  CHECK(pointed_range(good, 3)->last == 3);
}

TEST_CASE("A record that runs past the message ends the walk as a failure") {
  auto wire = sample_reply();
  MessageLayout layout = parse_message(wire).layout;
  layout.header.arcount = 2;  // one record more than there is
  RecordWalker walker(wire, layout);
  WireRecord record;
  int records = 0;
  while (walker.next(record)) ++records;
  CHECK(records == 3);
  CHECK(walker.failed());
}
