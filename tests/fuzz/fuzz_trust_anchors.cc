// Fuzz target: a trust-anchor file (trust-anchors/trust_anchor.h): zone-file lines or IANA's
// root-anchors.xml. Bad text must end in TrustAnchorError, nothing else; what parses must make an
// AnchorSet the validator can use.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "trust-anchors/trust_anchor.h"
#include "validator/anchor_set.h"

using namespace vigil;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto parsed = anchors::parse_trust_anchors(text, "fuzz");
    const validator::AnchorSet set(parsed);
    (void)set.empty();
  } catch (const anchors::TrustAnchorError&) {
  }
  return 0;
}
