#!/usr/bin/python3
"""Writes the N-body synthetic rule set: one configuration whose rules.d holds, for each
body, a copy of every default act with ids suffixed by the body's number.

  bench/synthetic_bodies.py OUT_DIR [BODIES=8000]

OUT_DIR gets scadenzario.toml (a copy of rules/scadenzario.toml), attori.toml and
rules.d/: 00-attori.toml as is, then one file per body. Every act id, and every `after`
reference to it, becomes ID-bNNNN, so the acts of different bodies never meet; the roles
and people are shared. The set is a stress test of one process holding many acts, not a
way to run many bodies (that is one service instance per body).
"""
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"


def act_ids(text):
    # `id = "..."` inside [[act]] tables only: actors live in 00-attori.toml.
    return re.findall(r'^id\s*=\s*"([^"]+)"', text, flags=re.M)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    bodies = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    (out / "rules.d").mkdir(parents=True, exist_ok=True)
    shutil.copy(RULES / "scadenzario.toml", out / "scadenzario.toml")
    shutil.copy(RULES / "attori.toml", out / "attori.toml")
    shutil.copy(RULES / "rules.d" / "00-attori.toml", out / "rules.d" / "00-attori.toml")

    act_files = sorted(p for p in (RULES / "rules.d").glob("*.toml") if p.name != "00-attori.toml")
    # Comments carry no rules; dropping them keeps the set's size to what the loader reads.
    texts = [re.sub(r"^\s*#.*\n", "", p.read_text(), flags=re.M) for p in act_files]
    ids = sorted({i for t in texts for i in act_ids(t)}, key=len, reverse=True)
    pattern = re.compile(r'"(' + "|".join(map(re.escape, ids)) + r')([":])')
    template = "\n".join(texts)
    total = 0
    for body in range(1, bodies + 1):
        text = pattern.sub(lambda m: f'"{m.group(1)}-b{body:04d}{m.group(2)}', template)
        (out / "rules.d" / f"50-ente-{body:04d}.toml").write_text(text)
        total += len(text)
    print(f"{bodies} bodies x {len(ids)} acts = {bodies * len(ids)} acts, "
          f"{total / 1e6:.1f} MB of TOML in {out / 'rules.d'}")


main()
