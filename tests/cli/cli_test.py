#!/usr/bin/python3
"""End-to-end test of the `scadenzario` command-line tool on the default rules.

Runs the real binary, checks exit codes and outputs, and reads the iCalendar output
with an independent parser (Debian's python3-icalendar).
Usage: cli_test.py PATH_TO_SCADENZARIO SOURCE_DIR
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import icalendar

BINARY = sys.argv[1]
SOURCE = Path(sys.argv[2])
CONFIG = str(SOURCE / "rules" / "scadenzario.toml")
failures = []


def fnv1a_64(text):
    """The 64-bit FNV-1a hash of `text` (UTF-8) as 16 hex digits, written from its definition."""
    value = 0xcbf29ce484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001b3) % (1 << 64)
    return "%016x" % value


def run(*args, config=CONFIG):
    command = [BINARY, "--config", config, *args] if config else [BINARY, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def test_check():
    result = run("check", "--year", "2027")
    check(result.returncode == 0, "check: the default rules are valid (exit 0)")
    check(result.stdout.count("\n") == 1 and "valida" in result.stdout,
          "check: one summary line")


def test_check_invalid():
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SOURCE / "rules", tmp, dirs_exist_ok=True)
        path = Path(tmp) / "rules.d" / "10-pianificazione.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'(actor\s*=\s*)"giunta"', r'\1"giuntaa"', text, count=1),
                        encoding="utf-8")
        result = run("check", config=str(Path(tmp) / "scadenzario.toml"))
        check(result.returncode == 2, "check: an unknown actor exits with status 2")
        first = result.stderr.splitlines()[0] if result.stderr else ""
        check(first.startswith(str(path) + ":") and
              first.endswith('unknown actor "giuntaa" (did you mean "giunta"?)'),
              "check: the error names file:line:column and suggests the actor: " + first)


def test_plan_table():
    result = run("plan", "--year", "2027")
    check(result.returncode == 0, "plan: exit 0")
    out = result.stdout
    for phase in range(1, 5):
        check(f"FASE {phase} — " in out, f"plan: phase {phase} heading")
    check("29/01/2027 ven" in out, "plan: Piano della performance moved to Friday 29/01/2027")
    check("di legge 31/01/2027 dom" in out, "plan: the legal date is shown beside the moved one")
    check("D.Lgs. 150/2009" in out, "plan: legal basis shown")


def test_plan_json_and_ics():
    plan = json.loads(run("plan", "--year", "2027", "--format", "json").stdout)
    check(plan["year"] == 2027 and len(plan["occurrences"]) > 20, "json: the 2027 occurrences")
    steps = [(o["key"], s["id"], s["due"]) for o in plan["occurrences"] for s in o["steps"]]

    result = run("plan", "--year", "2027", "--format", "ics")
    check(result.returncode == 0, "ics: exit 0")
    calendar = icalendar.Calendar.from_ical(result.stdout)
    check(str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar, "ics: VERSION and PRODID")
    events = list(calendar.walk("VEVENT"))
    check(len(events) == len(steps), f"ics: one event per step ({len(events)} == {len(steps)})")
    uids = {str(e["UID"]) for e in events}
    check(len(uids) == len(events), "ics: unique UIDs")
    by_uid = {str(e["UID"]): e for e in events}
    key, step, due = steps[0]
    # The UID names the body: FNV-1a of its name and sender, and the sender's domain.
    body = fnv1a_64("Camera di commercio di Esempio\nscadenzario@cciaa-esempio.example.it")[:8]
    event = by_uid.get(f"{key}/{step}@{body}.cciaa-esempio.example.it")
    check(event is not None and event["DTSTART"].dt == date.fromisoformat(due),
          "ics: the first step's event is an all-day event on its due date")
    check(all("DTSTAMP" in e and "SUMMARY" in e for e in events), "ics: DTSTAMP and SUMMARY")
    check(any("Finalità" in str(e["DESCRIPTION"]) for e in events),
          "ics: UTF-8 description survives")
    check(all(len(line.encode()) <= 75 for line in result.stdout.splitlines()),
          "ics: lines folded at 75 octets")


def test_plan_diff():
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "rules.d"
        shutil.copytree(SOURCE / "rules" / "rules.d", edited)
        path = edited / "10-pianificazione.toml"
        text = path.read_text(encoding="utf-8")
        check(re.search(r'due\s*=\s*"-21d"', text) is not None,
              "diff: the default Piano has a -21d step to edit")
        path.write_text(text.replace('"-21d"', '"-10d"', 1), encoding="utf-8")
        result = run("plan", "--year", "2027", "--diff", str(edited))
        check(result.returncode == 0, "diff: exit 0")
        check("~ 08/01/2027 -> 19/01/2027  piano-performance/2027  passo predispone" in result.stdout,
              "diff: the moved step is shown with both dates: " + result.stdout.strip())
        same = run("plan", "--year", "2027", "--diff", str(SOURCE / "rules" / "rules.d"))
        check("Nessuna modifica" in same.stdout, "diff: identical rules give no change")


def test_plan_override():
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SOURCE / "rules", tmp, dirs_exist_ok=True)
        config = Path(tmp) / "scadenzario.toml"
        config.write_text(config.read_text(encoding="utf-8") + """
[[override]]
act = "relazione-performance"
period = "2027"
due = 2027-07-15
reason = "Proroga di prova disposta con D.L. n. 1/2027"
""", encoding="utf-8")
        result = run("plan", "--year", "2027", config=str(config))
        check(result.returncode == 0, "override: exit 0")
        check("scadenza 15/07/2027 gio  PROROGATA (originaria 30/06/2027): Proroga di prova "
              "disposta con D.L. n. 1/2027" in result.stdout,
              "override: the plan shows the new date, the original one and the reason")
        plan = json.loads(run("plan", "--year", "2027", "--format", "json",
                              config=str(config)).stdout)
        moved = [o for o in plan["occurrences"] if o["key"] == "relazione-performance/2027"][0]
        check(moved["due"] == "2027-07-15" and moved["legal_due"] == "2027-06-30" and
              moved["override"]["reason"].startswith("Proroga"), "override: JSON keeps both dates")


def test_usage_errors():
    check(run("plan", "--format", "pdf").returncode == 2, "usage: unknown format exits 2")
    check(run("plna").returncode == 2, "usage: unknown command exits 2")
    bogus = run("--bogus", "check")
    check(bogus.returncode == 2 and "opzione sconosciuta --bogus" in bogus.stderr,
          f"usage: an unknown option is named, not taken for a missing command ({bogus.stderr[:60]!r})")
    typo = run("plan", "--year", "2027", "--yaer", "2028")
    check(typo.returncode == 2 and "opzione sconosciuta --yaer (forse --year?)" in typo.stderr,
          f"usage: a misspelt option gets the closest one ({typo.stderr[:60]!r})")
    check(run("plan", "--year", "12").returncode == 2, "usage: a bad year exits 2")
    check(run("--help", config=None).returncode == 0, "usage: --help exits 0")
    check(run("check", "--format", "json").returncode == 2, "usage: check takes no --format")
    check(run("plan", "--format", "json", "--diff", "/tmp").returncode == 2,
          "usage: --diff prints a table only")
    missing = run("check", config="/nonexistent/scadenzario.toml")
    check(missing.returncode == 2 and "cannot read file" in missing.stderr,
          "usage: a missing configuration is a clear error")


def hostile_copy(tmp):
    """A copy of the default rules in `tmp`; returns its configuration path."""
    shutil.copytree(SOURCE / "rules", tmp, dirs_exist_ok=True)
    return Path(tmp) / "scadenzario.toml"


def expect_invalid(config, expected, what):
    """`check` must exit 2 with `expected` as its first error line, and not crash."""
    result = run("check", config=str(config))
    first = result.stderr.splitlines()[0] if result.stderr else ""
    check(result.returncode == 2 and first == expected, f"hostile: {what}: {first}")


def test_hostile_inputs():
    with tempfile.TemporaryDirectory() as tmp:
        config = hostile_copy(tmp)
        huge = Path(tmp) / "rules.d" / "50-enorme.toml"
        with open(huge, "wb") as f:
            f.truncate(50_000_000)  # sparse: nothing is written, nothing must be read
        expect_invalid(config, f"{huge}: file is larger than 1 MiB (50000000 bytes): expected a "
                       "hand-written rule file", "a 50 MB rule file")
    with tempfile.TemporaryDirectory() as tmp:
        config = hostile_copy(tmp)
        deep = Path(tmp) / "rules.d" / "50-annidato.toml"
        deep.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
        expect_invalid(config, f"{deep}:1:261: TOML syntax error: Error while parsing value: "
                       "exceeded maximum nested value depth of 256 (TOML_MAX_NESTED_VALUES)",
                       "100,000 nested arrays")
    with tempfile.TemporaryDirectory() as tmp:
        config = hostile_copy(tmp)
        bad = Path(tmp) / "rules.d" / "50-utf8.toml"
        bad.write_bytes(b'# commento\n[[actor]]\nid = "x"\ntitle = "Giunta \xff"\n')
        expect_invalid(config, f"{bad}:4:17: invalid UTF-8 (byte 0xFF): expected a file saved as UTF-8",
                       "invalid UTF-8")
    with tempfile.TemporaryDirectory() as tmp:
        config = hostile_copy(tmp)
        bad = Path(tmp) / "rules.d" / "50-iniezione.toml"
        bad.write_text('[[actor]]\nid = "x"\ntitle = "Giunta\\r\\nBcc: tutti@example.it"\n')
        expect_invalid(config, f'{bad}:3:9: "title" contains a line break; it must be a single '
                       "line of text", "a CR LF header injection in a title")
    with tempfile.TemporaryDirectory() as tmp:
        config = hostile_copy(tmp)
        text = config.read_text(encoding="utf-8")
        config.write_text(text + '\n[smtp]\nurl = "smtp://mail.example.it"\nusername = "s"\n'
                          'password_file = "../../root/.netrc"\n', encoding="utf-8")
        line = text.count("\n") + 5
        expect_invalid(config, f'{config}:{line}:17: "password_file" = "../../root/.netrc" leaves '
                       "the configuration's directory: expected a path inside it, or an "
                       "absolute path", "a password file with ..")


def test_hostile_state_directory():
    with tempfile.TemporaryDirectory() as tmp:
        open_dir = Path(tmp) / "aperta"
        open_dir.mkdir()
        open_dir.chmod(0o777)
        result = run("status", "--state", str(open_dir / "state.db"))
        check(result.returncode == 1 and result.stderr.strip() ==
              f"scadenzario: refusing the state database {open_dir}/state.db: its directory "
              f"{open_dir} is writable by others (mode 0777), who could replace the database and "
              f"its audit log; chmod o-w {open_dir} or choose another state_db",
              "hostile: a world-writable state directory is refused: " + result.stderr.strip())
        check(not (open_dir / "state.db").exists(), "hostile: nothing created in it")
        safe = Path(tmp) / "sicura"
        safe.mkdir(mode=0o750)
        link = Path(tmp) / "collegamento"
        link.symlink_to(safe)
        result = run("status", "--year", "2027", "--state", str(link / "state.db"))
        check(result.returncode == 0, "hostile: a symlinked state directory that only its owner "
              "writes is accepted: " + result.stderr.strip())
        bad_link = Path(tmp) / "verso-aperta"
        bad_link.symlink_to(open_dir)
        result = run("status", "--state", str(bad_link / "state.db"))
        check(result.returncode == 1 and "is writable by others (mode 0777)" in result.stderr,
              "hostile: a symlink to a world-writable directory is refused")


def test_hostile_dates():
    result = run("plan", "--year", "9999")
    check(result.returncode == 2 and "atteso un anno tra 1900 e 2200" in result.stderr,
          "hostile: plan --year 9999 exits 2 with the range")
    result = run("plan", "--today", "9999-12-31")
    check(result.returncode in (0, 2) and "errore interno" not in result.stderr,
          f"hostile: plan --today 9999-12-31 does not crash (exit {result.returncode})")


for test in [test_check, test_check_invalid, test_plan_table, test_plan_json_and_ics,
             test_plan_diff, test_plan_override, test_usage_errors, test_hostile_inputs,
             test_hostile_state_directory, test_hostile_dates]:
    test()
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
