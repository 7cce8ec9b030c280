#include "daemon/service_manager.h"

#include <doctest/doctest.h>

#include <set>

using vigil::service::journal_fields;

TEST_CASE("A security event becomes journal fields with its own MESSAGE_ID") {
  const auto fields = journal_fields(
      "near_miss", "qid=7 qname=www.example.test. upstream=127.0.0.1:53 reason=txid");
  REQUIRE(fields.size() == 9);
  CHECK(fields[0] ==
        "MESSAGE=event=near_miss qid=7 qname=www.example.test. upstream=127.0.0.1:53 reason=txid");
  CHECK(fields[1] == "MESSAGE_ID=4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e01");
  CHECK(fields[2] == "PRIORITY=4");
  CHECK(fields[4] == "VIGIL_EVENT=near_miss");
  CHECK(fields[5] == "VIGIL_QID=7");
  CHECK(fields[8] == "VIGIL_REASON=txid");
}

TEST_CASE("Quoted values keep their spaces; unknown events share one MESSAGE_ID") {
  const auto fields = journal_fields("something_new", "detail=\"a b c\" ede=6");
  CHECK(fields[1] == "MESSAGE_ID=4c1f0a6e8f2b4d7a9e3c5b1d2a7f6eff");
  CHECK(fields[5] == "VIGIL_DETAIL=a b c");
  CHECK(fields[6] == "VIGIL_EDE=6");
}

TEST_CASE("Every event kind has a distinct MESSAGE_ID of 32 hex digits") {
  std::set<std::string_view> ids;
  for (const auto& entry : vigil::service::kEventMessageIds) {
    CHECK(entry.id.size() == 32);
    CHECK(entry.id.find_first_not_of("0123456789abcdef") == std::string_view::npos);
    CHECK(ids.insert(entry.id).second);
  }
}
