#include "daemon/control/control_commands.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <optional>
#include <span>

#include "daemon/config/bad_value.h"
#include "daemon/config/domain_name.h"
#include "daemon/config/setting_parsers.h"
#include "daemon/control/stats_text.h"
#include "dns/ldns_ptr.h"

namespace vigil {

namespace {

using Arguments = std::span<const std::string>;

ControlReply ok(std::vector<std::string> lines) {
  return {ControlReply::Status::Ok, {}, std::move(lines)};
}
ControlReply error(std::string message) {
  return {ControlReply::Status::Error, std::move(message), {}};
}
ControlReply usage(std::string message) {
  return {ControlReply::Status::Usage, std::move(message), control_usage()};
}

// A record type as an operator writes it: a mnemonic (A, aaaa, MX) or TYPEnnn (RFC 3597 5).
uint16_t parse_record_type(const std::string& text) {
  if (text.size() > 4 && (text.starts_with("TYPE") || text.starts_with("type"))) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, status] = std::from_chars(text.data() + 4, end, value);
    if (status == std::errc() && stop == end && value > 0 && value <= 65535) {
      return static_cast<uint16_t>(value);
    }
    throw BadValue(in_quotes(text) + " is not TYPEnnn with nnn from 1 to 65535");
  }
  const uint16_t type = ldns_get_rr_type_by_name(text.c_str());
  if (type == 0) {
    throw BadValue(in_quotes(text) + " is not a record type (A, AAAA, MX, TYPE65, ...)");
  }
  return type;
}

std::string duration_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

std::string upstream_line(const UpstreamReport& upstream) {
  std::string state = "up";
  if (upstream.backoff_left_ms > 0) {
    state = "backed-off";
  } else if (upstream.consecutive_failures > 0) {
    state = "failing";
  } else if (!upstream.measured) {
    state = "untried";
  }
  std::string line = "upstream " + upstream.address + " zone=" + upstream.zone + " state=" + state +
                     " srtt_ms=" + (upstream.measured ? std::to_string(upstream.srtt_ms) : "-") +
                     " failures=" + std::to_string(upstream.consecutive_failures);
  if (upstream.backoff_left_ms > 0) {
    line += " backoff_ms=" + std::to_string(upstream.backoff_left_ms);
  }
  if (upstream.tls) {
    line += " tls-connection=" + upstream.tls_connection + " tls-subject=\"" +
            upstream.tls_subject + "\" tls-spki=" +
            (upstream.tls_spki.empty() ? "-" : upstream.tls_spki) +
            " tls-pin-match=" + upstream.tls_pin_match;
    if (!upstream.tls_error.empty()) line += " tls-error=\"" + upstream.tls_error + "\"";
  }
  return line;
}

ControlReply run_status(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("status takes no argument");
  const StatusReport status = target.status();
  std::vector<std::string> lines{"version " + status.version,
                                 "uptime " + std::to_string(status.uptime_s) + "s"};
  for (const auto& address : status.listen) lines.push_back("listen " + address);
  lines.push_back("control-socket " + status.control_socket);
  for (const auto& upstream : status.upstreams) lines.push_back(upstream_line(upstream));
  lines.push_back(std::string("dnssec ") +
                  (status.dnssec == DnssecMode::Validate ? "validate" : "off"));
  lines.push_back("trust-anchors " + std::to_string(status.trust_anchors));
  lines.push_back("negative-anchors " + std::to_string(status.negative_anchors));
  lines.push_back("cache-entries " + std::to_string(status.cache_entries));
  lines.push_back("cache-size " + std::to_string(status.cache_size));
  lines.push_back("bogus-entries " + std::to_string(status.bogus_entries));
  lines.push_back("in-flight " + std::to_string(status.in_flight));
  return ok(std::move(lines));
}

ControlReply run_stats(Arguments arguments, ControlTarget& target) {
  if (arguments.empty()) return ok(stats_lines(target.stats()));
  if (arguments.size() == 1 && arguments[0] == "--prometheus") {
    return ok(prometheus_lines(target.stats()));
  }
  return usage("stats takes no argument but --prometheus");
}

ControlReply run_cache_dump(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("cache dump takes no argument");
  auto lines = target.cache_dump();
  if (lines.empty()) lines.push_back("; no cached answers");
  return ok(std::move(lines));
}

ControlReply run_cache_lookup(Arguments arguments, ControlTarget& target) {
  if (arguments.empty() || arguments.size() > 2) return usage("cache lookup needs NAME [TYPE]");
  const DomainName name = parse_domain_name(arguments[0]);
  const uint16_t type = arguments.size() == 2 ? parse_record_type(arguments[1]) : 0;
  auto lines = target.cache_lookup(name.wire, type);
  if (lines.empty()) {
    lines.push_back("; no cached answer for " + name.text + (type != 0 ? " " + arguments[1] : ""));
  }
  return ok(std::move(lines));
}

ControlReply run_cache_flush(Arguments arguments, ControlTarget& target) {
  std::vector<std::string> names;
  bool subtree = false;
  for (const auto& argument : arguments) {
    if (argument == "--subtree") {
      subtree = true;
    } else {
      names.push_back(argument);
    }
  }
  if (names.size() > 1 || (subtree && names.empty())) {
    return usage("cache flush takes [NAME [--subtree]]");
  }
  if (names.empty()) {
    const FlushResult flushed = target.cache_flush(std::nullopt, false);
    return ok({"flushed " + std::to_string(flushed.answers) + " answer(s) and " +
               std::to_string(flushed.failures) + " remembered validation failure(s)"});
  }
  const DomainName name = parse_domain_name(names[0]);
  const FlushResult flushed = target.cache_flush(dns::Bytes(name.wire), subtree);
  return ok({"flushed " + std::to_string(flushed.answers) + " answer(s) for " + name.text +
                 (subtree ? " and below" : ""),
             "flushed " + std::to_string(flushed.failures) +
                 " remembered validation failure(s) (all of them: they are not kept by name)"});
}

ControlReply run_pins(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("pins takes no argument");
  const Config& config = target.config();
  std::vector<std::string> lines;
  for (const auto& pin : config.pins) lines.push_back("pin " + pin.text);
  for (const auto& guard : config.guards) lines.push_back("guard " + guard.text);
  const PinWatchReport watch = target.pin_watch();
  lines.push_back("pin-watch " + (watch.interval.count() == 0 ? std::string("off")
                                                              : duration_text(watch.interval)));
  lines.push_back("pin-watch-rounds " + std::to_string(watch.rounds));
  lines.push_back("pin-watch-last-round " +
                  (watch.last_round_age_ms
                       ? std::to_string(*watch.last_round_age_ms / 1000) + "s ago"
                       : std::string("never")));
  lines.push_back("pin-mismatches " + std::to_string(target.stats().pin_mismatches));
  return ok(std::move(lines));
}

ControlReply run_reload(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("reload takes no argument");
  const ReloadResult result = target.reload();
  if (!result.loaded) {
    return error("reload failed, keeping the running configuration: " + result.detail);
  }
  std::vector<std::string> lines{result.detail};
  for (const auto& warning : result.warnings) lines.push_back("warning: " + warning);
  return ok(std::move(lines));
}

ControlReply run_log_level(Arguments arguments, ControlTarget& target) {
  if (arguments.size() > 1) return usage("log-level takes one LEVEL");
  if (!arguments.empty()) target.set_log_level(parse_log_level(arguments[0]));
  return ok({"log-level " + target.log_level()});
}

void run_explain(Arguments arguments, ControlTarget& target, const ControlRespond& respond) {
  if (arguments.empty() || arguments.size() > 2) return respond(usage("explain needs NAME [TYPE]"));
  const DomainName name = parse_domain_name(arguments[0]);
  const uint16_t type = arguments.size() == 2 ? parse_record_type(arguments[1]) : 1;  // A
  target.explain(name.wire, type,
                 [respond](std::vector<std::string> lines) { respond(ok(std::move(lines))); });
}

ControlReply run_anchors(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("anchors takes no argument");
  return ok(target.anchors());
}

ControlReply run_insecure_add(Arguments arguments, ControlTarget& target) {
  if (arguments.empty() || arguments.size() > 2) {
    return usage("insecure add needs NAME [SECONDS]");
  }
  const DomainName name = parse_domain_name(arguments[0]);
  // RFC 7646 4: a negative trust anchor must expire; an hour unless told otherwise.
  const auto seconds =
      arguments.size() == 2 ? parse_unsigned(arguments[1], 1, uint64_t{7} * 86400) : uint64_t{3600};
  return ok({target.insecure_add(name.text, static_cast<uint32_t>(seconds))});
}

ControlReply run_insecure_remove(Arguments arguments, ControlTarget& target) {
  if (arguments.size() != 1) return usage("insecure remove needs NAME");
  const DomainName name = parse_domain_name(arguments[0]);
  if (!target.insecure_remove(name.text)) {
    return error("no runtime negative trust anchor for " + name.text +
                 " (configured ones are removed from the configuration)");
  }
  return ok({"removed the negative trust anchor for " + name.text});
}

ControlReply run_insecure_list(Arguments arguments, ControlTarget& target) {
  if (!arguments.empty()) return usage("insecure list takes no argument");
  return ok(target.insecure_list());
}

ControlReply run_help(Arguments arguments, ControlTarget&) {
  if (!arguments.empty()) return usage("help takes no argument");
  return ok(control_usage());
}

struct Command {
  std::string_view name;       // one or two words: "cache lookup"
  std::string_view arguments;  // for the usage text
  std::string_view meaning;
  ControlReply (*run)(Arguments arguments, ControlTarget& target);
  // Instead of run, for a command whose answer comes later (explain).
  void (*run_later)(Arguments arguments, ControlTarget& target,
                    const ControlRespond& respond) = nullptr;
};

constexpr std::array kCommands = {
    Command{"status", "", "version, uptime, listeners, upstreams and their health, DNSSEC, cache",
            run_status},
    Command{"stats", "[--prometheus]", "the counters: \"name value\" lines, or Prometheus text",
            run_stats},
    Command{"cache dump", "", "every cached answer, in zone-file form", run_cache_dump},
    Command{"cache lookup", "NAME [TYPE]", "the cached answers for NAME (of TYPE)",
            run_cache_lookup},
    Command{"cache flush", "[NAME [--subtree]]",
            "forget every cached answer, or NAME's, or NAME's and those below it", run_cache_flush},
    Command{"pins", "", "pinned records, guards and pin-watch", run_pins},
    Command{"anchors", "", "trust anchors and the RFC 5011 state of each key", run_anchors},
    Command{"insecure add", "NAME [SECONDS]",
            "stop validating NAME and below for SECONDS (default 3600; RFC 7646)",
            run_insecure_add},
    Command{"insecure remove", "NAME", "remove a negative trust anchor added with insecure add",
            run_insecure_remove},
    Command{"insecure list", "", "negative trust anchors in force: configured and added",
            run_insecure_list},
    Command{"explain", "NAME [TYPE]",
            "resolve NAME past the caches and tell every step: upstream, transport, scrubbed "
            "records, chain of trust, verdict, pins and guards, the answer",
            nullptr, run_explain},
    Command{"reload", "", "read the configuration again, as SIGHUP does", run_reload},
    Command{"log-level", "[LEVEL]",
            "show or set the log level (trace, debug, info, warn, error, critical, off)",
            run_log_level},
    Command{"help", "", "this list", run_help},
};

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t position = 0;
  while (position < text.size()) {
    const auto start = text.find_first_not_of(" \t", position);
    if (start == std::string_view::npos) break;
    const auto end = std::min(text.find_first_of(" \t", start), text.size());
    words.emplace_back(text.substr(start, end - start));
    position = end;
  }
  return words;
}

// How many of `words` the command's name takes, or 0 if it is not this command.
std::size_t match(const Command& command, const std::vector<std::string>& words) {
  const auto names = split_words(command.name);
  if (words.size() < names.size()) return 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (words[i] != names[i]) return 0;
  }
  return names.size();
}

void dispatch(const std::vector<std::string>& words, ControlTarget& target,
              const ControlRespond& respond) {
  if (words.empty()) return respond(usage("no command given"));
  for (const Command& command : kCommands) {
    if (const std::size_t taken = match(command, words)) {
      const Arguments arguments = Arguments(words).subspan(taken);
      if (command.run_later != nullptr) return command.run_later(arguments, target, respond);
      return respond(command.run(arguments, target));
    }
  }
  if (words[0] == "cache") return respond(usage("cache needs dump, lookup or flush"));
  if (words[0] == "insecure") return respond(usage("insecure needs add, remove or list"));
  respond(usage("unknown command \"" + words[0] + "\""));
}

}  // namespace

std::string ControlReply::to_text() const {
  std::string text;
  switch (status) {
    case Status::Ok:
      text = "ok\n";
      break;
    case Status::Error:
      text = "error: " + message + "\n";
      break;
    case Status::Usage:
      text = "usage: " + message + "\n";
      break;
  }
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::vector<std::string> control_usage() {
  constexpr std::size_t kMeaningColumn = 34;
  std::vector<std::string> lines{"commands:"};
  for (const Command& command : kCommands) {
    std::string line = "  " + std::string(command.name);
    if (!command.arguments.empty()) line += " " + std::string(command.arguments);
    line += std::string(line.size() < kMeaningColumn ? kMeaningColumn - line.size() : 1, ' ');
    lines.push_back(line + std::string(command.meaning));
  }
  return lines;
}

std::string control_error_text(std::string_view message) {
  return ControlReply{ControlReply::Status::Error, std::string(message), {}}.to_text();
}

void run_control_request(std::string_view request, ControlTarget& target,
                         const ControlRespond& respond) {
  // Bad arguments throw BadValue from the shared parsers; anything else is vigild's fault, and
  // nothing may throw across the libuv callback that called us.
  try {
    dispatch(split_words(request), target, respond);
  } catch (const BadValue& bad) {
    respond(usage(bad.what()));
  } catch (const std::exception& failure) {
    respond(error(std::string("internal error: ") + failure.what()));
  }
}

ControlReply run_control_command(std::string_view request, ControlTarget& target) {
  std::optional<ControlReply> reply;
  run_control_request(request, target, [&reply](ControlReply answer) { reply = std::move(answer); });
  return reply ? std::move(*reply) : error("internal error: the command did not answer at once");
}

}  // namespace vigil
