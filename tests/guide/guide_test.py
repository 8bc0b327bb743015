#!/usr/bin/python3
"""The commands of README.md work as written.

Every block of the README preceded by `<!-- test: run -->` runs in bash (set -euo
pipefail), in order, with the built programs first on PATH; every block preceded by
`<!-- test: write PATH -->` is written to PATH first. The installed system is a
temporary root: /etc/scadenzario is a copy of rules/ as the package installs it, with
/var/lib/scadenzario and /tmp beside it, and those absolute paths in the blocks point
into it. `sudo [-u USER]` runs the command as the current user (the test cannot switch
users; systemd_sandbox covers running as the service's user). The blocks that need
systemd as PID 1 (systemctl, journalctl) are not marked and not run.
Also checks that every TOML block of the README parses, and that the placeholder
section for the SMTP and webhook keys is still marked.
Usage: guide_test.py SOURCE_DIR BIN_DIR
"""
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

SOURCE, BIN = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
BLOCK = re.compile(r"^<!-- test: (run|write (\S+)) -->\n```\w*\n(.*?)^```", re.S | re.M)
failures = []


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (("\n" + detail) if detail and not condition else ""),
          flush=True)
    if not condition:
        failures.append(what)


def make_root(root):
    """/etc/scadenzario as installed, with its state under the temporary root."""
    config = root / "etc/scadenzario"
    state = root / "var/lib/scadenzario"
    shutil.copytree(SOURCE / "rules", config, ignore=shutil.ignore_patterns("*.md"))
    state.mkdir(parents=True)
    (root / "tmp").mkdir()
    text = (config / "scadenzario.toml").read_text()
    text = text.replace('actors_file = "attori.toml"',
                        'actors_file = "attori.toml"\nstate_db    = "/var/lib/scadenzario/state.db"')
    (config / "scadenzario.toml").write_text(into(root, text))
    # The examples for developers run in a checkout: rules/ beside the working directory.
    work = root / "work"
    shutil.copytree(SOURCE / "rules", work / "rules")
    return config, work


def into(root, text):
    """`text` with the installed system's absolute paths moved under `root`."""
    # One pass: the root itself may lie under /tmp.
    return re.sub(r"(?<![\w./-])(/etc/scadenzario|/var/lib/scadenzario|/tmp/)",
                  lambda m: str(root) + m.group(1), text)


PRELUDE = """set -euo pipefail
sudo() { if [ "$1" = -u ]; then shift 2; fi; "$@"; }
"""


def main():
    readme = (SOURCE / "README.md").read_text()
    blocks = BLOCK.findall(readme)
    check(sum(1 for kind, _, _ in blocks if kind == "run") >= 5, f"README has runnable blocks ({len(blocks)})")
    check("<!-- smtp-keys -->" in readme and "<!-- /smtp-keys -->" in readme,
          "the SMTP and webhook section is marked <!-- smtp-keys -->")
    for i, text in enumerate(re.findall(r"^```toml\n(.*?)^```", readme, re.S | re.M)):
        try:
            tomllib.loads(text)
            check(True, f"TOML block {i + 1} parses")
        except tomllib.TOMLDecodeError as error:
            check(False, f"TOML block {i + 1} parses", f"{error}\n{text}")
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        config, work = make_root(root)
        env = {"PATH": f"{BIN}:/usr/bin:/bin", "SCADENZARIO_CONFIG": str(config / "scadenzario.toml"),
               "LANG": "C.UTF-8", "HOME": str(root), "TZDIR": "/usr/share/zoneinfo"}
        for kind, path, text in blocks:
            first = text.strip().splitlines()[0]
            if kind.startswith("write"):
                target = Path(into(root, path))
                target.write_text(text)
                check(target.is_file(), f"wrote {path}")
                continue
            result = subprocess.run(["bash", "-c", PRELUDE + into(root, text)], cwd=work, env=env,
                                    capture_output=True, text=True, timeout=60)
            check(result.returncode == 0, f"runs as written: {first[:90]}",
                  f"exit status {result.returncode}\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


sys.exit(main())
