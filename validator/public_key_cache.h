// DNSKEYs turned into OpenSSL keys, kept for the next signature. Building a P-256 key (its curve
// group, the point, the provider's import) costs half as much again as verifying with it, and a
// zone's key signs every answer from the zone: each key is built once and kept. Only the
// ECDSA algorithms (13, 14) are kept here; the others are verified by ldns as before.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>

namespace vigil::validator {

enum class KeyVerdict { Verified, Failed, NotHandled };

class PublicKeyCache {
 public:
  // Keys kept at most; past that an arbitrary one makes room (rebuilding costs a key parse, which
  // only a signature check that the work budget already paid for can cause).
  static constexpr std::size_t kMaxKeys = 256;

  PublicKeyCache();
  PublicKeyCache(const PublicKeyCache&) = delete;
  PublicKeyCache& operator=(const PublicKeyCache&) = delete;

  // Checks `signature` (the RRSIG's Signature field) over `data` (signed_data) with the DNSKEY's
  // Public Key field. NotHandled: an algorithm this cache does not cover, or OpenSSL could not
  // build the key; the caller then verifies another way.
  KeyVerdict verify(uint8_t algorithm, std::span<const uint8_t> public_key,
                    std::span<const uint8_t> signature, std::span<const uint8_t> data);

  std::size_t size() const { return keys_.size(); }
  void clear() { keys_.clear(); }

 private:
  struct ContextDeleter {
    void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
  };
  struct DigestDeleter {
    void operator()(EVP_MD* digest) const { EVP_MD_free(digest); }
  };
  using VerifyContext = std::unique_ptr<EVP_PKEY_CTX, ContextDeleter>;

  EVP_PKEY_CTX* context_for(uint8_t algorithm, std::span<const uint8_t> public_key);

  // Keyed by the algorithm and the public key bytes; each context is initialized for verify.
  std::unordered_map<std::string, VerifyContext> keys_;
  std::unique_ptr<EVP_MD, DigestDeleter> sha256_;
  std::unique_ptr<EVP_MD, DigestDeleter> sha384_;
};

}  // namespace vigil::validator
