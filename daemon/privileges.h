// Dropping root: vigild started as root binds its sockets (port 53 needs the privilege), then
// runs as an unprivileged user for the rest of its life (THREATS: a parser bug must not hand out
// root). Under systemd the unit starts it as that user with CAP_NET_BIND_SERVICE instead.
#pragma once

#include <string>

namespace vigil {

struct PrivilegeDrop {
  bool dropped = false;
  std::string error;    // set when the drop was attempted and failed: vigild must not go on
  std::string warning;  // set when vigild keeps running as root (no such user by default)
};

// If running as root and `user` is not empty: hands `state_dir` (created if missing) to the user,
// then switches group list, group and user, and checks that root cannot be regained.
// `user_configured`: the operator named the user, so a missing user is an error, not a warning.
PrivilegeDrop drop_privileges(const std::string& user, bool user_configured,
                              const std::string& state_dir);

}  // namespace vigil
