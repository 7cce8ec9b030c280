// Which upstream group a question goes to: the forward zone that most closely encloses the
// QNAME (split DNS), else the default upstreams. Built from the Config; on reload the state of
// upstreams that stay (health, cookies, a TLS upstream's connection and session) is carried over.
#pragma once

#include <memory>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/net/upstream.h"
#include "dns/random.h"
#include "dns/wire.h"

namespace vigil {

class Routing {
 public:
  Routing() = default;
  static Routing build(const Config& config, const Routing* previous, dns::Random& random);

  const std::shared_ptr<UpstreamGroup>& route(dns::Bytes qname) const;
  const std::vector<std::shared_ptr<UpstreamGroup>>& groups() const { return groups_; }

 private:
  struct Forward {
    std::vector<uint8_t> zone_wire;
    std::shared_ptr<UpstreamGroup> group;
  };
  std::shared_ptr<UpstreamGroup> default_group_;
  std::vector<Forward> forwards_;
  std::vector<std::shared_ptr<UpstreamGroup>> groups_;
};

// Whether `qname` (lower case wire form) is at or below a name of the config's critical list: it
// is never asked upstream over UDP.
bool is_critical(const Config& config, dns::Bytes qname);

}  // namespace vigil
