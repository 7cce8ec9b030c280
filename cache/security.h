// How far a cached answer or RRset was checked, and how it ranks against another copy
// (RFC 2181 5.4.1: validated data beats data nobody checked).
#pragma once

#include <cstdint>

namespace vigil::cache {

// Ordered: a higher value outranks a lower one.
enum class Security : uint8_t { Unchecked, Insecure, Secure };

inline const char* to_string(Security security) {
  switch (security) {
    case Security::Secure: return "secure";
    case Security::Insecure: return "insecure";
    case Security::Unchecked: break;
  }
  return "unchecked";
}

}  // namespace vigil::cache
