#include "validator/names.h"

#include <doctest/doctest.h>

using namespace vigil::validator;

TEST_CASE("RFC 4343: is_at_or_below compares whole labels, letters folded") {
  const auto check = [](const char* name, const char* zone) {
    const auto n = name_from_text(name);
    const auto z = name_from_text(zone);
    REQUIRE(n != nullptr);
    REQUIRE(z != nullptr);
    const bool fast = is_at_or_below(n.get(), z.get());
    // ldns's own answer, the reference the fast comparison replaced.
    const bool reference =
        ldns_dname_compare(n.get(), z.get()) == 0 || ldns_dname_is_subdomain(n.get(), z.get());
    CHECK_MESSAGE(fast == reference, name, " under ", zone);
    return fast;
  };
  CHECK(check("www.example.com.", "example.com."));
  CHECK(check("www.Example.COM.", "eXample.com."));
  CHECK(check("example.com.", "EXAMPLE.com."));
  CHECK(check("example.com.", "."));
  CHECK(check(".", "."));
  CHECK_FALSE(check("xexample.com.", "example.com."));
  CHECK_FALSE(check("example.com.", "www.example.com."));
  CHECK_FALSE(check("example.net.", "example.com."));
  CHECK_FALSE(check("com.", "example.com."));
  CHECK(check("a\\.b.example.com.", "example.com."));
  CHECK_FALSE(check("a.b\\.example.com.", "example.com."));
}
