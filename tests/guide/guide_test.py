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
Every TOML block preceded by `<!-- test: config PATH -->` (the e-mail and webhook
examples) is merged into PATH of a fresh copy of the installed files, and `scadenzario
check` must accept the result and refuse it with a misspelt value of the examples; an
`[[actor]]` block takes the place of the shipped role with its id. `check` reads no
secrets, so no credential files are made. Also checks that every TOML block parses.
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
BLOCK = re.compile(r"^<!-- test: (run|write|config) ?(\S*) -->\n```\w*\n(.*?)^```", re.S | re.M)
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


def environment(root, config):
    return {"PATH": f"{BIN}:/usr/bin:/bin", "SCADENZARIO_CONFIG": str(config / "scadenzario.toml"),
            "LANG": "C.UTF-8", "HOME": str(root), "TZDIR": "/usr/share/zoneinfo"}


def merge(path, text):
    """Adds a config block of the guide to `path`: an [[actor]] takes the place of the
    shipped role with the same id, whose keys it must repeat; anything else is appended."""
    current = path.read_text()
    actors = tomllib.loads(text).get("actor", [])
    if not actors:
        path.write_text(current + "\n" + text)
        return
    shipped = re.search(rf'^\[\[actor\]\]\nid\s*=\s*"{actors[0]["id"]}"\n(?:.+\n)*', current, re.M)
    old = tomllib.loads(shipped.group(0))["actor"][0] if shipped else {}
    check(len(actors) == 1 and old and all(actors[0].get(k) == v for k, v in old.items()),
          f"the guide's role {actors[0]['id']} is the shipped one with keys added")
    if shipped:
        path.write_text(current[:shipped.start()] + text + current[shipped.end():])


# Misspelt values, one per example: `check` must refuse each, so it really read the block.
MISSPELT = [('"starttls"', '"startls"'), ('["documentale"]', '["documentali"]')]


def check_config_examples(blocks):
    """`check` accepts the guide's config examples merged into the installed files, and
    refuses them with each value of MISSPELT."""
    examples = [(path, text) for kind, path, text in blocks if kind == "config"]
    check(len(examples) >= 2 and any("[smtp]" in text for _, text in examples) and
          any("webhooks" in text for _, text in examples),
          f"the guide has [smtp], [[webhook]] and a role's webhooks as config examples ({len(examples)})")
    for old, new in [(None, None), *MISSPELT]:
        with tempfile.TemporaryDirectory() as name:
            root = Path(name)
            config, work = make_root(root)
            for path, text in examples:
                merge(Path(into(root, path)), text.replace(old, new) if old else text)
            result = subprocess.run([BIN / "scadenzario", "check"], cwd=work, env=environment(root, config),
                                    capture_output=True, text=True, timeout=60)
            if old is None:
                check(result.returncode == 0, "scadenzario check accepts the e-mail and webhook examples",
                      result.stdout + result.stderr)
            else:
                check(result.returncode == 2 and new.strip('"[]') in result.stderr,
                      f"scadenzario check refuses the examples with {new}", result.stdout + result.stderr)


PRELUDE = """set -euo pipefail
sudo() { if [ "$1" = -u ]; then shift 2; fi; "$@"; }
"""


def main():
    readme = (SOURCE / "README.md").read_text()
    blocks = BLOCK.findall(readme)
    check(sum(1 for kind, _, _ in blocks if kind == "run") >= 5, f"README has runnable blocks ({len(blocks)})")
    # An idle service pings the watchdog: the guide must say how often, and how to stop it.
    units = [(SOURCE / "systemd" / name).read_text() for name in ["scadenzario.service.in", "scadenzario@.service.in"]]
    intervals = {m for unit in units for m in re.findall(r"^WatchdogSec=(\S+)$", unit, re.M)}
    check(len(intervals) == 1 and all(f"`WatchdogSec={i}`" in readme for i in intervals) and
          "`WatchdogSec=0`" in readme, f"the README gives the units' WatchdogSec {intervals} and how to turn it off")
    for i, text in enumerate(re.findall(r"^```toml\n(.*?)^```", readme, re.S | re.M)):
        try:
            tomllib.loads(text)
            check(True, f"TOML block {i + 1} parses")
        except tomllib.TOMLDecodeError as error:
            check(False, f"TOML block {i + 1} parses", f"{error}\n{text}")
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        config, work = make_root(root)
        env = environment(root, config)
        for kind, path, text in blocks:
            first = text.strip().splitlines()[0]
            if kind == "config":
                continue
            if kind == "write":
                target = Path(into(root, path))
                target.write_text(text)
                check(target.is_file(), f"wrote {path}")
                continue
            result = subprocess.run(["bash", "-c", PRELUDE + into(root, text)], cwd=work, env=env,
                                    capture_output=True, text=True, timeout=60)
            check(result.returncode == 0, f"runs as written: {first[:90]}",
                  f"exit status {result.returncode}\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
    check_config_examples(blocks)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


sys.exit(main())
