"""The documentation keeps up with the code: every configuration key is in the README and both
manual pages that list keys, every vigilctl command is in vigilctl(8) and the README, and every
manual page renders without a warning and is installed."""
import os
import re
import subprocess
import unittest

from harness import ROOT
from test_config_and_signals import config_keys

MAN = os.path.join(ROOT, "man")
PAGES = ["vigild.8", "vigil.conf.5", "vigilctl.8"]
COMMANDS_SOURCE = os.path.join(ROOT, "daemon", "control", "control_commands.cc")


def read(*path):
    with open(os.path.join(ROOT, *path)) as source:
        return source.read()


def vigilctl_commands():
    """Every command of the table in control_commands.cc ("cache lookup", "log-level", ...)."""
    return re.findall(r'Command\{"([a-z -]+)"', read(COMMANDS_SOURCE))


def render(page, warnings=False):
    """The page as man formats it for an 80-column terminal: (plain text, standard error)."""
    command = ["man", "-E", "UTF-8", "-l", "-Tutf8"]
    if warnings:
        command[1:1] = ["--warnings"]
        command.append("-Z")  # troff's output: the warnings are what matters
    result = subprocess.run(command + [os.path.join(MAN, page)], capture_output=True,
                            env=dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80"), timeout=60)
    text = result.stdout.decode("utf-8", "replace")
    # Bold and underline are overstruck ("b\bb", "_\bi") when the output is no terminal.
    return re.sub(r".\x08", "", text), result.stderr.decode("utf-8", "replace")


def unescaped(roff):
    """roff source with \\- as - and font changes removed, for searching."""
    return re.sub(r"\\f[BIRP]", "", roff.replace("\\-", "-"))


class DocsTest(unittest.TestCase):
    def test_every_config_key_is_in_the_readme_and_both_manual_pages(self):
        keys = config_keys()
        self.assertIn("control-socket", keys)
        readme = read("README.md")
        vigild = unescaped(read("man", "vigild.8"))
        conf = unescaped(read("man", "vigil.conf.5"))
        for key in keys:
            self.assertRegex(readme, rf"\| `{re.escape(key)}`", f"README's key table lacks {key}")
            self.assertRegex(vigild, rf"(?<![\w-])--{re.escape(key)}(?![\w-])",
                             f"vigild.8 lacks --{key}")
            self.assertRegex(conf, rf"(?m)^\.B[IR]? {re.escape(key)}(?![\w-])",
                             f"vigil.conf.5 lacks the key {key}")

    def test_every_manual_page_renders_without_warnings_and_is_installed(self):
        installed = read("man", "meson.build")
        for page in PAGES:
            text, warnings = render(page, warnings=True)
            self.assertEqual(warnings, "", f"{page}: {warnings}")
            self.assertIn(f"'{page}'", installed, f"man/meson.build does not install {page}")
        self.assertEqual(sorted(PAGES),
                         sorted(name for name in os.listdir(MAN) if re.search(r"\.\d$", name)))

    def test_every_vigilctl_command_is_in_vigilctl_8_and_the_readme(self):
        commands = vigilctl_commands()
        self.assertIn("cache flush", commands)
        page, _ = render("vigilctl.8")
        readme = read("README.md")
        readme_section = readme[readme.index("## vigilctl"):readme.index("## DNSSEC")]
        for command in commands:
            self.assertRegex(page, rf"(?m)^ {{7}}{re.escape(command)}(?![\w-])",
                             f"vigilctl.8 has no entry for {command}")
            self.assertRegex(readme_section, rf"\| `{re.escape(command)}[` ]",
                             f"README's vigilctl table lacks {command}")
        for code in ("0", "1", "2", "3"):
            self.assertRegex(page, rf"(?m)^ {{7}}{code} ", f"vigilctl.8 lacks exit status {code}")

    def test_the_pages_refer_to_each_other(self):
        for page in PAGES:
            text, _ = render(page)
            see_also = text[text.index("SEE ALSO"):]
            for other in ("vigild(8)", "vigil.conf(5)", "vigilctl(8)"):
                if not page.startswith(other.split("(")[0] + "."):
                    self.assertIn(other, see_also, f"{page} does not refer to {other}")


if __name__ == "__main__":
    unittest.main()
