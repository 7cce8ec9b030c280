#include "trust-anchors/trust_anchor.h"

#include <algorithm>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "trust-anchors/root_anchor.h"

namespace vigil::anchors {

namespace {

constexpr uint32_t kDefaultTtl = 3600;  // ldns wants one; an anchor's TTL means nothing
constexpr uint16_t kZoneKeyFlag = 0x0100;

// RFC 4509 and RFC 6605: the digest lengths of the DS digest types vigil knows.
std::size_t digest_length(uint8_t digest_type) {
  switch (digest_type) {
    case 1: return 20;  // SHA-1
    case 2: return 32;  // SHA-256
    case 4: return 48;  // SHA-384
    default: return 0;  // unknown: any length; the validator will not use it
  }
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

TrustAnchor anchor_from(const ldns_rr* rr, std::string_view line, const std::string& where) {
  TrustAnchor anchor;
  anchor.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
  if (anchor.type != LDNS_RR_TYPE_DS && anchor.type != LDNS_RR_TYPE_DNSKEY) {
    throw TrustAnchorError(where + "a trust anchor is a DS or DNSKEY record");
  }
  auto rdata = dns::rdata_wire(rr);
  if (!rdata || rdata->size() < 4) throw TrustAnchorError(where + "the RDATA is too short");
  anchor.rdata = std::move(*rdata);
  anchor.owner = dns::owner_wire(rr);
  anchor.text = std::string(line);
  if (anchor.type == LDNS_RR_TYPE_DS) {
    anchor.key_tag = static_cast<uint16_t>((anchor.rdata[0] << 8) | anchor.rdata[1]);
    anchor.algorithm = anchor.rdata[2];
    const std::size_t expected = digest_length(anchor.rdata[3]);
    if (expected != 0 && anchor.rdata.size() - 4 != expected) {
      throw TrustAnchorError(where + "the digest of type " + std::to_string(anchor.rdata[3]) +
                             " must be " + std::to_string(expected) + " octets, not " +
                             std::to_string(anchor.rdata.size() - 4));
    }
  } else {
    // RFC 4034 2.1.1: without the Zone Key flag the key MUST NOT verify signatures.
    const uint16_t flags = static_cast<uint16_t>((anchor.rdata[0] << 8) | anchor.rdata[1]);
    if ((flags & kZoneKeyFlag) == 0) {
      throw TrustAnchorError(where + "the DNSKEY lacks the Zone Key flag (256)");
    }
    anchor.key_tag = ldns_calc_keytag(rr);
    anchor.algorithm = anchor.rdata[3];
  }
  return anchor;
}

unsigned line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// The text of the first <tag>...</tag> inside `element`, trimmed; empty if absent.
std::string_view child_text(std::string_view element, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto begin = element.find(open);
  if (begin == std::string_view::npos) return {};
  const auto end = element.find(close, begin);
  if (end == std::string_view::npos) return {};
  return trim(element.substr(begin + open.size(), end - begin - open.size()));
}

// RFC 9718 2: <TrustAnchor><Zone>.</Zone><KeyDigest validFrom=".." [validUntil=".."]>
// <KeyTag/><Algorithm/><DigestType/><Digest/></KeyDigest>...</TrustAnchor>.
std::vector<TrustAnchor> parse_root_anchors_xml(std::string_view text, const std::string& origin) {
  const std::string zone(child_text(text, "Zone"));
  if (zone.empty()) throw TrustAnchorError(origin + ": no <Zone> in the <TrustAnchor>");
  std::vector<TrustAnchor> anchors;
  std::size_t pos = 0;
  while ((pos = text.find("<KeyDigest", pos)) != std::string_view::npos) {
    const auto end = text.find("</KeyDigest>", pos);
    const std::string where = origin + ":" + std::to_string(line_of(text, pos)) + ": ";
    if (end == std::string_view::npos) throw TrustAnchorError(where + "<KeyDigest> is not closed");
    const std::string_view element = text.substr(pos, end - pos);
    pos = end;
    const std::string_view start_tag = element.substr(0, element.find('>'));
    if (start_tag.find("validUntil") != std::string_view::npos) continue;  // a retired key
    const std::string record = zone + " IN DS " + std::string(child_text(element, "KeyTag")) + " " +
                               std::string(child_text(element, "Algorithm")) + " " +
                               std::string(child_text(element, "DigestType")) + " " +
                               std::string(child_text(element, "Digest"));
    ldns_rr* parsed = nullptr;
    const ldns_status status =
        ldns_rr_new_frm_str(&parsed, record.c_str(), kDefaultTtl, nullptr, nullptr);
    const dns::LdnsRr rr(parsed);
    if (status != LDNS_STATUS_OK || !rr) {
      throw TrustAnchorError(where + "a <KeyDigest> without a usable KeyTag, Algorithm, "
                                     "DigestType and Digest: " + ldns_get_errorstr_by_id(status));
    }
    anchors.push_back(anchor_from(rr.get(), record, where));
  }
  if (anchors.empty()) throw TrustAnchorError(origin + ": no current <KeyDigest> in it");
  return anchors;
}

}  // namespace

std::vector<TrustAnchor> parse_trust_anchors(std::string_view text, const std::string& origin) {
  if (text.find("<TrustAnchor") != std::string_view::npos) {
    return parse_root_anchors_xml(text, origin);
  }
  std::vector<TrustAnchor> anchors;
  unsigned number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    line = trim(line.substr(0, line.find(';')));
    if (line.empty()) continue;
    const std::string where = origin + ":" + std::to_string(number) + ": ";
    ldns_rr* parsed = nullptr;
    const std::string record(line);
    const ldns_status status =
        ldns_rr_new_frm_str(&parsed, record.c_str(), kDefaultTtl, nullptr, nullptr);
    const dns::LdnsRr rr(parsed);
    if (status != LDNS_STATUS_OK || !rr) {
      throw TrustAnchorError(where + "not a DS or DNSKEY record: " +
                             ldns_get_errorstr_by_id(status));
    }
    anchors.push_back(anchor_from(rr.get(), line, where));
  }
  if (anchors.empty()) throw TrustAnchorError(origin + ": no DS or DNSKEY record in it");
  return anchors;
}

std::vector<TrustAnchor> builtin_root_anchors() {
  return parse_trust_anchors(kRootAnchorText, "built-in root anchor");
}

}  // namespace vigil::anchors
