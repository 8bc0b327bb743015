#!/usr/bin/python3
"""The systemd files of scadenzario, checked by systemd's own tools.

- `systemd-analyze verify` finds no problem in either unit (it exits 0 on warnings, so
  its output is read too);
- `systemd-analyze security --offline=true` rates the exposure of both units at most
  MAX_EXPOSURE;
- systemd-sysusers and systemd-tmpfiles, applied to a temporary root as the package's
  postinst does, create the user, the state directory and the secrets directory with
  the intended owners and modes.

The units are written from their templates with the paths of this build. Exits 77
(skipped) where systemd's tools are missing.
Usage: units_test.py SOURCE_DIR SCADENZARIOD SCADENZARIO
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE, DAEMON, CLI = (Path(a).resolve() for a in sys.argv[1:4])
MAX_EXPOSURE = 1.5
UNITS = ["scadenzario.service", "scadenzario@.service"]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def write_units(directory):
    values = {"SCADENZARIO_CONFIG_DIR": "/etc/scadenzario",
              "SCADENZARIO_SBINDIR": str(DAEMON.parent),
              "SCADENZARIO_BINDIR": str(CLI.parent),
              "SCADENZARIO_DOCDIR": "/usr/share/doc/scadenzario"}
    written = []
    for unit in UNITS:
        text = (SOURCE / "systemd" / (unit + ".in")).read_text()
        text = re.sub(r"@(\w+)@", lambda m: values[m.group(1)], text)
        # A template is verified and rated through one of its instances.
        name = unit.replace("@.", "@ente-esempio.")
        (directory / name).write_text(text)
        written.append(directory / name)
    return written


def man_path(directory):
    """A MANPATH where `verify` finds the pages named in Documentation=."""
    for page, section in [("daemon/cli/scadenzario.1", "1"), ("daemon/service/scadenzariod.8", "8")]:
        target = directory / "man" / ("man" + section)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(SOURCE / page, target)
    return str(directory / "man")


def test_verify(unit, env):
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True, env=env, cwd=unit.parent)
    noise = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    check(result.returncode == 0 and not noise,
          f"systemd-analyze verify {unit.name}: clean" + "".join("\n     " + l for l in noise))


def test_security(unit):
    result = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager",
                             # --threshold counts tenths: 15 is an exposure of 1.5
                             f"--threshold={round(MAX_EXPOSURE * 10)}", str(unit)],
                            capture_output=True, text=True, cwd=unit.parent)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d)", result.stdout)
    exposure = float(match.group(1)) if match else None
    check(exposure is not None and exposure <= MAX_EXPOSURE and result.returncode == 0,
          f"systemd-analyze security {unit.name}: exposure {exposure} <= {MAX_EXPOSURE}")


def test_sysusers_and_tmpfiles(root):
    tmpfiles = (SOURCE / "systemd/tmpfiles.d/scadenzario.conf.in").read_text()
    (root / "etc").mkdir(parents=True)
    for tool, directory, text in [
            ("sysusers", "usr/lib/sysusers.d", (SOURCE / "systemd/sysusers.d/scadenzario.conf").read_text()),
            ("tmpfiles", "usr/lib/tmpfiles.d", tmpfiles.replace("@SCADENZARIO_CONFIG_DIR@", "/etc/scadenzario"))]:
        (root / directory).mkdir(parents=True)
        (root / directory / "scadenzario.conf").write_text(text)
    users = subprocess.run(["systemd-sysusers", f"--root={root}", "scadenzario.conf"],
                           capture_output=True, text=True)
    check(users.returncode == 0, "systemd-sysusers creates the user " + users.stderr.strip())
    passwd = (root / "etc/passwd").read_text() if (root / "etc/passwd").exists() else ""
    entry = next((l.split(":") for l in passwd.splitlines() if l.startswith("scadenzario:")), None)
    check(entry is not None and entry[6].endswith("nologin") and int(entry[2]) < 1000,
          f"scadenzario is a system user without a shell: {entry}")
    created = subprocess.run(["systemd-tmpfiles", f"--root={root}", "--create", "scadenzario.conf"],
                             capture_output=True, text=True)
    check(created.returncode == 0, "systemd-tmpfiles creates the directories " + created.stderr.strip())
    uid = int(entry[2]) if entry else -1
    for path, owner, mode in [("var/lib/scadenzario", uid, 0o750),
                              ("etc/scadenzario/credentials", 0, 0o700),
                              ("etc/scadenzario/credentials/smtp-password", 0, 0o600)]:
        st = (root / path).stat() if (root / path).exists() else None
        got = (st.st_uid, oct(st.st_mode & 0o7777)) if st else None
        check(got == (owner, oct(mode)), f"/{path}: owner {owner}, mode {oct(mode)} (found {got})")
    # Applying them again (every upgrade does) changes nothing and never empties a secret.
    (root / "etc/scadenzario/credentials/smtp-password").write_text("segreto\n")
    again = subprocess.run(["systemd-tmpfiles", f"--root={root}", "--create", "scadenzario.conf"],
                           capture_output=True, text=True)
    check(again.returncode == 0 and
          (root / "etc/scadenzario/credentials/smtp-password").read_text() == "segreto\n",
          "systemd-tmpfiles again keeps an existing smtp-password")


def main():
    if not (shutil.which("systemd-analyze") and shutil.which("systemd-sysusers")
            and shutil.which("systemd-tmpfiles")):
        print("SKIP: systemd-analyze, systemd-sysusers or systemd-tmpfiles is missing")
        return 77
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        env = dict(os.environ, MANPATH=man_path(directory), SYSTEMD_LOG_COLOR="0")
        for unit in write_units(directory):
            test_verify(unit, env)
            test_security(unit)
        if os.geteuid() == 0:  # tmpfiles sets owners: only root can
            test_sysusers_and_tmpfiles(directory / "root")
        else:
            print("skip systemd-sysusers and systemd-tmpfiles: not root")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


sys.exit(main())
