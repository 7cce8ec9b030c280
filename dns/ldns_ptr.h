// RAII owners for ldns objects: every ldns allocation vigil makes is held by one of these.
#pragma once

// Before ldns: without it ldns/common.h defines a `bool` macro that breaks C++ headers.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>

namespace vigil::dns {

struct LdnsRrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct LdnsRrListDeleter {  // owning list: frees the records too
  void operator()(ldns_rr_list* list) const { ldns_rr_list_deep_free(list); }
};
struct LdnsRdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct LdnsPktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
// Strings ldns returns (ldns_rr2str and friends) are malloc'ed.
struct LdnsStringDeleter {
  void operator()(char* text) const { free(text); }  // NOLINT(cppcoreguidelines-no-malloc)
};

using LdnsRr = std::unique_ptr<ldns_rr, LdnsRrDeleter>;
using LdnsRrList = std::unique_ptr<ldns_rr_list, LdnsRrListDeleter>;
using LdnsRdf = std::unique_ptr<ldns_rdf, LdnsRdfDeleter>;
using LdnsPkt = std::unique_ptr<ldns_pkt, LdnsPktDeleter>;
using LdnsStr = std::unique_ptr<char, LdnsStringDeleter>;

}  // namespace vigil::dns
