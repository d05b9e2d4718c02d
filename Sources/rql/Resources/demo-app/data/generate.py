#!/usr/bin/env python3
"""Regenerates the demo app's documents: Task.json, Project.json and Log.json.

    python3 Sources/rql/Resources/demo-app/data/generate.py

The output is MongoDB Extended JSON v2 in relaxed mode, one document per line, as `mongoexport`
writes it (compact separators, UTF-8 text unescaped, optional fields sometimes missing and
sometimes null). The files are written next to this script. Everything derives from SEED, so a
run reproduces the committed files byte for byte; change SEED (or the tables below) on purpose
only, and update the counts quoted in ../README.md.

The data is a snapshot "as of" 2026-12-01T00:00:00Z: every task was created before it, and an
overdue task that is not done is usually (not always: the nightly job is imperfect) "late".
"""

import json
import os
import random
from datetime import datetime, timedelta, timezone

SEED = 20261201
AS_OF = datetime(2026, 12, 1, tzinfo=timezone.utc)
HERE = os.path.dirname(os.path.abspath(__file__))

TASK_COUNT = 300
LOG_COUNT = 20

USERS = ["alice", "bob", "carol", "dave", "erin"]
# alice owns the most tasks so `owner == "alice"` queries have plenty to find.
OWNER_WEIGHTS = [30, 22, 20, 15, 13]

TAGS = ["urgent", "bug", "feature", "docs", "frontend", "backend", "ops", "design", "review",
        "customer", "q4", "blocked"]
TAG_WEIGHTS = [16, 14, 12, 8, 9, 9, 6, 6, 8, 7, 5, 4]

VERBS = ["Write", "Fix", "Review", "Update", "Draft", "Prepare", "Migrate", "Deploy", "Test",
         "Refactor", "Plan", "Clean up", "Investigate", "Finalize", "Translate", "Ship", "Check"]
OBJECTS = [
    # Six mention "report" in some capitalization, for `title CONTAINS[c] "report"`.
    "quarterly report", "weekly status report", "Sales Report", "expense REPORT",
    "bug report template", "reporting dashboard",
    "login flow", "API docs", "onboarding checklist", "release notes", "CI pipeline",
    "search index", "invoice export", "café menu", "résumé template", "Élodie's feedback",
    "crash on launch", "dark mode", "push notifications", "database backups", "billing page",
    "user survey", "budget spreadsheet", "press kit", "naïve date handling", "sign-up form",
    "password reset", "Android build", "iOS widget", "pricing page", "data retention policy",
    "SSO settings", "PDF export", "rate limiter", "customer interviews", "accessibility audit",
    "offline mode", "email templates", "Q4 roadmap", "team offsite",
]
SUFFIXES = [" 🚀", " 🐛", " ✅", " 🔥", " (v2)", " ASAP", " for Q4", " — follow-up", "!!", " 📊"]
# A few hand-written titles, placed at fixed positions: quotes, accents, emoji, odd casing.
SPECIAL_TITLES = [
    'Rename "Inbox" folder',
    "Reporter's guide",
    "REPORT: outage 2026-10-14 😱",
    "Zoë's café onboarding ☕",
    "ship it",
    "Ünïcödé filenames in exports",
    "🎉 Launch party",
    "Fix typo in README",
]

# (name, owner, status, members, budget) where budget is decimal text, None (null) or
# "missing" (field absent).
PROJECTS = [
    ("Website Relaunch", "alice", "active", ["alice", "bob", "carol"], "125000.00"),
    ("Q4 Reporting", "alice", "active", ["alice", "dave"], "18500.50"),
    ("Mobile App 2.0", "bob", "active", ["bob", "alice", "erin", "carol"], "310000"),
    ("Café Expansion ☕", "carol", "active", ["carol", "erin"], "42000.75"),
    ("Security Audit", "dave", "active", ["dave", "bob"], None),
    ("Onboarding Revamp", "erin", "active", ["erin", "alice"], "9999.99"),
    ("Data Platform", "bob", "active", ["bob", "dave", "carol"], "1250000.00"),
    ("Legacy Cleanup", "dave", "archived", ["dave"], "missing"),
    ("Hiring 2026", "carol", "archived", ["carol", "alice", "bob", "dave", "erin"], "0"),
    ("Internal Tools", "erin", "active", [], "missing"),
    ("Résumé Builder", "alice", "archived", ["alice", "erin"], "7300.10"),
    ("Customer Portal", "carol", "active", ["carol", "bob", "dave"], "88000.00"),
]

LOG_LEVELS = ["debug", "info", "info", "info", "warn", "warn", "error"]
LOG_MESSAGES = [
    "sync session started for user {user}",
    "subscription set v{n} complete ({k} objects downloaded)",
    "upload failed: network timeout after {s} s, retrying",
    "compensating write on Task: write not allowed for user {user}",
    "client reset completed (recover unsynced changes)",
    "bootstrap of {k} objects took {s} s",
    "écriture refusée : permission manquante pour {user}",
    "query subscription rejected: field 'title' is not queryable",
    "app backgrounded 💤",
    "low disk space: {k} MB free",
]


class ObjectIds:
    """ObjectIds like a driver makes them: 4 bytes of seconds, 5 fixed bytes, a 3-byte counter."""

    def __init__(self, rng):
        self.process = rng.getrandbits(40)
        self.counter = rng.getrandbits(24)

    def make(self, when):
        self.counter = (self.counter + 1) % (1 << 24)
        return "%08x%010x%06x" % (int(when.timestamp()), self.process, self.counter)


def oid(hex_text):
    return {"$oid": hex_text}


def date(when):
    """Relaxed $date: ISO-8601 in UTC, with milliseconds only when there are some."""
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        text += ".%03d" % (when.microsecond // 1000)
    return {"$date": text + "Z"}


def random_time(rng, start, end, millis=0.3):
    seconds = rng.randrange(int((end - start).total_seconds()))
    when = start + timedelta(seconds=seconds)
    if rng.random() < millis:
        when += timedelta(milliseconds=rng.randrange(1, 1000))
    return when


def optional(doc, key, value, rng, missing, null):
    """Sets doc[key] to value, or leaves it out (probability `missing`), or sets null."""
    r = rng.random()
    if r < missing:
        return
    doc[key] = None if r < missing + null else value


def make_projects(rng):
    ids = ObjectIds(rng)
    projects = []
    for name, owner, status, members, budget in PROJECTS:
        created = random_time(rng, datetime(2026, 1, 5, tzinfo=timezone.utc),
                              datetime(2026, 5, 1, tzinfo=timezone.utc))
        projects.append({"created": created, "name": name, "owner": owner, "status": status,
                         "members": list(members), "budget": budget})
    projects.sort(key=lambda p: p["created"])
    docs = []
    for p in projects:
        p["_id"] = ids.make(p["created"])
        doc = {"_id": oid(p["_id"]), "owner": p["owner"], "name": p["name"], "status": p["status"],
               "members": p["members"]}
        if p["budget"] is None:
            doc["budget"] = None
        elif p["budget"] != "missing":
            doc["budget"] = {"$numberDecimal": p["budget"]}
        doc["created"] = date(p["created"])
        docs.append(doc)
    return projects, docs


def make_title(rng, index):
    if index % 37 == 11:
        return SPECIAL_TITLES[(index // 37) % len(SPECIAL_TITLES)]
    title = rng.choice(VERBS) + " " + rng.choice(OBJECTS)
    if rng.random() < 0.3:
        title += rng.choice(SUFFIXES)
    return title


def make_tags(rng):
    r = rng.random()
    if r < 0.05:
        return "missing"
    if r < 0.13:
        return []
    tags = []
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        tag = rng.choices(TAGS, TAG_WEIGHTS)[0]
        if tag not in tags:
            tags.append(tag)
    return tags


def make_tasks(rng, projects):
    tasks = []
    for i in range(TASK_COUNT):
        owner = rng.choices(USERS, OWNER_WEIGHTS)[0]
        created = random_time(rng, datetime(2026, 5, 1, tzinfo=timezone.utc),
                              datetime(2026, 11, 28, tzinfo=timezone.utc))
        mine = [p for p in projects if owner in p["members"]]
        r = rng.random()
        project = (rng.choice(mine) if mine and r < 0.8 else
                   rng.choice(projects) if r < 0.85 else None)

        tags = make_tags(rng)
        # Two tasks carry "Urgent" instead of "urgent": `"urgent" IN tags` misses them,
        # `ANY tags ==[c] "urgent"` finds them.
        if i in (42, 217):
            tags = ["Urgent", "customer"]
        urgent = tags != "missing" and "urgent" in tags
        if urgent and rng.random() < 0.7:
            priority = rng.choice([4, 5])
        else:
            priority = rng.choices([1, 2, 3, 4, 5], [14, 30, 34, 15, 7])[0]

        r = rng.random()
        if r < 0.15:
            due = "missing"
        elif r < 0.27:
            due = None
        else:
            day = (created + timedelta(days=rng.randint(2, 75))).replace(
                hour=rng.choice([0, 9, 12, 17, 17, 23]), minute=rng.choice([0, 0, 0, 30, 59]),
                second=0, microsecond=0)
            due = day
        # Three tasks are due exactly at the boundary: `due < 2026-12-01@00:00:00` excludes
        # them, `due <= 2026-12-01@00:00:00` includes them.
        if i in (7, 150, 290):
            due = AS_OF

        archived = project is not None and project["status"] == "archived"
        done = rng.random() < (0.9 if archived else 0.3)
        overdue = isinstance(due, datetime) and due < AS_OF
        if done:
            status = "done"
        elif overdue and rng.random() < 0.8:
            status = "late"
        else:
            status = rng.choice(["open", "open", "in_progress"])

        r = rng.random()
        if r < 0.12:
            assignee = "missing"
        elif r < 0.27:
            assignee = None
        elif r < 0.6:
            assignee = owner
        else:
            pool = project["members"] if project and project["members"] else USERS
            assignee = rng.choice(pool)

        r = rng.random()
        if r < 0.15:
            estimate = "missing"
        elif r < 0.3:
            estimate = None
        elif r < 0.4:
            estimate = round(rng.uniform(0.1, 6), 1)
        else:
            estimate = rng.randint(1, 96) / 4  # quarter hours: 0.25 ... 24.0

        tasks.append({"i": i, "owner": owner, "assignee": assignee, "title": make_title(rng, i),
                      "status": status, "priority": priority, "tags": tags, "due": due,
                      "created": created, "estimate": estimate, "done": done,
                      "project": project, "project_null": rng.random() < 0.5})

    # mongoexport lists documents in insertion order; the app inserts them as they are created.
    tasks.sort(key=lambda t: t["created"])
    ids = ObjectIds(rng)
    docs = []
    for t in tasks:
        doc = {"_id": oid(ids.make(t["created"])), "owner": t["owner"]}
        if t["assignee"] != "missing":
            doc["assignee"] = t["assignee"]
        doc["title"] = t["title"]
        doc["status"] = t["status"]
        doc["priority"] = t["priority"]
        if t["tags"] != "missing":
            doc["tags"] = t["tags"]
        if t["due"] != "missing":
            doc["due"] = None if t["due"] is None else date(t["due"])
        doc["created"] = date(t["created"])
        if t["estimate"] != "missing":
            doc["estimate"] = t["estimate"]
        doc["done"] = t["done"]
        if t["project"] is not None:
            doc["project_id"] = oid(t["project"]["_id"])
        elif t["project_null"]:
            doc["project_id"] = None
        docs.append(doc)
    return docs


def make_logs(rng):
    ids = ObjectIds(rng)
    when = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    docs = []
    for _ in range(LOG_COUNT):
        when += timedelta(seconds=rng.randint(5, 3600), milliseconds=rng.randrange(1000))
        message = rng.choice(LOG_MESSAGES).format(
            user=rng.choice(USERS), n=rng.randint(1, 9), k=rng.randint(3, 900),
            s=round(rng.uniform(0.2, 30), 1))
        docs.append({"_id": oid(ids.make(when)), "level": rng.choice(LOG_LEVELS),
                     "message": message, "at": date(when)})
    return docs


def write(name, docs):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    print("%s: %d documents" % (name, len(docs)))


def main():
    rng = random.Random(SEED)
    projects, project_docs = make_projects(rng)
    task_docs = make_tasks(rng, projects)
    log_docs = make_logs(rng)
    write("Project.json", project_docs)
    write("Task.json", task_docs)
    write("Log.json", log_docs)


if __name__ == "__main__":
    main()
