// Written by make_corpus.py with the seeds of corpus/validator/: the trust anchor of the
// signed world (tools/world) they were taken from, and a time at which its signatures were
// valid. Regenerate both together.
#pragma once

#include <cstdint>

namespace vigil::fuzz {

inline constexpr const char* kWorldTrustAnchor =
    ". 3600 IN DS 24332 13 2 a30efc8ec885c8cb3757dc94ce4097e74df3bc4770f741ba17c276a77feed946\n";
inline constexpr int64_t kWorldNow = 1795441486;  // 2026-11-23T13:44:46Z

}  // namespace vigil::fuzz
