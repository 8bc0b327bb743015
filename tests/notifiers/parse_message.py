"""The Maildir channel's message, read by independent parsers (message_checks.py).

Usage: /usr/bin/python3 parse_message.py PATH/TO/maildir_message_writer
"""
import os
import subprocess
import sys
import tempfile

from message_checks import check, check_message


def main():
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        maildir = os.path.join(root, "Maildir")
        path = subprocess.run([writer, maildir], check=True, capture_output=True, text=True).stdout.strip()
        check(os.listdir(os.path.join(maildir, "new")) == [os.path.basename(path)], "one file in new/")
        check(os.listdir(os.path.join(maildir, "tmp")) == [], "tmp/ empty")
        with open(path, "rb") as file:
            check_message(file.read())
    print("ok: the Maildir message parses as expected")


if __name__ == "__main__":
    main()
