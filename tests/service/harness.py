"""What the tests of the real service share: checks, waiting, reading a delivered
message, and the rule files of a body whose acts all fall due at one instant.

The tests are plain scripts run by CTest; a script's own folder is on Python's path, so
`import harness` works from tests/service, and tests/soak adds this folder itself.
"""
import email
import email.message
import email.policy
import sys
import time

failures = []


def check(condition, what):
    """Prints the outcome of one check; a failed one is kept for finish()."""
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def finish():
    """Prints the number of failures and returns the script's exit status."""
    print(f"{len(failures)} failures")
    return 1 if failures else 0


def wait_until(condition, timeout=30, interval=0.05):
    """True as soon as condition() holds, False if it still does not after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def plain_text(message):
    """The text/plain alternative of a message (parsed, or its raw bytes); "" if none."""
    if not isinstance(message, email.message.Message):
        message = email.message_from_bytes(message, policy=email.policy.default)
    body = message.get_body(("plain",))
    return body.get_content() if body else ""


def act_table(act_id, title, due, actor="giunta", action="APPROVA"):
    """One act due every year on `due` (MM-DD), with one step."""
    return (f'[[act]]\nid = "{act_id}"\ntitle = "{title}"\nphase = 1\npurpose = "Prova"\n'
            f'legal_basis = "Prova"\ndue = "{due}"\n'
            f'  [[act.step]]\n  actor = "{actor}"\n  action = "{action}"\n')


# One message per notification, sent on the due day only: a burst is easy to count.
BURST_CONFIG = ('name = "Camera di prova"\nrules_dir = "rules.d"\n'
                '[delivery]\ndigest = false\n[reminders]\nlead_days = [0]\n')

GIUNTA = ('[[actor]]\nid = "giunta"\ntitle = "Giunta"\n\n'
          '[[person]]\nid = "lgreco"\nname = "Laura Greco"\nemail = "laura.greco@example.it"\n'
          'roles = ["giunta"]\n')


def smtp_config(smtp_port, timeout_seconds, connect_timeout_seconds=2):
    """The configuration of a test body that sends one e-mail per notification, on the due
    day only, by plain SMTP to 127.0.0.1:smtp_port; [smtp] is last, for more keys."""
    return f'''name = "Camera di commercio di Prova"
rules_dir = "rules.d"
[delivery]
digest = false
from_address = "scadenzario@cciaa-prova.example.it"
[reminders]
lead_days = [0]
[smtp]
url = "smtp://127.0.0.1:{smtp_port}/scadenzario.test"
security = "none"
timeout_seconds = {timeout_seconds}
connect_timeout_seconds = {connect_timeout_seconds}
'''


def write_burst_body(folder, acts):
    """A body in `folder` whose `acts` acts (atto-000 ...) all fall due on 15/02 at 09:00."""
    (folder / "rules.d").mkdir(parents=True)
    (folder / "scadenzario.toml").write_text(BURST_CONFIG, encoding="utf-8")
    text = [GIUNTA] + [act_table(f"atto-{i:03d}", f"Atto {i:03d}", "02-15") for i in range(acts)]
    (folder / "rules.d" / "10-atti.toml").write_text("\n".join(text), encoding="utf-8")


if __name__ == "__main__":
    sys.exit("harness.py is imported by the tests, not run")
