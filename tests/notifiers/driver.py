"""Runs channel_driver (one real channel, sample messages) and reads its lines."""
import subprocess


def run_driver(driver, *args):
    """The driver's lines as (outcome, retry_after, detail, scope, refused addresses)."""
    done = subprocess.run([driver, *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise SystemExit("driver failed: " + done.stderr)
    lines = []
    for line in done.stdout.splitlines():
        outcome, retry_after, scope, refused, detail = line.split("\t", 4)
        lines.append((outcome, retry_after, detail, scope, [] if refused == "-" else refused.split(",")))
    return lines
