#include "daemon/control/control_commands.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "daemon/control/stats_text.h"
#include "dns/name.h"

using namespace vigil;

namespace {

// A daemon that remembers what the commands asked of it.
class FakeTarget : public ControlTarget {
 public:
  StatusReport status() const override { return status_; }
  const Stats& stats() override { return stats_; }
  const Config& config() const override { return config_; }
  PinWatchReport pin_watch() const override { return pin_watch_; }
  std::vector<std::string> cache_dump() const override { return dump_; }
  std::vector<std::string> cache_lookup(dns::Bytes name, uint16_t qtype) const override {
    looked_up_name = dns::to_text(name);
    looked_up_type = qtype;
    return lookup_;
  }
  FlushResult cache_flush(std::optional<dns::Bytes> name, bool subtree) override {
    flushed_name = name ? dns::to_text(*name) : "(all)";
    flushed_subtree = subtree;
    return {3, 1};
  }
  ReloadResult reload() override {
    ++reloads;
    if (throw_on_reload) throw std::runtime_error("boom");
    return reload_result_;
  }
  void explain(dns::Bytes name, uint16_t qtype,
               std::function<void(std::vector<std::string>)> done) override {
    done({"question: " + dns::to_text(name) + " type " + std::to_string(qtype), "answer: NOERROR"});
  }
  std::vector<std::string> anchors() const override { return {"zone . tracking=off"}; }
  std::string insecure_add(const std::string& name, uint32_t seconds) override {
    added_ = name + " " + std::to_string(seconds);
    return "added " + added_;
  }
  bool insecure_remove(const std::string& name) override { return name == "broken.example."; }
  std::vector<std::string> insecure_list() const override { return {added_}; }
  std::string added_;
  std::string log_level() const override { return level_; }
  void set_log_level(const std::string& level) override { level_ = level; }

  StatusReport status_;
  Stats stats_;
  Config config_;
  PinWatchReport pin_watch_;
  std::vector<std::string> dump_, lookup_;
  ReloadResult reload_result_{true, "reloaded /etc/vigil/vigil.conf", {}};
  std::string level_ = "info";
  mutable std::string looked_up_name;
  mutable uint16_t looked_up_type = 0;
  std::string flushed_name;
  bool flushed_subtree = false;
  int reloads = 0;
  bool throw_on_reload = false;
};

std::string run(FakeTarget& target, std::string_view request) {
  return run_control_command(request, target).to_text();
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("control: the first reply line is ok, error: or usage:, then one line per result") {
  CHECK(ControlReply{ControlReply::Status::Ok, {}, {"a", "b"}}.to_text() == "ok\na\nb\n");
  CHECK(ControlReply{ControlReply::Status::Error, "no", {}}.to_text() == "error: no\n");
  CHECK(control_error_text("too long") == "error: too long\n");
}

TEST_CASE(
    "control: an unknown command, no command or a bare 'cache' is a usage error with the list") {
  FakeTarget target;
  const std::string unknown = run(target, "frobnicate now");
  CHECK(unknown.starts_with("usage: unknown command \"frobnicate\"\ncommands:\n"));
  for (const char* command :
       {"status", "stats", "cache dump", "cache lookup NAME [TYPE]",
        "cache flush [NAME [--subtree]]", "pins", "reload", "log-level", "help"}) {
    CHECK_MESSAGE(unknown.find(std::string("  ") + command) != std::string::npos, command);
  }
  CHECK(run(target, "").starts_with("usage: no command given\n"));
  CHECK(run(target, "   \t ").starts_with("usage: no command given\n"));
  CHECK(run(target, "cache").starts_with("usage: cache needs dump, lookup or flush\n"));
  CHECK(run(target, "cache frob").starts_with("usage: cache needs dump, lookup or flush\n"));
  CHECK(run(target, "STATUS").starts_with("usage: unknown command"));  // commands are lower case
  CHECK(run(target, "help").starts_with("ok\ncommands:\n"));
}

TEST_CASE("control: status names version, listeners, upstreams with their health, DNSSEC, cache") {
  FakeTarget target;
  target.status_.version = "0.1.0";
  target.status_.uptime_s = 42;
  target.status_.listen = {"127.0.0.1:53", "[::1]:53"};
  target.status_.control_socket = "/run/vigil/control.sock";
  target.status_.upstreams = {{".", "192.0.2.1:53", true, 12, 0, 0},
                              {".", "192.0.2.2:53", false, 0, 0, 0},
                              {"corp.example.", "10.1.0.53:53", true, 30, 1, 0},
                              {"corp.example.", "10.1.0.54:53", true, 30, 4, 1500}};
  target.status_.trust_anchors = 2;
  target.status_.cache_entries = 7;
  target.status_.cache_size = 10000;
  const std::string text = run(target, "status");
  CHECK(text.starts_with("ok\nversion 0.1.0\nuptime 42s\n"));
  CHECK(has_line(text, "listen 127.0.0.1:53"));
  CHECK(has_line(text, "listen [::1]:53"));
  CHECK(has_line(text, "control-socket /run/vigil/control.sock"));
  CHECK(has_line(text, "upstream 192.0.2.1:53 zone=. state=up srtt_ms=12 failures=0"));
  CHECK(has_line(text, "upstream 192.0.2.2:53 zone=. state=untried srtt_ms=- failures=0"));
  CHECK(has_line(text,
                 "upstream 10.1.0.53:53 zone=corp.example. state=failing srtt_ms=30 failures=1"));
  CHECK(has_line(text,
                 "upstream 10.1.0.54:53 zone=corp.example. state=backed-off srtt_ms=30 failures=4 "
                 "backoff_ms=1500"));
  CHECK(has_line(text, "dnssec validate"));
  CHECK(has_line(text, "trust-anchors 2"));
  CHECK(has_line(text, "cache-entries 7"));
  CHECK(has_line(text, "cache-size 10000"));
  CHECK(run(target, "status now").starts_with("usage: status takes no argument\n"));
}

TEST_CASE("control: stats prints one 'name value' line per counter, in Stats::to_line order") {
  FakeTarget target;
  target.stats_.client_queries_udp = 2;
  target.stats_.client_queries_tcp = 1;
  target.stats_.cache_hits = 5;
  const std::string text = run(target, "stats");
  CHECK(text.starts_with("ok\nclient_queries 3\nclient_queries_udp 2\nclient_queries_tcp 1\n"));
  CHECK(has_line(text, "cache_hits 5"));
  CHECK(has_line(text, "validation_step_max_us 0"));
  CHECK(stats_counters(target.stats_).size() == stats_lines(target.stats_).size());
  CHECK(run(target, "stats --json").starts_with("usage: stats takes no argument but --prometheus"));
}

TEST_CASE("control: stats --prometheus is the text exposition format, counters named _total") {
  FakeTarget target;
  target.stats_.client_queries_udp = 4;
  target.stats_.validation_step_max_us = 250;
  const std::string text = run(target, "stats --prometheus");
  CHECK(text.starts_with(
      "ok\n# HELP vigil_client_queries_total Queries received from clients.\n"
      "# TYPE vigil_client_queries_total counter\nvigil_client_queries_total 4\n"));
  CHECK(has_line(text, "# TYPE vigil_validation_step_max_us gauge"));
  CHECK(has_line(text, "vigil_validation_step_max_us 250"));
  CHECK(text.find("vigil_validation_step_max_us_total") == std::string::npos);
  for (const auto& counter : stats_counters(target.stats_)) {  // (clang 14: no captured bindings)
    CHECK_MESSAGE(has_counter_help(counter.first), counter.first,
                  " has no HELP text in stats_text.cc");
  }
}

TEST_CASE("control: the breakdowns are labelled Prometheus families, one HELP and TYPE each") {
  FakeTarget target;
  target.stats_.count_query_type(28);
  target.stats_.count_query_type(257);  // CAA: not listed, counted as other
  target.stats_.count_reply_rcode(3);
  target.stats_.verdicts_by_reason[8] = 2;  // signature_expired
  const std::string text = run(target, "stats --prometheus");
  CHECK(has_line(text, "vigil_queries_by_type_total{type=\"aaaa\"} 1"));
  CHECK(has_line(text, "vigil_queries_by_type_total{type=\"other\"} 1"));
  CHECK(has_line(text, "vigil_replies_by_rcode_total{rcode=\"nxdomain\"} 1"));
  CHECK(has_line(text, "vigil_verdicts_by_reason_total{reason=\"signature_expired\"} 2"));
  std::size_t helps = 0;
  for (std::size_t at = text.find("# HELP vigil_queries_by_type_total"); at != std::string::npos;
       at = text.find("# HELP vigil_queries_by_type_total", at + 1)) {
    ++helps;
  }
  CHECK(helps == 1);
  CHECK(has_line(run(target, "stats"), "queries_type_aaaa 1"));
}

TEST_CASE("control: cache lookup takes a NAME and a TYPE mnemonic or TYPEnnn (RFC 3597)") {
  FakeTarget target;
  target.lookup_ = {"; www.example.test. A NOERROR security=unchecked upstream=- ttl=60",
                    "www.example.test.\t60\tIN\tA\t192.0.2.1"};
  const std::string text = run(target, "cache lookup WWW.Example.Test aaaa");
  CHECK(text == "ok\n" + target.lookup_[0] + "\n" + target.lookup_[1] + "\n");
  CHECK(target.looked_up_name == "www.example.test.");
  CHECK(target.looked_up_type == 28);
  run(target, "cache lookup www.example.test. TYPE65");
  CHECK(target.looked_up_type == 65);
  run(target, "cache lookup www.example.test");
  CHECK(target.looked_up_type == 0);  // every type
  target.lookup_.clear();
  CHECK(run(target, "cache lookup nothing.test MX") ==
        "ok\n; no cached answer for nothing.test. MX\n");
  CHECK(run(target, "cache lookup www.example.test BOGUS")
            .starts_with("usage: \"BOGUS\" is not a record type"));
  CHECK(run(target, "cache lookup www.example.test TYPE70000")
            .starts_with("usage: \"TYPE70000\" is not TYPEnnn"));
  CHECK(run(target, "cache lookup").starts_with("usage: cache lookup needs NAME [TYPE]"));
  CHECK(run(target, "cache lookup a.test A extra")
            .starts_with("usage: cache lookup needs NAME [TYPE]"));
  CHECK(run(target, "cache lookup bad..name").starts_with("usage: "));
}

TEST_CASE("control: cache dump lists the cache, or says it is empty") {
  FakeTarget target;
  CHECK(run(target, "cache dump") == "ok\n; no cached answers\n");
  target.dump_ = {"; a.test. A NOERROR security=secure upstream=192.0.2.1:53 ttl=10",
                  "a.test.\t10\tIN\tA\t192.0.2.7"};
  CHECK(run(target, "cache dump") == "ok\n" + target.dump_[0] + "\n" + target.dump_[1] + "\n");
  CHECK(run(target, "cache dump now").starts_with("usage: cache dump takes no argument"));
}

TEST_CASE("control: cache flush forgets everything, one name, or a subtree") {
  FakeTarget target;
  CHECK(run(target, "cache flush") ==
        "ok\nflushed 3 answer(s) and 1 remembered validation failure(s)\n");
  CHECK(target.flushed_name == "(all)");
  CHECK(run(target, "cache flush Example.Test")
            .starts_with("ok\nflushed 3 answer(s) for example.test.\n"));
  CHECK(target.flushed_name == "example.test.");
  CHECK_FALSE(target.flushed_subtree);
  CHECK(run(target, "cache flush example.test --subtree")
            .starts_with("ok\nflushed 3 answer(s) for example.test. and below\n"));
  CHECK(target.flushed_subtree);
  CHECK(run(target, "cache flush --subtree")
            .starts_with("usage: cache flush takes [NAME [--subtree]]"));
  CHECK(run(target, "cache flush a.test b.test").starts_with("usage: cache flush takes"));
}

TEST_CASE("control: pins lists the pins, the guards and pin-watch's state") {
  FakeTarget target;
  target.config_.pins.push_back(Pin{"api.pay.test.", {}, 1, {}, "api.pay.test A 192.0.2.10"});
  target.config_.guards.push_back(Guard{"bank.test.", {}, true, {}, "*.bank.test 192.0.2.0/24"});
  target.stats_.pin_mismatches = 2;
  CHECK(run(target, "pins") ==
        "ok\npin api.pay.test A 192.0.2.10\nguard *.bank.test 192.0.2.0/24\npin-watch off\n"
        "pin-watch-rounds 0\npin-watch-last-round never\npin-mismatches 2\n");
  target.pin_watch_ = {std::chrono::milliseconds(60000), 3, 12500};
  const std::string text = run(target, "pins");
  CHECK(has_line(text, "pin-watch 60s"));
  CHECK(has_line(text, "pin-watch-rounds 3"));
  CHECK(has_line(text, "pin-watch-last-round 12s ago"));
  target.pin_watch_.interval = std::chrono::milliseconds(1500);
  CHECK(has_line(run(target, "pins"), "pin-watch 1500ms"));
}

TEST_CASE(
    "control: reload reports the loaded configuration, or the error and that the old one stays") {
  FakeTarget target;
  target.reload_result_.warnings = {
      "listen addresses changed; they take effect at the next restart"};
  CHECK(run(target, "reload") ==
        "ok\nreloaded /etc/vigil/vigil.conf\nwarning: listen addresses changed; they take "
        "effect at the next restart\n");
  target.reload_result_ = {
      false, "/etc/vigil/vigil.conf:3: upstream: \"x\" is not ADDR[:PORT]", {}};
  CHECK(run(target, "reload") ==
        "error: reload failed, keeping the running configuration: /etc/vigil/vigil.conf:3: "
        "upstream: \"x\" is not ADDR[:PORT]\n");
  CHECK(run(target, "reload now").starts_with("usage: reload takes no argument"));
  CHECK(target.reloads == 2);
}

TEST_CASE("control: log-level shows or sets the level, with the levels the config key accepts") {
  FakeTarget target;
  CHECK(run(target, "log-level") == "ok\nlog-level info\n");
  CHECK(run(target, "log-level debug") == "ok\nlog-level debug\n");
  CHECK(target.level_ == "debug");
  CHECK(run(target, "log-level loud").starts_with("usage: \"loud\" is not a log level"));
  CHECK(target.level_ == "debug");
  CHECK(run(target, "log-level warn error").starts_with("usage: log-level takes one LEVEL"));
}

TEST_CASE("control: a failure inside the daemon is an error reply, never an exception") {
  FakeTarget target;
  target.throw_on_reload = true;
  CHECK(run(target, "reload") == "error: internal error: boom\n");
}

TEST_CASE("control: explain NAME [TYPE] answers with the target's story; A by default") {
  FakeTarget target;
  const auto reply = run_control_command("explain www.example.test AAAA", target);
  REQUIRE(reply.status == ControlReply::Status::Ok);
  CHECK(reply.lines == std::vector<std::string>{"question: www.example.test. type 28",
                                                "answer: NOERROR"});
  CHECK(run_control_command("explain www.example.test", target).lines[0] ==
        "question: www.example.test. type 1");
  CHECK(run_control_command("explain", target).status == ControlReply::Status::Usage);
  CHECK(run_control_command("explain a b c", target).status == ControlReply::Status::Usage);
  CHECK(run_control_command("explain www.example.test NOSUCHTYPE", target).status ==
        ControlReply::Status::Usage);
}

TEST_CASE("control: anchors, and insecure add (an hour by default), remove and list") {
  FakeTarget target;
  CHECK(run_control_command("anchors", target).lines ==
        std::vector<std::string>{"zone . tracking=off"});
  CHECK(run_control_command("insecure add Broken.Example", target).lines[0] ==
        "added broken.example. 3600");
  CHECK(run_control_command("insecure add broken.example 60", target).lines[0] ==
        "added broken.example. 60");
  CHECK(run_control_command("insecure list", target).lines ==
        std::vector<std::string>{"broken.example. 60"});
  CHECK(run_control_command("insecure remove broken.example", target).status ==
        ControlReply::Status::Ok);
  CHECK(run_control_command("insecure remove other.example", target).status ==
        ControlReply::Status::Error);
  CHECK(run_control_command("insecure add broken.example 0", target).status ==
        ControlReply::Status::Usage);
  CHECK(run_control_command("insecure", target).status == ControlReply::Status::Usage);
}

TEST_CASE("control: status shows a TLS upstream's certificate, key, pin and connection") {
  FakeTarget target;
  UpstreamReport tls;
  tls.zone = ".";
  tls.address = "tls://192.0.2.9:853#dns.example";
  tls.measured = true;
  tls.srtt_ms = 20;
  tls.tls = true;
  tls.tls_subject = "CN=dns.example";
  tls.tls_spki = "sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  tls.tls_pin_match = "yes";
  tls.tls_connection = "connected";
  target.status_.upstreams = {tls};
  CHECK(has_line(run(target, "status"),
                 "upstream tls://192.0.2.9:853#dns.example zone=. state=up srtt_ms=20 failures=0 "
                 "tls-connection=connected tls-subject=\"CN=dns.example\" "
                 "tls-spki=sha256/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= tls-pin-match=yes"));
  target.status_.upstreams[0].tls_error = "certificate rejected: hostname mismatch";
  target.status_.upstreams[0].tls_connection = "failed";
  CHECK(run(target, "status").find("tls-connection=failed") != std::string::npos);
  CHECK(run(target, "status").find("tls-error=\"certificate rejected: hostname mismatch\"") !=
        std::string::npos);
}
