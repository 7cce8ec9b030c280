#include "daemon/config/domain_name.h"

#include "daemon/config/bad_value.h"

namespace vigil {

namespace {

// RFC 1035 2.3.4: labels are 63 octets or less, names 255 octets or less (in wire form).
constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxNameLength = 255;

char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void check_label_characters(std::string_view name, std::string_view label) {
  for (char c : label) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '\\') {
      throw BadValue(in_quotes(name) + " is not a domain name (only printable ASCII without spaces "
                                    "or backslash escapes)");
    }
  }
}

}  // namespace

DomainName parse_domain_name(std::string_view text) {
  if (text.empty()) throw BadValue("the domain name is empty");
  DomainName name;
  if (text == ".") {
    name.text = ".";
    name.wire = {0};
    return name;
  }
  std::string_view rest = text;
  if (rest.back() == '.') rest.remove_suffix(1);
  while (true) {
    const auto dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty()) throw BadValue(in_quotes(text) + " has an empty label");
    if (label.size() > kMaxLabelLength) {
      throw BadValue(in_quotes(text) + " has a label of " + std::to_string(label.size()) +
                     " octets; RFC 1035 allows at most 63");
    }
    check_label_characters(text, label);
    name.wire.push_back(static_cast<uint8_t>(label.size()));
    for (char c : label) {
      name.wire.push_back(static_cast<uint8_t>(to_lower_ascii(c)));
      name.text.push_back(to_lower_ascii(c));
    }
    name.text.push_back('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  name.wire.push_back(0);
  if (name.wire.size() > kMaxNameLength) {
    throw BadValue(in_quotes(text) + " is " + std::to_string(name.wire.size()) +
                   " octets in wire form; RFC 1035 allows at most 255");
  }
  return name;
}

}  // namespace vigil
