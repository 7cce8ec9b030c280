// pin-watch (THREATS "Pinned names"): now and then, each pinned name and type is resolved
// upstream (and validated, when validation is on) as if it were not pinned; an answer that
// disagrees with the pin is reported: the pin is stale, or someone is poisoning the path.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/pins.h"
#include "daemon/log.h"
#include "daemon/stats.h"
#include "daemon/uv_handles.h"
#include "dns/query.h"

namespace vigil {

// Pure: how the live reply disagrees with the pinned records of (name, type) — "6.6.6.6",
// "NXDOMAIN", "no answer" — or nullopt when it holds exactly the pinned RDATA.
std::optional<std::string> pin_disagreement(const std::vector<cache::PinnedRecord>& pinned,
                                            dns::Bytes reply);

class PinWatch {
 public:
  // Sends `query` through the pipeline as if it came from a client; the sink gets the answer.
  using Ask = std::function<void(const dns::QueryInfo&, std::function<void(std::vector<uint8_t>&&)>)>;

  PinWatch(uv_loop_t* loop, const Loggers& log, SecurityLog& security, Stats& stats);

  // (Re)starts watching `pins` every `interval`; an interval of zero stops watching.
  void start(std::chrono::milliseconds interval, const std::vector<cache::PinnedRecord>& pins,
             Ask ask);
  void stop();

  // For `vigilctl pins`: rounds started since vigild started, and when the last one started
  // (the loop's clock, milliseconds), if any. Kept across reloads.
  uint64_t rounds() const { return rounds_; }
  std::optional<uint64_t> last_round_ms() const { return last_round_ms_; }

 private:
  void round();

  uv_loop_t* loop_;
  const Loggers& log_;
  SecurityLog& security_;
  Stats& stats_;
  std::chrono::milliseconds interval_{0};
  std::vector<std::vector<cache::PinnedRecord>> groups_;  // one per pinned (name, type)
  Ask ask_;
  std::unique_ptr<Timer> timer_;
  uint64_t rounds_ = 0;
  std::optional<uint64_t> last_round_ms_;
  std::shared_ptr<PinWatch*> self_ = std::make_shared<PinWatch*>(this);
};

}  // namespace vigil
