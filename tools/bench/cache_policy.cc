// Which eviction policy should the cache use? Replays DNS-like question streams through
// cache::EvictionOrder (the very code the caches run) with LRU, CLOCK and SIEVE at several cache
// sizes, and prints the hit ratio and the time per request as a Markdown table.
//
//   build/tools/bench/cache_policy [requests]     (default 2,000,000 per row)
//
// Streams (seeded, so every run replays the same questions):
//   zipf-0.8, zipf-1.0   popularity follows Zipf's law over 1,000,000 names, as host query logs
//                        do; the exponent is how skewed it is
//   zipf+scan            zipf-0.8 with every other question a never-repeated name, as under a
//                        random-subdomain (water torture) flood
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "cache/eviction_order.h"

namespace {

using vigil::cache::EvictionOrder;
using vigil::cache::EvictionPolicy;

constexpr uint64_t kNames = 1'000'000;

class ZipfNames {
 public:
  explicit ZipfNames(double exponent) : cdf_(kNames) {
    double sum = 0;
    for (uint64_t rank = 0; rank < kNames; ++rank) {
      sum += 1.0 / std::pow(static_cast<double>(rank + 1), exponent);
      cdf_[rank] = sum;
    }
    for (double& value : cdf_) value /= sum;
  }
  uint64_t next(std::mt19937_64& random) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(random);
    return static_cast<uint64_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

std::vector<uint64_t> stream(const ZipfNames& names, uint64_t requests, bool scans) {
  std::mt19937_64 random(20261123);
  std::vector<uint64_t> keys;
  keys.reserve(requests);
  uint64_t fresh = kNames;
  for (uint64_t i = 0; i < requests; ++i) {
    keys.push_back(scans && (i % 2 == 1) ? fresh++ : names.next(random));
  }
  return keys;
}

struct Result {
  double hit_ratio = 0;
  double ns_per_request = 0;
};

Result replay(const std::vector<uint64_t>& keys, EvictionPolicy policy, std::size_t capacity) {
  std::unordered_map<uint64_t, EvictionOrder<uint64_t>::Handle> cache;
  cache.reserve(capacity * 2);
  EvictionOrder<uint64_t> order(policy);
  uint64_t hits = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const uint64_t key : keys) {
    if (auto found = cache.find(key); found != cache.end()) {
      ++hits;
      order.touch(found->second);
      continue;
    }
    if (cache.size() >= capacity) cache.erase(*order.evict());
    cache.emplace(key, order.insert(key));
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  return {static_cast<double>(hits) / static_cast<double>(keys.size()),
          static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
              static_cast<double>(keys.size())};
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t requests = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  struct Workload {
    const char* name;
    double exponent;
    bool scans;
  };
  const Workload workloads[] = {{"zipf-0.8", 0.8, false}, {"zipf-1.0", 1.0, false},
                                {"zipf+scan", 0.8, true}};
  const std::size_t capacities[] = {1'000, 10'000, 100'000};
  std::printf("| stream | cache entries | LRU hit %% | CLOCK hit %% | SIEVE hit %% | "
              "LRU ns/req | CLOCK ns/req | SIEVE ns/req |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& workload : workloads) {
    const ZipfNames names(workload.exponent);
    const auto keys = stream(names, requests, workload.scans);
    for (const std::size_t capacity : capacities) {
      Result results[3];
      const EvictionPolicy policies[] = {EvictionPolicy::Lru, EvictionPolicy::Clock,
                                         EvictionPolicy::Sieve};
      for (int i = 0; i < 3; ++i) results[i] = replay(keys, policies[i], capacity);
      std::printf("| %s | %zu | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f |\n", workload.name,
                  capacity, 100 * results[0].hit_ratio, 100 * results[1].hit_ratio,
                  100 * results[2].hit_ratio, results[0].ns_per_request,
                  results[1].ns_per_request, results[2].ns_per_request);
    }
  }
  return 0;
}
