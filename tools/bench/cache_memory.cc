// What one cached answer costs: stores N distinct A answers, as an authoritative server sends
// them (minimal responses with EDNS, 53-61 bytes), in a cache::AnswerCache and prints heap bytes
// (mallinfo2), resident memory growth (VmRSS) and the cache's own count (bytes()) per answer.
// Usage: cache_memory [N] (default 100000; the budget is large enough that nothing is evicted).
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cache/answer_cache.h"
#include "cache/question_key.h"

namespace {

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

std::size_t heap_bytes() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

std::vector<uint8_t> name_of(unsigned i) {
  const std::string label = "h" + std::to_string(i);
  std::vector<uint8_t> name{static_cast<uint8_t>(label.size())};
  name.insert(name.end(), label.begin(), label.end());
  for (const char* part : {"plain", "bench"}) {  // the bench zone's names (tools/bench/bench_zone.py)
    name.push_back(static_cast<uint8_t>(std::char_traits<char>::length(part)));
    name.insert(name.end(), part, part + std::char_traits<char>::length(part));
  }
  name.push_back(0);
  return name;
}

// QR AA, one question, one A record (its owner a pointer to the question), one OPT.
std::vector<uint8_t> answer_for(const std::vector<uint8_t>& qname, unsigned i) {
  std::vector<uint8_t> wire{0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 1};
  wire.insert(wire.end(), qname.begin(), qname.end());
  wire.insert(wire.end(), {0, 1, 0, 1});
  wire.insert(wire.end(), {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10,
                           static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                           static_cast<uint8_t>(i)});
  wire.insert(wire.end(), {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0});
  return wire;
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned count = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 100000;
  if (count == 0) return 1;
  std::vector<std::vector<uint8_t>> names;
  std::vector<std::vector<uint8_t>> answers;
  std::vector<std::string> keys;
  std::size_t wire_bytes = 0;
  for (unsigned i = 0; i < count; ++i) {
    names.push_back(name_of(i));
    answers.push_back(answer_for(names.back(), i));
    keys.push_back(vigil::cache::question_key(7, names.back(), 1, 1));
    wire_bytes += answers.back().size();
  }
  vigil::cache::AnswerCache cache(vigil::cache::CacheLimits{.max_bytes = std::size_t{4} << 30});
  malloc_trim(0);
  const std::size_t heap_before = heap_bytes();
  const std::size_t rss_before = resident_bytes();
  unsigned stored = 0;
  for (unsigned i = 0; i < count; ++i) {
    stored += cache.store(keys[i], 7, names[i], answers[i], vigil::cache::Security::Unchecked,
                          1000, "127.0.0.1:53")
                  .stored;
  }
  const std::size_t heap_after = heap_bytes();
  const std::size_t rss_after = resident_bytes();
  unsigned found = 0;
  for (unsigned i = 0; i < count; ++i) found += cache.find(keys[i], 2000) != nullptr;
  const double n = count;
  std::printf("answers stored %u of %u, found %u; wire form %.1f bytes each\n", stored, count,
              found, static_cast<double>(wire_bytes) / n);
  std::printf("heap in use per answer (mallinfo2): %.0f B\n",
              static_cast<double>(heap_after - heap_before) / n);
  std::printf("RSS growth per answer:              %.0f B\n",
              static_cast<double>(rss_after - rss_before) / n);
  std::printf("bytes() per answer:                 %.0f B\n", static_cast<double>(cache.bytes()) / n);
  return stored == count && found == count ? 0 : 1;
}
