"""Installing vigil as the host's resolver: what `meson install` puts where, the systemd unit's
sandbox and its agreement with vigild's defaults, the vigil user, the sample configuration
against vigild's key table, and manual pages that troff formats without a warning.

Nothing is installed on this machine: `meson install` goes to a scratch DESTDIR, and
systemd-analyze and systemd-sysusers work on files and scratch roots, not on the running system.
"""
import filecmp
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

from harness import ROOT, VIGILD

BUILD = os.path.dirname(os.path.dirname(VIGILD))  # the build VIGILD comes from
BUILT_UNIT = os.path.join(BUILD, "daemon", "systemd", "vigild.service")
SAMPLE = os.path.join(ROOT, "daemon", "config", "vigil.conf.sample")
MAN = os.path.join(ROOT, "man")
# vigilctl comes from another branch; until it is merged there is nothing of it to install.
VIGILCTL = os.path.join(BUILD, "tools", "vigilctl", "vigilctl")

# The exposure systemd-analyze may give the unit, out of 10; systemd-resolved's own scores 2.2.
MAX_EXPOSURE = 1.5
# Keys whose default is not a value to write down: derived from /etc/resolv.conf (upstream),
# built in (trust-anchor), always applied beside any given (insecure), or none at all.
NO_VALUE_DEFAULT = {"upstream", "forward", "trust-anchor", "insecure", "pin", "guard", "critical",
                    "tls-certificate", "tls-key"}


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, **kwargs)


def build_options(build=BUILD):
    """The install directories of a build, or with meson.build the defaults of a new one."""
    result = run(["meson", "introspect", "--buildoptions", build])
    if result.returncode != 0:
        raise AssertionError(f"meson introspect failed: {result.stderr}")
    return {option["name"]: option["value"] for option in json.loads(result.stdout)}


def install_path(options, directory, *names):
    """An installed path as it will be on the host: directory options are relative to prefix
    unless absolute (sysconfdir is /etc)."""
    return os.path.join(options["prefix"], options[directory], *names)


def under(destdir, path):
    return os.path.join(destdir, path.lstrip("/"))


def help_keys():
    """The config keys of `vigild --help`, in order: {key: (group, repeatable, default)}."""
    result = run([VIGILD, "--help"])
    if result.returncode != 0:
        raise AssertionError(f"vigild --help failed: {result.stderr}")
    keys = {}
    group = None
    entry = None
    for line in result.stdout.splitlines() + [""]:
        if entry and line.startswith(" " * 8):  # a wrapped meaning
            entry[1] += " " + line.strip()
            continue
        if entry:
            flag, text = entry
            default = re.search(r"\(default: (.*)\)$", text)
            name = flag.split()[0][2:]
            keys[name] = (group, flag.endswith("..."), default.group(1) if default else None)
            entry = None
        heading = re.fullmatch(r"([A-Z][^:]*):", line)
        if heading:
            group = heading.group(1)
        elif line.startswith("  --") and group != "Command line only":
            flag, _, text = re.split(r"(\s{2,}|$)", line.strip(), maxsplit=1)
            entry = [flag, text.strip()]
    return keys


def sample_entries():
    """The sample's documented keys: {key: group heading}, and its "#key value" default lines as
    (key, value) pairs in order. Under a "## Group" heading, each key's paragraph opens with
    "# key SYNTAX"."""
    documented = {}
    defaults = []
    group = None
    paragraph_start = False
    with open(SAMPLE) as sample:
        for line in sample:
            line = line.rstrip("\n")
            heading = re.fullmatch(r"## (.+)", line)
            header = re.match(r"# ([a-z0-9-]+) \S", line)
            default = re.fullmatch(r"#([a-z0-9-]+) (.+)", line)
            if heading:
                group = heading.group(1)
            elif header and group and paragraph_start:
                documented.setdefault(header.group(1), group)
            elif default:
                defaults.append((default.group(1), default.group(2)))
            paragraph_start = line == ""
    return documented, defaults


def uncommented_sample(keep_commented=()):
    """The sample with every "#key value" line uncommented, but those of `keep_commented`."""
    lines = []
    with open(SAMPLE) as sample:
        for line in sample:
            default = re.match(r"#([a-z0-9-]+) ", line)
            lines.append(line[1:] if default and default.group(1) not in keep_commented else line)
    return "".join(lines)


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def scratch_directory(test):
    directory = tempfile.mkdtemp(prefix="vigil-it-install-")
    test.addCleanup(shutil.rmtree, directory, ignore_errors=True)
    return directory


class UnitSandboxTest(unittest.TestCase):
    """The unit as meson configured it, judged by systemd's own tools."""

    def unit_text(self):
        with open(BUILT_UNIT) as unit:
            return unit.read()

    def test_exposure_score_is_at_most_1_5(self):
        result = run(["systemd-analyze", "security", "--offline=true", "--no-pager", BUILT_UNIT])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        score = re.search(r"Overall exposure level for vigild\.service: (\d+\.\d+)", result.stdout)
        self.assertIsNotNone(score, result.stdout)
        print(f"\n    systemd-analyze security: vigild.service exposure {score.group(1)}", end=" ")
        self.assertLessEqual(float(score.group(1)), MAX_EXPOSURE, result.stdout)

    def test_the_unit_runs_vigild_as_vigil_in_the_directories_of_its_defaults(self):
        unit = self.unit_text()
        settings = dict(re.findall(r"(?m)^(\w+)=(.*)$", unit))
        self.assertEqual(settings["Type"], "notify")  # vigild sends READY=1 itself
        self.assertEqual(settings["User"], "vigil")
        self.assertEqual(settings["Group"], "vigil")
        self.assertEqual(settings["AmbientCapabilities"], "CAP_NET_BIND_SERVICE")
        self.assertNotRegex(unit, r"@[a-z]+@", "a placeholder was not filled in")
        keys = help_keys()
        # StateDirectory=vigil is /var/lib/vigil: where vigild keeps RFC 5011 state by default.
        self.assertEqual(keys["trust-anchor-state"][2], f"/var/lib/{settings['StateDirectory']}")
        if "control-socket" in keys:
            # RuntimeDirectory=vigil is /run/vigil, which holds the default control socket.
            self.assertEqual(os.path.dirname(keys["control-socket"][2]),
                             f"/run/{settings['RuntimeDirectory']}")

    def test_the_unit_passes_systemd_analyze_verify(self):
        # verify checks that ExecStart names an executable and that man finds the pages of
        # Documentation=. vigild is not installed on this machine, so a copy of the unit starts
        # the build's vigild, and man looks in the source tree's man/ (its pages are laid out as
        # an installed man8/ and man5/).
        directory = scratch_directory(self)
        unit = re.sub(r"(?m)^ExecStart=\S+", f"ExecStart={os.path.abspath(VIGILD)}",
                      self.unit_text())
        unit_path = os.path.join(directory, "vigild.service")
        with open(unit_path, "w") as out:
            out.write(unit)
        manpath = os.path.join(directory, "man")
        for page in os.listdir(MAN):
            section = re.search(r"\.(\d)$", page)
            if section:
                os.makedirs(os.path.join(manpath, f"man{section.group(1)}"), exist_ok=True)
                os.symlink(os.path.join(MAN, page),
                           os.path.join(manpath, f"man{section.group(1)}", page))
        result = run(["systemd-analyze", "verify", unit_path],
                     env=dict(os.environ, MANPATH=manpath))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr, "")


class MesonInstallTest(unittest.TestCase):
    """`meson install` into a scratch DESTDIR: every file where the unit and systemd expect it."""

    @classmethod
    def setUpClass(cls):
        cls.options = build_options()
        cls.destdir = tempfile.mkdtemp(prefix="vigil-it-destdir-")
        cls.install()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir, ignore_errors=True)

    @classmethod
    def install(cls):
        result = run(["meson", "install", "-C", BUILD, "--destdir", cls.destdir, "--no-rebuild",
                      "--quiet"])
        if result.returncode != 0:
            raise AssertionError(f"meson install failed: {result.stdout}{result.stderr}")

    def installed(self, path):
        return under(self.destdir, path)

    def unit_path(self):
        found = [os.path.join(directory, name)
                 for directory, _, names in os.walk(self.destdir) for name in names
                 if name == "vigild.service"]
        self.assertEqual(len(found), 1, found)
        return found[0]

    def config_path(self):
        return install_path(self.options, "sysconfdir", "vigil", "vigil.conf")

    def test_binary_manual_pages_anchor_and_config_are_installed(self):
        expected = [
            install_path(self.options, "sbindir", "vigild"),
            install_path(self.options, "mandir", "man8", "vigild.8"),
            install_path(self.options, "mandir", "man5", "vigil.conf.5"),
            install_path(self.options, "datadir", "vigil", "root.ds"),
            install_path(self.options, "datadir", "vigil", "vigil.conf.sample"),
            self.config_path(),
        ]
        if os.path.exists(VIGILCTL):
            expected.append(install_path(self.options, "mandir", "man8", "vigilctl.8"))
            self.assertTrue(any(os.path.exists(self.installed(install_path(self.options, d,
                                                                           "vigilctl")))
                                for d in ("sbindir", "bindir")), "vigilctl is not installed")
        for path in expected:
            self.assertTrue(os.path.isfile(self.installed(path)), f"{path} is not installed")
        self.assertTrue(os.access(self.installed(expected[0]), os.X_OK))
        with open(self.installed(self.config_path())) as config, open(SAMPLE) as sample:
            self.assertEqual(config.read(), sample.read())

    def test_the_unit_is_where_systemd_looks_and_names_the_installed_files(self):
        unit_path = self.unit_path()
        host_path = "/" + os.path.relpath(unit_path, self.destdir)
        paths = run(["systemd-analyze", "unit-paths"]).stdout.split()
        self.assertIn(os.path.dirname(host_path), paths, "systemd does not load units from there")
        with open(unit_path) as unit:
            exec_start = re.search(r"(?m)^ExecStart=(\S+) --config (\S+)$", unit.read())
        self.assertIsNotNone(exec_start)
        self.assertEqual(exec_start.group(1), install_path(self.options, "sbindir", "vigild"))
        self.assertEqual(exec_start.group(2), self.config_path())
        for path in exec_start.groups():
            self.assertTrue(os.path.exists(self.installed(path)), f"{path} is not installed")

    def test_a_new_build_installs_the_config_file_where_vigild_reads_it(self):
        # vigild's built-in default is /etc/vigil/vigil.conf, whatever the prefix: the unit must
        # not read another file than a plain `vigild --check-config` checks. meson.build makes
        # sysconfdir /etc; a build directory set up before that keeps the old default, so the
        # defaults of a new build are asked for.
        defaults = build_options(os.path.join(ROOT, "meson.build"))
        self.assertEqual(install_path(defaults, "sysconfdir", "vigil", "vigil.conf"),
                         "/etc/vigil/vigil.conf")

    def test_systemd_sysusers_finds_the_file_and_creates_the_vigil_user(self):
        root = scratch_directory(self)
        os.makedirs(os.path.join(root, "etc"))
        shutil.copytree(self.destdir, root, dirs_exist_ok=True, symlinks=True)
        listed = run(["systemd-sysusers", f"--root={root}", "--cat-config", "--no-pager"])
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("/sysusers.d/vigil.conf", listed.stdout)
        created = run(["systemd-sysusers", f"--root={root}"])
        self.assertEqual(created.returncode, 0, created.stderr)
        with open(os.path.join(root, "etc", "passwd")) as passwd:
            entry = re.search(r"(?m)^vigil:x:(\d+):(\d+):([^:]*):([^:]*):([^:]*)$", passwd.read())
        self.assertIsNotNone(entry, "no vigil user")
        uid, gid, gecos, home, shell = entry.groups()
        self.assertLess(int(uid), 1000, "not a system user")
        self.assertEqual((gecos, home), ("vigil DNS resolver", "/var/lib/vigil"))
        self.assertRegex(shell, r"/nologin$")
        with open(os.path.join(root, "etc", "group")) as group:
            self.assertRegex(group.read(), rf"(?m)^vigil:x:{gid}:")

    def test_a_reinstall_keeps_an_edited_config_file(self):
        config = self.installed(self.config_path())
        edited = "upstream 192.0.2.53\n"
        with open(config, "w") as out:
            out.write(edited)
        self.install()
        with open(config) as kept:
            self.assertEqual(kept.read(), edited)
        os.remove(config)
        self.install()  # and a missing one comes back from the sample
        self.assertTrue(filecmp.cmp(config, SAMPLE, shallow=False))

    def test_installed_files_are_not_writable_by_others(self):
        for directory, _, names in os.walk(self.destdir):
            for name in names:
                mode = os.lstat(os.path.join(directory, name)).st_mode
                self.assertFalse(mode & stat.S_IWOTH, os.path.join(directory, name))


class SampleConfigTest(unittest.TestCase):
    """daemon/config/vigil.conf.sample against the key table, through `vigild --help`."""

    def test_every_key_is_documented_under_its_group(self):
        keys = help_keys()
        self.assertIn("listen", keys)
        self.assertGreaterEqual(len(keys), 30, f"--help was not parsed: {keys}")
        documented, _ = sample_entries()
        for key, (group, _, _) in keys.items():
            self.assertIn(key, documented, f"the sample does not document {key}")
            self.assertEqual(documented[key], group, f"{key} is not under ## {group}")
        for key in documented:
            self.assertIn(key, keys, f"vigild has no key {key}")

    def test_the_commented_defaults_are_vigild_defaults(self):
        keys = help_keys()
        _, defaults = sample_entries()
        for key, (_, repeatable, default) in keys.items():
            values = [value for name, value in defaults if name == key]
            if key in NO_VALUE_DEFAULT:
                self.assertEqual(values, [], f"{key} has no default to uncomment")
            else:
                expected = default.split(", ") if repeatable else [default]
                self.assertEqual(values, expected, f"the sample's default for {key}")
        for key, _ in defaults:
            self.assertIn(key, keys, f"vigild has no key {key}")

    def test_check_config_accepts_the_sample_as_installed(self):
        result = run([VIGILD, "--check-config", "--config", SAMPLE])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, f"configuration OK: {SAMPLE}\n")

    def test_check_config_accepts_the_sample_with_every_default_uncommented(self):
        keys = help_keys()
        # A user set in the file must exist; the vigil user exists once systemd-sysusers has run,
        # which a test machine need not have done.
        keep_commented = () if has_user("vigil") else ("user",)
        text = uncommented_sample(keep_commented)
        settings = set(re.findall(r"(?m)^([a-z0-9-]+) ", text))
        self.assertEqual(settings, set(keys) - NO_VALUE_DEFAULT - set(keep_commented))
        path = os.path.join(scratch_directory(self), "vigil.conf")
        with open(path, "w") as out:
            out.write(text)
        result = run([VIGILD, "--check-config", "--config", path])
        self.assertEqual(result.returncode, 0, result.stderr)


class ManualPageLintTest(unittest.TestCase):
    def test_every_manual_page_formats_without_warnings(self):
        pages = sorted(name for name in os.listdir(MAN) if re.search(r"\.[58]$", name))
        self.assertIn("vigild.8", pages)
        self.assertIn("vigil.conf.5", pages)
        for page in pages:
            result = subprocess.run(
                ["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z",
                 os.path.join(MAN, page)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
                env=dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80"))
            self.assertEqual(result.returncode, 0, f"{page}: {result.stderr}")
            self.assertEqual(result.stderr, "", f"{page} has warnings")


if __name__ == "__main__":
    unittest.main()
