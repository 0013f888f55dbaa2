#!/usr/bin/env python3
"""Slowest tests of a test stage, so every CI log shows the margin left.

    test-times.py save  RUN_DIR LABEL BUILD_DIR  # after `meson test -C BUILD_DIR`
    test-times.py report RUN_DIR [N]             # slowest N (default 3) of all saved runs

`save` keeps one meson test run: its meson tests (duration and timeout, from
meson-logs/testlog.json and `meson introspect --tests`) and its gtest cases
(from meson-logs/testlog.junit.xml, which meson writes for protocol 'gtest').
`report` prints the slowest meson tests with the share of their timeout used,
the slowest gtest cases, and a WARNING line for every meson test that took
more than half its timeout. Standard library only.
"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET


def save(run_dir, label, build_dir):
    logs = os.path.join(build_dir, "meson-logs")
    timeouts = {}
    try:
        tests = json.loads(subprocess.run(["meson", "introspect", "--tests", build_dir], check=True,
                                          capture_output=True, text=True).stdout)
        timeouts = {t["name"]: t.get("timeout") for t in tests}
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    rows = []
    try:
        with open(os.path.join(logs, "testlog.json")) as f:
            for line in f:
                t = json.loads(line)
                # With suites, meson names a test "<project> / <name>" here.
                name = t["name"].split(" / ")[-1]
                rows.append({"kind": "meson", "name": name, "seconds": float(t.get("duration") or 0),
                             "timeout": timeouts.get(name)})
    except (OSError, ValueError):
        pass
    try:
        for suite in ET.parse(os.path.join(logs, "testlog.junit.xml")).getroot().iter("testsuite"):
            for case in suite.iter("testcase"):
                if case.get("classname") == suite.get("name"):
                    continue  # meson's own entry for a non-gtest test
                # Suite names are "<project>.<meson test>.<gtest suite>".
                meson_test = suite.get("name", "").split(".")[1:2]
                rows.append({"kind": "gtest", "name": "%s: %s.%s" % (meson_test[0].split(" / ")[-1] if meson_test else "?",
                                                                    case.get("classname"), case.get("name")),
                             "seconds": float(case.get("time") or 0)})
    except (OSError, ET.ParseError):
        pass
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "runs.jsonl"), "a") as f:
        for r in rows:
            r["run"] = label
            f.write(json.dumps(r) + "\n")


def report(run_dir, n):
    try:
        with open(os.path.join(run_dir, "runs.jsonl")) as f:
            rows = [json.loads(line) for line in f]
    except OSError:
        print("  (no test times recorded)")
        return
    meson_tests = sorted((r for r in rows if r["kind"] == "meson"), key=lambda r: -r["seconds"])
    cases = sorted((r for r in rows if r["kind"] == "gtest"), key=lambda r: -r["seconds"])
    print("  slowest meson tests (of %d):" % len(meson_tests))
    for r in meson_tests[:n]:
        share = " (%3.0f %% of its %d s timeout)" % (100 * r["seconds"] / r["timeout"], r["timeout"]) \
            if r.get("timeout") else ""
        print("    %8.2f s  %s [%s]%s" % (r["seconds"], r["name"], r["run"], share))
    if cases:
        print("  slowest test cases (of %d):" % len(cases))
    for r in cases[:n]:
        print("    %8.2f s  %s [%s]" % (r["seconds"], r["name"], r["run"]))
    for r in meson_tests:
        if r.get("timeout") and r["seconds"] > r["timeout"] / 2:
            print("  WARNING: %s [%s] took %.1f s, more than half its %d s timeout" %
                  (r["name"], r["run"], r["seconds"], r["timeout"]))


def main(argv):
    if len(argv) == 5 and argv[1] == "save":
        save(argv[2], argv[3], argv[4])
    elif len(argv) in (3, 4) and argv[1] == "report":
        report(argv[2], int(argv[3]) if len(argv) == 4 else 3)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
