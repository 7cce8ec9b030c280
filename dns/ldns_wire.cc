#include "dns/ldns_wire.h"

#include <memory>

namespace vigil::dns {

namespace {
struct LdnsBufferDeleter {
  void operator()(ldns_buffer* buffer) const { ldns_buffer_free(buffer); }
};
}  // namespace

std::optional<std::vector<uint8_t>> rdata_wire(const ldns_rr* rr) {
  // ldns_rr_rdata2buffer_wire writes each field in full: no compression table is involved.
  const std::unique_ptr<ldns_buffer, LdnsBufferDeleter> buffer(ldns_buffer_new(512));
  if (!buffer || ldns_rr_rdata2buffer_wire(buffer.get(), rr) != LDNS_STATUS_OK) return std::nullopt;
  const uint8_t* begin = ldns_buffer_begin(buffer.get());
  return std::vector<uint8_t>(begin, begin + ldns_buffer_position(buffer.get()));
}

std::optional<std::vector<uint8_t>> packet_wire(const ldns_pkt* packet) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, packet, &size) != LDNS_STATUS_OK) return std::nullopt;
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);  // NOLINT: ldns allocates with malloc
  return out;
}

std::vector<uint8_t> owner_wire(const ldns_rr* rr) {
  const ldns_rdf* owner = ldns_rr_owner(rr);
  std::vector<uint8_t> wire(ldns_rdf_data(owner), ldns_rdf_data(owner) + ldns_rdf_size(owner));
  for (auto& byte : wire) {
    if (byte >= 'A' && byte <= 'Z') byte = static_cast<uint8_t>(byte + ('a' - 'A'));
  }
  return wire;
}

}  // namespace vigil::dns
