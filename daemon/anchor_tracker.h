// RFC 5011 in the daemon: for each zone with a configured trust anchor, the tracker keeps the
// anchor's state in a file under the state directory, asks the upstream for the zone's DNSKEY
// RRset on the RFC's schedule (through the pipeline, CD=1), validates it with the keys trusted
// now, applies it to the pure state machine (trust-anchors/rfc5011.h), saves the result and
// tells the daemon when the set of trusted keys changed.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/log.h"
#include "daemon/uv_handles.h"
#include "trust-anchors/rfc5011.h"
#include "validator/trust_chain.h"

namespace vigil {

class AnchorTracker {
 public:
  using Fetch = std::function<void(const validator::Need&,
                                   std::function<void(std::vector<uint8_t>&&)>)>;
  using Changed = std::function<void()>;

  // `state_dir` empty: no tracking, the configured anchors are used as they are.
  AnchorTracker(uv_loop_t* loop, const Loggers& log, std::string state_dir);

  // One state per anchored zone: its state file if there is one (it supersedes the
  // configuration once tracking began), else the configured anchors.
  void load(const std::vector<anchors::TrustAnchor>& configured);

  // The anchors the validator may use now, and the zones whose every key was revoked (they
  // must stay anchored to nothing, so that their names fail closed).
  std::vector<anchors::TrustAnchor> trusted() const;
  std::vector<std::string> zones_without_keys() const;

  // For `vigilctl anchors`: each anchored zone, how it is tracked, and each key with its
  // RFC 5011 state. `now` is the wall clock, in seconds since 1970.
  std::vector<std::string> report(int64_t now) const;

  // Refreshes every zone now, then on schedule.
  void start(Fetch fetch, Changed changed);
  // Stops the timers (before the loop closes) and forgets replies still to come.
  void stop();

 private:
  struct Zone {
    anchors::AnchorZoneState state;
    std::string path;
    std::unique_ptr<Timer> timer;
    // RFC 5011 2.3: retryTime comes from the last DNSKEY RRset seen (0: none yet).
    uint32_t original_ttl = 0;
    int64_t signature_expiration = 0;
  };

  void refresh(Zone& zone);
  void on_dnskeys(Zone& zone, const std::vector<uint8_t>& wire);
  void retry_later(Zone& zone, const std::string& why);
  void schedule(Zone& zone, int64_t seconds);
  void save(const Zone& zone);

  uv_loop_t* loop_;
  const Loggers& log_;
  std::string state_dir_;
  std::vector<std::unique_ptr<Zone>> zones_;
  Fetch fetch_;
  Changed changed_;
  std::shared_ptr<AnchorTracker*> self_ = std::make_shared<AnchorTracker*>(this);
};

}  // namespace vigil
