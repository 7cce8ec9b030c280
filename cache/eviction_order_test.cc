#include "cache/eviction_order.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using vigil::cache::EvictionOrder;
using vigil::cache::EvictionPolicy;

namespace {

// Inserts a, b, c (c newest), touches `hit`, and returns the keys in the order they are evicted.
std::vector<std::string> eviction_sequence(EvictionPolicy policy, const std::string& hit) {
  EvictionOrder<std::string> order(policy);
  std::vector<EvictionOrder<std::string>::Handle> handles;
  for (const char* key : {"a", "b", "c"}) handles.push_back(order.insert(key));
  order.touch(handles[static_cast<std::size_t>(hit[0] - 'a')]);
  std::vector<std::string> evicted;
  while (auto key = order.evict()) evicted.push_back(*key);
  return evicted;
}

}  // namespace

TEST_CASE("LRU evicts the least recently used entry first") {
  CHECK(eviction_sequence(EvictionPolicy::Lru, "a") == std::vector<std::string>{"b", "c", "a"});
  CHECK(eviction_sequence(EvictionPolicy::Lru, "c") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("CLOCK gives a hit entry a second chance at the head") {
  CHECK(eviction_sequence(EvictionPolicy::Clock, "a") == std::vector<std::string>{"b", "c", "a"});
}

TEST_CASE("SIEVE keeps a hit entry in place and evicts the unvisited ones past it") {
  CHECK(eviction_sequence(EvictionPolicy::Sieve, "a") == std::vector<std::string>{"b", "c", "a"});
  CHECK(eviction_sequence(EvictionPolicy::Sieve, "b") == std::vector<std::string>{"a", "c", "b"});
}

TEST_CASE("SIEVE: the hand resumes where it stopped, and new entries are evicted first") {
  EvictionOrder<int> order(EvictionPolicy::Sieve);
  std::vector<EvictionOrder<int>::Handle> handles;
  handles.reserve(4);
  for (int key = 0; key < 4; ++key) handles.push_back(order.insert(key));  // tail 0 ... head 3
  order.touch(handles[0]);
  order.touch(handles[2]);
  CHECK(order.evict() == 1);  // 0 unmarked, 1 evicted; the hand now points at 2
  order.insert(4);            // a one-hit wonder at the head
  CHECK(order.evict() == 3);  // 2 unmarked; 3 evicted
  CHECK(order.evict() == 4);  // the new entry goes before the survivors 0 and 2
  CHECK(order.size() == 2);
}

TEST_CASE("Erasing the entry under SIEVE's hand keeps the hand valid") {
  EvictionOrder<int> order(EvictionPolicy::Sieve);
  auto zero = order.insert(0);
  auto one = order.insert(1);
  order.insert(2);
  order.touch(zero);
  order.touch(one);
  CHECK(order.evict() == 2);  // the hand passes 0 and 1 (unmarking them) and takes 2
  order.erase(zero);
  order.erase(one);
  CHECK(order.size() == 0);
  CHECK_FALSE(order.evict().has_value());
  order.insert(5);
  CHECK(order.evict() == 5);
}
