// Test helper: the scrubber's fast path (scrub_fast_path.h) against the full scrubber on one
// reply in wire form. Whenever the fast path says "keeps everything", ldns must parse the reply
// and the full scrubber must drop nothing and refuse nothing.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "dns/ldns_ptr.h"
#include "dns/message.h"
#include "validator/scrub.h"
#include "validator/scrub_fast_path.h"

namespace vigil::validator::testing {

// `qname`: the uncompressed wire name the pipeline would pass (lower-cased question). Returns
// the fast path's verdict, or false when the wire does not parse (the pipeline never gets there).
inline bool check_fast_path_agrees(const std::vector<uint8_t>& wire,
                                   const std::vector<uint8_t>& qname, ldns_rr_type qtype,
                                   const ScrubLimits& limits = {}) {
  const auto parsed = dns::parse_message(wire);
  if (!parsed.ok()) return false;
  const bool clean = scrub_keeps_everything(wire, parsed.layout, qname,
                                            static_cast<uint16_t>(qtype), limits);
  if (!clean) return false;
  ldns_pkt* packet = nullptr;
  const ldns_status status = ldns_wire2pkt(&packet, wire.data(), wire.size());
  const dns::LdnsPkt owned(packet);
  REQUIRE_MESSAGE(status == LDNS_STATUS_OK, "the fast path passed a reply ldns cannot parse");
  const dns::LdnsRdf name(ldns_dname_new_frm_data(static_cast<uint16_t>(qname.size()),
                                                  qname.data()));
  REQUIRE(name != nullptr);
  const ScrubResult full = scrub_answer(owned.get(), name.get(), qtype, limits);
  CHECK_MESSAGE(!full.refused, "the fast path passed a reply the scrubber refuses: ", full.reason);
  for (const auto& dropped : full.dropped) {
    CHECK_MESSAGE(false, "the fast path passed a reply the scrubber cuts: ", dropped.owner, " ",
                  dropped.type);
  }
  return true;
}

// The lower-case wire form of a presentation name, as the pipeline holds the question.
inline std::vector<uint8_t> lower_wire_name(const char* text) {
  const dns::LdnsRdf name(ldns_dname_new_frm_str(text));
  REQUIRE(name != nullptr);
  std::vector<uint8_t> wire(ldns_rdf_data(name.get()), ldns_rdf_data(name.get()) + ldns_rdf_size(name.get()));
  for (auto& c : wire) {
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
  }
  return wire;
}

// The packet in wire form (names compressed, as an upstream sends them).
inline std::vector<uint8_t> wire_of(const ldns_pkt* packet) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, packet, &size) == LDNS_STATUS_OK);
  std::vector<uint8_t> bytes(wire, wire + size);
  free(wire);  // NOLINT: ldns allocates with malloc
  return bytes;
}

}  // namespace vigil::validator::testing
