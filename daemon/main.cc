// vigild: parse the command line and the config, then hand over to the Daemon.
#include <csignal>
#include <cstdio>

#include "daemon/config/config_loader.h"
#include "daemon/daemon.h"
#include "daemon/log.h"

int main(int argc, char** argv) {
  using namespace vigil;
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not end the daemon
  CommandLine command_line;
  Config config;
  try {
    command_line = parse_command_line(argc, argv);
    if (command_line.show_help) {
      std::fputs(usage_text().c_str(), stdout);
      return 0;
    }
    if (command_line.show_version) {
      std::printf("vigild %s\n", VIGIL_VERSION);
      return 0;
    }
    config = load_config(command_line);
  } catch (const ConfigError& error) {
    std::fprintf(stderr, "vigild: %s\n", error.what());
    return 1;
  }
  if (command_line.check_config) {
    std::printf("configuration OK: %s\n",
                config.config_file.empty() ? "built-in defaults and command line"
                                           : config.config_file.c_str());
    return 0;
  }
  const Loggers loggers = make_loggers(config.log_level);
  try {
    Daemon daemon(std::move(command_line), std::move(config), loggers);
    return daemon.run();
  } catch (const std::exception& error) {
    loggers.main->critical("{}", error.what());
    return 1;
  }
}
