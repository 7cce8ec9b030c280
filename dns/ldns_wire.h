// Wire-form bytes of records that ldns parsed from presentation form (config pins, trust
// anchors): vigil keeps plain bytes, not ldns objects, once the text is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

// Before ldns: without it ldns/common.h defines a `bool` macro that breaks C++ headers.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

namespace vigil::dns {

// The RDATA, uncompressed; nullopt if ldns cannot render it.
std::optional<std::vector<uint8_t>> rdata_wire(const ldns_rr* rr);

// The whole message in wire form (names compressed); nullopt if ldns cannot render it.
std::optional<std::vector<uint8_t>> packet_wire(const ldns_pkt* packet);

// The owner name in lower-case wire form.
std::vector<uint8_t> owner_wire(const ldns_rr* rr);

}  // namespace vigil::dns
