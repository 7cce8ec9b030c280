#include "daemon/net/spki_pin.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace vigil {

namespace {

constexpr std::string_view kPinPrefix = "sha256/";
// Base64 of 32 bytes: 43 characters and one "=" of padding.
constexpr std::size_t kPinBase64Length = 44;

}  // namespace

std::optional<SpkiDigest> parse_spki_pin(std::string_view text) {
  if (!text.starts_with(kPinPrefix)) return std::nullopt;
  text.remove_prefix(kPinPrefix.size());
  if (text.size() != kPinBase64Length || text.back() != '=' || text[kPinBase64Length - 2] == '=') {
    return std::nullopt;
  }
  for (const char c : text.substr(0, kPinBase64Length - 1)) {
    const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!base64) return std::nullopt;
  }
  // EVP_DecodeBlock ignores padding when it counts: 44 characters always decode to 33 bytes,
  // the last of them the padding's zero.
  std::array<uint8_t, 33> decoded{};
  const int length = EVP_DecodeBlock(decoded.data(), reinterpret_cast<const uint8_t*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length != static_cast<int>(decoded.size())) return std::nullopt;
  SpkiDigest digest{};
  std::copy_n(decoded.begin(), digest.size(), digest.begin());
  return digest;
}

std::string spki_pin_text(const SpkiDigest& digest) {
  std::array<unsigned char, kPinBase64Length + 1> encoded{};  // and EVP_EncodeBlock's NUL
  EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest.size()));
  return std::string(kPinPrefix) + reinterpret_cast<const char*>(encoded.data());
}

std::optional<SpkiDigest> spki_digest(X509* certificate) {
  X509_PUBKEY* key = certificate != nullptr ? X509_get_X509_PUBKEY(certificate) : nullptr;
  if (key == nullptr) return std::nullopt;
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(key, &der);
  if (length <= 0) return std::nullopt;
  const std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(
      der, [](unsigned char* p) { OPENSSL_free(p); });
  SpkiDigest digest{};
  unsigned int digest_length = 0;
  if (EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), &digest_length, EVP_sha256(),
                 nullptr) != 1 ||
      digest_length != digest.size()) {
    return std::nullopt;
  }
  return digest;
}

}  // namespace vigil
