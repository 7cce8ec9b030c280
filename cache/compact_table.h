// The table under both answer caches: entries in one contiguous slab, found through an
// open-addressing index of 32-bit slots, evicted in SIEVE order (Zhang et al., NSDI 2024) through
// links kept in the entries themselves. Keys are not stored: the caller derives an entry's key
// from its value (the question is in the answer's wire form), hashes it and says what matches.
// No per-entry heap block, no node, no key string. Loop-thread only.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace vigil::cache {

// Which entry a reference names, and which occupant of that slab slot: an entry that was erased
// and whose slot was reused has another generation, so a stale reference no longer matches.
struct EntryRef {
  uint32_t index = std::numeric_limits<uint32_t>::max();
  uint32_t generation = 0;
};

template <typename Value>
class CompactTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  struct Entry {
    Value value{};
    uint32_t hash = 0;
    uint32_t newer = kNone;   // towards the head of the SIEVE queue (newest); free list link
    uint32_t older = kNone;   // towards the tail (oldest)
    uint32_t generation : 30 = 0;  // bumped when the entry is erased
    uint32_t visited : 1 = 0;
    uint32_t live : 1 = 0;
  };

  // What an entry costs beyond its value's own heap blocks, at most: its slab slot (the slab
  // grows by a quarter at a time, so at most a quarter more is allocated than used) and its
  // share of the index (between 3/8 and 3/4 full: fewer than three 4-byte slots per entry).
  static constexpr std::size_t kEntryBytes = sizeof(Entry) * 5 / 4 + 3 * sizeof(uint32_t);

  // The live entry with `hash` for which matches(value) holds, or kNone.
  template <typename Matches>
  uint32_t find(uint64_t hash, Matches matches) const {
    if (index_.empty()) return kNone;
    const auto short_hash = static_cast<uint32_t>(hash);
    for (std::size_t slot = short_hash & mask(), probes = 0; probes < index_.size();
         slot = (slot + 1) & mask(), ++probes) {
      const uint32_t at = index_[slot];
      if (at == kEmpty) return kNone;
      if (at == kTombstone) continue;
      const Entry& entry = slab_[at];
      if (entry.hash == short_hash && matches(entry.value)) return at;
    }
    return kNone;
  }

  // Adds `value` at the head of the queue (the caller has made sure its key is not present).
  EntryRef insert(uint64_t hash, Value value) {
    if ((size_ + tombstones_ + 1) * 4 > index_.size() * 3) rehash((size_ + 1) * 2);
    uint32_t at = free_;
    if (at != kNone) {
      free_ = slab_[at].newer;
    } else {
      at = static_cast<uint32_t>(slab_.size());
      if (slab_.size() == slab_.capacity()) slab_.reserve(slab_.size() + slab_.size() / 4 + 16);
      slab_.emplace_back();
    }
    Entry& entry = slab_[at];
    entry.value = std::move(value);
    entry.hash = static_cast<uint32_t>(hash);
    entry.visited = 0;
    entry.live = 1;
    link_at_head(at);
    place(at);
    ++size_;
    return {at, entry.generation};
  }

  void erase(uint32_t at) {
    Entry& entry = slab_[at];
    for (std::size_t slot = entry.hash & mask();; slot = (slot + 1) & mask()) {
      if (index_[slot] == at) {
        index_[slot] = kTombstone;
        ++tombstones_;
        break;
      }
    }
    if (hand_ == at) hand_ = entry.newer;
    unlink(at);
    entry.value = Value{};
    entry.live = 0;
    ++entry.generation;  // wraps at 2^30: a reference would have to outlive 2^30 reuses
    entry.newer = free_;
    free_ = at;
    --size_;
  }

  bool is_live(EntryRef ref) const {
    return ref.index < slab_.size() && slab_[ref.index].live &&
           slab_[ref.index].generation == ref.generation;
  }
  EntryRef ref_of(uint32_t index) const { return {index, slab_[index].generation}; }
  Value& at(uint32_t index) { return slab_[index].value; }
  const Value& at(uint32_t index) const { return slab_[index].value; }

  // A hit: SIEVE only marks the entry.
  void touch(uint32_t index) { slab_[index].visited = 1; }

  // SIEVE: the hand walks from the tail towards the head, unmarking as it goes, and the first
  // unmarked entry goes; survivors keep their place. Returns the victim (still in the table) or
  // kNone when the table is empty.
  uint32_t victim() {
    if (size_ == 0) return kNone;
    uint32_t hand = hand_ == kNone ? tail_ : hand_;
    while (slab_[hand].visited) {
      slab_[hand].visited = 0;
      hand = slab_[hand].newer == kNone ? tail_ : slab_[hand].newer;
    }
    hand_ = slab_[hand].newer;
    return hand;
  }

  // f(index, value) for every live entry.
  template <typename F>
  void for_each(F f) const {
    for (uint32_t at = 0; at < slab_.size(); ++at) {
      if (slab_[at].live) f(at, slab_[at].value);
    }
  }

  void clear() {
    std::vector<Entry>().swap(slab_);  // the memory goes back too
    std::vector<uint32_t>().swap(index_);
    size_ = tombstones_ = 0;
    head_ = tail_ = hand_ = free_ = kNone;
  }

  std::size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = kNone;
  static constexpr uint32_t kTombstone = kNone - 1;

  std::size_t mask() const { return index_.size() - 1; }

  void place(uint32_t at) {
    std::size_t slot = slab_[at].hash & mask();
    while (index_[slot] != kEmpty && index_[slot] != kTombstone) slot = (slot + 1) & mask();
    if (index_[slot] == kTombstone) --tombstones_;
    index_[slot] = at;
  }

  // A fresh index of a power of two of at least `wanted` slots (16 at least), tombstones dropped.
  void rehash(std::size_t wanted) {
    std::size_t slots = 16;
    while (slots < wanted) slots *= 2;
    index_.assign(slots, kEmpty);
    tombstones_ = 0;
    for (uint32_t at = 0; at < slab_.size(); ++at) {
      if (slab_[at].live) place(at);
    }
  }

  void link_at_head(uint32_t at) {
    Entry& entry = slab_[at];
    entry.newer = kNone;
    entry.older = head_;
    if (head_ != kNone) slab_[head_].newer = at;
    head_ = at;
    if (tail_ == kNone) tail_ = at;
  }

  void unlink(uint32_t at) {
    Entry& entry = slab_[at];
    if (entry.newer != kNone) slab_[entry.newer].older = entry.older;
    else head_ = entry.older;
    if (entry.older != kNone) slab_[entry.older].newer = entry.newer;
    else tail_ = entry.newer;
  }

  std::vector<Entry> slab_;
  std::vector<uint32_t> index_;  // slab indexes; kEmpty ends a probe, kTombstone does not
  std::size_t size_ = 0;
  std::size_t tombstones_ = 0;
  uint32_t head_ = kNone;  // newest
  uint32_t tail_ = kNone;  // oldest
  uint32_t hand_ = kNone;  // SIEVE's hand; kNone means "start at the tail"
  uint32_t free_ = kNone;  // erased slab slots, linked through `newer`
};

}  // namespace vigil::cache
