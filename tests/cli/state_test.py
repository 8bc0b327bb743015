#!/usr/bin/python3
"""End-to-end tests of the state commands of `scadenzario` on real database files.

Real processes, real files: done/waive/undo under the rules of progress, status,
upcoming, history (also of an act removed from the rules), backup, audit; two processes
writing at once; a read-only, a corrupt and a too-new database.
Usage: state_test.py PATH_TO_SCADENZARIO SOURCE_DIR
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BINARY = sys.argv[1]
SOURCE = Path(sys.argv[2])
CONFIG = str(SOURCE / "rules" / "scadenzario.toml")
failures = []


def run(state, *args, today="2027-02-10", user=None, binary=BINARY, config=CONFIG):
    command = [binary, "--config", config, "--state", str(state), "--today", today, *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_rules_of_progress(tmp):
    state = tmp / "progress.db"
    today = "2028-02-10"
    result = run(state, "done", "piano-performance", "approva", "--year", "2028",
                 "--ref", "Delibera di Giunta n. 5 del 28/01/2028", today=today)
    check(result.returncode == 3, "done before the earlier step is refused with status 3")
    check('passo "predispone" (Segretario Generale) di piano-performance/2028' in result.stderr,
          "the refusal names the open earlier step")
    check("budget-direzionale/2027 (Budget direzionale)" in result.stderr,
          "the refusal names the open prerequisite act (same reference year)")

    for act, step in [("preventivo-economico", "predispone"), ("preventivo-economico", "approva")]:
        run(state, "done", act, step, "--year", "2027", "--ref", "x", "--force", today=today)
    for step in ["propone", "approva"]:
        result = run(state, "done", "budget-direzionale", step, "--year", "2027", "--ref",
                     f"Delibera {step}", today=today)
        check(result.returncode == 0, f"budget-direzionale/2027 {step} in order: " + result.stderr)
    result = run(state, "done", "piano-performance", "predispone", "--year", "2028",
                 "--ref", "Determinazione SG n. 3 del 07/01/2028", today=today)
    check(result.returncode == 0, "predispone allowed once the prerequisite is complete")
    result = run(state, "done", "piano-performance", "approva", "--year", "2028",
                 "--ref", "Delibera di Giunta n. 5 del 28/01/2028", today=today)
    check(result.returncode == 0 and "Registrato: piano-performance/2028 passo approva" in result.stdout,
          "approva allowed after predispone")
    again = run(state, "done", "piano-performance", "approva", "--year", "2028", "--ref", "bis",
                today=today)
    check(again.returncode == 3 and "already recorded as done" in again.stderr,
          "done twice is refused and says when and by whom")
    undo_first = run(state, "undo", "piano-performance", "predispone", "--year", "2028", today=today)
    check(undo_first.returncode == 3 and "passi successivi" in undo_first.stderr,
          "undo of a step with a later step recorded is refused")
    forced = run(state, "done", "relazione-performance", "valida", "--year", "2028", "--ref",
                 "Verbale OIV n. 4", "--force", today=today)
    check(forced.returncode == 0 and "Forzato" in forced.stdout, "--force records and says so")
    history = json.loads(run(state, "history", "relazione-performance", "--format", "json").stdout)
    check(len(history) == 1 and history[0]["forced"] is True, "the forced record is audited as forced")
    undone = run(state, "undo", "piano-performance", "predispone", "--year", "2028", "--note", "Errore",
                 "--force", today=today)
    check(undone.returncode == 0 and "restano registrati i passi successivi: approva" in undone.stdout,
          f"undo --force cancels the record and names the later steps ({undone.stdout.strip()!r})")
    history = json.loads(run(state, "history", "piano-performance", "--format", "json").stdout)
    check(history[-1]["action"] == "undone" and history[-1]["forced"] is True,
          "the forced undo is audited as forced")


def test_tracked_from(tmp):
    state = tmp / "tracked.db"
    result = run(state, "done", "piano-performance", "predispone", "--year", "2027",
                 "--ref", "Determinazione SG n. 1 del 07/01/2027")
    check(result.returncode == 0,
          "the 2027 Piano does not wait for budget-direzionale/2026, due before tracked_from")
    status = json.loads(run(state, "status", "--year", "2026", "--format", "json").stdout)
    standings = {s["standing"] for p in status["phases"] for s in p["steps"]}
    check(standings == {"untracked"}, f"2026 predates tracked_from: all untracked ({standings})")


def test_errors_suggest(tmp):
    state = tmp / "errors.db"
    cases = [
        (["done", "piano-perfomance", "approva", "--year", "2027", "--ref", "x"],
         'atto sconosciuto "piano-perfomance" (forse "piano-performance"?)'),
        (["done", "piano-performance", "aprova", "--year", "2027", "--ref", "x"],
         'non ha il passo "aprova" (forse "approva"?); passi: predispone, approva'),
        (["done", "sito-camerale", "pubblica", "--period", "2027-03", "--member", "aferari",
          "--ref", "x"], '"aferari" non è tra i componenti di Dirigenti (forse "aferrari"?)'),
        (["done", "report-direzionali", "analizza", "--year", "2027", "--ref", "x"],
         "ha più scadenze: indicare report-direzionali:SCADENZA"),
        (["done", "sito-camerale", "pubblica", "--year", "2027", "--ref", "x"],
         'l\'atto "sito-camerale" (month) vuole --period AAAA-MM'),
        (["done", "piano-performance", "approva", "--year", "2027"], "done richiede --ref"),
        (["waive", "piano-performance", "approva", "--year", "2027"], "waive richiede --note"),
    ]
    for args, message in cases:
        result = run(state, *args)
        check(result.returncode == 2 and message in result.stderr,
              f"{' '.join(args[:3])}: exit 2 with {message!r} (got {result.stderr.strip()!r})")
    check(not state.exists(), "invalid commands create no database")


def test_status_and_upcoming(tmp):
    state = tmp / "status.db"
    run(state, "waive", "sito-camerale", "pubblica", "--period", "2027-01", "--member", "aferrari",
        "--note", "Area senza obblighi nel mese")
    status = json.loads(run(state, "status", "--year", "2027", "--format", "json").stdout)
    phase4 = status["phases"][3]
    check(phase4["counts"]["waived"] == 1, "status counts the waived step")
    late = [s for p in status["phases"] for s in p["steps"] if s["standing"] == "late"]
    check(any(s["occurrence"] == "sito-camerale/2027-01" and s["days_late"] == 12 for s in late),
          "status: a member's monthly publication due 29/01 is 12 days late on 10/02")
    table = run(state, "status", "--year", "2027").stdout
    check("FASE 4 — Rendicontazione e trasparenza" in table and "\x1b[" not in table,
          "status table has the phases and no colour when not on a terminal")
    upcoming = json.loads(run(state, "upcoming", "--days", "30", "--format", "json").stdout)
    dues = [s["due"] for s in upcoming["steps"]]
    check(dues == sorted(dues) and all(d <= "2027-03-12" for d in dues), "upcoming: sorted, within 30 days")
    check(any(s["occurrence"] == "sito-camerale/2027-02" for s in upcoming["steps"]),
          "upcoming lists February's publication")
    check(any(s["occurrence"] == "report-operativi:verifica-annuale/2027" and s["step"] == "predispone"
              and s["due"] == "2027-03-11" for s in upcoming["steps"]),
          "upcoming lists a step due 11/03 of an act due after the window")


def test_concurrent_writers(tmp):
    state = tmp / "concurrent.db"
    members = ["aferrari", "fromano", "resposito"]
    jobs = [(f"2027-{m:02d}", member) for m in range(1, 13) for member in members]

    def record(job):
        period, member = job
        return run(state, "done", "sito-camerale", "pubblica", "--period", period, "--member",
                   member, "--ref", f"Pubblicazione {period} {member}")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(record, jobs))
    check(all(r.returncode == 0 for r in results), f"{len(jobs)} concurrent writers all succeed")
    check(not any("locked" in r.stderr for r in results), "no 'database is locked' reaches the user")
    rows = sqlite3.connect(state).execute("SELECT count(*) FROM step_state").fetchone()[0]
    check(rows == len(jobs), f"no lost update: {rows} records for {len(jobs)} writes")
    verify = run(state, "audit", "verify")
    check(verify.returncode == 0 and f"{len(jobs)} righe" in verify.stdout,
          "the audit chain of the concurrent writes verifies")

    def same_step(_):
        return run(state, "done", "sito-camerale", "pubblica", "--period", "2026-12", "--member",
                   "aferrari", "--ref", "gara")

    with ThreadPoolExecutor(max_workers=4) as pool:
        racing = list(pool.map(same_step, range(4)))
    codes = sorted(r.returncode for r in racing)
    check(codes == [0, 3, 3, 3], f"four processes racing on one step: one wins, three refused ({codes})")


def test_removed_act_history(tmp):
    # piano-performance is recorded, then deleted from a copy of the rules: its history
    # is read from the audit log, which does not need the act.
    state = tmp / "removed.db"
    result = run(state, "done", "piano-performance", "predispone", "--year", "2027",
                 "--ref", "Determinazione SG n. 3 del 07/01/2027")
    check(result.returncode == 0, "done on the act before it is removed: " + result.stderr)
    shutil.copytree(SOURCE / "rules", tmp / "rules")
    rule = tmp / "rules" / "rules.d" / "10-pianificazione.toml"
    text, removed = re.subn(r'^\[\[act\]\]\nid\s*=\s*"piano-performance"\n.*?(?=^\[\[act\]\])', "",
                            rule.read_text(encoding="utf-8"), count=1, flags=re.S | re.M)
    rule.write_text(text, encoding="utf-8")
    config = str(tmp / "rules" / "scadenzario.toml")
    gone = run(state, "done", "piano-performance", "approva", "--year", "2027", "--ref", "x", config=config)
    check(removed == 1 and gone.returncode == 2 and "piano-performance" in gone.stderr,
          "the act is gone from the copy of the rules: " + gone.stderr.strip())
    table = run(state, "history", "piano-performance", config=config)
    shown = table.returncode == 0 and "Determinazione SG n. 3 del 07/01/2027" in table.stdout
    check(shown, "history of the removed act still shows the record" + ("" if shown else ": " + table.stdout + table.stderr))
    rows = json.loads(run(state, "history", "piano-performance", "--format", "json", config=config).stdout or "[]")
    check([(r["action"], r["occurrence"], r["step"], r["reference"]) for r in rows] ==
          [("done", "piano-performance/2027", "predispone", "Determinazione SG n. 3 del 07/01/2027")],
          f"history --format json of the removed act has the record ({rows})")


def test_simulate(tmp):
    state = tmp / "simulate.db"
    window = ["simulate", "--from", "2027-01-01", "--to", "2027-01-31", "--format", "json"]
    before = json.loads(run(state, *window).stdout)["notifications"]
    check(not state.exists(), "simulate writes nothing (no database created)")
    keys = [n["key"] for n in before]
    check(len(keys) == len(set(keys)), "simulate: every notification has its own key")
    check([n["at"] for n in before] == sorted(n["at"] for n in before), "simulate: in time order")
    first = [n for n in before if n["occurrence"] == "piano-performance/2027" and n["step"] == "predispone"]
    check([n["at"] for n in first][:2] == ["2027-01-07T09:00", "2027-01-08T09:00"],
          "simulate: the SG is reminded on 07/01 and 08/01 at 09:00 (" + str([n["at"] for n in first]) + ")")
    check(first and first[0]["to"] == [{"name": "Maria Rossi",
                                        "email": "maria.rossi@cciaa-esempio.example.it"}],
          "simulate: recipients resolved to people and addresses")
    escalations = [n for n in first if n["kind"] == "escalation"]
    check(escalations and escalations[0]["at"] == "2027-01-11T09:00" and
          escalations[0]["recipient"] == "presidente",
          "simulate: the late SG is escalated to the Presidente on Monday 11/01")
    run(state, "done", "piano-performance", "predispone", "--year", "2027", "--ref", "Det. 1")
    after = json.loads(run(state, *window).stdout)["notifications"]
    check(not [n for n in after if n["occurrence"] == "piano-performance/2027" and
               n["step"] == "predispone"], "simulate: a done step is no longer reminded")


def test_backup_and_audit_export(tmp):
    state = tmp / "backup.db"
    run(state, "waive", "valutazione-dipendenti", "valuta", "--year", "2027", "--member",
        "fromano", "--note", "Nessun dipendente assegnato, \"area\" nuova")
    copy = tmp / "copia.db"
    result = run(state, "backup", str(copy))
    check(result.returncode == 0 and copy.exists(), "backup writes a copy")
    check(run(copy, "audit", "verify").returncode == 0, "the copy's audit chain verifies")
    before = digest(copy)
    again = run(state, "backup", str(copy))
    check(again.returncode == 3 and digest(copy) == before, "backup never overwrites a file")
    csv_text = run(state, "audit", "export", "--format", "csv").stdout
    check(csv_text.startswith("seq,at,author,action") and '"Nessun dipendente assegnato, ""area"" nuova"'
          in csv_text, "CSV export quotes commas and quotes (RFC 4180)")
    rows = json.loads(run(state, "audit", "export", "--format", "json").stdout)
    check(len(rows) == 1 and rows[0]["action"] == "waived", "JSON export has every row")


def test_bad_databases(tmp):
    corrupt = tmp / "corrupt.db"
    corrupt.write_bytes(b"questo non e' un database SQLite\n" * 300)
    before = digest(corrupt)
    result = run(corrupt, "status")
    check(result.returncode == 1 and "damaged or not a scadenzario database" in result.stderr,
          "a corrupt file is a clear error: " + result.stderr.strip())
    result = run(corrupt, "done", "sito-camerale", "pubblica", "--period", "2027-01", "--member",
                 "aferrari", "--ref", "x")
    check(result.returncode == 1 and digest(corrupt) == before, "a corrupt file is never overwritten")

    newer = tmp / "newer.db"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99").connection.commit()
    before = digest(newer)
    result = run(newer, "status")
    check(result.returncode == 1 and "newer than this scadenzario" in result.stderr and
          digest(newer) == before, "a database from a newer version is refused, unchanged")

    empty = tmp / "older.db"
    empty.touch()  # schema version 0: the oldest there is
    result = run(empty, "done", "sito-camerale", "pubblica", "--period", "2027-01", "--member",
                 "aferrari", "--ref", "x")
    version = sqlite3.connect(empty).execute("PRAGMA user_version").fetchone()[0]
    check(result.returncode == 0 and version >= 1, "an older (empty, version 0) database is migrated")

    readonly_dir = tmp / "ro"
    readonly_dir.mkdir()
    readonly = readonly_dir / "state.db"
    run(readonly, "waive", "sito-camerale", "pubblica", "--period", "2027-02", "--member",
        "aferrari", "--note", "x")
    os.chmod(readonly, 0o444)
    os.chmod(readonly_dir, 0o555)
    # Root ignores permissions: run as nobody, with a copy of the tool and the rules that
    # nobody can read wherever the checkout is.
    user = 65534 if os.geteuid() == 0 else None
    os.chmod(tmp, 0o755)
    shutil.copy(BINARY, tmp / "scadenzario")
    shutil.copytree(SOURCE / "rules", tmp / "rules")
    for path in [tmp / "scadenzario", *(tmp / "rules").rglob("*")]:
        os.chmod(path, 0o755)
    result = run(readonly, "done", "sito-camerale", "pubblica", "--period", "2027-03", "--member",
                 "aferrari", "--ref", "x", user=user, binary=str(tmp / "scadenzario"),
                 config=str(tmp / "rules" / "scadenzario.toml"))
    check(result.returncode == 1 and ("read-only" in result.stderr or "cannot open" in result.stderr),
          "a read-only database is a clear error: " + result.stderr.strip())
    os.chmod(readonly_dir, 0o755)


with tempfile.TemporaryDirectory() as directory:
    base = Path(directory)
    os.chmod(base, 0o755)
    for test in [test_rules_of_progress, test_tracked_from, test_errors_suggest, test_status_and_upcoming,
                 test_concurrent_writers, test_removed_act_history, test_simulate, test_backup_and_audit_export, test_bad_databases]:
        folder = base / test.__name__
        folder.mkdir()
        os.chmod(folder, 0o755)
        test(folder)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
