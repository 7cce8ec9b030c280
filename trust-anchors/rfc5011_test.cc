#include "trust-anchors/rfc5011.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"

using namespace vigil::anchors;

namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1'780'000'000;  // the fake clock's first refresh
constexpr uint16_t kKskFlags = 257;
constexpr uint16_t kZskFlags = 256;

struct LdnsKeyDeleter {
  void operator()(ldns_key* key) const { ldns_key_deep_free(key); }
};

// A fresh ECDSA P-256 DNSKEY for "example.": RDATA only, no signatures (inputs are "validated").
std::vector<uint8_t> new_dnskey(uint16_t flags = kKskFlags) {
  const std::unique_ptr<ldns_key, LdnsKeyDeleter> key(
      ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256));
  REQUIRE(key);
  ldns_key_set_flags(key.get(), flags);
  ldns_key_set_pubkey_owner(key.get(), ldns_dname_new_frm_str("example."));
  const vigil::dns::LdnsRr rr(ldns_key2rr(key.get()));
  REQUIRE(rr);
  const auto rdata = vigil::dns::rdata_wire(rr.get());
  REQUIRE(rdata);
  return *rdata;
}

std::vector<uint8_t> with_revoke(std::vector<uint8_t> rdata) {
  rdata[1] |= 0x80;
  return rdata;
}

uint16_t tag_of(const std::vector<uint8_t>& rdata) {
  return ldns_calc_keytag_raw(rdata.data(), rdata.size());
}

// The SHA-256 DS of an "example." DNSKEY, as a configured anchor.
TrustAnchor ds_anchor_for(const std::vector<uint8_t>& rdata) {
  std::vector<uint8_t> wire = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 48, 0, 1, 0, 0, 14, 16,
                               static_cast<uint8_t>(rdata.size() >> 8),
                               static_cast<uint8_t>(rdata.size())};
  wire.insert(wire.end(), rdata.begin(), rdata.end());
  ldns_rr* parsed = nullptr;
  std::size_t pos = 0;
  REQUIRE(ldns_wire2rr(&parsed, wire.data(), wire.size(), &pos, LDNS_SECTION_ANSWER) ==
          LDNS_STATUS_OK);
  const vigil::dns::LdnsRr key(parsed);
  const vigil::dns::LdnsRr ds(ldns_key_rr2ds(key.get(), LDNS_SHA256));
  REQUIRE(ds);
  char* text = ldns_rr2str(ds.get());
  const std::string line(text);
  std::free(text);
  return parse_trust_anchors(line, "example.ds").front();
}

TrustAnchor dnskey_anchor_for(const std::vector<uint8_t>& rdata) {
  AnchorZoneState state;
  state.zone = "example.";
  state.keys.push_back(TrackedKey{rdata, tag_of(rdata), rdata[3], KeyState::Valid, 0, 0});
  return trusted_anchors(state).front();
}

ObservedKey published(const std::vector<uint8_t>& rdata) { return ObservedKey{rdata, false}; }
ObservedKey revoked(const std::vector<uint8_t>& rdata, bool self_signed) {
  return ObservedKey{with_revoke(rdata), self_signed};
}

const TrackedKey* find_key(const AnchorZoneState& state, const std::vector<uint8_t>& rdata) {
  for (const auto& key : state.keys) {
    if (key.rdata_without_revoke == rdata) return &key;
  }
  return nullptr;
}

bool is_trusted(const AnchorZoneState& state, const std::vector<uint8_t>& rdata) {
  const auto anchors = trusted_anchors(state);
  return std::any_of(anchors.begin(), anchors.end(), [&](const TrustAnchor& anchor) {
    return anchor.type == 48 && anchor.rdata == rdata;
  });
}

bool has_event(const RefreshResult& result, std::string_view start) {
  return std::any_of(result.events.begin(), result.events.end(),
                     [&](const std::string& event) { return event.starts_with(start); });
}

// A zone whose one KSK is already a Valid trust anchor.
AnchorZoneState trusting(const std::vector<uint8_t>& ksk) {
  return initial_state("example.", {dnskey_anchor_for(ksk)});
}

std::string parse_error(std::string_view text) {
  try {
    parse_state(text, "example.state");
  } catch (const TrustAnchorError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("RFC 5011 2.4.1: a configured DS anchor binds to its KSK on the first refresh") {
  const auto ksk = new_dnskey();
  const auto zsk = new_dnskey(kZskFlags);
  const auto other = new_dnskey();
  auto state = initial_state("Example", {ds_anchor_for(ksk), ds_anchor_for(other)});
  CHECK(state.zone == "example.");
  REQUIRE(trusted_anchors(state).size() == 2);  // both DS, unbound
  CHECK(trusted_anchors(state)[0].type == 43);

  const auto result = apply_validated_dnskey_set(state, {published(zsk), published(ksk)}, kT0);
  const TrackedKey* bound = find_key(result.state, ksk);
  REQUIRE(bound != nullptr);
  CHECK(bound->state == KeyState::Valid);
  CHECK(bound->key_tag == tag_of(ksk));
  CHECK(find_key(result.state, zsk) == nullptr);       // a ZSK is not an anchor
  CHECK(result.state.unbound_ds.size() == 1);          // `other` is not published yet
  CHECK(result.state.unbound_ds[0].key_tag == tag_of(other));
  CHECK(is_trusted(result.state, ksk));
  CHECK(has_event(result, "DS anchor " + std::to_string(tag_of(ksk)) + " bound"));
  CHECK(result.state.last_refresh == kT0);
}

TEST_CASE("RFC 5011 2.4.1: a new SEP key is trusted only after the add hold-down") {
  const auto ksk = new_dnskey();
  const auto next = new_dnskey();
  auto state = trusting(ksk);
  // Refresh every 12 hours for 31 days; the new key is in every validated set.
  for (int64_t now = kT0; now <= kT0 + 31 * kDay; now += kDay / 2) {
    const auto result =
        apply_validated_dnskey_set(state, {published(ksk), published(next)}, now);
    state = result.state;
    const TrackedKey* key = find_key(state, next);
    REQUIRE(key != nullptr);
    CHECK(key->first_seen == kT0);
    const std::string name = "key " + std::to_string(tag_of(next));
    if (now == kT0) CHECK(has_event(result, name + " added pending"));
    if (now < kT0 + 30 * kDay) {
      CHECK_MESSAGE(key->state == KeyState::AddPend, "day ", (now - kT0) / kDay);
      CHECK_FALSE(is_trusted(state, next));
    } else {
      CHECK_MESSAGE(key->state == KeyState::Valid, "day ", (now - kT0) / kDay);
      CHECK(is_trusted(state, next));
    }
    if (now == kT0 + 29 * kDay) CHECK_FALSE(is_trusted(state, next));
    if (now == kT0 + 30 * kDay) CHECK(has_event(result, name + " valid"));
  }
  CHECK(is_trusted(state, ksk));
}

TEST_CASE("RFC 5011 2.4.1: a new key that disappears during the add hold-down goes back to Start") {
  const auto ksk = new_dnskey();
  const auto next = new_dnskey();
  auto state = apply_validated_dnskey_set(trusting(ksk), {published(ksk), published(next)}, kT0)
                   .state;
  state = apply_validated_dnskey_set(state, {published(ksk), published(next)}, kT0 + 20 * kDay)
              .state;
  const auto gone = apply_validated_dnskey_set(state, {published(ksk)}, kT0 + 21 * kDay);
  CHECK(find_key(gone.state, next) == nullptr);  // Start: forgotten
  CHECK(has_event(gone, "key " + std::to_string(tag_of(next)) + " forgotten"));
  // Seen again, its hold-down starts over: not trusted 30 days after it was first seen.
  state = apply_validated_dnskey_set(gone.state, {published(ksk), published(next)},
                                     kT0 + 22 * kDay).state;
  state = apply_validated_dnskey_set(state, {published(ksk), published(next)}, kT0 + 31 * kDay)
              .state;
  REQUIRE(find_key(state, next) != nullptr);
  CHECK(find_key(state, next)->state == KeyState::AddPend);
  CHECK(find_key(state, next)->first_seen == kT0 + 22 * kDay);
  state = apply_validated_dnskey_set(state, {published(ksk), published(next)}, kT0 + 52 * kDay)
              .state;
  CHECK(find_key(state, next)->state == KeyState::Valid);
}

TEST_CASE("RFC 5011 2.4.1: only SEP keys are tracked; a new ZSK is no trust anchor") {
  const auto ksk = new_dnskey();
  const auto zsk = new_dnskey(kZskFlags);
  const auto no_zone_flag = new_dnskey(1);
  const auto result = apply_validated_dnskey_set(
      trusting(ksk), {published(ksk), published(zsk), published(no_zone_flag)}, kT0);
  CHECK(result.state.keys.size() == 1);
  CHECK(result.events.empty());
}

TEST_CASE("RFC 5011 2.4.1: at most kMaxPendingKeys new keys wait in the add hold-down") {
  const auto ksk = new_dnskey();
  std::vector<ObservedKey> set = {published(ksk)};
  for (std::size_t i = 0; i < kMaxPendingKeys + 2; ++i) set.push_back(published(new_dnskey()));
  const auto result = apply_validated_dnskey_set(trusting(ksk), set, kT0);
  CHECK(result.state.keys.size() == 1 + kMaxPendingKeys);
  CHECK(has_event(result, "key " + std::to_string(tag_of(set.back().rdata)) + " not tracked"));
}

TEST_CASE("RFC 5011 2.4.2: a self-signed REVOKE makes a Valid key Revoked at once, then Removed") {
  const auto old_ksk = new_dnskey();
  const auto new_ksk = new_dnskey();
  auto state = trusting(old_ksk);
  state.keys.push_back(TrackedKey{new_ksk, tag_of(new_ksk), new_ksk[3], KeyState::Valid, 1, 1});
  const auto result = apply_validated_dnskey_set(
      state, {revoked(old_ksk, true), published(new_ksk)}, kT0);
  REQUIRE(find_key(result.state, old_ksk) != nullptr);
  CHECK(find_key(result.state, old_ksk)->state == KeyState::Revoked);
  CHECK(find_key(result.state, old_ksk)->last_change == kT0);
  CHECK_FALSE(is_trusted(result.state, old_ksk));
  CHECK(is_trusted(result.state, new_ksk));
  CHECK(has_event(result, "key " + std::to_string(tag_of(old_ksk)) + " revoked (published with "
                          "REVOKE as key " + std::to_string(tag_of(with_revoke(old_ksk))) + ")"));
  CHECK(tag_of(old_ksk) != tag_of(with_revoke(old_ksk)));  // hence matching by RDATA

  // Still published revoked for a while, then withdrawn; Removed after the remove hold-down.
  state = apply_validated_dnskey_set(result.state, {revoked(old_ksk, true), published(new_ksk)},
                                     kT0 + 10 * kDay).state;
  state = apply_validated_dnskey_set(state, {published(new_ksk)}, kT0 + 29 * kDay).state;
  CHECK(find_key(state, old_ksk)->state == KeyState::Revoked);
  const auto removed = apply_validated_dnskey_set(state, {published(new_ksk)}, kT0 + 30 * kDay);
  CHECK(find_key(removed.state, old_ksk)->state == KeyState::Removed);
  CHECK(has_event(removed, "key " + std::to_string(tag_of(old_ksk)) + " removed"));
  CHECK_FALSE(is_trusted(removed.state, old_ksk));
}

TEST_CASE("RFC 5011 2.1: a revoked key is never trusted again, even published without REVOKE") {
  const auto ksk = new_dnskey();
  const auto other = new_dnskey();
  auto state = trusting(ksk);
  state.keys.push_back(TrackedKey{other, tag_of(other), other[3], KeyState::Valid, 0, 0});
  state = apply_validated_dnskey_set(state, {revoked(ksk, true), published(other)}, kT0).state;
  for (int64_t day = 1; day <= 70; day += 1) {
    state = apply_validated_dnskey_set(state, {published(ksk), published(other)},
                                       kT0 + day * kDay).state;
    CHECK_FALSE(is_trusted(state, ksk));
  }
  CHECK(find_key(state, ksk)->state == KeyState::Removed);
}

TEST_CASE("RFC 5011 2.1: a REVOKE bit without the key's own signature changes nothing") {
  const auto ksk = new_dnskey();
  const auto state = trusting(ksk);
  const auto result = apply_validated_dnskey_set(state, {revoked(ksk, false)}, kT0);
  REQUIRE(find_key(result.state, ksk) != nullptr);
  CHECK(find_key(result.state, ksk)->state == KeyState::Valid);
  CHECK(find_key(result.state, ksk)->last_change == 0);
  CHECK(is_trusted(result.state, ksk));
  CHECK(has_event(result, "key " + std::to_string(tag_of(ksk)) + " published with REVOKE but "
                          "not self-signed: ignored"));
  // An unknown key published revoked is not tracked either way.
  const auto stranger = new_dnskey();
  const auto ignored = apply_validated_dnskey_set(
      state, {published(ksk), revoked(stranger, true)}, kT0);
  CHECK(ignored.state.keys == state.keys);
}

TEST_CASE("RFC 5011 4.1: a Valid key absent from the set goes Missing, stays trusted, and is "
          "Valid again when seen") {
  const auto ksk = new_dnskey();
  const auto other = new_dnskey();
  auto state = trusting(ksk);
  state.keys.push_back(TrackedKey{other, tag_of(other), other[3], KeyState::Valid, 0, 0});
  const auto missing = apply_validated_dnskey_set(state, {published(other)}, kT0);
  CHECK(find_key(missing.state, ksk)->state == KeyState::Missing);
  CHECK(is_trusted(missing.state, ksk));
  CHECK(has_event(missing, "key " + std::to_string(tag_of(ksk)) + " missing"));
  const auto back = apply_validated_dnskey_set(missing.state,
                                               {published(ksk), published(other)}, kT0 + kDay);
  CHECK(find_key(back.state, ksk)->state == KeyState::Valid);
  CHECK(has_event(back, "key " + std::to_string(tag_of(ksk)) + " present again"));
}

TEST_CASE("RFC 5011 4.1: absence never removes the last trusted key") {
  const auto ksk = new_dnskey();
  const auto zsk = new_dnskey(kZskFlags);
  auto state = trusting(ksk);
  for (int64_t day = 0; day <= 400; day += 5) {
    state = apply_validated_dnskey_set(state, {published(zsk)}, kT0 + day * kDay).state;
  }
  CHECK(find_key(state, ksk)->state == KeyState::Missing);
  CHECK(trusted_anchors(state).size() == 1);
  CHECK(is_trusted(state, ksk));
}

TEST_CASE("RFC 5011 2.4.1: when every trusted key is revoked, pending keys stop their hold-down") {
  const auto ksk = new_dnskey();
  const auto next = new_dnskey();
  auto state = apply_validated_dnskey_set(trusting(ksk), {published(ksk), published(next)}, kT0)
                   .state;
  const auto result = apply_validated_dnskey_set(
      state, {revoked(ksk, true), published(next)}, kT0 + 10 * kDay);
  CHECK(find_key(result.state, next) == nullptr);
  CHECK(find_key(result.state, ksk)->state == KeyState::Revoked);
  CHECK(trusted_anchors(result.state).empty());  // the daemon must fail closed
  CHECK(has_event(result, "key " + std::to_string(tag_of(next)) + " forgotten: every trusted"));
}

TEST_CASE("RFC 5011 2.3: queryInterval is half the TTL or signature lifetime, 1 hour to 15 days") {
  const int64_t now = kT0;
  CHECK(refresh_interval(86400, now + 30 * kDay, now) == 43200);       // 1/2 OrigTTL
  CHECK(refresh_interval(172800, now + int64_t{10} * 3600, now) == 5 * 3600);  // 1/2 expiration interval
  CHECK(refresh_interval(300, now + 30 * kDay, now) == 3600);          // 1 hour floor
  CHECK(refresh_interval(86400, now - 10, now) == 3600);               // expired: floor
  CHECK(refresh_interval(0xFFFFFFFF, now + 400 * kDay, now) == 15 * kDay);  // 15 day cap
}

TEST_CASE("RFC 5011 2.3: retryTime is a tenth of the TTL or signature lifetime, 1 hour to 1 day") {
  const int64_t now = kT0;
  CHECK(retry_interval(86400, now + 30 * kDay, now) == 8640);          // .1 OrigTTL
  CHECK(retry_interval(172800, now + 2 * kDay, now) == 17280);         // .1 expiration interval
  CHECK(retry_interval(3600, now + 30 * kDay, now) == 3600);           // 1 hour floor
  CHECK(retry_interval(86400, now - kDay, now) == 3600);               // expired: floor
  CHECK(retry_interval(0xFFFFFFFF, now + 400 * kDay, now) == kDay);    // 1 day cap
}

TEST_CASE("RFC 5011 4.1: the state file round-trips every stored key state") {
  const auto valid = new_dnskey();
  const auto pending = new_dnskey();
  const auto missing = new_dnskey();
  const auto revoked_key = new_dnskey();
  const auto removed = new_dnskey();
  AnchorZoneState state = initial_state("example.", {dnskey_anchor_for(valid),
                                                      ds_anchor_for(new_dnskey())});
  state.last_refresh = kT0;
  state.keys.push_back(TrackedKey{pending, tag_of(pending), 13, KeyState::AddPend, kT0, kT0});
  state.keys.push_back(TrackedKey{missing, tag_of(missing), 13, KeyState::Missing, 5, kT0 - 9});
  state.keys.push_back(
      TrackedKey{revoked_key, tag_of(revoked_key), 13, KeyState::Revoked, 0, kT0 - 3});
  state.keys.push_back(TrackedKey{removed, tag_of(removed), 13, KeyState::Removed, 0, kT0 - 2});

  const std::string text = serialize_state(state);
  CHECK(text.find("$ZONE example.\n") != std::string::npos);
  CHECK(text.find(";state=AddPend;tag=" + std::to_string(tag_of(pending)) + ";first_seen=" +
                  std::to_string(kT0)) != std::string::npos);
  const AnchorZoneState parsed = parse_state(text, "example.state");
  CHECK(parsed.zone == state.zone);
  CHECK(parsed.last_refresh == state.last_refresh);
  CHECK(parsed.keys == state.keys);
  REQUIRE(parsed.unbound_ds.size() == 1);
  CHECK(parsed.unbound_ds[0].rdata == state.unbound_ds[0].rdata);
  CHECK(parsed.unbound_ds[0].owner == state.unbound_ds[0].owner);
  CHECK(parsed.unbound_ds[0].key_tag == state.unbound_ds[0].key_tag);
  CHECK(serialize_state(parsed) == text);
}

TEST_CASE("RFC 5011 state file: parse errors carry origin and line") {
  const auto key = new_dnskey();
  AnchorZoneState state = initial_state("example.", {dnskey_anchor_for(key)});
  const std::string good = serialize_state(state);
  const std::string record = good.substr(good.find("example. IN DNSKEY"));
  const std::string dnskey = record.substr(0, record.find(" ;"));
  const std::string tag = std::to_string(tag_of(key));

  CHECK(parse_error("") == "example.state: no $ZONE line");
  CHECK(parse_error("; c\n" + dnskey + " ;state=Valid\n") ==
        "example.state:2: a record before the $ZONE line");
  CHECK(parse_error("$ZONE example.\n\n" + dnskey + "\n") ==
        "example.state:3: no ;state= annotation after the record");
  CHECK(parse_error("$ZONE example.\n" + dnskey + " ;state=Happy;tag=" + tag +
                    ";first_seen=0;last_change=0\n") ==
        "example.state:2: unknown key state 'Happy'");
  CHECK(parse_error("$ZONE example.\n" + dnskey + " ;state=Valid;tag=1;first_seen=0;"
                    "last_change=0\n") ==
        "example.state:2: tag=1 but the key's tag is " + tag);
  CHECK(parse_error("$ZONE example.\n" + dnskey + " ;state=Valid;tag=" + tag +
                    ";first_seen=x;last_change=0\n") ==
        "example.state:2: first_seen is not a number: 'x'");
  CHECK(parse_error("$ZONE example.\n" + dnskey + " ;state=Valid;tag=" + tag +
                    ";last_change=0\n") == "example.state:2: no first_seen= annotation");
  CHECK(parse_error("$ZONE example.\nother. IN DNSKEY" + dnskey.substr(18) + " ;state=Valid\n") ==
        "example.state:2: the record is not for $ZONE example.");
  CHECK(parse_error("$ZONE example.\n$LAST_REFRESH soon\n") ==
        "example.state:2: $LAST_REFRESH is not a number: 'soon'");
  CHECK(parse_error("$ZONE example.\n$TTL 5\n") == "example.state:2: unknown directive $TTL");
  CHECK(parse_error("$ZONE example.\nexample. IN A 192.0.2.1 ;state=Valid\n") ==
        "example.state:2: a trust anchor is a DS or DNSKEY record");
  CHECK(parse_error("$ZONE example.\n" + good.substr(good.find("example. IN")) +
                    good.substr(good.find("example. IN")))
            .starts_with("example.state:3: key " + tag + " is listed twice"));
  CHECK(parse_error("$ZONE example.\nexample. IN DNSKEY garbage ;state=Valid\n")
            .starts_with("example.state:2: not a DS or DNSKEY record"));
}

TEST_CASE("RFC 5011 2.1: configured anchors must belong to the zone and must not be revoked") {
  const auto key = new_dnskey();
  CHECK_THROWS_AS(initial_state("other.", {dnskey_anchor_for(key)}), TrustAnchorError);
  CHECK_THROWS_AS(initial_state("example.", {dnskey_anchor_for(with_revoke(key))}),
                  TrustAnchorError);
}
