#!/usr/bin/env python3
"""End-to-end tests of the rql REPL through a real pseudo-terminal (pexpect) and through a pipe.

Run after `swift build`: python3 Tests/e2e/repl_e2e.py [path/to/rql]
Prints one line per check and ends with 'e2e: N passed, M failed'; exit status 1 on a failure.
"""
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

import pexpect

RQL = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/rql")
PROMPT = "rql> "
results = []
spawns = []   # the REPL processes, for the report when one stops answering


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def spawn(home, columns=160, cwd=None):
    env = dict(os.environ, HOME=home, EDITRC="/dev/null", NO_COLOR="1", TERM="xterm", LANG="C.UTF-8")
    child = pexpect.spawn(RQL, env=env, encoding="utf-8", timeout=20, dimensions=(40, columns), cwd=cwd)
    spawns.append(child)
    child.expect_exact(PROMPT)
    return child


def display_width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def number_after(child, command):
    child.sendline(command)
    child.expect(r"\r\n(\d+)\r\n")
    value = int(child.match.group(1))
    child.expect_exact(PROMPT)
    return value


def run(home):
    # Session 1: completion, Ctrl-C, diagnostics, bytecode, history.
    child = spawn(home)
    child.sendline(".mode count")
    child.expect_exact(PROMPT)
    total = number_after(child, "TRUEPREDICATE")
    check("the demo app is loaded", total >= 100, f"{total} objects")

    child.send("prio\t")                       # Tab completes the property name
    child.send(" >= 5\r")
    child.expect(r"\r\n(\d+)\r\n")
    high = int(child.match.group(1))
    child.expect_exact(PROMPT)
    check("Tab completes a property of the current collection", 0 < high < total, f"priority >= 5 gave {high}")

    # Half-typed, then Ctrl-C at once: the interrupt often lands while libedit is still echoing the
    # keys, which is when libedit's own reader used to miss it and hang. Several rounds to catch that.
    for _ in range(5):
        child.send('owner == "ali')
        child.sendintr()
        child.expect_exact("^C")
        child.expect_exact(PROMPT)
    after = number_after(child, "TRUEPREDICATE")
    check("Ctrl-C clears the half-typed query", after == total, f"{after} != {total}")

    child.sendline("priorité > 1")             # typed UTF-8 reaches the parser intact
    child.expect_exact("has no property 'priorité'")
    child.expect_exact(PROMPT)
    check("non-ASCII keys are read as UTF-8", True)

    child.sendline("agee > 1")
    child.expect_exact("has no property 'agee'")
    child.expect(r"\^\^\^\^")
    child.expect_exact(PROMPT)
    check("a bad query shows a caret under the offending token", True)

    child.sendline(".bytecode priority > 3 AND 'urgent' IN tags")
    child.expect_exact("intCompare")
    child.expect_exact("anyBytesEqual")
    child.expect_exact(PROMPT)
    check(".bytecode shows the program", True)

    child.sendline("priority >= 5")
    child.expect(r"\r\n(\d+)\r\n")
    child.expect_exact(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    check("Ctrl-D leaves with status 0", child.exitstatus == 0, f"status {child.exitstatus}")
    history = open(os.path.join(home, ".rql_history"), encoding="utf-8", errors="replace").read()
    check("history is written to ~/.rql_history", "priority" in history and "TRUEPREDICATE" in history, history[-200:])

    # Session 2: Up recalls a query from the previous session.
    child = spawn(home)
    child.sendline(".mode count")
    child.expect_exact(PROMPT)
    child.send("\x1b[A\x1b[A\r")               # Up twice: past '.mode count' to 'priority >= 5'
    child.expect(r"\r\n(\d+)\r\n")
    recalled = int(child.match.group(1))
    child.expect_exact(PROMPT)
    check("Up recalls a query from the previous session", recalled == high, f"{recalled} != {high}")
    child.sendline(".quit")
    child.expect(pexpect.EOF)

    # Session 3: a table fits the terminal, and follows it when the window is resized; Tab
    # completes a file name.
    child = spawn(home, columns=130, cwd=home)
    child.sendline(".limit 5")
    child.expect_exact(PROMPT)
    child.sendline("TRUEPREDICATE")
    child.expect(r"\(5 of \d+ rows; \.limit 0 shows all\)")
    table = child.before.split("\r\n")[1:]          # after the echoed query
    child.expect_exact(PROMPT)
    widest = max(map(display_width, table))
    check("a table of the 12 Task properties fits a 130-column terminal", 100 < widest <= 130 and "…" in table[2],
          f"{widest} columns: {table[:3]!r}")
    child.setwinsize(40, 100)
    child.sendline(".mode auto")
    child.expect_exact(PROMPT)
    child.sendline("TRUEPREDICATE")
    child.expect_exact(PROMPT)
    check("resized to 100 columns, .mode auto shows the rows as a list", "\r\nproject_id = " in child.before, child.before[-300:])
    with open(os.path.join(home, "counts.rql"), "w") as f:
        f.write(".mode count\nTRUEPREDICATE\n")
    child.send(".read cou\t")
    child.send("\r")
    child.expect(r"\r\n(\d+)\r\n")
    counted = int(child.match.group(1))
    child.expect_exact(PROMPT)
    check("Tab completes a file name after .read", counted == total, f"{counted} != {total}")
    child.sendline(".quit")
    child.expect(pexpect.EOF)

    # A long load says how far it is on a terminal, and not through a pipe.
    big = os.path.join(home, "many-tasks.json")
    tasks = [__import__("json").loads(l) for l in open(os.path.join(DEMO, "data", "Task.json")) if l.strip()]
    with open(big, "w") as f:
        for n in range(40_000):
            task = dict(tasks[n % len(tasks)], _id={"$oid": "%024x" % (10**9 + n)})
            f.write(__import__("json").dumps(task) + "\n")
    child = spawn(home)
    child.sendline(f".load {big} Task")
    child.expect_exact(PROMPT, timeout=120)
    check("a long .load shows its progress on a terminal", "documents read" in child.before, child.before[-200:])
    child.sendline(".quit")
    child.expect(pexpect.EOF)
    piped = subprocess.run([RQL], input=f".load {big} Task\n", capture_output=True, text=True, env=dict(os.environ, HOME=home), timeout=120)
    check("and none through a pipe", piped.returncode == 0 and "documents read" not in piped.stderr + piped.stdout,
          piped.stderr[-200:])

    # Through a pipe: no prompt, no escape codes, just the results.
    pipe = subprocess.run([RQL], input=".mode count\npriority >= 5\nowner == \"nobody\"\n", capture_output=True, text=True,
                          env=dict(os.environ, HOME=home), timeout=30)
    check("a pipe gets plain output", pipe.returncode == 0 and pipe.stdout == f"{high}\n0\n" and "\x1b" not in pipe.stdout,
          repr(pipe.stdout) + repr(pipe.stderr))
    failing = subprocess.run([RQL], input='.mode count\nownr == "x"\nTRUEPREDICATE\n', capture_output=True, text=True,
                             env=dict(os.environ, HOME=home), timeout=30)
    check("a script with a failed statement runs the rest and exits 65",
          failing.returncode == 65 and failing.stdout == f"{total}\n" and "RQL2002" in failing.stderr,
          f"{failing.returncode} {failing.stdout!r} {failing.stderr[-200:]!r}")
    first = tasks[0]
    edited = subprocess.run([RQL], input=".mode count\n.index priority\n"
                            f".update {{\"_id\": {{\"$oid\": \"{first['_id']['$oid']}\"}}, \"priority\": 99}}\n"
                            "priority == 99\n"
                            f".delete {{\"$oid\": \"{first['_id']['$oid']}\"}}\nTRUEPREDICATE\n.plan priority == 99\n",
                            capture_output=True, text=True, env=dict(os.environ, HOME=home), timeout=30)
    check(".update and .delete change what the next query sees, and the index follows",
          edited.returncode == 0 and edited.stdout.splitlines()[1:] == ["updated; %d objects in 'Task'" % total, "1",
                                                                        "deleted; %d objects in 'Task'" % (total - 1), str(total - 1),
                                                                        "SEARCH Task USING INDEX priority (priority=?)"],
          repr(edited.stdout) + repr(edited.stderr[-300:]))
    bailing = subprocess.run([RQL], input='.mode count\n.bail on\nownr == "x"\nTRUEPREDICATE\n', capture_output=True, text=True,
                             env=dict(os.environ, HOME=home), timeout=30)
    check(".bail on stops at the first failure", bailing.returncode == 65 and bailing.stdout == "",
          f"{bailing.returncode} {bailing.stdout!r}")


DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources", "rql", "Resources", "demo-app")


def cli():
    """The command line: exit codes, the syntax-only check, JSON output, indexes and the plan."""
    def rql(*args):
        return subprocess.run([RQL, *args], capture_output=True, text=True, timeout=60, env=dict(os.environ, NO_COLOR="1"))
    task = ["--app", DEMO, "--collection", "Task"]
    data = ["--data", os.path.join(DEMO, "data", "Task.json")]

    bad = rql("check", "age > 3 AND")
    check("rql check without a schema checks the syntax: 65 and a caret", bad.returncode == 65 and "^" in bad.stderr, bad.stderr)
    good = rql("check", "age > 3")
    check("rql check without a schema says only the syntax was checked",
          good.returncode == 0 and "no schema given" in good.stdout, good.stdout + good.stderr)
    js = rql("check", "--json", "agee > 3", *task)
    try:
        entries = __import__("json").loads(js.stdout)
        ok = js.returncode == 65 and entries[0]["code"] == "RQL2002" and entries[0]["line"] == 1 and entries[0]["column"] == 1 \
            and entries[0]["range"] == {"start": 0, "end": 4}
    except (ValueError, KeyError, IndexError):
        ok = False
    check("rql check --json prints code, line, column and range", ok, js.stdout + js.stderr)
    plain = rql("eval", *task, *data, "--count", 'owner == "alice"')
    counted = rql("eval", *task, *data, "--count", "--json", 'owner == "alice"')
    check("rql eval --count --json prints {\"count\": N}",
          counted.stdout.strip() == '{"count": ' + plain.stdout.strip() + "}", counted.stdout + counted.stderr)
    indexed = rql("eval", *task, *data, "--count", "--index", "owner", "--index", "priority", 'owner == "alice" OR priority == 1')
    scanned = rql("eval", *task, *data, "--count", 'owner == "alice" OR priority == 1')
    check("rql eval --index gives the scan's answer", indexed.returncode == 0 and indexed.stdout == scanned.stdout,
          indexed.stdout + indexed.stderr + scanned.stdout)
    typo = rql("eval", *task, *data, "--index", "ownr", "TRUEPREDICATE")
    check("rql eval --index with a misspelt property: 64 and a suggestion",
          typo.returncode == 64 and "did you mean 'owner'?" in typo.stderr, typo.stderr)
    both = subprocess.run([RQL, "eval", *task, "--data", "-", "-"], input="priority < 5\n", capture_output=True, text=True, timeout=60)
    check("rql eval with the query and the documents both on standard input is a usage error (64)",
          both.returncode == 64 and "both come from standard input" in both.stderr, f"{both.returncode} {both.stdout!r} {both.stderr!r}")
    query = 'priority > 4 AND "urgent" IN tags'
    cli_listing = rql("explain", *task, query).stdout.split("-- plan")[0]
    repl_listing = subprocess.run([RQL], input=f".use Task\n.explain {query}\n", capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, NO_COLOR="1")).stdout.split("-- plan")[0]
    check("rql explain and the REPL's .explain print the same stages", cli_listing == repl_listing and "-- bytecode" in cli_listing,
          cli_listing[-200:] + " | " + repl_listing[-200:])
    plan = rql("explain", *task, "--index", "priority", "priority > 4")
    check("rql explain prints the plan", "SEARCH Task USING INDEX priority (priority>?)" in plan.stdout, plan.stdout[-300:])


try:
    cli()
    run(tempfile.mkdtemp(prefix="rql-e2e-"))
except (pexpect.TIMEOUT, pexpect.EOF) as error:
    last = spawns[-1].before if spawns else ""
    check(f"the check after {len(results)} passed ones", False,
          f"{type(error).__name__} waiting for the REPL; its last output: {last[-300:]!r}")

passed = sum(results)
print(f"e2e: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
