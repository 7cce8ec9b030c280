#include "dns/name.h"

#include <doctest/doctest.h>

#include <vector>

using namespace vigil::dns;

namespace {
// A deterministic "random" source: every bit set, or a repeating byte pattern.
class PatternRandom : public Random {
 public:
  explicit PatternRandom(uint8_t byte) : byte_(byte) {}
  void fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = byte_;
  }

 private:
  uint8_t byte_;
};

std::vector<uint8_t> wire(std::string_view text) {
  auto name = from_text(text);
  REQUIRE(name);
  return {name->bytes.begin(), name->bytes.begin() + name->length};
}
}  // namespace

TEST_CASE("RFC 1035 3.1: names convert between presentation and wire form") {
  CHECK(wire("www.Example.com.") ==
        std::vector<uint8_t>{3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',
                             'm', 0});
  CHECK(wire("www.example.com") == wire("www.example.com."));
  CHECK(wire(".") == std::vector<uint8_t>{0});
  CHECK(to_text(wire("www.Example.com")) == "www.Example.com.");
  CHECK(to_text(wire(".")) == ".");
  CHECK_FALSE(from_text("a..b"));
  CHECK_FALSE(from_text(std::string(64, 'a') + ".com"));
}

TEST_CASE("RFC 1035 2.3.4: labels over 63 octets and names over 255 are malformed") {
  std::vector<uint8_t> long_label(1, 64);
  long_label.resize(66, 'a');
  long_label.push_back(0);
  CHECK_FALSE(uncompressed_name_length(long_label, 0));
  std::vector<uint8_t> long_name;
  for (int i = 0; i < 5; ++i) {
    long_name.push_back(60);
    long_name.insert(long_name.end(), 60, 'x');
  }
  long_name.push_back(0);
  CHECK_FALSE(uncompressed_name_length(long_name, 0));
  auto ok = wire("a.b.");
  CHECK(uncompressed_name_length(ok, 0) == ok.size());
}

TEST_CASE("RFC 1035 4.1.4: a compression pointer must point backwards") {
  std::vector<uint8_t> message(12, 0);
  message.insert(message.end(), {1, 'a', 0});  // name at 12
  message.insert(message.end(), {0xc0, 12});    // pointer to it at 15
  CHECK(skip_name(message, 15) == 17u);
  std::vector<uint8_t> forward = {0xc0, 5, 0, 0, 0, 0, 0};
  CHECK_FALSE(skip_name(forward, 0));
  CHECK_FALSE(uncompressed_name_length(message, 15));  // questions must not be compressed
}

TEST_CASE("RFC 4343: name comparison folds ASCII letters only") {
  CHECK(equal_ignoring_case(wire("WWW.example.COM"), wire("www.EXAMPLE.com")));
  CHECK_FALSE(equal_ignoring_case(wire("www.example.com"), wire("www.example.org")));
  CHECK_FALSE(equal_ignoring_case(wire("a-b.test"), wire("a\rb.test")));
}

TEST_CASE("a name is at or below a zone only on a label boundary") {
  CHECK(is_at_or_below(wire("www.corp.example"), wire("Corp.Example")));
  CHECK(is_at_or_below(wire("corp.example"), wire("corp.example")));
  CHECK(is_at_or_below(wire("anything.test"), wire(".")));
  CHECK_FALSE(is_at_or_below(wire("xcorp.example"), wire("corp.example")));
  CHECK_FALSE(is_at_or_below(wire("example"), wire("corp.example")));
}

TEST_CASE("0x20: randomize_case changes only letters and keeps the name equal ignoring case") {
  auto name = wire("www-1.example.com");
  auto original = name;
  PatternRandom all_upper(0xff);
  randomize_case(name, all_upper);
  CHECK(to_text(name) == "WWW-1.EXAMPLE.COM.");
  CHECK(equal_ignoring_case(name, original));
  PatternRandom all_lower(0x00);
  randomize_case(name, all_lower);
  CHECK(to_text(name) == "www-1.example.com.");
  PatternRandom alternating(0x55);
  randomize_case(name, alternating);
  CHECK(name != original);
  CHECK(equal_ignoring_case(name, original));
}
