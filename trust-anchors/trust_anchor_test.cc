#include "trust-anchors/trust_anchor.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "trust-anchors/root_anchor.h"

using namespace vigil::anchors;

namespace {
std::string error_of(std::string_view text) {
  try {
    parse_trust_anchors(text, "anchors.ds");
  } catch (const TrustAnchorError& error) {
    return error.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("RFC 7958: the built-in root anchors are the DS of KSK-2017 and KSK-2024") {
  const auto anchors = builtin_root_anchors();
  REQUIRE(anchors.size() == 2);
  CHECK(anchors[0].owner == std::vector<uint8_t>{0});
  CHECK(anchors[0].type == 43);  // DS
  CHECK(anchors[0].key_tag == 20326);
  CHECK(anchors[1].key_tag == 38696);
  for (const auto& anchor : anchors) {
    CHECK(anchor.algorithm == 8);       // RSA/SHA-256
    CHECK(anchor.rdata[3] == 2);        // SHA-256 digest
    CHECK(anchor.rdata.size() == 4 + 32);
  }
}

TEST_CASE("the shipped trust-anchors/root.ds holds the same records as the built-in copy") {
  std::ifstream file(VIGIL_SOURCE_ROOT "/trust-anchors/root.ds");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  const auto shipped = parse_trust_anchors(text.str(), "root.ds");
  const auto builtin = builtin_root_anchors();
  REQUIRE(shipped.size() == builtin.size());
  for (std::size_t i = 0; i < shipped.size(); ++i) CHECK(shipped[i].rdata == builtin[i].rdata);
}

TEST_CASE("a DNSKEY anchor gets its key tag computed (RFC 4034 appendix B)") {
  // The root KSK-2017 DNSKEY: its key tag is 20326.
  const auto anchors = parse_trust_anchors(
      "; comment line\n\n"
      ". 172800 IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7H"
      "rxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgV"
      "LrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc"
      "1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV7"
      "4bU=  ; KSK-2017\n",
      "root.key");
  REQUIRE(anchors.size() == 1);
  CHECK(anchors[0].type == 48);
  CHECK(anchors[0].key_tag == 20326);
  CHECK(anchors[0].algorithm == 8);
}

TEST_CASE("bad anchors are reported with file and line") {
  CHECK(error_of("\n. IN A 192.0.2.1\n") == "anchors.ds:2: a trust anchor is a DS or DNSKEY record");
  CHECK(error_of(". IN DS 20326 8 2 E06D44B8\n") ==
        "anchors.ds:1: the digest of type 2 must be 32 octets, not 4");
  CHECK(error_of("; only a comment\n") == "anchors.ds: no DS or DNSKEY record in it");
  CHECK(error_of("example. IN DNSKEY 1 3 8 AwEAAaz/tAm8yTn4\n") ==
        "anchors.ds:1: the DNSKEY lacks the Zone Key flag (256)");
  CHECK(error_of("example. IN DS x y z\n").starts_with("anchors.ds:1: not a DS or DNSKEY record"));
}

TEST_CASE("the built-in root anchors are those of Debian's dns-root-data package") {
  std::ifstream file("/usr/share/dns/root.ds");
  REQUIRE_MESSAGE(file, "install dns-root-data (tools/install-deps does)");
  std::stringstream text;
  text << file.rdbuf();
  const auto debian = parse_trust_anchors(text.str(), "/usr/share/dns/root.ds");
  const auto builtin = builtin_root_anchors();
  REQUIRE(debian.size() == builtin.size());
  for (std::size_t i = 0; i < debian.size(); ++i) {
    CHECK(debian[i].key_tag == builtin[i].key_tag);
    CHECK(debian[i].rdata == builtin[i].rdata);
  }
}

TEST_CASE("RFC 9718: IANA's root-anchors.xml is read, retired keys (validUntil) skipped") {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<TrustAnchor id="0" source="http://data.iana.org/root-anchors/root-anchors.xml">
<Zone>.</Zone>
<KeyDigest id="Kjqmt7v" validFrom="2010-07-15T00:00:00+00:00" validUntil="2019-01-11T00:00:00+00:00">
<KeyTag>19036</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5</Digest>
</KeyDigest>
<KeyDigest id="Klajeyz" validFrom="2017-02-02T00:00:00+00:00">
<KeyTag>20326</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D</Digest>
</KeyDigest>
<KeyDigest id="38696" validFrom="2024-07-18T00:00:00+00:00">
<KeyTag>38696</KeyTag>
<Algorithm>8</Algorithm>
<DigestType>2</DigestType>
<Digest>683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16</Digest>
</KeyDigest>
</TrustAnchor>
)";
  const auto anchors = parse_trust_anchors(xml, "root-anchors.xml");
  REQUIRE(anchors.size() == 2);
  const auto builtin = builtin_root_anchors();
  CHECK(anchors[0].rdata == builtin[0].rdata);
  CHECK(anchors[1].rdata == builtin[1].rdata);
  CHECK(error_of("<TrustAnchor>\n<Zone>.</Zone>\n<KeyDigest id=\"x\">\n<KeyTag>1</KeyTag>\n"
                 "</KeyDigest></TrustAnchor>")
            .starts_with("anchors.ds:3: a <KeyDigest> without a usable KeyTag"));
}
