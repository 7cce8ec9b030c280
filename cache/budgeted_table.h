// The table under both answer caches: entries by key, each with what it costs in bytes, kept
// within a byte budget by evicting in the order EvictionOrder chooses (SIEVE). Loop-thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "cache/eviction_order.h"

namespace vigil::cache {

// What the table spends on an entry besides its value and its key's bytes, for a 64-bit build
// with glibc: the hash node (the key's string object, the links, the cached hash, the slot's
// fields), its bucket and the eviction list node, with malloc's header and rounding on each.
// The caches add their values' sizes, so that what they count tracks what they allocate.
inline constexpr std::size_t kTableEntryBytes = 128;
// malloc's header and rounding on each further heap block an entry owns (a string, a vector).
inline constexpr std::size_t kHeapBlockBytes = 16;

template <typename Value>
class BudgetedTable {
 public:
  struct Slot {
    Value value;
    typename EvictionOrder<const std::string*>::Handle order;
    std::size_t bytes = 0;
  };

  Slot* find(const std::string& key) {
    const auto found = slots_.find(key);
    return found == slots_.end() ? nullptr : &found->second;
  }
  const Slot* find(const std::string& key) const {
    const auto found = slots_.find(key);
    return found == slots_.end() ? nullptr : &found->second;
  }

  // A hit, for the eviction policy.
  void touch(Slot& slot) { order_.touch(slot.order); }

  // Stores `value` under `key`, replacing what was there; shrink_to afterwards keeps the budget.
  Slot& put(const std::string& key, Value value, std::size_t bytes) {
    erase(key);
    auto [it, inserted] = slots_.emplace(key, Slot{std::move(value), {}, bytes});
    it->second.order = order_.insert(&it->first);
    bytes_ += bytes;
    return it->second;
  }

  void set_cost(Slot& slot, std::size_t bytes) {
    bytes_ = bytes_ - slot.bytes + bytes;
    slot.bytes = bytes;
  }

  void erase(const std::string& key) {
    if (auto found = slots_.find(key); found != slots_.end()) erase(found);
  }

  // Erases every entry for which pred(key, value) holds; returns how many.
  template <typename Pred>
  std::size_t erase_if(Pred pred) {
    std::size_t erased = 0;
    for (auto it = slots_.begin(); it != slots_.end();) {
      if (pred(it->first, it->second.value)) {
        it = erase(it);
        ++erased;
      } else {
        ++it;
      }
    }
    return erased;
  }

  // Evicts until the entries cost at most `max_bytes`.
  void shrink_to(std::size_t max_bytes) {
    while (bytes_ > max_bytes) {
      const auto victim = order_.evict();
      if (!victim) break;
      const auto found = slots_.find(**victim);
      bytes_ -= found->second.bytes;
      slots_.erase(found);
      ++evictions_;
    }
  }

  template <typename F>
  void for_each(F f) const {
    for (const auto& [key, slot] : slots_) f(key, slot.value);
  }

  void clear() {
    slots_.clear();
    order_.clear();
    bytes_ = 0;
  }

  std::size_t size() const { return slots_.size(); }
  std::size_t bytes() const { return bytes_; }
  uint64_t evictions() const { return evictions_; }

 private:
  using Slots = std::unordered_map<std::string, Slot>;

  typename Slots::iterator erase(typename Slots::iterator it) {
    order_.erase(it->second.order);
    bytes_ -= it->second.bytes;
    return slots_.erase(it);
  }

  Slots slots_;
  EvictionOrder<const std::string*> order_;
  std::size_t bytes_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace vigil::cache
