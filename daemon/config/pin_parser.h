// The value of a "pin" key: NAME TYPE RDATA (THREATS.md "Pinned names"). The record is parsed by
// ldns at load time so that a pin the daemon answers with is always well-formed wire data.
#pragma once

#include <string_view>
#include <vector>

#include "daemon/config/config.h"

namespace vigil {

// "api.example.com A 192.0.2.10", "example.com MX 10 mail.example.com", "x.example TXT "a b"".
// Throws BadValue for an unknown or meta type, or RDATA ldns rejects.
Pin parse_pin(std::string_view text);

// Appends `pin`. Pins for one name and type accumulate (several A records); the same record twice
// and a CNAME beside other data at one name are errors.
void add_pin(std::vector<Pin>& pins, Pin pin);

}  // namespace vigil
