#include "daemon/anchor_tracker.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "daemon/anchor_state_file.h"
#include "dns/ldns_wire.h"
#include "validator/names.h"
#include "validator/rrset.h"
#include "validator/self_signature.h"
#include "validator/signature.h"

namespace vigil {

namespace {

int64_t wall_now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string zone_text(const std::vector<uint8_t>& owner_wire) {
  dns::LdnsRdf name(ldns_dname_new_frm_data(static_cast<uint16_t>(owner_wire.size()),
                                            owner_wire.data()));
  return name ? validator::name_text(name.get()) : ".";
}

std::string state_file_name(const std::string& zone) {
  return zone == "." ? "root.anchor" : zone.substr(0, zone.size() - 1) + ".anchor";
}

// The anchors as ldns records, for verify_dnskey_rrset.
dns::LdnsRrList as_records(const std::vector<anchors::TrustAnchor>& anchors) {
  dns::LdnsRrList list(ldns_rr_list_new());
  for (const auto& anchor : anchors) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, anchor.text.c_str(), 3600, nullptr, nullptr) == LDNS_STATUS_OK) {
      ldns_rr_list_push_rr(list.get(), rr);
    }
  }
  return list;
}

// RFC 5011 2.3: the DNSKEY RRset's original TTL and signature expiration, for the schedule.
void schedule_inputs(const validator::RRset& dnskeys, uint32_t& original_ttl, int64_t& expiration) {
  original_ttl = dnskeys.ttl();
  expiration = wall_now();
  for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys.signatures.get()); ++i) {
    const ldns_rr* rrsig = ldns_rr_list_rr(dnskeys.signatures.get(), i);
    original_ttl = ldns_rdf2native_int32(ldns_rr_rrsig_origttl(rrsig));
    const auto field = ldns_rdf2native_int32(ldns_rr_rrsig_expiration(rrsig));
    // RFC 1982: the 32-bit field is the expiration closest to now.
    expiration = std::max(expiration, wall_now() + static_cast<int32_t>(field -
                                                  static_cast<uint32_t>(wall_now())));
  }
}

}  // namespace

AnchorTracker::AnchorTracker(uv_loop_t* loop, const Loggers& log, std::string state_dir)
    : loop_(loop), log_(log), state_dir_(std::move(state_dir)) {}

void AnchorTracker::load(const std::vector<anchors::TrustAnchor>& configured) {
  std::map<std::string, std::vector<anchors::TrustAnchor>> by_zone;
  for (const auto& anchor : configured) by_zone[zone_text(anchor.owner)].push_back(anchor);
  self_ = std::make_shared<AnchorTracker*>(this);  // replies to earlier refreshes are dropped
  zones_.clear();
  if (!state_dir_.empty()) mkdir(state_dir_.c_str(), 0755);  // first start; errors show on save
  for (const auto& [zone_name, anchors] : by_zone) {
    auto zone = std::make_unique<Zone>();
    zone->state = anchors::initial_state(zone_name, anchors);
    if (!state_dir_.empty()) {
      zone->path = state_dir_ + "/" + state_file_name(zone_name);
      const StateFileRead read = read_state_file(zone->path);
      if (read.contents) {
        try {
          zone->state = anchors::parse_state(*read.contents, zone->path);
          log_.main->info("trust anchor for {}: state from {}", zone_name, zone->path);
        } catch (const anchors::TrustAnchorError& error) {
          log_.main->error("trust anchor state {} is unusable ({}); starting again from the "
                           "configured anchors", zone->path, error.what());
        }
      } else if (!read.missing) {
        log_.main->error("cannot read the trust anchor state: {}; using the configured anchors",
                         read.error);
      }
    }
    zone->timer = std::make_unique<Timer>(loop_);
    zones_.push_back(std::move(zone));
  }
}

std::vector<anchors::TrustAnchor> AnchorTracker::trusted() const {
  std::vector<anchors::TrustAnchor> all;
  for (const auto& zone : zones_) {
    const auto anchors = anchors::trusted_anchors(zone->state);
    all.insert(all.end(), anchors.begin(), anchors.end());
  }
  return all;
}

std::vector<std::string> AnchorTracker::zones_without_keys() const {
  std::vector<std::string> zones;
  for (const auto& zone : zones_) {
    if (anchors::trusted_anchors(zone->state).empty()) zones.push_back(zone->state.zone);
  }
  return zones;
}

void AnchorTracker::start(Fetch fetch, Changed changed) {
  if (state_dir_.empty()) return;
  fetch_ = std::move(fetch);
  changed_ = std::move(changed);
  for (auto& zone : zones_) refresh(*zone);
}

void AnchorTracker::stop() {
  self_ = std::make_shared<AnchorTracker*>(this);
  for (auto& zone : zones_) zone->timer.reset();
}

void AnchorTracker::refresh(Zone& zone) {
  std::weak_ptr<AnchorTracker*> weak = self_;
  Zone* target = &zone;
  fetch_(validator::Need{zone.state.zone, LDNS_RR_TYPE_DNSKEY},
         [weak, target](std::vector<uint8_t>&& wire) {
           if (auto self = weak.lock()) (*self)->on_dnskeys(*target, wire);
         });
}

void AnchorTracker::on_dnskeys(Zone& zone, const std::vector<uint8_t>& wire) {
  ldns_pkt* parsed = nullptr;
  if (wire.empty() || ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return retry_later(zone, "no usable reply");
  }
  const dns::LdnsPkt reply(parsed);
  std::optional<validator::RRset> dnskeys;
  for (auto& rrset : validator::group_rrsets(ldns_pkt_answer(reply.get()))) {
    if (rrset.type() == LDNS_RR_TYPE_DNSKEY && validator::name_key(rrset.owner()) == zone.state.zone) {
      dnskeys = std::move(rrset);
    }
  }
  if (!dnskeys) return retry_later(zone, "no DNSKEY RRset in the reply");
  // RFC 5011 2.2: only a DNSKEY RRset validated with a key trusted now may change anything.
  const int64_t now = wall_now();
  const dns::LdnsRrList trusted = as_records(anchors::trusted_anchors(zone.state));
  validator::WorkBudget budget;
  const auto check = validator::verify_dnskey_rrset(*dnskeys, trusted.get(), now,
                                                    validator::ValidationPolicy{}, budget);
  if (!check.verdict.is_secure()) {
    return retry_later(zone, std::string("the DNSKEY RRset does not validate: ") +
                                 check.verdict.detail);
  }
  std::vector<anchors::ObservedKey> observed;
  for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys->records.get()); ++i) {
    const ldns_rr* key = ldns_rr_list_rr(dnskeys->records.get(), i);
    auto rdata = dns::rdata_wire(key);
    if (!rdata) continue;
    observed.push_back({std::move(*rdata), validator::is_self_signed_by(*dnskeys, key, now)});
  }
  const anchors::RefreshResult result = anchors::apply_validated_dnskey_set(zone.state, observed, now);
  const bool trust_changed =
      anchors::trusted_anchors(result.state).size() != anchors::trusted_anchors(zone.state).size() ||
      result.state.keys != zone.state.keys || !result.events.empty();
  zone.state = result.state;
  for (const auto& event : result.events) {
    log_.main->warn("trust anchor for {}: {}", zone.state.zone, event);
  }
  if (anchors::trusted_anchors(zone.state).empty()) {
    log_.main->error("trust anchor for {}: every key is revoked; names under it fail (SERVFAIL) "
                     "until an operator configures a new anchor", zone.state.zone);
  }
  save(zone);
  if (trust_changed && changed_) changed_();
  schedule_inputs(*dnskeys, zone.original_ttl, zone.signature_expiration);
  schedule(zone, anchors::refresh_interval(zone.original_ttl, zone.signature_expiration, now));
}

void AnchorTracker::retry_later(Zone& zone, const std::string& why) {
  const int64_t now = wall_now();
  const int64_t seconds = anchors::retry_interval(
      zone.original_ttl, zone.signature_expiration == 0 ? now : zone.signature_expiration, now);
  log_.main->warn("trust anchor refresh for {} failed ({}); next try in {} s", zone.state.zone,
                  why, seconds);
  schedule(zone, seconds);
}

void AnchorTracker::schedule(Zone& zone, int64_t seconds) {
  if (!zone.timer) return;  // stopped
  Zone* target = &zone;
  zone.timer->start(static_cast<uint64_t>(seconds) * 1000, [this, target] { refresh(*target); });
}

// Rare (a refresh every hour or more) and small: written on the loop thread, with an fsync.
void AnchorTracker::save(const Zone& zone) {
  if (zone.path.empty()) return;
  const std::string error = write_state_file(zone.path, anchors::serialize_state(zone.state));
  if (!error.empty()) {
    log_.main->error("cannot save the trust anchor state: {}; a key rollover seen now would be "
                     "forgotten at restart", error);
  }
}

namespace {

const char* key_state_text(anchors::KeyState state) {
  switch (state) {
    case anchors::KeyState::Start: return "start";
    case anchors::KeyState::AddPend: return "addpend (add hold-down)";
    case anchors::KeyState::Valid: return "valid";
    case anchors::KeyState::Missing: return "missing (trusted, not published)";
    case anchors::KeyState::Revoked: return "revoked";
    case anchors::KeyState::Removed: return "removed";
  }
  return "?";
}

}  // namespace

std::vector<std::string> AnchorTracker::report(int64_t now) const {
  std::vector<std::string> lines;
  for (const auto& zone : zones_) {
    const auto& state = zone->state;
    std::string line = "zone " + state.zone + " tracking=" +
                       (state_dir_.empty() ? std::string("off") : "rfc5011 state=" + zone->path);
    line += " last-refresh=" + (state.last_refresh == 0
                                    ? std::string("never")
                                    : std::to_string(now - state.last_refresh) + "s-ago");
    lines.push_back(std::move(line));
    for (const auto& key : state.keys) {
      lines.push_back(fmt::format("  key {}/alg{} {} since {}s ago", key.key_tag, key.algorithm,
                                  key_state_text(key.state),
                                  key.last_change == 0 ? 0 : now - key.last_change));
    }
    for (const auto& ds : state.unbound_ds) {
      lines.push_back("  ds " + ds.text + " (configured; no published DNSKEY matched it yet)");
    }
  }
  if (lines.empty()) lines.push_back("no trust anchors: nothing is validated as secure");
  return lines;
}

}  // namespace vigil
