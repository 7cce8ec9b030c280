// vigilctl's side of the control socket: connect, send one request line, read the reply until
// vigild closes the connection. Plain blocking POSIX calls, with a time limit.
#pragma once

#include <string>

namespace vigil::ctl {

// How an exchange went, as vigilctl's exit status tells it.
enum class Outcome {
  Ok = 0,           // "ok": the command did what it was asked
  DaemonError = 1,  // "error: ...": vigild understood it and failed (a broken config on reload)
  UsageError = 2,   // "usage: ..." from vigild, or vigilctl's own command line was wrong
  Unreachable = 3,  // no reply: vigild not running, no permission, a timeout, a broken reply
};

struct Exchange {
  Outcome outcome = Outcome::Unreachable;
  std::string message;  // after "error: " / "usage: ", or why vigild could not be reached
  std::string body;     // the reply after its first line, as received
};

// Sends `request` (one line, without its newline) to the socket at `path` and reads the reply
// until vigild closes the connection; a connect, send or read that waits more than `timeout_s`
// fails.
Exchange exchange(const std::string& path, const std::string& request, int timeout_s);

// Splits a reply into its status and body (exposed for tests and the timeout path).
Exchange parse_reply(const std::string& reply);

}  // namespace vigil::ctl
