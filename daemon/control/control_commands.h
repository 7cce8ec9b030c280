// The control protocol's commands: one request line in, a reply text out. No I/O here; the
// daemon's state is reached through a ControlTarget.
//
// A request is one line of words separated by blanks ("cache lookup www.example.com AAAA"). The
// reply is text, one or more lines each ending in "\n". Its first line says how it went:
//   ok                 done; the lines after it are the result
//   error: MESSAGE     understood but failed (a reload whose configuration has an error); the
//                      running state is unchanged
//   usage: MESSAGE     not understood (unknown command, missing or bad argument); the command
//                      list follows
// vigilctl maps these to exit codes 0, 1 and 2.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/control/control_target.h"

namespace vigil {

struct ControlReply {
  enum class Status { Ok, Error, Usage };
  Status status = Status::Ok;
  std::string message;             // after "error: " or "usage: "
  std::vector<std::string> lines;  // the result, or the command list after a usage error

  std::string to_text() const;
};

using ControlRespond = std::function<void(ControlReply)>;

// Runs one request line against `target` and calls `respond` once: at once, or for `explain`
// when the answer is in. Never throws: a failure is an error reply.
void run_control_request(std::string_view request, ControlTarget& target,
                         const ControlRespond& respond);

// The same for a target that answers at once (every command but explain, or a test's fake).
ControlReply run_control_command(std::string_view request, ControlTarget& target);

// The command list, one "  COMMAND ARGS   what it does" line each.
std::vector<std::string> control_usage();

// An error reply the connection writes itself (a request too long to be a command).
std::string control_error_text(std::string_view message);

}  // namespace vigil
