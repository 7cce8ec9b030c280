// RFC 5011: automated updates of DNSSEC trust anchors. Pure: the trust state of one anchored zone,
// a DNSKEY RRset the caller has already validated with the currently trusted keys, and `now` go
// in; the next state and log events come out. The daemon does the fetching, validation and I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trust-anchors/trust_anchor.h"

namespace vigil::anchors {

// RFC 5011 2.3 and 2.4: the timers, in seconds.
constexpr int64_t kAddHoldDown = int64_t{30} * 86400;       // 2.4.1: add hold-down, 30 days
constexpr int64_t kRemoveHoldDown = int64_t{30} * 86400;    // 2.4.2: remove hold-down, 30 days
constexpr int64_t kMinQueryInterval = 3600;                 // 2.3: queryInterval floor, 1 hour
constexpr int64_t kMaxQueryInterval = int64_t{15} * 86400;  // 2.3: queryInterval cap, 15 days
constexpr int64_t kMinRetryTime = 3600;                     // 2.3: retryTime floor, 1 hour
constexpr int64_t kMaxRetryTime = 86400;                    // 2.3: retryTime cap, 1 day

// Not from the RFC: at most this many keys wait in AddPend at once. The DNSKEY set is signed by
// a trusted key, but whoever holds a stolen one could otherwise grow the state file without
// bound; a real rollover has one or two new keys in flight.
constexpr std::size_t kMaxPendingKeys = 8;

// RFC 4034 2.1.1 and RFC 5011 3 (DNSKEY flags).
constexpr uint16_t kDnskeyZoneFlag = 0x0100;
constexpr uint16_t kDnskeyRevokeFlag = 0x0080;  // RFC 5011 3: bit 8, REVOKE
constexpr uint16_t kDnskeySepFlag = 0x0001;

// RFC 5011 4.1. Start is never stored: a key in Start is forgotten.
enum class KeyState { Start, AddPend, Valid, Missing, Revoked, Removed };

struct TrackedKey {
  std::vector<uint8_t> rdata_without_revoke;  // DNSKEY RDATA with the REVOKE bit cleared
  uint16_t key_tag = 0;                       // of rdata_without_revoke (RFC 4034 appendix B)
  uint8_t algorithm = 0;
  KeyState state = KeyState::Start;
  int64_t first_seen = 0;   // AddPend: when the add hold-down started; 0: from configuration
  int64_t last_change = 0;  // when `state` was entered (Revoked: the remove hold-down start)

  bool operator==(const TrackedKey&) const = default;
};

struct AnchorZoneState {
  std::string zone;                   // presentation form, lower case, absolute: "." "example."
  std::vector<TrackedKey> keys;       // in the order first seen
  std::vector<TrustAnchor> unbound_ds;  // configured DS anchors no DNSKEY has matched yet
  int64_t last_refresh = 0;           // `now` of the last applied DNSKEY set; 0: never
};

// One key of a DNSKEY RRset that the caller validated with trusted_anchors() of this state.
// Whether the key is a SEP key or revoked is read from the flags in `rdata`.
struct ObservedKey {
  std::vector<uint8_t> rdata;  // as published, REVOKE bit included
  // RFC 5011 2.1: an RRSIG over this DNSKEY RRset made by this very key (as published, so with
  // the key tag it has with its REVOKE bit set) verified. Only then does REVOKE count.
  bool self_signed = false;
};

struct Rfc5011Timers {
  // RFC 5011 2.4.1 says: the greater of 30 days and the original TTL of the first DNSKEY RRset
  // that held the new key; the caller passes that greater value here when the TTL is longer.
  int64_t add_hold_down = kAddHoldDown;
  int64_t remove_hold_down = kRemoveHoldDown;
};

struct RefreshResult {
  AnchorZoneState state;
  std::vector<std::string> events;  // for the log: "key 12345 added pending", "key 20326 revoked"
};

// The state before any refresh: configured DNSKEY anchors are Valid keys (first_seen 0); DS
// anchors stay unbound until a validated DNSKEY set shows the key they digest. Every anchor must
// be owned by `zone`, and a DNSKEY anchor must not carry REVOKE. Throws TrustAnchorError.
AnchorZoneState initial_state(const std::string& zone, const std::vector<TrustAnchor>& configured);

// One active refresh (RFC 5011 2.3, 2.4, 4): `observed` is the whole DNSKEY RRset just fetched
// and validated with trusted_anchors(state). Transitions:
//   unbound DS -> Valid      a key (REVOKE cleared) matches the DS digest (then the rules below)
//   Start -> AddPend         a new SEP key, not revoked (2.4.1)
//   AddPend -> Valid         present at every refresh for add_hold_down (2.4.1, AddTime)
//   AddPend -> Start         absent from one refresh: forgotten (4.1, KeyRem)
//   Valid -> Missing         absent; a Missing key stays trusted (4.1). Only the operator removes
//                            it, by deleting its line from the state file while vigild is stopped
//   Missing -> Valid         present again (KeyPres)
//   AddPend/Valid/Missing -> Revoked   published with REVOKE and self-signed (2.1, 2.4.2)
//   Revoked -> Removed       remove_hold_down after revocation (2.4.2, RemTime). Removed keys
//                            stay in the state as tombstones, so the key is never trusted again
// A REVOKE key that is not self-signed changes nothing (2.1). When revocation leaves no trusted
// key, pending keys are forgotten: 2.4.1 "If all of the keys that were originally used to
// validate this key set are revoked prior to the timer expiring, the resolver stops the
// acceptance process and resets the timer."
RefreshResult apply_validated_dnskey_set(const AnchorZoneState& state,
                                         const std::vector<ObservedKey>& observed, int64_t now,
                                         const Rfc5011Timers& timers = {});

// What the validator may trust now: Valid and Missing keys as DNSKEY anchors, then the unbound DS
// anchors. Empty when every key was revoked: the zone has no trust anchor left and the daemon
// must fail closed (bogus, not insecure) and tell the operator.
std::vector<TrustAnchor> trusted_anchors(const AnchorZoneState& state);

// RFC 5011 2.3: seconds until the next refresh after a successful one (queryInterval) and after a
// failed one (retryTime). `original_ttl` is the DNSKEY RRset's original TTL (from its RRSIG);
// `signature_expiration` is the absolute expiration time of its RRSIG(s), already unwrapped from
// RFC 1982 serial arithmetic; an expired signature gives the floor.
//   queryInterval = MAX(1 hr, MIN(15 days, 1/2*OrigTTL, 1/2*RRSigExpirationInterval))
//   retryTime     = MAX(1 hour, MIN(1 day, .1*OrigTTL, .1*expirationInterval))
int64_t refresh_interval(uint32_t original_ttl, int64_t signature_expiration, int64_t now);
int64_t retry_interval(uint32_t original_ttl, int64_t signature_expiration, int64_t now);

// The state file text, one record per line; serialize_state's output parses back to an equal
// state. Blank lines and lines starting with ";" are comments.
//   $ZONE <zone>                  required, once, before the records
//   $LAST_REFRESH <unix seconds>  optional, once (0 when absent)
//   <zone> IN DNSKEY <flags> <protocol> <algorithm> <base64 key> ;state=<S>;tag=<key tag>;
//       first_seen=<unix seconds>;last_change=<unix seconds>
//     one tracked key; S is AddPend, Valid, Missing, Revoked or Removed; the RDATA is stored
//     with the REVOKE bit cleared, so tag is the key's tag without REVOKE (and is checked)
//   <zone> IN DS <key tag> <algorithm> <digest type> <digest> ;state=Unbound
//     a configured DS anchor that no DNSKEY has matched yet
// Example:
//   $ZONE .
//   $LAST_REFRESH 1780000000
//   . IN DNSKEY 257 3 8 AwEAAaz/tAm8...4bU= ;state=Valid;tag=20326;first_seen=0;last_change=0
//   . IN DS 38696 8 2 683D2D0A...B16 ;state=Unbound
std::string serialize_state(const AnchorZoneState& state);

// Throws TrustAnchorError "ORIGIN:LINE: message" (or "ORIGIN: message" for the whole text).
AnchorZoneState parse_state(std::string_view text, const std::string& origin);

std::string_view key_state_name(KeyState state);

}  // namespace vigil::anchors
