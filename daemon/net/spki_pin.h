// SPKI pins (RFC 7469 2.4 form, as RFC 7858 4.2 and Stubby use them): the SHA-256 digest of a
// certificate's DER-encoded SubjectPublicKeyInfo, written "sha256/BASE64". A pin survives
// certificate renewals that keep the key, and does not depend on any CA.
#pragma once

#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

using SpkiDigest = std::array<uint8_t, 32>;

// "sha256/BASE64" (44 base64 characters): the digest, or nullopt if it is not that.
std::optional<SpkiDigest> parse_spki_pin(std::string_view text);

// The digest as "sha256/BASE64", the form parse_spki_pin reads and operators configure.
std::string spki_pin_text(const SpkiDigest& digest);

// The SHA-256 of the certificate's SubjectPublicKeyInfo, or nullopt if it cannot be encoded.
std::optional<SpkiDigest> spki_digest(X509* certificate);

}  // namespace vigil
