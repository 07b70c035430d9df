#!/usr/bin/env python3
"""Writes a sandbox tenant (the CLI's --tenant JSON) and a feed CSV that fits it, deterministically.

The tenant has AGENTS users and SKILLS skills; each agent already holds part of the skills the feed
will name for them. The feed is the nightly kind: PER_AGENT rows per agent (email,skill,proficiency),
about CHANGED of the held skills at another level, NEW of the rows new assignments, the rest as the
platform has them. Proficiencies are on the platform's own scale (Genesys 1-5, CXone 1-20).

usage: make_data.py PLATFORM AGENTS SKILLS PER_AGENT TENANT_JSON FEED_CSV [--seed N]
       [--changed 0.2] [--new 0.15] [--feed-agents N]  (only the first N agents appear in the feed)
"""
import argparse
import csv
import json
import random

FIRST = ["ana", "ben", "carla", "dmitri", "eva", "farid", "grace", "hugo", "ines", "jonas", "kemi", "liam",
         "maria", "nikos", "olga", "pablo", "quinn", "rosa", "sanjay", "tomas", "uma", "viktor", "wen", "zoe"]
LAST = ["silva", "okafor", "nguyen", "schmidt", "rossi", "kowalski", "tanaka", "garcia", "novak", "haddad",
        "murphy", "jensen", "moreau", "petrov", "santos", "kim", "ali", "costa", "dubois", "weber"]
AREAS = ["Billing", "Sales", "Retention", "Tech Support", "Claims", "Onboarding", "Collections", "Returns",
         "Shipping", "Accounts", "Fraud", "Loyalty", "Warranty", "Payments", "Upgrades"]
LANGS = ["English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch", "Polish", "Turkish",
         "Arabic"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("platform", choices=["genesys", "cxone"])
    p.add_argument("agents", type=int)
    p.add_argument("skills", type=int)
    p.add_argument("per_agent", type=int)
    p.add_argument("tenant")
    p.add_argument("feed")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--changed", type=float, default=0.2)
    p.add_argument("--new", type=float, default=0.15)
    p.add_argument("--feed-agents", type=int, default=None)
    a = p.parse_args()
    rng = random.Random(a.seed)
    levels = list(range(1, 6)) if a.platform == "genesys" else list(range(1, 21))

    skills = []
    for n in range(a.skills):
        area = AREAS[n % len(AREAS)]
        lang = LANGS[(n // len(AREAS)) % len(LANGS)]
        tier = n // (len(AREAS) * len(LANGS))
        skills.append(f"{area} - {lang}" + (f" {tier + 1}" if tier else ""))
    users = []
    for n in range(a.agents):
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
        users.append({"email": f"{first}.{last}.{n}@example.com", "name": f"{first.title()} {last.title()}"})

    assignments, rows = [], []
    feed_agents = a.agents if a.feed_agents is None else min(a.feed_agents, a.agents)
    for i, u in enumerate(users):
        picked = rng.sample(range(a.skills), min(a.per_agent, a.skills))
        for s in picked:
            level = rng.choice(levels)
            r = rng.random()
            if r < a.new:
                held = None  # a new assignment
            elif r < a.new + a.changed:
                held = rng.choice([v for v in levels if v != level])
            else:
                held = level
            if held is not None:
                assignments.append({"email": u["email"], "skill": skills[s], "proficiency": held})
            if i < feed_agents:
                rows.append((u["email"], skills[s], level))

    with open(a.tenant, "w") as f:
        json.dump({"skills": [{"name": s} for s in skills], "users": users, "assignments": assignments}, f)
    with open(a.feed, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["email", "skill", "proficiency"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
