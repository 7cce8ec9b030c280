#include "trust-anchors/rfc5011.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"

namespace vigil::anchors {

namespace {

using Rdata = std::vector<uint8_t>;

constexpr uint32_t kRecordTtl = 3600;  // ldns wants one; an anchor's TTL means nothing

uint16_t flags_of(const Rdata& rdata) {
  return static_cast<uint16_t>((rdata[0] << 8) | rdata[1]);
}

bool is_revoked(const Rdata& rdata) { return (flags_of(rdata) & kDnskeyRevokeFlag) != 0; }
bool is_sep(const Rdata& rdata) { return (flags_of(rdata) & kDnskeySepFlag) != 0; }

// RFC 5011 2.1: REVOKE changes the key tag, so keys are told apart by their RDATA without it.
Rdata without_revoke(Rdata rdata) {
  rdata[1] = static_cast<uint8_t>(rdata[1] & ~kDnskeyRevokeFlag);
  return rdata;
}

uint16_t key_tag_of(const Rdata& rdata) {
  return ldns_calc_keytag_raw(rdata.data(), rdata.size());
}

std::string tag_text(uint16_t tag) { return std::to_string(tag); }

// "Example" -> "example.", checked to be a domain name. Throws TrustAnchorError.
std::string canonical_zone(const std::string& zone) {
  std::string text = zone;
  for (auto& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  if (text.empty() || text.back() != '.') text += '.';
  const dns::LdnsRdf name(ldns_dname_new_frm_str(text.c_str()));
  if (!name) throw TrustAnchorError("'" + zone + "' is not a domain name");
  return text;
}

Rdata zone_wire(const std::string& zone) {
  const dns::LdnsRdf name(ldns_dname_new_frm_str(zone.c_str()));
  if (!name) return {};
  Rdata wire(ldns_rdf_data(name.get()), ldns_rdf_data(name.get()) + ldns_rdf_size(name.get()));
  for (auto& byte : wire) {
    if (byte >= 'A' && byte <= 'Z') byte = static_cast<uint8_t>(byte + ('a' - 'A'));
  }
  return wire;
}

void push_u16(Rdata& wire, uint32_t value) {
  wire.push_back(static_cast<uint8_t>(value >> 8));
  wire.push_back(static_cast<uint8_t>(value));
}

// An ldns record built from wire parts, for ldns_key_rr2ds and presentation; null if malformed.
dns::LdnsRr record_rr(const Rdata& owner, ldns_rr_type type, const Rdata& rdata) {
  Rdata wire = owner;
  push_u16(wire, type);
  push_u16(wire, LDNS_RR_CLASS_IN);
  push_u16(wire, kRecordTtl >> 16);
  push_u16(wire, kRecordTtl & 0xffff);
  push_u16(wire, static_cast<uint32_t>(rdata.size()));
  wire.insert(wire.end(), rdata.begin(), rdata.end());
  ldns_rr* rr = nullptr;
  std::size_t pos = 0;
  if (ldns_wire2rr(&rr, wire.data(), wire.size(), &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return dns::LdnsRr(rr);
}

// "zone IN DNSKEY 257 3 8 AwEA..." without TTL or ldns's ";{id = ...}" comments.
std::string record_text(const std::string& zone, ldns_rr_type type, const Rdata& rdata) {
  const auto rr = record_rr(zone_wire(zone), type, rdata);
  if (!rr) return {};
  std::string text = zone + " IN " + (type == LDNS_RR_TYPE_DS ? "DS" : "DNSKEY");
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
    char* field = ldns_rdf2str(ldns_rr_rdf(rr.get(), i));
    if (field == nullptr) return {};
    text += ' ';
    text += field;
    std::free(field);  // NOLINT(cppcoreguidelines-no-malloc): ldns allocates with malloc
  }
  return text;
}

// RFC 4034 5.2: the DS digests the owner name and the DNSKEY RDATA.
bool ds_matches(const TrustAnchor& ds, const Rdata& owner, const Rdata& dnskey) {
  if (ds.rdata.size() < 4 || ds.algorithm != dnskey[3] || ds.key_tag != key_tag_of(dnskey)) {
    return false;
  }
  const auto key = record_rr(owner, LDNS_RR_TYPE_DNSKEY, dnskey);
  if (!key) return false;
  const dns::LdnsRr digest(ldns_key_rr2ds(key.get(), static_cast<ldns_hash>(ds.rdata[3])));
  if (!digest) return false;  // a digest type ldns does not know
  const auto wire = dns::rdata_wire(digest.get());
  return wire && *wire == ds.rdata;
}

bool is_trusted(KeyState state) { return state == KeyState::Valid || state == KeyState::Missing; }

// One refresh in progress.
struct Refresh {
  AnchorZoneState state;
  std::vector<std::string> events;
  int64_t now = 0;
  Rfc5011Timers timers;
  bool revoked_a_trusted_key = false;

  TrackedKey* find(const Rdata& cleared) {
    for (auto& key : state.keys) {
      if (key.rdata_without_revoke == cleared) return &key;
    }
    return nullptr;
  }
  void move(TrackedKey& key, KeyState next) {
    key.state = next;
    key.last_change = now;
  }
};

// RFC 4034 2.1.1: a DNSKEY without the Zone Key flag is no zone key; short RDATA is malformed.
std::vector<Rdata> usable_keys(const std::vector<ObservedKey>& observed) {
  std::vector<Rdata> keys;
  for (const auto& key : observed) {
    if (key.rdata.size() > 4 && (flags_of(key.rdata) & kDnskeyZoneFlag) != 0) {
      keys.push_back(key.rdata);
    }
  }
  return keys;
}

// A configured DS anchor becomes a tracked DNSKEY once a validated set shows its key.
void bind_ds_anchors(Refresh& run, const std::vector<Rdata>& published) {
  const Rdata owner = zone_wire(run.state.zone);
  auto& unbound = run.state.unbound_ds;
  for (auto ds = unbound.begin(); ds != unbound.end();) {
    const auto match = std::find_if(published.begin(), published.end(), [&](const Rdata& key) {
      return ds_matches(*ds, owner, without_revoke(key));
    });
    if (match == published.end()) {
      ++ds;
      continue;
    }
    const Rdata cleared = without_revoke(*match);
    if (run.find(cleared) == nullptr) {
      run.state.keys.push_back(TrackedKey{cleared, key_tag_of(cleared), cleared[3],
                                          KeyState::Valid, run.now, run.now});
    }
    run.events.push_back("DS anchor " + tag_text(ds->key_tag) + " bound to its DNSKEY: valid");
    ds = unbound.erase(ds);
  }
}

// RFC 5011 2.1, 2.4.2: a self-signed REVOKE makes the key Revoked at once.
void observe_revoked(Refresh& run, const ObservedKey& key) {
  const Rdata cleared = without_revoke(key.rdata);
  TrackedKey* tracked = run.find(cleared);
  const std::string name = "key " + tag_text(key_tag_of(cleared));
  if (!key.self_signed) {
    // RFC 5011 2.1: only the key itself can revoke itself; anyone else's REVOKE is noise.
    if (tracked != nullptr) run.events.push_back(name + " published with REVOKE but not "
                                                        "self-signed: ignored");
    return;
  }
  if (tracked == nullptr || tracked->state == KeyState::Revoked ||
      tracked->state == KeyState::Removed) {
    return;  // never trusted, or already revoked
  }
  run.revoked_a_trusted_key = run.revoked_a_trusted_key || is_trusted(tracked->state);
  run.move(*tracked, KeyState::Revoked);
  run.events.push_back(name + " revoked (published with REVOKE as key " +
                       tag_text(key_tag_of(key.rdata)) + ")");
}

// RFC 5011 2.4.1 and 4.1: a published key without REVOKE.
void observe_published(Refresh& run, const Rdata& rdata) {
  TrackedKey* tracked = run.find(rdata);
  const std::string name = "key " + tag_text(key_tag_of(rdata));
  if (tracked == nullptr) {
    if (!is_sep(rdata)) return;  // RFC 5011 2.4.1 tracks SEP keys; ZSKs come and go
    const auto pending =
        std::count_if(run.state.keys.begin(), run.state.keys.end(),
                      [](const TrackedKey& k) { return k.state == KeyState::AddPend; });
    if (static_cast<std::size_t>(pending) >= kMaxPendingKeys) {
      run.events.push_back(name + " not tracked: already " + std::to_string(kMaxPendingKeys) +
                           " keys pending");
      return;
    }
    run.state.keys.push_back(
        TrackedKey{rdata, key_tag_of(rdata), rdata[3], KeyState::AddPend, run.now, run.now});
    run.events.push_back(name + " added pending: trusted after " +
                         std::to_string(run.timers.add_hold_down) +
                         " s of continuous presence (RFC 5011 2.4.1)");
    return;
  }
  if (tracked->state == KeyState::AddPend &&
      run.now - tracked->first_seen >= run.timers.add_hold_down) {
    run.move(*tracked, KeyState::Valid);  // AddTime
    run.events.push_back(name + " valid: present through the add hold-down");
  } else if (tracked->state == KeyState::Missing) {
    run.move(*tracked, KeyState::Valid);  // KeyPres
    run.events.push_back(name + " present again: valid");
  }
  // Revoked and Removed stay so: RFC 5011 2.1, a revoked key is never trusted again.
}

// RFC 5011 4.1, KeyRem: AddPend keys are forgotten, Valid keys go Missing (still trusted).
void mark_absent_keys(Refresh& run, const std::vector<Rdata>& published) {
  std::vector<Rdata> present;
  present.reserve(published.size());
  for (const auto& rdata : published) present.push_back(without_revoke(rdata));
  auto& keys = run.state.keys;
  for (auto key = keys.begin(); key != keys.end();) {
    const bool seen = std::find(present.begin(), present.end(), key->rdata_without_revoke) !=
                      present.end();
    const std::string name = "key " + tag_text(key->key_tag);
    if (!seen && key->state == KeyState::AddPend) {
      run.events.push_back(name + " forgotten: absent from the DNSKEY set during the add "
                                  "hold-down");
      key = keys.erase(key);
      continue;
    }
    if (!seen && key->state == KeyState::Valid) {
      run.move(*key, KeyState::Missing);
      run.events.push_back(name + " missing from the DNSKEY set: still trusted until the "
                                  "operator removes it");
    }
    ++key;
  }
}

// RFC 5011 2.4.2, RemTime.
void expire_revoked_keys(Refresh& run) {
  for (auto& key : run.state.keys) {
    if (key.state == KeyState::Revoked &&
        run.now - key.last_change >= run.timers.remove_hold_down) {
      run.move(key, KeyState::Removed);
      run.events.push_back("key " + tag_text(key.key_tag) + " removed: remove hold-down over");
    }
  }
}

// RFC 5011 2.4.1: "If all of the keys that were originally used to validate this key set are
// revoked prior to the timer expiring, the resolver stops the acceptance process".
void stop_pending_without_trust(Refresh& run) {
  auto& keys = run.state.keys;
  const bool trust_left = !run.state.unbound_ds.empty() ||
                          std::any_of(keys.begin(), keys.end(),
                                      [](const TrackedKey& k) { return is_trusted(k.state); });
  if (!run.revoked_a_trusted_key || trust_left) return;
  for (auto key = keys.begin(); key != keys.end();) {
    if (key->state != KeyState::AddPend) {
      ++key;
      continue;
    }
    run.events.push_back("key " + tag_text(key->key_tag) +
                         " forgotten: every trusted key is revoked, so its add hold-down stops");
    key = keys.erase(key);
  }
}

}  // namespace

std::string_view key_state_name(KeyState state) {
  switch (state) {
    case KeyState::Start: return "Start";
    case KeyState::AddPend: return "AddPend";
    case KeyState::Valid: return "Valid";
    case KeyState::Missing: return "Missing";
    case KeyState::Revoked: return "Revoked";
    case KeyState::Removed: return "Removed";
  }
  return "Start";
}

AnchorZoneState initial_state(const std::string& zone, const std::vector<TrustAnchor>& configured) {
  AnchorZoneState state;
  state.zone = canonical_zone(zone);
  const Rdata owner = zone_wire(state.zone);
  for (const auto& anchor : configured) {
    const std::string where = anchor.text.empty() ? state.zone : anchor.text;
    if (anchor.owner != owner) {
      throw TrustAnchorError(where + ": the anchor is not for zone " + state.zone);
    }
    if (anchor.type == LDNS_RR_TYPE_DS) {
      state.unbound_ds.push_back(anchor);
      continue;
    }
    if (anchor.type != LDNS_RR_TYPE_DNSKEY || anchor.rdata.size() <= 4) {
      throw TrustAnchorError(where + ": a trust anchor is a DS or DNSKEY record");
    }
    if (is_revoked(anchor.rdata)) {
      throw TrustAnchorError(where + ": a configured DNSKEY anchor carries REVOKE (RFC 5011 2.1)");
    }
    const bool known = std::any_of(state.keys.begin(), state.keys.end(), [&](const TrackedKey& k) {
      return k.rdata_without_revoke == anchor.rdata;
    });
    if (known) continue;
    state.keys.push_back(TrackedKey{anchor.rdata, key_tag_of(anchor.rdata), anchor.rdata[3],
                                    KeyState::Valid, 0, 0});
  }
  return state;
}

RefreshResult apply_validated_dnskey_set(const AnchorZoneState& state,
                                         const std::vector<ObservedKey>& observed, int64_t now,
                                         const Rfc5011Timers& timers) {
  Refresh run{state, {}, now, timers};
  const std::vector<Rdata> published = usable_keys(observed);
  bind_ds_anchors(run, published);
  for (const auto& key : observed) {
    if (key.rdata.size() <= 4 || (flags_of(key.rdata) & kDnskeyZoneFlag) == 0) continue;
    if (is_revoked(key.rdata)) {
      observe_revoked(run, key);
    } else {
      observe_published(run, key.rdata);
    }
  }
  mark_absent_keys(run, published);
  expire_revoked_keys(run);
  stop_pending_without_trust(run);
  run.state.last_refresh = now;
  return {std::move(run.state), std::move(run.events)};
}

std::vector<TrustAnchor> trusted_anchors(const AnchorZoneState& state) {
  std::vector<TrustAnchor> anchors;
  const Rdata owner = zone_wire(state.zone);
  for (const auto& key : state.keys) {
    if (!is_trusted(key.state)) continue;
    anchors.push_back(TrustAnchor{owner, LDNS_RR_TYPE_DNSKEY, key.key_tag, key.algorithm,
                                  key.rdata_without_revoke,
                                  record_text(state.zone, LDNS_RR_TYPE_DNSKEY,
                                              key.rdata_without_revoke)});
  }
  anchors.insert(anchors.end(), state.unbound_ds.begin(), state.unbound_ds.end());
  return anchors;
}

namespace {

// RFC 5011 2.3: MAX(floor, MIN(cap, OrigTTL / divisor, RRSigExpirationInterval / divisor)).
int64_t bounded_interval(uint32_t original_ttl, int64_t signature_expiration, int64_t now,
                         int64_t divisor, int64_t floor, int64_t cap) {
  const int64_t until_expiration = signature_expiration - now;
  const int64_t interval = std::min({cap, static_cast<int64_t>(original_ttl) / divisor,
                                     until_expiration / divisor});
  return std::max(floor, interval);
}

}  // namespace

int64_t refresh_interval(uint32_t original_ttl, int64_t signature_expiration, int64_t now) {
  return bounded_interval(original_ttl, signature_expiration, now, 2, kMinQueryInterval,
                          kMaxQueryInterval);
}

int64_t retry_interval(uint32_t original_ttl, int64_t signature_expiration, int64_t now) {
  return bounded_interval(original_ttl, signature_expiration, now, 10, kMinRetryTime,
                          kMaxRetryTime);
}

std::string serialize_state(const AnchorZoneState& state) {
  std::string text =
      "; vigil RFC 5011 trust anchor state, written by vigild. Edit only while it is stopped.\n"
      "; States: AddPend (new key in its add hold-down), Valid, Missing (absent but trusted;\n"
      "; delete its line to remove it), Revoked, Removed (kept so it is never trusted again).\n";
  text += "$ZONE " + state.zone + "\n";
  text += "$LAST_REFRESH " + std::to_string(state.last_refresh) + "\n";
  for (const auto& key : state.keys) {
    text += record_text(state.zone, LDNS_RR_TYPE_DNSKEY, key.rdata_without_revoke);
    text += " ;state=" + std::string(key_state_name(key.state)) +
            ";tag=" + tag_text(key.key_tag) + ";first_seen=" + std::to_string(key.first_seen) +
            ";last_change=" + std::to_string(key.last_change) + "\n";
  }
  for (const auto& ds : state.unbound_ds) {
    text += record_text(state.zone, LDNS_RR_TYPE_DS, ds.rdata) + " ;state=Unbound\n";
  }
  return text;
}

namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

int64_t parse_seconds(std::string_view text, const std::string& where, std::string_view what) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    throw TrustAnchorError(where + std::string(what) + " is not a number: '" + std::string(text) +
                           "'");
  }
  return value;
}

KeyState parse_key_state(std::string_view name, const std::string& where) {
  for (const auto state : {KeyState::AddPend, KeyState::Valid, KeyState::Missing,
                           KeyState::Revoked, KeyState::Removed}) {
    if (name == key_state_name(state)) return state;
  }
  throw TrustAnchorError(where + "unknown key state '" + std::string(name) + "'");
}

// ";state=Valid;tag=20326;..." -> {state: Valid, tag: 20326, ...}.
std::map<std::string, std::string> parse_annotation(std::string_view text,
                                                    const std::string& where) {
  std::map<std::string, std::string> fields;
  while (!text.empty()) {
    const auto end = text.find(';');
    const std::string_view item = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      throw TrustAnchorError(where + "'" + std::string(item) + "' is not name=value");
    }
    const std::string name(trim(item.substr(0, equals)));
    if (!fields.emplace(name, std::string(trim(item.substr(equals + 1)))).second) {
      // NOLINTNEXTLINE(performance-inefficient-string-concatenation): once, before a throw
      throw TrustAnchorError(where + "'" + name + "' given twice");
    }
  }
  return fields;
}

std::string take_field(std::map<std::string, std::string>& fields, const std::string& name,
                       const std::string& where) {
  const auto found = fields.find(name);
  if (found == fields.end()) throw TrustAnchorError(where + "no " + name + "= annotation");
  std::string value = found->second;
  fields.erase(found);
  return value;
}

// One record through parse_trust_anchors, its messages re-homed to this file and line.
TrustAnchor parse_record(std::string_view record, const std::string& where) {
  try {
    return parse_trust_anchors(record, "record").front();
  } catch (const TrustAnchorError& error) {
    const std::string_view message = error.what();
    const auto colon = message.find(": ");
    throw TrustAnchorError(where + std::string(colon == std::string_view::npos
                                                   ? message
                                                   : message.substr(colon + 2)));
  }
}

TrackedKey tracked_key_from(const TrustAnchor& anchor, std::map<std::string, std::string> fields,
                            const std::string& where) {
  if (is_revoked(anchor.rdata)) {
    throw TrustAnchorError(where + "keys are stored with the REVOKE bit cleared");
  }
  TrackedKey key{anchor.rdata, anchor.key_tag, anchor.algorithm,
                 parse_key_state(take_field(fields, "state", where), where), 0, 0};
  const std::string tag = take_field(fields, "tag", where);
  if (tag != tag_text(key.key_tag)) {
    throw TrustAnchorError(where + "tag=" + tag + " but the key's tag is " +
                           tag_text(key.key_tag));
  }
  key.first_seen = parse_seconds(take_field(fields, "first_seen", where), where, "first_seen");
  key.last_change = parse_seconds(take_field(fields, "last_change", where), where, "last_change");
  if (!fields.empty()) {
    throw TrustAnchorError(where + "unknown annotation '" + fields.begin()->first + "'");
  }
  return key;
}

void parse_record_line(std::string_view line, const std::string& where, AnchorZoneState& state) {
  const auto semicolon = line.find(';');
  if (semicolon == std::string_view::npos) {
    throw TrustAnchorError(where + "no ;state= annotation after the record");
  }
  const TrustAnchor anchor = parse_record(line.substr(0, semicolon), where);
  if (anchor.owner != zone_wire(state.zone)) {
    throw TrustAnchorError(where + "the record is not for $ZONE " + state.zone);
  }
  auto fields = parse_annotation(line.substr(semicolon + 1), where);
  if (anchor.type == LDNS_RR_TYPE_DS) {
    if (take_field(fields, "state", where) != "Unbound" || !fields.empty()) {
      throw TrustAnchorError(where + "a DS line is annotated ;state=Unbound and nothing else");
    }
    state.unbound_ds.push_back(anchor);
    return;
  }
  TrackedKey key = tracked_key_from(anchor, std::move(fields), where);
  for (const auto& other : state.keys) {
    if (other.rdata_without_revoke == key.rdata_without_revoke) {
      throw TrustAnchorError(where + "key " + tag_text(key.key_tag) + " is listed twice");
    }
  }
  state.keys.push_back(std::move(key));
}

void parse_directive(std::string_view line, const std::string& where, AnchorZoneState& state,
                     bool& have_refresh) {
  const auto space = line.find_first_of(" \t");
  const std::string_view name = line.substr(0, space);
  const std::string_view value =
      space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
  if (name == "$ZONE") {
    if (!state.zone.empty()) throw TrustAnchorError(where + "$ZONE given twice");
    if (value.empty()) throw TrustAnchorError(where + "$ZONE needs a zone name");
    try {
      state.zone = canonical_zone(std::string(value));
    } catch (const TrustAnchorError& error) {
      throw TrustAnchorError(where + error.what());
    }
  } else if (name == "$LAST_REFRESH") {
    if (have_refresh) throw TrustAnchorError(where + "$LAST_REFRESH given twice");
    state.last_refresh = parse_seconds(value, where, "$LAST_REFRESH");
    have_refresh = true;
  } else {
    throw TrustAnchorError(where + "unknown directive " + std::string(name));
  }
}

}  // namespace

AnchorZoneState parse_state(std::string_view text, const std::string& origin) {
  AnchorZoneState state;
  bool have_refresh = false;
  unsigned number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == ';') continue;
    const std::string where = origin + ":" + std::to_string(number) + ": ";
    if (line.front() == '$') {
      parse_directive(line, where, state, have_refresh);
    } else if (state.zone.empty()) {
      throw TrustAnchorError(where + "a record before the $ZONE line");
    } else {
      parse_record_line(line, where, state);
    }
  }
  if (state.zone.empty()) throw TrustAnchorError(origin + ": no $ZONE line");
  return state;
}

}  // namespace vigil::anchors
