// vigild under systemd: the notify protocol (READY=1 once it can serve, STATUS= when it is
// degraded, RELOADING=1 and STOPPING=1) and the journal. libsystemd does the talking; outside
// systemd (no NOTIFY_SOCKET, stderr not the journal) every call here does nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::service {

// True when a service manager listens for notifications (NOTIFY_SOCKET is set): only then is
// readiness probed and reported.
bool is_supervised();

void notify_ready(const std::string& status);
void notify_status(const std::string& status);
void notify_reloading();
void notify_stopping();

// True when stderr is the journal's stream (systemd sets JOURNAL_STREAM to its device:inode), so
// logs go to the journal with their fields rather than as plain text.
bool is_journal_stream();

// The journal fields of a security event: MESSAGE, MESSAGE_ID (one per event kind, see
// kEventMessageIds), PRIORITY, VIGIL_EVENT and one VIGIL_<KEY> per key=value field.
std::vector<std::string> journal_fields(std::string_view event, std::string_view fields);

// Sends the event to the journal; false if it could not.
bool send_to_journal(std::string_view event, std::string_view fields);

// A stable MESSAGE_ID per event kind, so operators can match events in the journal
// (`journalctl MESSAGE_ID=...`); events not in the table share kOtherEventMessageId.
struct EventMessageId {
  std::string_view event;
  std::string_view id;
};
inline constexpr EventMessageId kEventMessageIds[] = {
    {"near_miss", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e01"},
    {"unwanted_reply", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e02"},
    {"no_0x20", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e03"},
    {"upstream_down", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e04"},
    {"formerr_flood", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e05"},
    {"bogus", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e06"},
    {"scrubbed", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e07"},
    {"answer_refused", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e08"},
    {"guard_violation", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e09"},
    {"pin_mismatch", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0a"},
    {"spoofing_suspected", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0b"},
    {"cache_conflict", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0c"},
    {"events_suppressed", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0d"},
    {"clock_behind", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0e"},
    {"tls_auth_failed", "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6e0f"},
};
inline constexpr std::string_view kOtherEventMessageId = "4c1f0a6e8f2b4d7a9e3c5b1d2a7f6eff";

}  // namespace vigil::service
