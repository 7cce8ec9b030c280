// Which cache entry goes when the byte budget is full. Three classic policies behind one small
// interface, so the caches and the policy benchmark (tools/bench/cache_policy.cc) run the same
// code: LRU, CLOCK (second chance) and SIEVE (Zhang et al., NSDI 2024). The caches use SIEVE:
// a hit only sets a bit (no list surgery on the hot path) and, measured on skewed DNS-like
// workloads, it keeps as many or more hits than LRU (tools/bench/README.md).
#pragma once

#include <cstdint>
#include <list>
#include <optional>

namespace vigil::cache {

enum class EvictionPolicy : uint8_t { Lru, Clock, Sieve };

template <typename Key>
class EvictionOrder {
  struct Node {
    Key key;
    bool visited = false;
  };

 public:
  using Handle = typename std::list<Node>::iterator;

  explicit EvictionOrder(EvictionPolicy policy = EvictionPolicy::Sieve)
      : policy_(policy), hand_(nodes_.end()) {}
  EvictionOrder(const EvictionOrder&) = delete;
  EvictionOrder& operator=(const EvictionOrder&) = delete;

  // New entries go to the head; the handle stays valid until the entry is erased or evicted.
  Handle insert(Key key) {
    nodes_.push_front(Node{std::move(key), false});
    return nodes_.begin();
  }

  // A hit. LRU moves the entry to the head; CLOCK and SIEVE only mark it.
  void touch(Handle handle) {
    if (policy_ == EvictionPolicy::Lru) {
      nodes_.splice(nodes_.begin(), nodes_, handle);
    } else {
      handle->visited = true;
    }
  }

  void erase(Handle handle) {
    if (hand_ == handle) hand_ = handle == nodes_.begin() ? nodes_.end() : std::prev(handle);
    nodes_.erase(handle);
  }

  // Chooses the entry to evict and forgets it; nullopt when there is none.
  std::optional<Key> evict() {
    if (nodes_.empty()) return std::nullopt;
    if (policy_ == EvictionPolicy::Lru) return take(std::prev(nodes_.end()));
    if (policy_ == EvictionPolicy::Clock) {
      // Second chance: a marked tail entry is unmarked and moved to the head.
      while (nodes_.back().visited) {
        nodes_.back().visited = false;
        nodes_.splice(nodes_.begin(), nodes_, std::prev(nodes_.end()));
      }
      return take(std::prev(nodes_.end()));
    }
    // SIEVE: the hand walks from the tail towards the head, unmarking as it goes; survivors stay
    // where they are, so new entries (at the head) that are never hit again go first.
    Handle hand = hand_ == nodes_.end() ? std::prev(nodes_.end()) : hand_;
    while (hand->visited) {
      hand->visited = false;
      hand = hand == nodes_.begin() ? std::prev(nodes_.end()) : std::prev(hand);
    }
    hand_ = hand == nodes_.begin() ? nodes_.end() : std::prev(hand);
    Key key = std::move(hand->key);
    nodes_.erase(hand);
    return key;
  }

  void clear() {
    nodes_.clear();
    hand_ = nodes_.end();
  }
  std::size_t size() const { return nodes_.size(); }

 private:
  std::optional<Key> take(Handle handle) {
    Key key = std::move(handle->key);
    erase(handle);
    return key;
  }

  EvictionPolicy policy_;
  std::list<Node> nodes_;  // head: newest (LRU: most recently used)
  Handle hand_;            // SIEVE's hand; end() means "start at the tail"
};

}  // namespace vigil::cache
