#include "validator/rrset.h"

#include <doctest/doctest.h>

#include <string>

using namespace vigil::validator;
using vigil::dns::LdnsRdf;
using vigil::dns::LdnsStr;

TEST_CASE("name_text writes every name as ldns's presentation form does") {
  for (const char* text : {".", "example.test.", "WWW.Example.TEST.", "*.example.test.",
                           "_443._tcp.www-1.example.", "a\\.b.example.", "x\\032y.example.",
                           "semi\\;colon.example.", "\\200.example."}) {
    CAPTURE(text);
    const LdnsRdf name(ldns_dname_new_frm_str(text));
    REQUIRE(name);
    const LdnsStr expected(ldns_rdf2str(name.get()));
    CHECK(name_text(name.get()) == std::string(expected.get()));
  }
}
