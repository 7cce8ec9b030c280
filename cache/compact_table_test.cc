#include "cache/compact_table.h"

#include <doctest/doctest.h>

#include <random>
#include <unordered_map>

#include "cache/eviction_order.h"
#include "cache/key_hash.h"
#include "dns/name.h"

using namespace vigil;
using cache::CompactTable;

namespace {

struct Item {
  uint64_t key = 0;
};

uint64_t spread(uint64_t key) { return key * 0x9E3779B97F4A7C15ull; }

uint32_t find(const CompactTable<Item>& table, uint64_t key, uint64_t hash) {
  return table.find(hash, [&](const Item& item) { return item.key == key; });
}

}  // namespace

TEST_CASE("Compact table: entries are found until erased; the index grows as they come") {
  CompactTable<Item> table;
  CHECK(find(table, 1, spread(1)) == table.kNone);
  for (uint64_t key = 0; key < 10'000; ++key) table.insert(spread(key), Item{key});
  CHECK(table.size() == 10'000);
  for (uint64_t key = 0; key < 10'000; ++key) {
    const uint32_t at = find(table, key, spread(key));
    REQUIRE(at != table.kNone);
    CHECK(table.at(at).key == key);
  }
  for (uint64_t key = 0; key < 10'000; key += 2) table.erase(find(table, key, spread(key)));
  CHECK(table.size() == 5'000);
  for (uint64_t key = 0; key < 10'000; ++key) {
    CHECK((find(table, key, spread(key)) != table.kNone) == (key % 2 == 1));
  }
}

TEST_CASE("Compact table: tombstones keep probe chains whole, and erased slots are reused") {
  CompactTable<Item> table;
  // Every key with the same hash: one probe chain.
  for (uint64_t key = 0; key < 8; ++key) table.insert(42, Item{key});
  table.erase(find(table, 3, 42));
  table.erase(find(table, 0, 42));
  for (uint64_t key = 0; key < 8; ++key) {
    CHECK((find(table, key, 42) != table.kNone) == (key != 0 && key != 3));
  }
  // Churn: far more inserts and erases than slots, the table stays small and correct.
  for (uint64_t round = 0; round < 10'000; ++round) {
    table.insert(spread(100 + round), Item{100 + round});
    table.erase(find(table, 100 + round, spread(100 + round)));
  }
  CHECK(table.size() == 6);
  CHECK(find(table, 7, 42) != table.kNone);
  CHECK(find(table, 5000, spread(5000)) == table.kNone);
}

TEST_CASE("Compact table: a reference to an erased entry no longer matches its reused slot") {
  CompactTable<Item> table;
  const auto first = table.insert(spread(1), Item{1});
  CHECK(table.is_live(first));
  table.erase(first.index);
  CHECK_FALSE(table.is_live(first));
  const auto second = table.insert(spread(2), Item{2});
  CHECK(second.index == first.index);  // the slot is reused...
  CHECK_FALSE(table.is_live(first));   // ...by another generation
  CHECK(table.is_live(second));
  CHECK_FALSE(table.is_live(cache::EntryRef{}));
}

TEST_CASE("Compact table: SIEVE evicts in the same order as EvictionOrder") {
  // The same random workload on both: inserts, hits and evictions.
  CompactTable<Item> table;
  cache::EvictionOrder<uint64_t> order(cache::EvictionPolicy::Sieve);
  std::unordered_map<uint64_t, cache::EvictionOrder<uint64_t>::Handle> handles;
  std::mt19937_64 random(7);
  uint64_t next = 0;
  for (int step = 0; step < 20'000; ++step) {
    const unsigned action = random() % 10;
    if (action < 4 || handles.empty()) {
      table.insert(spread(next), Item{next});
      handles[next] = order.insert(next);
      ++next;
    } else if (action < 8) {
      const uint64_t key = next - 1 - random() % std::min<uint64_t>(next, 64);
      const uint32_t at = find(table, key, spread(key));
      REQUIRE((at != table.kNone) == handles.contains(key));
      if (at != table.kNone) {
        table.touch(at);
        order.touch(handles[key]);
      }
    } else {
      const uint32_t victim = table.victim();
      REQUIRE(victim != table.kNone);
      const auto expected = order.evict();
      REQUIRE(expected.has_value());
      CHECK(table.at(victim).key == *expected);
      handles.erase(*expected);
      table.erase(victim);
    }
  }
  CHECK(table.size() == handles.size());
  table.clear();
  CHECK(table.size() == 0);
  CHECK(table.victim() == table.kNone);
}

TEST_CASE("RFC 4343: key hashes and name comparison fold ASCII letters only, eight octets at a time") {
  std::mt19937_64 random(11);
  const std::string alphabet = "aZ-9\x7f\xc1\xe1@[`{";
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> a(random() % 40);
    for (auto& c : a) c = static_cast<uint8_t>(alphabet[random() % alphabet.size()]);
    std::vector<uint8_t> b = a;
    for (auto& c : b) {
      if (random() % 2 == 0) continue;
      if (c >= 'a' && c <= 'z') c = static_cast<uint8_t>(c - 32);
      else if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c + 32);
      else if (random() % 4 == 0) c = static_cast<uint8_t>(c ^ 0x20);  // not a letter: differs
    }
    const bool same = vigil::dns::equal_ignoring_case(a, b);
    CHECK(vigil::cache::equal_folded(a, b) == same);
    if (same) CHECK(vigil::cache::key_hash(5, 1, a, 1, 1) == vigil::cache::key_hash(5, 1, b, 1, 1));
  }
  const std::vector<uint8_t> name{3, 'w', 'w', 'w', 0};
  CHECK(vigil::cache::key_hash(5, 1, name, 1, 1) != vigil::cache::key_hash(6, 1, name, 1, 1));
  CHECK(vigil::cache::key_hash(5, 1, name, 1, 1) != vigil::cache::key_hash(5, 2, name, 1, 1));
  CHECK(vigil::cache::key_hash(5, 1, name, 1, 1) != vigil::cache::key_hash(5, 1, name, 28, 1));
}
