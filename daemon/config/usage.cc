// usage_text(): the text of `vigild --help`, generated from the key table so that it lists every
// key with its default and cannot drift from what the loader accepts.
#include <string>

#include "daemon/config/config_keys.h"
#include "daemon/config/config_loader.h"

namespace vigil {

namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kMeaningColumn = 36;  // meanings start here when the flag is short enough

constexpr std::string_view kSynopsis =
    "Usage: vigild [--config FILE] [--listen ADDR:PORT]... [--upstream ADDR:PORT]... "
    "[--forward ZONE=ADDR:PORT[,ADDR:PORT]]... [--trust-anchor FILE]... "
    "[--dnssec validate|off] [--pin 'NAME TYPE RDATA']... [--log-level LEVEL] "
    "[--check-config] [--version] [--help]";

constexpr std::string_view kIntroduction =
    "vigild is a hardened DNS forwarder on its way to a DNSSEC-validating stub resolver. Every\n"
    "option below but the command-line-only ones is also a config file key: \"--upstream\n"
    "9.9.9.9\" (or \"--upstream=9.9.9.9\") on the command line is \"upstream 9.9.9.9\" in the\n"
    "file. The command line overrides the file; for options marked ... (repeatable) any\n"
    "command-line value replaces all of the file's values.\n";

// Appends `words` after `line` (already `indent` wide or more), breaking before kWidth and
// continuing on lines indented by `indent`.
void append_wrapped(std::string& text, std::string line, std::string_view words,
                    std::size_t indent) {
  while (!words.empty()) {
    const auto space = words.find(' ');
    const std::string_view word = words.substr(0, space);
    const bool at_line_start = line.size() <= indent;
    if (!at_line_start && line.size() + 1 + word.size() > kWidth) {
      text += line + "\n";
      line = std::string(indent, ' ');
    } else if (!at_line_start) {
      line += ' ';
    }
    line += word;
    words = space == std::string_view::npos ? std::string_view{} : words.substr(space + 1);
  }
  text += line + "\n";
}

void add_option(std::string& text, std::string_view flag, std::string_view meaning) {
  std::string line = "  " + std::string(flag);
  if (line.size() + 2 > kMeaningColumn) {  // a long flag gets its meaning on the next line
    text += line + "\n";
    line.clear();
  }
  line += std::string(kMeaningColumn - line.size(), ' ');
  append_wrapped(text, line, meaning, kMeaningColumn);
}

}  // namespace

std::string usage_text() {
  std::string text;
  append_wrapped(text, "Usage: vigild ", kSynopsis.substr(kSynopsis.find('[')), 14);
  text += "\n" + std::string(kIntroduction) + "\nCommand line only:\n";
  add_option(text, "--config FILE", "read FILE (must exist) instead of /etc/vigil/vigil.conf");
  add_option(text, "--check-config",
             "check the configuration: print \"configuration OK: FILE\" and exit 0, or print "
             "the error and exit 1");
  add_option(text, "--version", "print the version and exit");
  add_option(text, "-h, --help", "print this text and exit");
  std::string_view group;
  for (const ConfigKey& key : config_keys()) {
    if (key.group != group) {
      group = key.group;
      text += "\n" + std::string(group) + ":\n";
    }
    const std::string flag = "--" + std::string(key.key) + " " + std::string(key.syntax) +
                             (key.repeatable ? "..." : "");
    add_option(text, flag,
               std::string(key.meaning) + " (default: " + std::string(key.default_text) + ")");
  }
  text += "\nDURATION is milliseconds, or a number with an ms or s suffix (1500, 1500ms, 2s);\n"
          "upstream-timeout must not exceed query-timeout.\n";
  return text;
}

}  // namespace vigil
