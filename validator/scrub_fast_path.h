// The scrubber's fast path: on the wire, without ldns, recognise the common replies that the full
// scrubber (scrub.h) would pass through untouched, so they skip its parse and re-rendering.
#pragma once

#include <cstdint>

#include "dns/message.h"
#include "validator/scrub.h"

namespace vigil::validator {

// True only if scrub_answer(reply, qname, qtype, limits) would keep every record and refuse
// nothing (and ldns would parse the reply). Conservative: anything it is not sure of is false,
// and the caller runs the full scrubber. It recognises
//   - a positive answer: answer records all owned by `qname` with the question's class, of
//     `qtype` (A or AAAA, whose RDATA it checks) or RRSIGs covering `qtype`; authority empty;
//   - a negative answer: no answer records; authority the SOA RRset of one zone at or above
//     `qname`, NSEC/NSEC3 owned in that zone, RRSIGs over exactly those RRsets;
// and in both, nothing in the additional section but the OPT. THREATS rule 11's caps are
// checked as the full scrubber checks them: over a cap is never "clean".
// `reply` must have parsed into `layout` (dns::parse_message); `qname` is uncompressed.
bool scrub_keeps_everything(dns::Bytes reply, const dns::MessageLayout& layout, dns::Bytes qname,
                            uint16_t qtype, const ScrubLimits& limits = {});

}  // namespace vigil::validator
