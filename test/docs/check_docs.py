#!/usr/bin/env python3
"""Every shell command the docs show must be one CI runs.

    check_docs.py REPO_ROOT

Collects the lines of every ```sh block in docs/*.md and README.md's user
guide pages, and fails (naming file and line) for a command that does not
occur verbatim in one of the scripts CI executes: docs/tutorial.sh (run by
ports/run-tests.sh's tutorial stage), examples/consumer/check.sh (the
install stage) and ports/*.sh. Blocks in other languages (or none) are
synopses, not commands.
"""
import glob
import os
import sys


def script_lines(root):
    scripts = [os.path.join(root, "docs", "tutorial.sh"), os.path.join(root, "examples", "consumer", "check.sh")]
    scripts += glob.glob(os.path.join(root, "ports", "*.sh"))
    lines = set()
    for path in scripts:
        with open(path) as f:
            lines.update(line.strip() for line in f)
    return lines


def shell_blocks(path):
    """(line number, command) of every line inside a ```sh block."""
    in_block = False
    with open(path) as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if stripped.startswith("```"):
                in_block = (not in_block) and stripped[3:].strip() in ("sh", "bash", "shell")
                continue
            if in_block and stripped and not stripped.startswith("#"):
                yield number, stripped


def main():
    root = sys.argv[1]
    known = script_lines(root)
    docs = sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    checked, missing = 0, []
    for doc in docs:
        for number, command in shell_blocks(doc):
            checked += 1
            if command not in known:
                missing.append("%s:%d: %s" % (os.path.relpath(doc, root), number, command))
    for m in missing:
        print("not run by CI: " + m)
    print("%d shell commands in %d docs; %d not run by CI" % (checked, len(docs), len(missing)))
    return 1 if missing or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
