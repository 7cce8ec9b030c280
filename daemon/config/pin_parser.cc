#include "daemon/config/pin_parser.h"

#include <string>

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"
#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"

namespace vigil {

namespace {

constexpr uint32_t kParseTtl = 3600;  // ldns wants a TTL; pins are answered with their own

// Types that are not data: a query meta type or a pseudo-record has no RDATA to pin
// (RFC 6895 3.1: OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY).
bool is_meta_type(uint16_t type) {
  return type == LDNS_RR_TYPE_OPT || (type >= 128 && type <= 255);
}

// Splits "NAME TYPE RDATA" at the first two runs of blanks.
struct PinParts {
  std::string_view name, type, rdata;
};
PinParts split_pin(std::string_view text) {
  PinParts parts;
  const auto name_end = text.find_first_of(" \t");
  parts.name = text.substr(0, name_end);
  const std::string_view rest = trim(text.substr(std::min(name_end, text.size())));
  const auto type_end = rest.find_first_of(" \t");
  parts.type = rest.substr(0, type_end);
  parts.rdata = trim(rest.substr(std::min(type_end, rest.size())));
  if (parts.name.empty() || parts.type.empty() || parts.rdata.empty()) {
    throw BadValue(in_quotes(text) + " is not NAME TYPE RDATA (e.g. api.example.com A 192.0.2.10)");
  }
  return parts;
}

uint16_t parse_type(std::string_view text) {
  const std::string type(text);
  const uint16_t code = ldns_get_rr_type_by_name(type.c_str());
  if (code == 0) {
    throw BadValue(in_quotes(type) + " is not a record type (write NAME TYPE RDATA, without TTL or "
                                  "class)");
  }
  if (is_meta_type(code)) throw BadValue(in_quotes(type) + " is a meta type, not data to pin");
  return code;
}

}  // namespace

Pin parse_pin(std::string_view text) {
  const PinParts parts = split_pin(text);
  const DomainName name = parse_domain_name(parts.name);
  const uint16_t type = parse_type(parts.type);
  const std::string record = name.text + " " + std::to_string(kParseTtl) + " IN " +
                             std::string(parts.type) + " " + std::string(parts.rdata);
  ldns_rr* parsed = nullptr;
  const ldns_status status = ldns_rr_new_frm_str(&parsed, record.c_str(), kParseTtl, nullptr,
                                                 nullptr);
  const dns::LdnsRr rr(parsed);
  if (status != LDNS_STATUS_OK || !rr) {
    throw BadValue("bad " + std::string(parts.type) + " RDATA " + in_quotes(parts.rdata) + ": " +
                   ldns_get_errorstr_by_id(status));
  }
  if (ldns_rr_get_type(rr.get()) != type) throw BadValue(in_quotes(text) + " parsed as another type");
  auto rdata = dns::rdata_wire(rr.get());
  if (!rdata) throw BadValue("cannot render the RDATA of " + in_quotes(text) + " in wire form");
  return Pin{name.text, name.wire, type, std::move(*rdata), std::string(text)};
}

void add_pin(std::vector<Pin>& pins, Pin pin) {
  for (const auto& existing : pins) {
    if (existing.name != pin.name) continue;
    if (existing.type == pin.type && existing.rdata == pin.rdata) {
      throw BadValue(in_quotes(pin.text) + " is pinned twice");
    }
    // RFC 2181 10.1: a name that has a CNAME has no other data, and only one CNAME.
    if (existing.type == LDNS_RR_TYPE_CNAME || pin.type == LDNS_RR_TYPE_CNAME) {
      throw BadValue(in_quotes(pin.text) + " conflicts with " + in_quotes(existing.text) +
                     ": a CNAME must be the only record at its name (RFC 2181 10.1)");
    }
  }
  pins.push_back(std::move(pin));
}

}  // namespace vigil
