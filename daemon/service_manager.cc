#include "daemon/service_manager.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace vigil::service {

bool is_supervised() { return std::getenv("NOTIFY_SOCKET") != nullptr; }

void notify_ready(const std::string& status) {
  sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}
void notify_status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
void notify_reloading() { sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration"); }
void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }

bool is_journal_stream() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  // "DEVICE:INODE", both decimal.
  const std::string_view text(stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long device = 0, inode = 0;
  const auto device_end = text.data() + colon;
  if (std::from_chars(text.data(), device_end, device).ptr != device_end) return false;
  const auto inode_end = text.data() + text.size();
  if (std::from_chars(device_end + 1, inode_end, inode).ptr != inode_end) return false;
  struct stat stderr_stat {};
  if (fstat(2, &stderr_stat) != 0) return false;
  return stderr_stat.st_dev == device && stderr_stat.st_ino == inode;
}

namespace {

std::string_view message_id(std::string_view event) {
  for (const auto& entry : kEventMessageIds) {
    if (entry.event == event) return entry.id;
  }
  return kOtherEventMessageId;
}

// "qname=www.example. detail=\"a b\"" → {"qname", "www.example."}, {"detail", "a b"}.
std::vector<std::pair<std::string, std::string>> split_fields(std::string_view fields) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t at = 0;
  while (at < fields.size()) {
    while (at < fields.size() && fields[at] == ' ') ++at;
    const std::size_t equals = fields.find('=', at);
    if (equals == std::string_view::npos) break;
    std::string key(fields.substr(at, equals - at));
    std::size_t end = 0;
    std::string value;
    if (equals + 1 < fields.size() && fields[equals + 1] == '"') {
      end = fields.find('"', equals + 2);
      if (end == std::string_view::npos) end = fields.size();
      value = std::string(fields.substr(equals + 2, end - equals - 2));
      ++end;
    } else {
      end = fields.find(' ', equals + 1);
      if (end == std::string_view::npos) end = fields.size();
      value = std::string(fields.substr(equals + 1, end - equals - 1));
    }
    pairs.emplace_back(std::move(key), std::move(value));
    at = end;
  }
  return pairs;
}

}  // namespace

std::vector<std::string> journal_fields(std::string_view event, std::string_view fields) {
  std::vector<std::string> out{
      "MESSAGE=event=" + std::string(event) + (fields.empty() ? "" : " ") + std::string(fields),
      "MESSAGE_ID=" + std::string(message_id(event)), "PRIORITY=4",  // LOG_WARNING
      "SYSLOG_IDENTIFIER=vigild", "VIGIL_EVENT=" + std::string(event)};
  for (auto& [key, value] : split_fields(fields)) {
    std::string name = "VIGIL_";
    for (char c : key) {
      // Journal field names: upper-case letters, digits and underscores.
      name += std::isalnum(static_cast<unsigned char>(c)) != 0
                  ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                  : '_';
    }
    name += '=';
    name += value;
    out.push_back(std::move(name));
  }
  return out;
}

bool send_to_journal(std::string_view event, std::string_view fields) {
  const auto lines = journal_fields(event, fields);
  std::vector<iovec> vector;
  vector.reserve(lines.size());
  for (const auto& line : lines) {
    vector.push_back(iovec{const_cast<char*>(line.data()), line.size()});  // NOLINT: C API
  }
  return sd_journal_sendv(vector.data(), static_cast<int>(vector.size())) == 0;
}

}  // namespace vigil::service
