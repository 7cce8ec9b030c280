#include "daemon/config/config_loader.h"

#include <filesystem>
#include <map>
#include <set>

#include "daemon/config/access_control.h"
#include "daemon/config/bad_value.h"
#include "daemon/config/config_file.h"
#include "daemon/config/config_keys.h"
#include "daemon/config/negative_anchor.h"
#include "daemon/config/resolv_conf.h"

namespace vigil {

namespace {

constexpr std::string_view kCommandLine = "command line";

// Where each key was last set, to blame the right line for a problem found after reading all.
using SettingOrigins = std::map<std::string, const Setting*, std::less<>>;

bool is_from_command_line(const Setting& setting) { return setting.origin == kCommandLine; }

// "FILE:LINE: key: " or "command line: --key: ".
std::string where(const Setting& setting) {
  return setting.origin + ": " + (is_from_command_line(setting) ? "--" : "") + setting.key + ": ";
}

[[noreturn]] void unknown_key(const Setting& setting) {
  if (is_from_command_line(setting)) {
    throw ConfigError("command line: unknown option --" + setting.key);
  }
  throw ConfigError(setting.origin + ": unknown key " + in_quotes(setting.key));
}

void apply_setting(const Setting& setting, const ConfigKey& key, Config& config) {
  if (setting.value.empty()) throw ConfigError(where(setting) + "missing value");
  try {
    key.apply(setting.value, config);
  } catch (const BadValue& error) {
    throw ConfigError(where(setting) + error.what());
  }
}

// Option names that take no value and are not config keys.
enum class Switch { CheckConfig, Version, Help };
std::optional<Switch> find_switch(std::string_view name) {
  if (name == "check-config") return Switch::CheckConfig;
  if (name == "version") return Switch::Version;
  if (name == "help") return Switch::Help;
  return std::nullopt;
}

void set_switch(Switch which, CommandLine& command_line) {
  switch (which) {
    case Switch::CheckConfig: command_line.check_config = true; break;
    case Switch::Version: command_line.show_version = true; break;
    case Switch::Help: command_line.show_help = true; break;
  }
}

// The settings of the config file in use (and its path), or none.
std::vector<Setting> read_chosen_file(const CommandLine& command_line, const SystemFiles& files,
                                      std::string& path) {
  std::error_code error;
  if (command_line.config_file_given) {
    path = command_line.config_file;
    if (!std::filesystem::exists(path, error)) {
      throw ConfigError("command line: --config: cannot read " + in_quotes(path) +
                        ": No such file or directory");
    }
    try {
      return read_config_file(path);
    } catch (const BadValue& problem) {
      throw ConfigError(std::string("command line: --config: ") + problem.what());
    }
  }
  if (!std::filesystem::exists(files.default_config, error)) return {};
  path = files.default_config;
  try {
    return read_config_file(path);
  } catch (const BadValue& problem) {
    throw ConfigError(problem.what());
  }
}

// Checks that need every key read first.
void check_timeouts(const Config& config, const SettingOrigins& origins) {
  if (config.upstream_timeout <= config.query_timeout) return;
  const auto upstream = origins.find("upstream-timeout");
  const Setting* blamed = upstream != origins.end() ? upstream->second
                                                    : origins.find("query-timeout")->second;
  throw ConfigError(where(*blamed) + "upstream-timeout (" +
                    std::to_string(config.upstream_timeout.count()) +
                    "ms) is longer than query-timeout (" +
                    std::to_string(config.query_timeout.count()) +
                    "ms): one attempt at one upstream must fit in the time a client query has");
}

// A DNS over TLS listener cannot serve without its certificate and key.
void check_tls_listener(const Config& config, const SettingOrigins& origins) {
  if (config.listen_tls.empty()) return;
  const Setting* blamed = origins.find("listen")->second;
  for (const std::string_view key : {"tls-certificate", "tls-key"}) {
    if (origins.find(key) == origins.end()) {
      throw ConfigError(where(*blamed) + "tls://" + config.listen_tls.front().to_string() +
                        " needs " + std::string(key) + " FILE (PEM)");
    }
  }
}

void fill_defaults(Config& config, const SystemFiles& files) {
  if (config.listen.empty() && config.listen_tls.empty()) {
    config.listen = {*SocketAddress::parse("127.0.0.1:53"), *SocketAddress::parse("[::1]:53")};
  }
  if (config.access_control.empty()) config.access_control = default_access_rules();
  if (config.trust_anchors.empty()) config.trust_anchors = anchors::builtin_root_anchors();
  auto negative = default_negative_anchors();
  negative.insert(negative.end(), config.negative_anchors.begin(), config.negative_anchors.end());
  config.negative_anchors = std::move(negative);
  if (config.upstreams.empty() && config.tls_upstreams.empty()) {
    config.upstreams = default_upstreams(read_resolv_conf(files.resolv_conf), config.listen);
  }
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine command_line;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "-h") {
      command_line.show_help = true;
      continue;
    }
    if (!argument.starts_with("--")) {
      if (argument.starts_with("-")) {
        throw ConfigError("command line: unknown option " + std::string(argument));
      }
      throw ConfigError("command line: unexpected argument " + in_quotes(argument) +
                        " (options start with --)");
    }
    const auto equals = argument.find('=');
    const std::string name(argument.substr(2, equals - 2));
    if (const auto which = find_switch(name)) {
      if (equals != std::string_view::npos) {
        throw ConfigError("command line: --" + name + " takes no value");
      }
      set_switch(*which, command_line);
      continue;
    }
    if (name != "config" && find_config_key(name) == nullptr) {
      throw ConfigError("command line: unknown option --" + name);
    }
    std::string value;
    if (equals != std::string_view::npos) {
      value = std::string(argument.substr(equals + 1));
    } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
      value = argv[++i];
    } else {
      throw ConfigError("command line: --" + name + " needs a value");
    }
    if (name == "config") {
      command_line.config_file = value;
      command_line.config_file_given = true;
    } else {
      command_line.settings.push_back(Setting{name, value, std::string(kCommandLine)});
    }
  }
  return command_line;
}

Config load_config(const CommandLine& command_line, const SystemFiles& files) {
  Config config;
  const std::vector<Setting> file_settings =
      read_chosen_file(command_line, files, config.config_file);
  SettingOrigins origins;
  std::set<std::string_view> replaced;  // repeatable keys the command line has taken over
  auto apply_all = [&](const std::vector<Setting>& settings, bool from_command_line) {
    for (const Setting& setting : settings) {
      const ConfigKey* key = find_config_key(setting.key);
      if (key == nullptr) unknown_key(setting);
      // The command line replaces the file's values of a repeatable key, it does not add to them.
      if (from_command_line && key->repeatable && replaced.insert(key->key).second) {
        key->forget(config);
      }
      apply_setting(setting, *key, config);
      origins[setting.key] = &setting;
    }
  };
  apply_all(file_settings, false);
  apply_all(command_line.settings, true);
  check_timeouts(config, origins);
  check_tls_listener(config, origins);
  fill_defaults(config, files);
  return config;
}

}  // namespace vigil
