#include "daemon/config/guard.h"

#include "daemon/config/access_control.h"
#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"

namespace vigil {

Guard parse_guard(std::string_view text) {
  Guard guard;
  guard.text = std::string(text);
  std::string_view rest = trim(text);
  const auto blank = rest.find_first_of(" \t");
  std::string_view name = rest.substr(0, blank);
  if (blank == std::string_view::npos) {
    throw BadValue(in_quotes(text) + " is not NAME CIDR [CIDR...] (e.g. api.example.com "
                                     "192.0.2.0/24)");
  }
  rest = trim(rest.substr(blank));
  if (name.starts_with("*.")) {
    guard.subtree = true;
    name.remove_prefix(2);
  }
  const DomainName parsed = parse_domain_name(name);
  guard.name = parsed.text;
  guard.name_wire = parsed.wire;
  while (!rest.empty()) {
    const auto end = rest.find_first_of(" \t");
    const std::string prefix(rest.substr(0, end));
    guard.allowed.push_back(parse_access_rule(prefix + " allow"));
    rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
  }
  return guard;
}

void add_guard(std::vector<Guard>& guards, Guard guard) {
  for (const auto& existing : guards) {
    if (existing.name == guard.name && existing.subtree == guard.subtree) {
      throw BadValue(std::string(guard.subtree ? "*." : "") + guard.name + " is guarded twice");
    }
  }
  guards.push_back(std::move(guard));
}

}  // namespace vigil
