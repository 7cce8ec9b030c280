#include "validator/zone_facts.h"

namespace vigil::validator {

std::shared_ptr<ldns_rr_list> share_rr_list(ldns_rr_list* owned) {
  return std::shared_ptr<ldns_rr_list>(owned, [](ldns_rr_list* list) { ldns_rr_list_deep_free(list); });
}

}  // namespace vigil::validator
