#include "daemon/pipeline/routing.h"

#include <algorithm>

#include "dns/name.h"

namespace vigil {

namespace {

std::shared_ptr<Upstream> find_or_make(const SocketAddress& address, const Routing* previous,
                                       dns::Random& random) {
  if (previous != nullptr) {
    for (const auto& group : previous->groups()) {
      for (const auto& upstream : group->upstreams) {
        if (!upstream->tls && upstream->address == address) return upstream;
      }
    }
  }
  auto upstream = std::make_shared<Upstream>();
  upstream->address = address;
  random.fill(upstream->client_cookie);
  return upstream;
}

// A TLS upstream is the same one only with the same settings: a new pin or CA starts afresh
// (new connection, no old session).
std::shared_ptr<Upstream> find_or_make(const TlsUpstream& settings, const Routing* previous,
                                       dns::Random& random) {
  if (previous != nullptr) {
    for (const auto& group : previous->groups()) {
      for (const auto& upstream : group->upstreams) {
        if (upstream->tls && upstream->tls->settings() == settings) {
          upstream->tls->reread_certificates();  // a renewed CA file takes effect on reload
          return upstream;
        }
      }
    }
  }
  auto upstream = std::make_shared<Upstream>();
  upstream->address = settings.address;
  upstream->tls = std::make_unique<TlsClient>(settings, upstream->health);
  random.fill(upstream->client_cookie);
  return upstream;
}

}  // namespace

Routing Routing::build(const Config& config, const Routing* previous, dns::Random& random) {
  Routing routing;
  uint64_t next_id = random.next_u32();  // fresh ids: in-flight keys never cross a reload
  auto make_group = [&](std::string zone, const std::vector<SocketAddress>& addresses,
                        const std::vector<TlsUpstream>& tls_upstreams) {
    auto group = std::make_shared<UpstreamGroup>();
    group->id = next_id++;
    group->zone = std::move(zone);
    for (const auto& address : addresses) {
      group->upstreams.push_back(find_or_make(address, previous, random));
    }
    for (const auto& settings : tls_upstreams) {
      group->upstreams.push_back(find_or_make(settings, previous, random));
    }
    routing.groups_.push_back(group);
    return group;
  };
  routing.default_group_ = make_group(".", config.upstreams, config.tls_upstreams);
  for (const auto& forward : config.forwards) {
    routing.forwards_.push_back(Forward{
        forward.zone_wire, make_group(forward.zone, forward.upstreams, forward.tls_upstreams)});
  }
  return routing;
}

const std::shared_ptr<UpstreamGroup>& Routing::route(dns::Bytes qname) const {
  const Forward* best = nullptr;
  for (const auto& forward : forwards_) {
    if (dns::is_at_or_below(qname, forward.zone_wire) &&
        (best == nullptr || forward.zone_wire.size() > best->zone_wire.size())) {
      best = &forward;
    }
  }
  return best != nullptr ? best->group : default_group_;
}

bool is_critical(const Config& config, dns::Bytes qname) {
  return std::any_of(config.critical.begin(), config.critical.end(),
                     [&](const CriticalName& critical) {
                       return dns::is_at_or_below(qname, critical.name_wire);
                     });
}

}  // namespace vigil
