#include "daemon/csprng.h"

#include <doctest/doctest.h>

#include <array>
#include <set>

using namespace vigil;

TEST_CASE("THREATS rule 1: TXIDs from the CSPRNG are spread evenly over all 16 bits") {
  Csprng random;
  std::array<int, 16> high{}, low{};
  std::set<uint16_t> seen;
  constexpr int kDraws = 32000;  // several refills of the 4 KiB pool
  for (int i = 0; i < kDraws; ++i) {
    const uint16_t txid = random.next_u16();
    ++high[txid >> 12];
    ++low[txid & 0xF];
    seen.insert(txid);
  }
  auto chi_square = [](const std::array<int, 16>& counts) {
    const double expected = kDraws / 16.0;
    double sum = 0;
    for (int count : counts) sum += (count - expected) * (count - expected) / expected;
    return sum;
  };
  // 15 degrees of freedom: 44.3 is exceeded by chance once in 10,000 runs.
  CHECK(chi_square(high) < 44.3);
  CHECK(chi_square(low) < 44.3);
  CHECK(seen.size() > 24000);  // about 25,300 distinct values expected from 32,000 draws
}

TEST_CASE("uniform() stays inside its bound and reaches both ends") {
  Csprng random;
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const uint32_t value = random.uniform(7);
    CHECK(value < 7);
    seen.insert(value);
  }
  CHECK(seen.size() == 7);
  CHECK(random.uniform(1) == 0);
}
