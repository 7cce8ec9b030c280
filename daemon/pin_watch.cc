#include "daemon/pin_watch.h"

#include <algorithm>

#include "dns/ldns_ptr.h"
#include "dns/ldns_wire.h"
#include "dns/name.h"

namespace vigil {

std::optional<std::string> pin_disagreement(const std::vector<cache::PinnedRecord>& pinned,
                                            dns::Bytes reply) {
  if (pinned.empty()) return std::nullopt;
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, reply.data(), reply.size()) != LDNS_STATUS_OK) {
    return std::string("no usable answer");
  }
  const dns::LdnsPkt packet(parsed);
  if (ldns_pkt_get_rcode(packet.get()) != LDNS_RCODE_NOERROR) {
    char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(packet.get()));
    std::string text = rcode != nullptr ? rcode : "an error";
    free(rcode);  // NOLINT: ldns allocates with malloc
    return text;
  }
  const dns::LdnsRdf owner(ldns_dname_new_frm_data(
      static_cast<uint16_t>(pinned.front().name_wire.size()), pinned.front().name_wire.data()));
  std::vector<std::vector<uint8_t>> live;
  std::string live_text;
  const ldns_rr_list* answer = ldns_pkt_answer(packet.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != pinned.front().type ||
        ldns_dname_compare(ldns_rr_owner(rr), owner.get()) != 0) {
      continue;
    }
    if (auto rdata = dns::rdata_wire(rr)) live.push_back(std::move(*rdata));
    for (size_t f = 0; f < ldns_rr_rd_count(rr); ++f) {
      char* field = ldns_rdf2str(ldns_rr_rdf(rr, f));
      live_text += (live_text.empty() || f > 0 ? "" : ",") + std::string(f > 0 ? " " : "") +
                   (field != nullptr ? field : "?");
      free(field);  // NOLINT: ldns allocates with malloc
    }
  }
  std::vector<std::vector<uint8_t>> expected;
  expected.reserve(pinned.size());
  for (const auto& pin : pinned) expected.push_back(pin.rdata);
  std::sort(live.begin(), live.end());
  std::sort(expected.begin(), expected.end());
  if (live == expected) return std::nullopt;
  return live_text.empty() ? std::string("no answer") : live_text;
}

PinWatch::PinWatch(uv_loop_t* loop, const Loggers& log, SecurityLog& security, Stats& stats)
    : loop_(loop), log_(log), security_(security), stats_(stats) {}

void PinWatch::start(std::chrono::milliseconds interval,
                     const std::vector<cache::PinnedRecord>& pins, Ask ask) {
  stop();
  interval_ = interval;
  ask_ = std::move(ask);
  groups_.clear();
  for (const auto& pin : pins) {
    auto group = std::find_if(groups_.begin(), groups_.end(), [&](const auto& existing) {
      return existing.front().type == pin.type &&
             dns::equal_ignoring_case(existing.front().name_wire, pin.name_wire);
    });
    if (group == groups_.end()) {
      groups_.push_back({pin});
    } else {
      group->push_back(pin);
    }
  }
  if (interval_.count() == 0 || groups_.empty()) return;
  timer_ = std::make_unique<Timer>(loop_);
  timer_->start(static_cast<uint64_t>(interval_.count()), [this] { round(); });
}

void PinWatch::stop() {
  self_ = std::make_shared<PinWatch*>(this);  // answers still to come are dropped
  timer_.reset();
}

void PinWatch::round() {
  std::weak_ptr<PinWatch*> weak = self_;
  ++rounds_;
  last_round_ms_ = uv_now(loop_);
  for (std::size_t index = 0; index < groups_.size(); ++index) {
    const auto& group = groups_[index];
    dns::QueryInfo query;
    query.flags = dns::flag::RD;
    auto name = dns::from_text(dns::to_text(group.front().name_wire));
    if (!name) continue;
    query.qname = *name;
    query.qtype = group.front().type;
    query.qclass = dns::rrclass::IN;
    query.has_edns = true;
    query.udp_size = 65535;
    ask_(query, [weak, index](std::vector<uint8_t>&& reply) {
      const auto self = weak.lock();
      if (!self) return;
      PinWatch& watch = **self;
      const auto& pinned = watch.groups_[index];
      const std::string name = dns::to_text(pinned.front().name_wire);
      if (const auto live = pin_disagreement(pinned, reply)) {
        ++watch.stats_.pin_mismatches;
        watch.security_.event("pin_mismatch",
                              fmt::format("name={} qtype={} live=\"{}\"", name,
                                          pinned.front().type, *live));
      } else {
        watch.log_.main->debug("pin-watch: {} type {} agrees with its pin", name,
                               pinned.front().type);
      }
    });
  }
  timer_->start(static_cast<uint64_t>(interval_.count()), [this] { round(); });
}

}  // namespace vigil
