// One cached answer in one heap block: a fixed header, then the TTL offsets, the references to
// the RRset-cache entries it was built from, and the upstream reply's wire form (the question,
// and so the answer's key, is read from it). Shared by reference count between the answer table
// and the RRset entries whose records lie in its wire form. Loop-thread only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "cache/compact_table.h"
#include "cache/security.h"
#include "dns/message.h"
#include "dns/packed_layout.h"
#include "dns/wire.h"

namespace vigil::cache {

// What the cache has allocated (blocks with malloc's header and rounding, table entries).
struct ByteLedger {
  std::size_t bytes = 0;
};

// What malloc takes for a request of `size` bytes (glibc, 64-bit: an 8-byte header, 16-byte
// rounding, 32 bytes at least).
inline std::size_t heap_block_bytes(std::size_t size) {
  return std::max<std::size_t>(32, (size + 8 + 15) & ~std::size_t{15});
}

// An answer without its RRSIG/NSEC/NSEC3, for clients without DO: only answers that have DNSSEC
// records to drop carry one.
struct PlainForm {
  std::vector<uint8_t> wire;
  dns::MessageLayout layout;          // parsed from `wire`
  std::vector<uint16_t> ttl_offsets;  // where each record's TTL lies in `wire`
};

class AnswerRef;

// What a block is made of.
struct AnswerParts {
  dns::Bytes wire;
  dns::PackedLayout packed_layout;
  std::span<const uint16_t> ttl_offsets;
  std::span<const EntryRef> rrsets;
  std::vector<uint8_t> plain_wire;  // empty: no plain form
  uint64_t stored_ms = 0;
  uint32_t ttl = 0;
  Security security = Security::Unchecked;
  uint16_t upstream = 0;  // ids the cache gives to upstreams and groups
  uint16_t group = 0;
};

class CachedAnswer {
 public:
  // nullptr if a part does not fit the block's fields or the plain form does not parse.
  static AnswerRef create(const AnswerParts& parts, ByteLedger& ledger);
  CachedAnswer(const CachedAnswer&) = delete;
  CachedAnswer& operator=(const CachedAnswer&) = delete;

  // The upstream reply (after scrubbing), TTLs as of `stored_ms`.
  dns::Bytes wire() const { return {trailer() + wire_at(), wire_size_}; }
  dns::MessageLayout layout() const { return dns::unpack_layout(packed_layout(), wire()); }
  // The layout's offsets, from the few the header keeps and the wire form.
  dns::PackedLayout packed_layout() const;
  std::span<const uint16_t> ttl_offsets() const {
    return {reinterpret_cast<const uint16_t*>(trailer()), offset_count_};
  }
  std::size_t rrset_count() const { return rrset_count_; }
  EntryRef rrset(std::size_t i) const;

  // The plain form as client_answer takes it: an empty wire and no layout when there is none.
  const std::vector<uint8_t>* plain() const;
  const dns::MessageLayout* plain_layout() const;
  std::span<const uint16_t> plain_ttl_offsets() const;
  bool has_plain_form() const { return has_plain_; }

  // The question, as the upstream echoed it (letter case and all).
  dns::Bytes qname() const { return wire().subspan(dns::kHeaderSize, qname_length_); }
  uint16_t qtype() const;
  uint16_t qclass() const;

  uint64_t expires_ms() const { return stored_ms + uint64_t{original_ttl} * 1000; }
  // Seconds to take off every TTL when the entry is answered at `now_ms`.
  uint32_t age_seconds(uint64_t now_ms) const {
    return static_cast<uint32_t>((now_ms - stored_ms) / 1000);
  }
  // The block and its plain form, as malloc counts them.
  std::size_t allocated_bytes() const;

  // Fields in an order that leaves no padding: the header is 40 bytes.
  uint64_t stored_ms = 0;

 private:
  ByteLedger* ledger_ = nullptr;

 public:
  uint32_t original_ttl = 0;
  Security security = Security::Unchecked;
  mutable bool prefetched = false;  // a refresh was started for this entry
  uint16_t upstream = 0;
  uint16_t group = 0;

 private:
  friend class AnswerRef;
  CachedAnswer() = default;
  ~CachedAnswer() = default;

  const uint8_t* trailer() const { return reinterpret_cast<const uint8_t*>(this) + sizeof(*this); }
  std::size_t rrsets_at() const { return std::size_t{offset_count_} * sizeof(uint16_t); }
  std::size_t plain_at() const { return rrsets_at() + std::size_t{rrset_count_} * sizeof(EntryRef); }
  // The plain form's pointer, when there is one (an object pointer has the size of void*).
  std::size_t wire_at() const { return plain_at() + (has_plain_ ? sizeof(void*) : 0); }
  PlainForm* plain_form() const;
  std::size_t block_size() const { return sizeof(*this) + wire_at() + wire_size_; }

  // Of the packed layout, what the wire form does not tell at once (create checks the rest).
  uint16_t additional_start_ = 0;
  uint16_t opt_offset_ = 0;
  uint16_t additional_before_opt_ = 0;
  uint16_t wire_size_ = 0;
  uint16_t offset_count_ = 0;
  uint16_t refs_ = 0;
  uint8_t qname_length_ = 0;
  uint8_t rrset_count_ : 7 = 0;
  uint8_t has_plain_ : 1 = 0;
};

// A counted reference to a block; the last one frees it and takes it off the ledger.
class AnswerRef {
 public:
  AnswerRef() = default;
  AnswerRef(const AnswerRef& other) : answer_(other.answer_) { acquire(); }
  AnswerRef(AnswerRef&& other) noexcept : answer_(std::exchange(other.answer_, nullptr)) {}
  AnswerRef& operator=(AnswerRef other) noexcept {
    std::swap(answer_, other.answer_);
    return *this;
  }
  ~AnswerRef() { release(); }

  const CachedAnswer* get() const { return answer_; }
  const CachedAnswer* operator->() const { return answer_; }
  const CachedAnswer& operator*() const { return *answer_; }
  explicit operator bool() const { return answer_ != nullptr; }
  // Fills in the i-th RRset reference, once the RRset cache has taken the RRset.
  void set_rrset(std::size_t i, EntryRef ref);

 private:
  friend class CachedAnswer;
  explicit AnswerRef(CachedAnswer* adopted) : answer_(adopted) {}
  void acquire();
  void release();

  CachedAnswer* answer_ = nullptr;
};

}  // namespace vigil::cache
