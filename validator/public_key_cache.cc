#include "validator/public_key_cache.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "dns/ldns_ptr.h"

namespace vigil::validator {

namespace {

constexpr uint8_t kEcdsaP256Sha256 = 13;  // RFC 6605
constexpr uint8_t kEcdsaP384Sha384 = 14;

// RFC 6605 4: a key is the point's x and y, a signature r and s, each a field element wide.
std::size_t field_size(uint8_t algorithm) {
  return algorithm == kEcdsaP256Sha256 ? 32 : algorithm == kEcdsaP384Sha384 ? 48 : 0;
}

struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};
struct OpensslBytesDeleter {
  void operator()(unsigned char* bytes) const { OPENSSL_free(bytes); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// OpenSSL takes ECDSA signatures DER-encoded; DNSSEC sends r and s side by side.
std::unique_ptr<unsigned char, OpensslBytesDeleter> der_signature(std::span<const uint8_t> rs,
                                                                  int& length) {
  const std::size_t half = rs.size() / 2;
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(rs.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(rs.data() + half, static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return nullptr;
  }
  unsigned char* der = nullptr;
  length = i2d_ECDSA_SIG(sig.get(), &der);
  return std::unique_ptr<unsigned char, OpensslBytesDeleter>(length > 0 ? der : nullptr);
}

}  // namespace

PublicKeyCache::PublicKeyCache()
    : sha256_(EVP_MD_fetch(nullptr, "SHA256", nullptr)),
      sha384_(EVP_MD_fetch(nullptr, "SHA384", nullptr)) {}

EVP_PKEY_CTX* PublicKeyCache::context_for(uint8_t algorithm, std::span<const uint8_t> public_key) {
  std::string id(1, static_cast<char>(algorithm));
  id.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  if (auto found = keys_.find(id); found != keys_.end()) return found->second.get();
  const std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      ldns_ecdsa2pkey_raw(public_key.data(), public_key.size(), algorithm));
  if (!key) return nullptr;
  VerifyContext context(EVP_PKEY_CTX_new(key.get(), nullptr));  // holds its own reference
  if (!context || EVP_PKEY_verify_init(context.get()) <= 0) {
    ERR_clear_error();
    return nullptr;
  }
  if (keys_.size() >= kMaxKeys) keys_.erase(keys_.begin());
  return keys_.emplace(std::move(id), std::move(context)).first->second.get();
}

KeyVerdict PublicKeyCache::verify(uint8_t algorithm, std::span<const uint8_t> public_key,
                                  std::span<const uint8_t> signature,
                                  std::span<const uint8_t> data) {
  const std::size_t width = field_size(algorithm);
  const EVP_MD* digest = algorithm == kEcdsaP256Sha256 ? sha256_.get() : sha384_.get();
  if (width == 0 || digest == nullptr) return KeyVerdict::NotHandled;
  if (public_key.size() != 2 * width || signature.size() != 2 * width) return KeyVerdict::Failed;
  EVP_PKEY_CTX* context = context_for(algorithm, public_key);
  if (context == nullptr) return KeyVerdict::NotHandled;
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_length = 0;
  if (EVP_Digest(data.data(), data.size(), hash, &hash_length, digest, nullptr) != 1) {
    ERR_clear_error();
    return KeyVerdict::NotHandled;
  }
  int der_length = 0;
  const auto der = der_signature(signature, der_length);
  if (!der) {
    ERR_clear_error();
    return KeyVerdict::Failed;
  }
  const int rc = EVP_PKEY_verify(context, der.get(), static_cast<std::size_t>(der_length), hash,
                                 hash_length);
  if (rc != 1) ERR_clear_error();
  return rc == 1 ? KeyVerdict::Verified : KeyVerdict::Failed;
}

}  // namespace vigil::validator
