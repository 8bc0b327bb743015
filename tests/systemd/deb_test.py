#!/usr/bin/python3
"""The Debian package: built by CPack from this build, then taken apart with dpkg-deb.

Checks its control fields and dependencies, its exact file list, that every file under
/etc/scadenzario is a conffile (so dpkg never overwrites an administrator's edit), the
maintainer scripts, and then, unpacked into a temporary root: the units name the
installed programs, the installed configuration is valid as it is, `man` finds both
pages, and the postinst's systemd-sysusers and systemd-tmpfiles work in that root.
Exits 77 (skipped) without cpack, dpkg-deb or dpkg-shlibdeps.
Usage: deb_test.py BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD = Path(sys.argv[1]).resolve()
failures = []

EXPECTED_FILES = {
    "etc/scadenzario/scadenzario.toml",
    "etc/scadenzario/attori.toml",
    "etc/scadenzario/rules.d/00-attori.toml",
    "etc/scadenzario/rules.d/10-pianificazione.toml",
    "etc/scadenzario/rules.d/20-performance-organizzativa.toml",
    "etc/scadenzario/rules.d/30-performance-individuale.toml",
    "etc/scadenzario/rules.d/40-rendicontazione-trasparenza.toml",
    "lib/systemd/system/scadenzario.service",
    "lib/systemd/system/scadenzario@.service",
    "usr/bin/scadenzario",
    "usr/sbin/scadenzariod",
    "usr/lib/sysusers.d/scadenzario.conf",
    "usr/lib/tmpfiles.d/scadenzario.conf",
    "usr/share/doc/scadenzario/README.md",
    "usr/share/doc/scadenzario/FORMAT.md",
    "usr/share/man/man1/scadenzario.1",
    "usr/share/man/man8/scadenzariod.8",
}


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def build_package(directory):
    result = run("cpack", "--config", str(BUILD / "CPackConfig.cmake"), "-G", "DEB", "-B", str(directory))
    packages = list(directory.glob("scadenzario_*.deb"))
    check(result.returncode == 0 and len(packages) == 1, "cpack builds one .deb" +
          ("" if result.returncode == 0 else "\n" + result.stdout[-2000:] + result.stderr[-2000:]))
    return packages[0] if packages else None


def test_control(package):
    fields = {name: run("dpkg-deb", "-f", str(package), name).stdout.strip()
              for name in ("Package", "Architecture", "Section", "Depends", "Maintainer")}
    check(fields["Package"] == "scadenzario", f"Package: {fields['Package']}")
    check(fields["Section"] == "admin", f"Section: {fields['Section']}")
    depends = fields["Depends"]
    # dpkg-shlibdeps found the shared libraries; tzdata, the user tools and libcurl (loaded
    # at run time, invisible to dpkg-shlibdeps) are declared.
    for needed in ["libc6", "libstdc++6", "libsqlite3-0", "libssl3", "libsystemd0", "tzdata",
                   "systemd | adduser", "libcurl4 (>= 7.84)"]:
        check(needed in depends, f"Depends names {needed}")


def test_files(package):
    listing = run("dpkg-deb", "-c", str(package)).stdout.splitlines()
    files = {line.split()[-1].removeprefix("./") for line in listing if not line.startswith("d")}
    check(files == EXPECTED_FILES, "the package holds exactly the expected files" +
          "".join(f"\n     unexpected {f}" for f in sorted(files - EXPECTED_FILES)) +
          "".join(f"\n     missing {f}" for f in sorted(EXPECTED_FILES - files)))
    owners = {line.split()[1] for line in listing}
    check(owners == {"root/root"}, f"every file belongs to root ({owners})")


def case_branch(script, label):
    """The body of `label)` in a shell case statement, up to its `;;`."""
    match = re.search(r"^\s*" + re.escape(label) + r"\)(.*?);;", script, re.S | re.M)
    return match.group(1) if match else ""


def test_control_archive(package, directory):
    control = directory / "control"
    run("dpkg-deb", "-e", str(package), str(control))
    conffiles = (control / "conffiles").read_text().split() if (control / "conffiles").exists() else []
    etc = sorted("/" + f for f in EXPECTED_FILES if f.startswith("etc/"))
    check(sorted(conffiles) == etc, "every file under /etc/scadenzario is a conffile")
    for script in ("postinst", "prerm", "postrm"):
        path = control / script
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        check(mode == 0o755, f"{script} is executable (mode {oct(mode) if mode else None})")
        syntax = run("sh", "-n", str(path)) if path.exists() else None
        check(syntax is not None and syntax.returncode == 0, f"{script} is valid sh")
    postinst = (control / "postinst").read_text()
    check("systemd-sysusers scadenzario.conf" in postinst and
          "systemd-tmpfiles --create scadenzario.conf" in postinst and "adduser --system" in postinst,
          "postinst creates the user and the directories (sysusers, tmpfiles; adduser fallback)")
    check("daemon-reload" in postinst, "postinst reloads systemd")
    prerm = (control / "prerm").read_text()
    check("systemctl stop scadenzario.service" in prerm, "prerm stops the services")
    postrm = (control / "postrm").read_text()
    check("rm -rf /var/lib/scadenzario" in case_branch(postrm, "purge"),
          "postrm purge deletes /var/lib/scadenzario")
    check("/var/lib/scadenzario" not in case_branch(postrm, "remove"),
          "postrm remove keeps the state database")


def test_unpacked(package, root):
    run("dpkg-deb", "-x", str(package), str(root))
    for unit in ("scadenzario.service", "scadenzario@.service"):
        text = (root / "lib/systemd/system" / unit).read_text()
        exec_start = re.search(r"^ExecStart=(\S+)", text, re.M)
        check(exec_start and exec_start.group(1) == "/usr/sbin/scadenzariod",
              f"{unit}: ExecStart=/usr/sbin/scadenzariod")
        check(not re.search(r"@[A-Z_]+@", text), f"{unit}: every placeholder was replaced")
    # The installed configuration is valid in the installed layout: rules.d and attori.toml
    # beside it, state and Maildir under /var/lib/scadenzario.
    config = root / "etc/scadenzario/scadenzario.toml"
    checked = run(str(root / "usr/bin/scadenzario"), "--config", str(config), "check")
    check(checked.returncode == 0, "the installed configuration passes `scadenzario check`: " +
          (checked.stdout + checked.stderr).strip())
    text = config.read_text()
    check("/var/lib/scadenzario/Maildir" in text, "the installed Maildir is under /var/lib/scadenzario")
    state = re.search(r'^state_db\s*=\s*"([^"]*)"', text, re.M)
    check(state is None or state.group(1).startswith("/var/lib/scadenzario/"),
          "the installed state database is under /var/lib/scadenzario")
    help_text = run(str(root / "usr/sbin/scadenzariod"), "--help")
    check(help_text.returncode == 0, "the installed scadenzariod runs")
    env = dict(os.environ, MANPAGER="cat", MANWIDTH="200", LC_ALL="C.UTF-8")
    for page, program in [("scadenzario", "usr/bin/scadenzario"), ("scadenzariod", "usr/sbin/scadenzariod")]:
        shown = run("man", "-M", str(root / "usr/share/man"), page, env=env)
        check(shown.returncode == 0 and "SYNOPSIS" in shown.stdout, f"`man {page}` shows the page")
        # Every command and option of --help is in the page.
        usage = run(str(root / program), "--help").stdout
        words = set(re.findall(r"^  (?:[a-z]+ )?([a-z]+)\b", usage, re.M)) | set(re.findall(r"--[a-z-]+", usage))
        words -= {"test-now", "--test-now", "test-speed", "--test-speed", "h"}  # for the tests only
        page_text = shown.stdout.replace("\u2010", "-")
        absent = sorted(w for w in words if w not in page_text)
        check(not absent, f"`man {page}` names every command and option of --help" +
              (f"; missing: {absent}" if absent else ""))
    if os.geteuid() == 0 and shutil.which("systemd-sysusers"):
        (root / "etc/passwd").touch()
        users = run("systemd-sysusers", f"--root={root}", "scadenzario.conf")
        dirs = run("systemd-tmpfiles", f"--root={root}", "--create", "scadenzario.conf")
        check(users.returncode == 0 and dirs.returncode == 0 and
              (root / "var/lib/scadenzario").is_dir() and
              (root / "etc/scadenzario/credentials/smtp-password").is_file(),
              "postinst's sysusers and tmpfiles steps work on the unpacked package")


def main():
    if not all(shutil.which(t) for t in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "man")):
        print("SKIP: cpack, dpkg-deb, dpkg-shlibdeps (dpkg-dev) or man is missing")
        return 77
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        package = build_package(directory)
        if package:
            test_control(package)
            test_files(package)
            test_control_archive(package, directory)
            test_unpacked(package, directory / "root")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


sys.exit(main())
