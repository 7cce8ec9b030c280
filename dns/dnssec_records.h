// RFC 4035 3.2.1: DNSSEC records (RRSIG, NSEC, NSEC3) go to a client only when it set DO.
// vigil always asks upstream with DO=1, so replies for other clients are re-rendered without them.
#pragma once

#include <cstdint>
#include <vector>

#include "dns/wire.h"

namespace vigil::dns {

// Whether the answer or authority section holds an RRSIG, NSEC or NSEC3 record that
// without_dnssec_records would drop. True for a message that does not parse (let that decide).
bool has_dnssec_records(Bytes wire, uint16_t qtype);

// The message without RRSIG, NSEC and NSEC3 records in its answer and authority sections (except
// records of the queried type itself: "x RRSIG" asked explicitly). Empty if it does not parse.
std::vector<uint8_t> without_dnssec_records(Bytes wire, uint16_t qtype);

}  // namespace vigil::dns
