// Answers for the cache's unit tests: the responses come from tests/support/test_messages.h
// (answer_to); this adds the key the cache files a question under.
#pragma once

#include <string>

#include "cache/question_key.h"
#include "tests/support/test_messages.h"

namespace vigil::testing {

inline std::string key_of(const char* name, uint16_t type = 1, uint64_t group = 0) {
  return cache::question_key(group, wire_name(name), type, 1);
}

}  // namespace vigil::testing
