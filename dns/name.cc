#include "dns/name.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace vigil::dns {

std::optional<WireName> WireName::from_wire(Bytes wire) {
  if (wire.size() > kMaxNameLength) return std::nullopt;
  WireName name;
  std::memcpy(name.bytes.data(), wire.data(), wire.size());
  name.length = static_cast<uint8_t>(wire.size());
  return name;
}

std::optional<std::size_t> uncompressed_name_length(Bytes wire, std::size_t offset) {
  std::size_t pos = offset;
  while (true) {
    if (pos >= wire.size()) return std::nullopt;
    const uint8_t label = wire[pos];
    if (label == 0) break;
    if (label > kMaxLabelLength) return std::nullopt;  // a pointer or a reserved label type
    pos += 1 + label;
    if (pos - offset > kMaxNameLength) return std::nullopt;
  }
  const std::size_t length = pos + 1 - offset;
  if (length > kMaxNameLength) return std::nullopt;
  return length;
}

std::optional<std::size_t> skip_name(Bytes wire, std::size_t offset) {
  std::size_t pos = offset;
  while (true) {
    if (pos >= wire.size()) return std::nullopt;
    const uint8_t label = wire[pos];
    if (label == 0) return pos + 1;
    if ((label & 0xc0) == 0xc0) {
      if (pos + 2 > wire.size()) return std::nullopt;
      // RFC 1035 4.1.4: a pointer refers to a prior occurrence.
      if (static_cast<std::size_t>((label & 0x3f) << 8 | wire[pos + 1]) >= offset) return std::nullopt;
      return pos + 2;
    }
    if (label > kMaxLabelLength) return std::nullopt;
    pos += 1 + label;
    if (pos - offset > kMaxNameLength) return std::nullopt;
  }
}

static uint8_t fold(uint8_t c) { return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c; }

bool equal_ignoring_case(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

bool is_at_or_below(Bytes name, Bytes zone) {
  if (zone.size() > name.size()) return false;
  // Walk name's labels until the remaining suffix has the zone's length; it must start on a
  // label boundary, so "xexample.com" is not below "example.com".
  std::size_t pos = 0;
  while (name.size() - pos > zone.size()) {
    pos += 1 + name[pos];
    if (pos >= name.size()) return false;
  }
  return name.size() - pos == zone.size() && equal_ignoring_case(name.subspan(pos), zone);
}

void to_lower(std::span<uint8_t> name) {
  for (auto& c : name) c = fold(c);
}

void randomize_case(std::span<uint8_t> name, Random& random) {
  uint8_t bits[32];  // one bit per octet of a name of at most 255 octets
  random.fill(std::span<uint8_t>(bits, (name.size() + 7) / 8));
  std::size_t pos = 0;
  while (pos < name.size() && name[pos] != 0) {
    const std::size_t end = pos + 1 + name[pos];
    for (std::size_t i = pos + 1; i < end && i < name.size(); ++i) {
      const uint8_t lower = fold(name[i]);
      if (lower < 'a' || lower > 'z') continue;
      const bool upper = (bits[i / 8] >> (i % 8)) & 1;
      name[i] = upper ? static_cast<uint8_t>(lower - 32) : lower;
    }
    pos = end;
  }
}

std::string to_text(Bytes name) {
  std::string text;
  std::size_t pos = 0;
  while (pos < name.size() && name[pos] != 0) {
    const std::size_t end = std::min(name.size(), pos + 1 + name[pos]);
    for (std::size_t i = pos + 1; i < end; ++i) {
      const uint8_t c = name[i];
      if (c == '.' || c == '\\') {
        text += '\\';
        text += static_cast<char>(c);
      } else if (c > 0x20 && c < 0x7f) {
        text += static_cast<char>(c);
      } else {
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\%03u", c);
        text += escaped;
      }
    }
    text += '.';
    pos = end;
  }
  return text.empty() ? "." : text;
}

std::optional<WireName> from_text(std::string_view text) {
  WireName name;
  std::size_t out = 0;
  if (text == ".") {
    name.length = 1;
    return name;
  }
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::size_t label_start = 0;
  std::string label;
  auto flush = [&]() {
    if (label.empty() || label.size() > kMaxLabelLength) return false;
    if (out + 1 + label.size() + 1 > kMaxNameLength) return false;
    name.bytes[out++] = static_cast<uint8_t>(label.size());
    std::memcpy(&name.bytes[out], label.data(), label.size());
    out += label.size();
    label.clear();
    return true;
  };
  for (std::size_t i = label_start; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      label += text[++i];
    } else if (text[i] == '.') {
      if (!flush()) return std::nullopt;
    } else {
      label += text[i];
    }
  }
  if (!flush()) return std::nullopt;
  name.bytes[out++] = 0;
  name.length = static_cast<uint8_t>(out);
  return name;
}

}  // namespace vigil::dns
