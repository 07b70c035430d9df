#!/usr/bin/env python3
"""Writes feeds of several sizes for a running sandbox tenant (`skillsync sandbox --agents N ...`):
PER_AGENT rows per agent (email,skill,proficiency) for the first agents in the tenant's order
(inactive ones too: their rows plan as invalid, as a real feed's would),
every skill the agent holds (a fifth of them at another level) and new skills up to PER_AGENT.
Deterministic for a given tenant and seed. Reads the tenant through its own API and /__sandbox/state.

usage: make_feed.py SANDBOX_INFO_JSON PER_AGENT OUT_PREFIX ROWS [ROWS ...]
writes OUT_PREFIX-ROWS.csv for each ROWS (a multiple of PER_AGENT).
"""
import csv
import json
import random
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from per_row_loop import call  # noqa: E402


def tenant(info):
    base = info["base_url"].rstrip("/")
    emails, skills = [], []
    if info["platform"] == "genesys":
        _, tok = call("POST", f"{base}/oauth/token", form={"grant_type": "client_credentials"},
                      basic=f'{info["client_id"]}:{info["client_secret"]}')
        token, page = tok["access_token"], 1
        while True:
            _, body = call("GET", f"{base}/api/v2/users?state=any&pageSize=500&pageNumber={page}", token)
            emails += [u["email"] for u in body["entities"]]
            if page >= body["pageCount"]:
                break
            page += 1
        _, body = call("GET", f"{base}/api/v2/routing/skills?pageSize=500", token)
        skills = [s["name"] for s in body["entities"]]
        levels = list(range(1, 6))
    else:
        _, tok = call("POST", f"{base}/auth/token",
                      form={"grant_type": "password", "username": info["access_key_id"],
                            "password": info["access_key_secret"]},
                      basic=f'{info["client_id"]}:{info["client_secret"]}')
        token, skip = tok["access_token"], 0
        api = f"{base}/incontactapi/services/v33.0"
        while True:
            _, body = call("GET", f"{api}/agents?skip={skip}&top=1000", token)
            page = (body or {}).get("agents", [])
            emails += [a["emailAddress"] for a in page]
            skip += len(page)
            if not page or skip >= body["totalRecords"]:
                break
        _, body = call("GET", f"{api}/skills?top=1000", token)
        skills = [s["skillName"] for s in body["skills"]]
        levels = list(range(1, 21))
    _, state = call("GET", f"{base}/__sandbox/state")
    held = {}
    for a in state["assignments"]:
        held.setdefault(a["email"], {})[a["skill"]] = a["proficiency"]
    return emails, skills, levels, held


def main():
    info = json.load(open(sys.argv[1]))
    per_agent, prefix = int(sys.argv[2]), sys.argv[3]
    sizes = sorted(int(n) for n in sys.argv[4:])
    emails, skills, levels, held = tenant(info)
    rng = random.Random(11)
    rows = []
    for email in emails[: sizes[-1] // per_agent]:
        mine = held.get(email, {})
        chosen = [s for s in mine if s in skills][:per_agent]
        rest = [s for s in skills if s not in mine]
        chosen += rng.sample(rest, per_agent - len(chosen))
        for s in chosen:
            if s in mine and rng.random() >= 0.2:
                level = mine[s]
            else:
                level = rng.choice(levels)
            rows.append((email, s, int(level) if float(level).is_integer() else level))
    for n in sizes:
        with open(f"{prefix}-{n}.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["email", "skill", "proficiency"])
            w.writerows(rows[:n])


if __name__ == "__main__":
    main()
