// Internal to denial.cc: what NSEC3 records prove (RFC 5155 8), hashing within the NSEC3
// iteration limit (RFC 9276 3.2) and the query's work budget (CVE-2023-50868).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/ldns_ptr.h"
#include "validator/denial.h"

namespace vigil::validator::denial_detail {

using Nsec3Hash = std::vector<uint8_t>;

struct Nsec3Record {
  const ldns_rr* rr = nullptr;
  Nsec3Hash owner_hash;  // decoded from the first label of the owner
  Nsec3Hash next_hash;   // the Next Hashed Owner Name field
};

// The NSEC3 records of one proof, as the rules allow them to be used, and the hashes computed so
// far (each name is hashed once per parameter set, each hash spends the budget).
class Nsec3Chain {
 public:
  // Keeps the NSEC3 records of `proofs` whose owner is <hash>.<zone> with SHA-1 (RFC 5155 8.1),
  // flags 0 or 1 (RFC 5155 8.2) and well-formed hashes; at most policy.max_nsec3_records of them.
  // Those above policy.max_nsec3_iterations are counted but never hashed (RFC 9276 3.2).
  Nsec3Chain(const std::vector<const RRset*>& proofs, const ldns_rdf* zone,
             const ValidationPolicy& policy, WorkBudget& budget);

  bool has_usable_records() const { return !usable_.empty(); }
  bool has_excess_iterations() const { return excess_iterations_ > 0; }
  bool is_out_of_budget() const { return out_of_budget_; }
  const ldns_rdf* zone() const { return zone_; }

  // RFC 5155 8.3: the NSEC3 whose owner hash equals the hash of `name`, or nullptr (also when the
  // budget ran out: check is_out_of_budget()).
  const Nsec3Record* find_matching(const ldns_rdf* name);
  // RFC 5155 8.3: the NSEC3 whose owner hash and next hash enclose the hash of `name`.
  const Nsec3Record* find_covering(const ldns_rdf* name);

 private:
  struct CachedHash {
    const ldns_rr* params;  // a record with the algorithm, iterations and salt used
    dns::LdnsRdf name;
    Nsec3Hash hash;
  };
  const Nsec3Hash* hash(const Nsec3Record& record, const ldns_rdf* name);

  const ldns_rdf* zone_;
  WorkBudget& budget_;
  std::vector<Nsec3Record> usable_;
  unsigned excess_iterations_ = 0;
  bool out_of_budget_ = false;
  std::vector<CachedHash> hashes_;
};

// Each returns Secure, Insecure (opt-out, Reason::None), or Bogus (NsecMissing, or WorkLimit when
// the budget ran out); the caller has checked that the chain has usable records.
Verdict nsec3_prove_nxdomain(const ldns_rdf* qname, Nsec3Chain& chain);
Verdict nsec3_prove_nodata(const ldns_rdf* qname, ldns_rr_type qtype, Nsec3Chain& chain);
Verdict nsec3_prove_wildcard_expansion(const ldns_rdf* qname, uint8_t source_labels,
                                       Nsec3Chain& chain);
CutProof nsec3_classify_cut(const ldns_rdf* name, Nsec3Chain& chain);

}  // namespace vigil::validator::denial_detail
