// RRSIG verification (RFC 4035 5.3) and the DNSKEY-to-DS link (RFC 4035 5.2). The cheap field
// checks come first so that each failure gets its own reason; only then does ldns do the crypto,
// and every crypto call is paid for from the query's WorkBudget (KeyTrap, CVE-2023-50387).
#include "validator/signature.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "validator/signed_data.h"

namespace vigil::validator {

namespace {

constexpr uint16_t kZoneKeyFlag = 0x0100;  // RFC 4034 2.1.1
constexpr uint16_t kRevokeFlag = 0x0080;   // RFC 5011 3
constexpr uint8_t kDnskeyProtocol = 3;     // RFC 4034 2.1.2
constexpr size_t kRrsigFieldCount = 9;     // RFC 4034 3.1
constexpr size_t kDnskeyFieldCount = 4;    // RFC 4034 2.1
constexpr size_t kDsFieldCount = 4;        // RFC 4034 5.1
constexpr uint8_t kDigestSha1 = 1;         // RFC 4034 5.1.4

// ---- Record fields -----------------------------------------------------------------------

struct RrsigFields {
  ldns_rr_type type_covered;
  uint8_t algorithm;
  uint8_t labels;
  uint32_t original_ttl;
  uint32_t expiration;
  uint32_t inception;
  uint16_t key_tag;
  const ldns_rdf* signer;
};

// Untrusted input: an RRSIG without its nine fields is rejected here, never dereferenced.
std::optional<RrsigFields> read_rrsig(const ldns_rr* rrsig) {
  if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rrsig) < kRrsigFieldCount) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kRrsigFieldCount; ++i) {
    if (ldns_rr_rdf(rrsig, i) == nullptr) return std::nullopt;
  }
  return RrsigFields{ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rrsig)),
                     ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(rrsig)),
                     ldns_rdf2native_int8(ldns_rr_rrsig_labels(rrsig)),
                     ldns_rdf2native_int32(ldns_rr_rrsig_origttl(rrsig)),
                     ldns_rdf2native_int32(ldns_rr_rrsig_expiration(rrsig)),
                     ldns_rdf2native_int32(ldns_rr_rrsig_inception(rrsig)),
                     ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig)),
                     ldns_rr_rrsig_signame(rrsig)};
}

struct DnskeyFields {
  uint16_t flags;
  uint8_t protocol;
  uint8_t algorithm;
  uint16_t key_tag;
};

std::optional<DnskeyFields> read_dnskey(const ldns_rr* key) {
  if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(key) < kDnskeyFieldCount) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kDnskeyFieldCount; ++i) {
    if (ldns_rr_rdf(key, i) == nullptr) return std::nullopt;
  }
  return DnskeyFields{ldns_rdf2native_int16(ldns_rr_rdf(key, 0)),
                      ldns_rdf2native_int8(ldns_rr_rdf(key, 1)),
                      ldns_rdf2native_int8(ldns_rr_rdf(key, 2)), ldns_calc_keytag(key)};
}

struct DsFields {
  uint16_t key_tag;
  uint8_t algorithm;
  uint8_t digest_type;
};

std::optional<DsFields> read_ds(const ldns_rr* ds) {
  if (ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS || ldns_rr_rd_count(ds) < kDsFieldCount) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kDsFieldCount; ++i) {
    if (ldns_rr_rdf(ds, i) == nullptr) return std::nullopt;
  }
  return DsFields{ldns_rdf2native_int16(ldns_rr_rdf(ds, 0)),
                  ldns_rdf2native_int8(ldns_rr_rdf(ds, 1)),
                  ldns_rdf2native_int8(ldns_rr_rdf(ds, 2))};
}

bool same_name(const ldns_rdf* a, const ldns_rdf* b) { return ldns_dname_compare(a, b) == 0; }

// ---- Time ---------------------------------------------------------------------------------

// RFC 1982 3.2: a is before b when their 32-bit difference is negative.
bool serial_before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }

uint32_t serial_now(UnixTime now) { return static_cast<uint32_t>(now); }

// The absolute time a 32-bit field means: the one nearest to now (RFC 4034 3.1.5).
UnixTime absolute_time(uint32_t field, UnixTime now) {
  return now + static_cast<int32_t>(field - serial_now(now));
}

// "2026-11-20T10:00:00Z", for details.
std::string time_text(UnixTime time) {
  using namespace std::chrono;
  const sys_seconds point{seconds{time}};
  const sys_days day = floor<days>(point);
  const year_month_day date{day};
  const hh_mm_ss clock{point - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

// ldns checks the validity period once more, without skew. Hand it "now" moved into the period
// by at most the skew classify_signature_time already allowed.
time_t ldns_check_time(const RrsigFields& rrsig, UnixTime now) {
  const uint32_t current = serial_now(now);
  if (serial_before(current, rrsig.inception)) return rrsig.inception;
  if (serial_before(rrsig.expiration, current)) return rrsig.expiration;
  return current;
}

// RFC 4035 5.3.3: seconds until the RRSIG expires, 0 when it already has (within the skew).
uint32_t seconds_left(const RrsigFields& rrsig, UnixTime now) {
  const int32_t left = static_cast<int32_t>(rrsig.expiration - serial_now(now));
  return left > 0 ? static_cast<uint32_t>(left) : 0;
}

// ---- One RRSIG ----------------------------------------------------------------------------

// Why one RRSIG failed, ranked by how far it got: the verdict reports the furthest.
enum class Stage { Fields, Time, Key, Crypto };

struct Failure {
  Stage stage;
  Reason reason;
  std::string detail;
};

// Even RRSIGs that cost no crypto are not looked at past this many: a reply of 64 KiB could
// otherwise carry hundreds for one RRset.
constexpr size_t kMaxRrsigsLookedAt = 64;

enum class Outcome { Verified, Failed, NoKey, OutOfBudget };

struct SignatureContext {
  const RRset& rrset;
  const ldns_rr_list* zone_keys;
  const ldns_rdf* signer;
  UnixTime now;
  const ValidationPolicy& policy;
  WorkBudget& budget;
  PublicKeyCache* public_keys;  // may be null: every signature is then checked by ldns

  // "www.example.test./A", for details: written only when a detail needs it, since a secure
  // answer has none.
  const std::string& rrset_text() const {
    if (!rrset_text_) rrset_text_ = rrset.describe();
    return *rrset_text_;
  }
  mutable std::optional<std::string> rrset_text_;
};

std::string key_text(uint16_t key_tag, uint8_t algorithm) {
  return std::to_string(key_tag) + "/" + std::to_string(algorithm);
}

std::string rrsig_text(const SignatureContext& context, const RrsigFields& rrsig) {
  return "RRSIG " + key_text(rrsig.key_tag, rrsig.algorithm) + " over " + context.rrset_text();
}

// RFC 4035 5.3.1: the checks that need no crypto and no clock.
std::optional<Failure> check_fields(const SignatureContext& context, const ldns_rr* rr,
                                    const RrsigFields& rrsig) {
  const ldns_rr* first = ldns_rr_list_rr(context.rrset.records.get(), 0);
  // Written only for a failure: a secure answer needs no text.
  const auto text = [&] { return rrsig_text(context, rrsig); };
  // RFC 4035 5.3.1: the RRSIG and the RRset MUST have the same owner name and class, and its
  // Type Covered field MUST equal the RRset's type.
  if (rrsig.type_covered != context.rrset.type() ||
      ldns_rr_get_class(rr) != ldns_rr_get_class(first) ||
      !same_name(ldns_rr_owner(rr), context.rrset.owner())) {
    return Failure{Stage::Fields, Reason::SignatureInvalid, text() + " covers another RRset"};
  }
  // RFC 4035 5.3.1: the Signer's Name MUST be the name of the zone that contains the RRset...
  if (!same_name(rrsig.signer, context.signer)) {
    return Failure{Stage::Fields, Reason::SignatureInvalid,
                   text() + " is signed by " + name_text(rrsig.signer) + ", not by " +
                       name_text(context.signer)};
  }
  // ...so the signer encloses the owner.
  const ldns_rdf* owner = context.rrset.owner();
  if (!same_name(owner, rrsig.signer) && !ldns_dname_is_subdomain(owner, rrsig.signer)) {
    return Failure{Stage::Fields, Reason::SignatureInvalid,
                   text() + ": signer " + name_text(rrsig.signer) + " does not enclose the owner"};
  }
  // RFC 4035 5.3.1: the owner's label count MUST be >= the RRSIG's Labels field.
  if (rrsig.labels > label_count(owner)) {
    return Failure{Stage::Fields, Reason::SignatureInvalid,
                   text() + " has " + std::to_string(rrsig.labels) + " labels, the owner only " +
                       std::to_string(label_count(owner))};
  }
  // RFC 8624 3.1: an algorithm vigil does not validate cannot make anything secure.
  if (!is_supported_algorithm(rrsig.algorithm)) {
    return Failure{Stage::Fields, Reason::SignatureInvalid,
                   text() + " uses unsupported algorithm " + std::to_string(rrsig.algorithm)};
  }
  return std::nullopt;
}

std::optional<Failure> check_time(const SignatureContext& context, const RrsigFields& rrsig) {
  const auto text = [&] { return "RRSIG over " + context.rrset_text(); };
  switch (classify_signature_time(rrsig.inception, rrsig.expiration, context.now,
                                  context.policy.clock_skew_seconds)) {
    case SignatureTime::Valid: return std::nullopt;
    case SignatureTime::NotYetValid:
      return Failure{Stage::Time, Reason::SignatureNotYetValid,
                     text() + " not valid before " +
                         time_text(absolute_time(rrsig.inception, context.now))};
    case SignatureTime::Expired:
      return Failure{Stage::Time, Reason::SignatureExpired,
                     text() + " expired " + time_text(absolute_time(rrsig.expiration, context.now))};
    case SignatureTime::ExpirationBeforeInception:  // malformed, not a matter of the clock
      return Failure{Stage::Fields, Reason::SignatureInvalid,
                     text() + " expires before its inception"};
  }
  return std::nullopt;
}

// Why no key of the zone could be tried for an RRSIG.
Failure no_key_failure(const SignatureContext& context, const RrsigFields& rrsig,
                       bool saw_non_zone_key, bool saw_revoked_key) {
  const std::string zone = name_text(context.signer);
  const std::string key = key_text(rrsig.key_tag, rrsig.algorithm);
  // RFC 4034 2.1.1: a key without the Zone Key flag MUST NOT be used to verify RRSIGs.
  if (saw_non_zone_key) {
    return Failure{Stage::Key, Reason::NoZoneKeyBit,
                   "DNSKEY " + key + " of " + zone + " lacks the Zone Key flag, so cannot verify " +
                       rrsig_text(context, rrsig)};
  }
  // RFC 5011 3: a revoked key is not used to validate anything but its own revocation.
  if (saw_revoked_key) {
    return Failure{Stage::Key, Reason::SignatureInvalid,
                   "DNSKEY " + key + " of " + zone + " is revoked, so cannot verify " +
                       rrsig_text(context, rrsig)};
  }
  return Failure{Stage::Key, Reason::SignatureInvalid,
                 "no DNSKEY of " + zone + " matches " + rrsig_text(context, rrsig)};
}

// The crypto of one RRSIG with one key: with the kept OpenSSL key where there is one for the
// algorithm (public_key_cache.h), else by ldns, which builds the key again each time.
ldns_status verify_signature(SignatureContext& context, ldns_rr* rr, ldns_rr* key,
                             const RrsigFields& rrsig, std::optional<std::vector<uint8_t>>& data) {
  constexpr size_t kPublicKeyField = 3;  // RFC 4034 2.1
  constexpr size_t kSignatureField = 8;  // RFC 4034 3.1
  if (context.public_keys != nullptr && ldns_rr_rd_count(key) > kPublicKeyField &&
      ldns_rr_rd_count(rr) > kSignatureField) {
    if (!data) data = signed_data(context.rrset.records.get(), rr);
    const ldns_rdf* public_key = ldns_rr_rdf(key, kPublicKeyField);
    const ldns_rdf* signature = ldns_rr_rdf(rr, kSignatureField);
    if (data && public_key != nullptr && signature != nullptr) {
      switch (context.public_keys->verify(
          rrsig.algorithm, {ldns_rdf_data(public_key), ldns_rdf_size(public_key)},
          {ldns_rdf_data(signature), ldns_rdf_size(signature)}, *data)) {
        case KeyVerdict::Verified: return LDNS_STATUS_OK;
        case KeyVerdict::Failed: return LDNS_STATUS_CRYPTO_BOGUS;
        case KeyVerdict::NotHandled: break;
      }
    }
  }
  return ldns_verify_rrsig_time(context.rrset.records.get(), rr, key,
                                ldns_check_time(rrsig, context.now));
}

// RFC 4035 5.3.1/5.3.2: the keys of the zone with the RRSIG's key tag, algorithm, protocol 3 and
// the Zone Key flag, tried in turn (at most max_keys_per_signature: key tags collide by design
// in KeyTrap), each paid for from the budget.
Outcome try_keys(SignatureContext& context, ldns_rr* rr, const RrsigFields& rrsig,
                 std::optional<Failure>& failure) {
  const size_t key_count =
      context.zone_keys != nullptr ? ldns_rr_list_rr_count(context.zone_keys) : 0;
  unsigned tried = 0;
  bool saw_non_zone_key = false;
  bool saw_revoked_key = false;
  ldns_status last_status = LDNS_STATUS_OK;
  std::optional<std::vector<uint8_t>> data;  // what `rr` signs, once for all its keys
  for (size_t i = 0; i < key_count; ++i) {
    ldns_rr* key = ldns_rr_list_rr(context.zone_keys, i);
    const auto fields = read_dnskey(key);
    if (!fields || fields->key_tag != rrsig.key_tag || fields->algorithm != rrsig.algorithm ||
        fields->protocol != kDnskeyProtocol || !same_name(ldns_rr_owner(key), context.signer)) {
      continue;
    }
    if ((fields->flags & kZoneKeyFlag) == 0) {
      saw_non_zone_key = true;
      continue;
    }
    if ((fields->flags & kRevokeFlag) != 0) {
      saw_revoked_key = true;
      continue;
    }
    if (tried == context.policy.max_keys_per_signature) break;
    ++tried;
    if (!context.budget.spend_signature()) return Outcome::OutOfBudget;
    last_status = verify_signature(context, rr, key, rrsig, data);
    if (last_status == LDNS_STATUS_OK) return Outcome::Verified;
  }
  if (tried == 0) {
    failure = no_key_failure(context, rrsig, saw_non_zone_key, saw_revoked_key);
    return Outcome::NoKey;
  } else {
    failure = Failure{Stage::Crypto, Reason::SignatureInvalid,
                      rrsig_text(context, rrsig) + " does not verify with " +
                          std::to_string(tried) + " key(s) of " + name_text(context.signer) +
                          ": " + ldns_get_errorstr_by_id(last_status)};
  }
  return Outcome::Failed;
}

// Keeps the failure that got furthest; the first one among equals.
void remember(std::optional<Failure>& worst, std::optional<Failure> failure) {
  if (failure && (!worst || failure->stage > worst->stage)) worst = std::move(failure);
}

SignatureCheck secure_check(const RRset& rrset, const RrsigFields& rrsig, UnixTime now) {
  SignatureCheck check;
  check.verdict = Verdict::secure();
  // RFC 4035 5.3.3: no longer than the RRset's TTL, the Original TTL and the RRSIG's lifetime.
  check.ttl = std::min({rrset.ttl(), rrsig.original_ttl, seconds_left(rrsig, now)});
  check.rrsig_labels = rrsig.labels;
  return check;
}

SignatureCheck bogus_check(Reason reason, std::string detail) {
  SignatureCheck check;
  check.verdict = Verdict::bogus(reason, std::move(detail));
  return check;
}

// ---- DNSKEY to DS -------------------------------------------------------------------------

// One trusted record at the zone apex that vigil can use: a DS or a DNSKEY trust anchor.
struct TrustedKey {
  const ldns_rr* rr;
  uint16_t key_tag;
  uint8_t algorithm;
  std::optional<uint8_t> digest_type;  // absent for a DNSKEY trust anchor

  std::string text() const {
    return digest_type ? "DS " + key_text(key_tag, algorithm) + "/" + std::to_string(*digest_type)
                       : "trust anchor DNSKEY " + key_text(key_tag, algorithm);
  }
};

struct TrustedSelection {
  std::vector<TrustedKey> usable;
  size_t at_apex = 0;                     // trusted records that name this zone
  bool any_supported_algorithm = false;  // tells UnsupportedDigest from UnsupportedAlgorithm
};

std::optional<TrustedKey> read_trusted(const ldns_rr* rr) {
  if (const auto ds = read_ds(rr)) {
    return TrustedKey{rr, ds->key_tag, ds->algorithm, ds->digest_type};
  }
  if (const auto key = read_dnskey(rr)) return TrustedKey{rr, key->key_tag, key->algorithm, {}};
  return std::nullopt;
}

TrustedSelection select_trusted(const ldns_rdf* apex, const ldns_rr_list* trusted) {
  TrustedSelection selection;
  const size_t count = trusted != nullptr ? ldns_rr_list_rr_count(trusted) : 0;
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(trusted, i);
    if (!same_name(ldns_rr_owner(rr), apex)) continue;
    const auto key = read_trusted(rr);
    if (!key) continue;
    ++selection.at_apex;
    // RFC 4035 5.2: a DS of an unknown algorithm or digest type is as if absent.
    if (!is_supported_algorithm(key->algorithm)) continue;
    selection.any_supported_algorithm = true;
    if (key->digest_type && !is_supported_digest(*key->digest_type)) continue;
    selection.usable.push_back(*key);
  }
  // RFC 4509 3: ignore SHA-1 DS records when a DS with a stronger digest is present
  // (RFC 8624 3.3: SHA-1 only as a last resort).
  const bool has_stronger = std::any_of(
      selection.usable.begin(), selection.usable.end(),
      [](const TrustedKey& key) { return key.digest_type && *key.digest_type != kDigestSha1; });
  if (has_stronger) {
    std::erase_if(selection.usable,
                  [](const TrustedKey& key) { return key.digest_type == kDigestSha1; });
  }
  return selection;
}

bool same_rdata(const ldns_rr* a, const ldns_rr* b) {
  if (ldns_rr_rd_count(a) != ldns_rr_rd_count(b)) return false;
  for (size_t i = 0; i < ldns_rr_rd_count(a); ++i) {
    if (ldns_rdf_compare(ldns_rr_rdf(a, i), ldns_rr_rdf(b, i)) != 0) return false;
  }
  return true;
}

// RFC 4035 5.2: the DS digest is over the key's owner name and RDATA (RFC 4034 5.1.4).
bool trusted_matches(const TrustedKey& trusted, const ldns_rr* dnskey) {
  if (!trusted.digest_type) return same_rdata(trusted.rr, dnskey);
  const dns::LdnsRr computed(ldns_key_rr2ds(dnskey, static_cast<ldns_hash>(*trusted.digest_type)));
  return computed && same_rdata(computed.get(), trusted.rr);
}

struct KeyMatch {
  bool saw_non_zone_key = false;
  bool hit_pair_limit = false;
  std::vector<std::string> signer_texts;
};

// Borrowed: pointers into the DNSKEY RRset, freed shallowly (ldns_rr_list_free).
struct ShallowRrListDeleter {
  void operator()(ldns_rr_list* list) const { ldns_rr_list_free(list); }
};
using BorrowedRrList = std::unique_ptr<ldns_rr_list, ShallowRrListDeleter>;

// The keys of `dnskeys` that a usable trusted record vouches for, comparing at most
// policy.max_ds_dnskey_pairs (key tag and algorithm equal) pairs: a zone can publish many keys
// with the DS's key tag, and each comparison costs a digest.
void match_keys(const RRset& dnskeys, const std::vector<TrustedKey>& usable,
                const ValidationPolicy& policy, BorrowedRrList& signers, KeyMatch& match) {
  unsigned pairs = 0;
  const size_t key_count = ldns_rr_list_rr_count(dnskeys.records.get());
  for (const TrustedKey& trusted : usable) {
    for (size_t i = 0; i < key_count; ++i) {
      ldns_rr* key = ldns_rr_list_rr(dnskeys.records.get(), i);
      const auto fields = read_dnskey(key);
      if (!fields || fields->key_tag != trusted.key_tag || fields->algorithm != trusted.algorithm) {
        continue;
      }
      if (pairs == policy.max_ds_dnskey_pairs) {
        match.hit_pair_limit = true;
        return;
      }
      ++pairs;
      if (!trusted_matches(trusted, key)) continue;
      // RFC 4034 2.1.1 and RFC 5011 3: only a zone key that is not revoked may sign the set.
      if ((fields->flags & kZoneKeyFlag) == 0) {
        match.saw_non_zone_key = true;
        continue;
      }
      if ((fields->flags & kRevokeFlag) != 0) continue;
      bool known = false;
      for (size_t j = 0; j < ldns_rr_list_rr_count(signers.get()); ++j) {
        known = known || ldns_rr_list_rr(signers.get(), j) == key;
      }
      if (!known) {
        ldns_rr_list_push_rr(signers.get(), key);
        match.signer_texts.push_back(key_text(fields->key_tag, fields->algorithm));
      }
    }
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

}  // namespace

bool is_supported_algorithm(uint8_t algorithm) {
  switch (algorithm) {
    case LDNS_RSASHA256:        // 8
    case LDNS_RSASHA512:        // 10
    case LDNS_ECDSAP256SHA256:  // 13
    case LDNS_ECDSAP384SHA384:  // 14
    case LDNS_ED25519:          // 15
    case LDNS_ED448:            // 16
      return true;
    default: return false;
  }
}

bool is_supported_digest(uint8_t digest_type) {
  return digest_type == LDNS_SHA1 || digest_type == LDNS_SHA256 || digest_type == LDNS_SHA384;
}

SignatureTime classify_signature_time(uint32_t inception, uint32_t expiration, UnixTime now,
                                      uint32_t skew_seconds) {
  const uint32_t current = serial_now(now);
  if (serial_before(expiration, inception)) return SignatureTime::ExpirationBeforeInception;
  // RFC 4035 5.3.1: the current time MUST be >= the Inception field...
  if (serial_before(current + skew_seconds, inception)) return SignatureTime::NotYetValid;
  // ...and <= the Expiration field.
  if (serial_before(expiration, current - skew_seconds)) return SignatureTime::Expired;
  return SignatureTime::Valid;
}

SignatureCheck verify_rrset(const RRset& rrset, const ldns_rr_list* zone_keys,
                            const ldns_rdf* signer, UnixTime now, const ValidationPolicy& policy,
                            WorkBudget& budget, PublicKeyCache* public_keys) {
  SignatureContext context{rrset, zone_keys, signer, now, policy, budget, public_keys, {}};
  const size_t count = rrset.signatures ? ldns_rr_list_rr_count(rrset.signatures.get()) : 0;
  if (count == 0) {
    return bogus_check(Reason::RrsigsMissing, "no RRSIG over " + context.rrset_text());
  }
  // THREATS rule 11: at most max_signatures_per_rrset RRSIGs reach the crypto, so a flood of
  // RRSIGs over one RRset costs a bounded amount of work. RRSIGs by keys the zone does not have
  // (a DNSKEY RRset signed by all of a zone's keys, checked with the DS-matched ones only) cost
  // no crypto and do not count; kMaxRrsigsLookedAt bounds even that cheap work.
  const size_t looked_at = std::min<size_t>(count, kMaxRrsigsLookedAt);
  size_t limit = policy.max_signatures_per_rrset;
  std::optional<Failure> worst;
  for (size_t i = 0, attempted = 0; i < looked_at && attempted < limit; ++i) {
    ldns_rr* rr = ldns_rr_list_rr(rrset.signatures.get(), i);
    const auto rrsig = read_rrsig(rr);
    if (!rrsig) {
      remember(worst, Failure{Stage::Fields, Reason::SignatureInvalid,
                              "malformed RRSIG over " + context.rrset_text()});
      continue;
    }
    std::optional<Failure> failure = check_fields(context, rr, *rrsig);
    if (!failure) failure = check_time(context, *rrsig);
    if (failure) {
      remember(worst, std::move(failure));
      continue;
    }
    switch (try_keys(context, rr, *rrsig, failure)) {
      case Outcome::Verified: return secure_check(rrset, *rrsig, now);
      case Outcome::NoKey: remember(worst, std::move(failure)); break;
      case Outcome::OutOfBudget:
        return bogus_check(Reason::WorkLimit, "work limit: no signature verification left for " +
                                                  context.rrset_text());
      case Outcome::Failed:
        ++attempted;
        remember(worst, std::move(failure));
        break;
    }
  }
  std::string detail = worst ? worst->detail : "no RRSIG over " + context.rrset_text() + " verifies";
  if (count > limit) {
    detail += " (at most " + std::to_string(limit) + " of " + std::to_string(count) +
              " RRSIGs tried)";
  }
  return bogus_check(worst ? worst->reason : Reason::SignatureInvalid, std::move(detail));
}

SignatureCheck verify_dnskey_rrset(const RRset& dnskeys, const ldns_rr_list* trusted,
                                   UnixTime now, const ValidationPolicy& policy,
                                   WorkBudget& budget, PublicKeyCache* public_keys) {
  const ldns_rdf* apex = dnskeys.owner();
  const std::string zone = name_text(apex);
  if (dnskeys.type() != LDNS_RR_TYPE_DNSKEY) {
    return bogus_check(Reason::Bogus, dnskeys.describe() + " is not a DNSKEY RRset");
  }
  const TrustedSelection selection = select_trusted(apex, trusted);
  if (selection.at_apex == 0) {
    // Nothing vouches for the zone: fail closed rather than call it unsigned.
    return bogus_check(Reason::DnskeyMissing, "no DS or trust anchor for " + zone);
  }
  // RFC 4035 5.2: if the validator does not support any of the algorithms (or digests) listed
  // in the DS RRset, it treats the zone as unsigned (RFC 8624 EDE 1 and 2).
  if (selection.usable.empty()) {
    SignatureCheck check;
    check.verdict =
        selection.any_supported_algorithm
            ? Verdict::insecure(Reason::UnsupportedDigest,
                                "no DS of " + zone + " uses a supported digest type")
            : Verdict::insecure(Reason::UnsupportedAlgorithm,
                                "no DS or trust anchor of " + zone + " uses a supported algorithm");
    return check;
  }
  BorrowedRrList signers(ldns_rr_list_new());
  KeyMatch match;
  match_keys(dnskeys, selection.usable, policy, signers, match);
  if (ldns_rr_list_rr_count(signers.get()) == 0) {
    std::vector<std::string> wanted;
    for (const auto& key : selection.usable) wanted.push_back(key.text());
    if (match.hit_pair_limit) {
      return bogus_check(Reason::WorkLimit,
                         "work limit: more than " + std::to_string(policy.max_ds_dnskey_pairs) +
                             " DS-DNSKEY pairs to compare for " + zone);
    }
    if (match.saw_non_zone_key) {
      return bogus_check(Reason::NoZoneKeyBit,
                         "the DNSKEY of " + zone + " matching " + join(wanted) +
                             " lacks the Zone Key flag");
    }
    return bogus_check(Reason::DnskeyMissing, "no DNSKEY of " + zone + " matches " + join(wanted));
  }
  // RFC 4035 5.2: the matched key must itself sign the DNSKEY RRset; the other keys of the set
  // are trusted only once it does.
  SignatureCheck check =
      verify_rrset(dnskeys, signers.get(), apex, now, policy, budget, public_keys);
  if (check.verdict.reason == Reason::SignatureInvalid) {
    check.verdict.detail = "no key vouched for by the DS or trust anchor (" +
                           join(match.signer_texts) + ") signs " + dnskeys.describe() + ": " +
                           check.verdict.detail;
  }
  return check;
}

}  // namespace vigil::validator
