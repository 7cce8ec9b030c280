// vigilctl: the operator's command line for a running vigild. It sends one command over the
// control socket and prints the reply; the commands themselves are vigild's
// (daemon/control/control_commands.cc), so this stays a thin client.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/vigilctl/control_client.h"

namespace {

using vigil::ctl::Outcome;

constexpr const char* kDefaultSocket = "/run/vigil/control.sock";
constexpr const char* kSocketVariable = "VIGIL_CONTROL_SOCKET";
constexpr std::size_t kMaxRequestBytes = 4096;  // vigild's limit (control_connection.h)
constexpr int kTimeoutSeconds = 30;             // a reload reads files; a dump may be long

constexpr std::string_view kUsage =
    "Usage: vigilctl [-s|--socket PATH] COMMAND [ARGUMENTS...]\n"
    "       vigilctl --help | --version\n"
    "\n"
    "Sends COMMAND to a running vigild over its control socket and prints the reply.\n"
    "\n"
    "Commands:\n"
    "  status                          version, uptime, listeners, upstreams and their health,\n"
    "                                  DNSSEC, cache\n"
    "  stats [--prometheus]            the counters: \"name value\" lines, or Prometheus text\n"
    "  cache dump                      every cached RRset (with its rank) and answer, in\n"
    "                                  zone-file form\n"
    "  cache lookup NAME [TYPE]        the cached answers for NAME (of TYPE: A, MX, TYPE65...)\n"
    "  cache flush [NAME [--subtree]]  forget every cached answer, or NAME's, or NAME's and\n"
    "                                  those below it\n"
    "  pins                            pinned records, guards and pin-watch\n"
    "  anchors                         trust anchors and the RFC 5011 state of each key\n"
    "  insecure add NAME [SECONDS]     stop validating NAME and below for SECONDS (default\n"
    "                                  3600; RFC 7646 negative trust anchor)\n"
    "  insecure remove NAME            remove a negative trust anchor added with insecure add\n"
    "  insecure list                   negative trust anchors in force: configured and added\n"
    "  explain NAME [TYPE]             resolve NAME past the caches and tell every step:\n"
    "                                  upstream, transport, scrubbing, chain of trust, verdict,\n"
    "                                  pins and guards, the answer\n"
    "  reload                          read the configuration again, as SIGHUP does\n"
    "  log-level [LEVEL]               show or set the log level (trace, debug, info, warn,\n"
    "                                  error, critical, off)\n"
    "  help                            the command list, from vigild\n"
    "\n"
    "Options:\n"
    "  -s, --socket PATH   the control socket (default: $VIGIL_CONTROL_SOCKET, else\n"
    "                      /run/vigil/control.sock)\n"
    "  -h, --help          print this text and exit\n"
    "  --version           print the version and exit\n"
    "\n"
    "Exit status: 0 done; 1 vigild reported an error; 2 usage error; 3 cannot reach vigild.\n";

struct Invocation {
  std::string socket;
  std::vector<std::string> command;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "vigilctl: %s\nTry 'vigilctl --help'.\n", message.c_str());
  return static_cast<int>(Outcome::UsageError);
}

std::string default_socket() {
  const char* from_environment = std::getenv(kSocketVariable);
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                  : kDefaultSocket;
}

// Options come before the command; everything from the command on is the command's.
// Returns an exit status when vigilctl is done (help, version, a usage error).
std::optional<int> parse_arguments(int argc, char** argv, Invocation& invocation) {
  invocation.socket = default_socket();
  int index = 1;
  for (; index < argc; ++index) {
    const std::string_view argument = argv[index];
    if (argument == "--") {
      ++index;
      break;
    }
    if (argument == "-h" || argument == "--help") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    }
    if (argument == "--version") {
      std::printf("vigilctl %s\n", VIGIL_VERSION);
      return 0;
    }
    if (argument == "-s" || argument == "--socket") {
      if (index + 1 >= argc) return usage_error(std::string(argument) + " needs a PATH");
      invocation.socket = argv[++index];
    } else if (argument.starts_with("--socket=")) {
      invocation.socket = std::string(argument.substr(9));
    } else if (argument.starts_with("-")) {
      return usage_error("unknown option " + std::string(argument));
    } else {
      break;
    }
  }
  if (invocation.socket.empty()) return usage_error("the socket PATH is empty");
  for (; index < argc; ++index) invocation.command.emplace_back(argv[index]);
  if (invocation.command.empty()) return usage_error("no command given");
  return std::nullopt;
}

// The request line: the words joined by spaces. A word with a blank or a control character
// would change the line's meaning, and no command needs one.
std::optional<std::string> request_line(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) {
    if (word.empty()) return std::nullopt;
    for (const unsigned char c : word) {
      if (c <= ' ' || c == 0x7f) return std::nullopt;
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  Invocation invocation;
  if (const auto done = parse_arguments(argc, argv, invocation)) return *done;
  const auto request = request_line(invocation.command);
  if (!request) return usage_error("an argument is empty or holds a blank or control character");
  if (request->size() >= kMaxRequestBytes) return usage_error("the command is too long");

  const auto reply = vigil::ctl::exchange(invocation.socket, *request, kTimeoutSeconds);
  switch (reply.outcome) {
    case Outcome::Ok:
      std::fwrite(reply.body.data(), 1, reply.body.size(), stdout);
      break;
    case Outcome::DaemonError:
    case Outcome::UsageError:
    case Outcome::Unreachable:
      std::fprintf(stderr, "vigilctl: %s\n", reply.message.c_str());
      std::fwrite(reply.body.data(), 1, reply.body.size(), stderr);
      break;
  }
  if (std::fflush(stdout) != 0) return static_cast<int>(Outcome::Unreachable);
  return static_cast<int>(reply.outcome);
}
