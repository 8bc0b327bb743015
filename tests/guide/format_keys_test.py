#!/usr/bin/python3
"""rules/FORMAT.md documents exactly the keys the loader accepts.

The loader's own lists are read from its source: every `k_..._keys` array of
daemon/, and the table each names in its TableReader (`TableReader reader(table,
"[delivery]", k_delivery_keys, ...)`). FORMAT.md binds each reference table to the same
name with a comment, `<!-- keys: [delivery] -->`. A key the loader accepts but the
reference leaves out fails, and so does a documented key the loader would reject.
Usage: format_keys_test.py SOURCE_DIR
"""
import re
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1])
ARRAY = re.compile(r"k_(\w+)_keys\s*=\s*\{(.*?)\};", re.S)
READER = re.compile(r"TableReader\s+\w+\(\s*[^,]+,\s*([^,]+?),\s*(k_\w+_keys)")
# A table whose name is passed in: the global policy is the one the reference names.
PASSED_IN = {"k_reminder_keys": "[reminders]"}


def loader_tables():
    """{table name: set of keys} from the loader's source."""
    arrays, names = {}, {}
    for path in sorted((SOURCE / "daemon").rglob("*.cpp")):
        text = path.read_text()
        for name, body in ARRAY.findall(text):
            arrays["k_" + name + "_keys"] = set(re.findall(r'"([^"]+)"', body))
        for what, array in READER.findall(text):
            literal = re.fullmatch(r'"([^"]+)"', what.strip())
            names[array] = literal.group(1) if literal else PASSED_IN.get(array, what.strip())
    return {names.get(array, array): keys for array, keys in arrays.items()}, arrays, names


def documented_tables():
    """{table name: set of keys} from the tables of FORMAT.md."""
    tables, current = {}, None
    for line in (SOURCE / "rules/FORMAT.md").read_text().splitlines():
        marker = re.match(r"<!-- keys: (.+?) -->", line)
        if marker:
            current = marker.group(1)
            tables[current] = set()
        elif current and line.startswith("|"):
            key = re.match(r"\|\s*`([^`]+)`", line)
            if key:
                tables[current].add(key.group(1))
        elif current and line.strip():
            current = None
    return tables


def main():
    failures = 0
    loader, arrays, names = loader_tables()
    documented = documented_tables()
    print(f"loader: {len(arrays)} key lists; FORMAT.md: {len(documented)} reference tables")
    unnamed = sorted(a for a in arrays if a not in names)
    if unnamed or len(arrays) < 10:
        print(f"FAIL cannot tell which table these key lists are for: {unnamed}")
        failures += 1
    for table, keys in sorted(loader.items()):
        doc = documented.get(table)
        if doc is None:
            print(f"FAIL {table}: no reference table in rules/FORMAT.md (add <!-- keys: {table} -->)")
            failures += 1
            continue
        missing, stale = sorted(keys - doc), sorted(doc - keys)
        ok = not missing and not stale
        print(("ok   " if ok else "FAIL ") + f"{table}: the loader's {len(keys)} keys" +
              (f"; undocumented: {missing}" if missing else "") +
              (f"; documented but unknown to the loader: {stale}" if stale else ""))
        failures += not ok
    for table in sorted(set(documented) - set(loader)):
        print(f"FAIL {table}: documented in FORMAT.md, but the loader reads no such table")
        failures += 1
    print(f"{failures} failure(s)")
    return 1 if failures else 0


sys.exit(main())
