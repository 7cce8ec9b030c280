#include "daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil {

namespace {
std::string failed(const char* what) { return std::string(what) + ": " + std::strerror(errno); }
}  // namespace

PrivilegeDrop drop_privileges(const std::string& user, bool user_configured,
                              const std::string& state_dir) {
  PrivilegeDrop result;
  if (user.empty() || geteuid() != 0) return result;
  const passwd* account = getpwnam(user.c_str());
  if (account == nullptr) {
    if (user_configured) {
      result.error = "there is no user " + user;
    } else {
      result.warning = "running as root: there is no user " + user +
                       " to run as (create it, e.g. with the installed sysusers.d file, or set "
                       "user none to keep root knowingly)";
    }
    return result;
  }
  const uid_t uid = account->pw_uid;
  const gid_t gid = account->pw_gid;
  // RFC 5011 state must stay writable after the drop.
  if (!state_dir.empty()) {
    mkdir(state_dir.c_str(), 0755);
    if (chown(state_dir.c_str(), uid, gid) != 0 && errno != ENOENT) {
      result.error = failed(("chown " + state_dir).c_str());
      return result;
    }
  }
  if (setgroups(1, &gid) != 0) {
    result.error = failed("setgroups");
  } else if (setgid(gid) != 0) {
    result.error = failed("setgid");
  } else if (setuid(uid) != 0) {
    result.error = failed("setuid");
  } else if (setuid(0) == 0 || geteuid() == 0) {
    result.error = "root could be regained after the switch to " + user;
  } else {
    result.dropped = true;
  }
  return result;
}

}  // namespace vigil
