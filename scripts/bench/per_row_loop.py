#!/usr/bin/env python3
"""The per-row script users write (see the user reports): resolve names to ids once, then one request
per CSV row, one after another, a fixed sleep between them, no read of the current state and no
retry. Python standard library only, as such scripts are.

Genesys Cloud: POST /api/v2/users/{userId}/routingskills {"id", "proficiency"} per row.
NICE CXone:    POST /skills/{skillId}/agents {"agents": [{"agentId", "proficiency", "isActive"}]} per row.

usage: per_row_loop.py SANDBOX_INFO_JSON FEED_CSV SLEEP_SECONDS [ANSWERS_FILE]
Prints one JSON line: requests by kind and status, and the wall time. ANSWERS_FILE gets one line per
feed row with the answer its request got (a status, "200 item error" for CXone's 200 that reports a
failed item, "-" when a name did not resolve), for the benchmark to say why rows went wrong; the
script itself, like the scripts in the reports, does nothing with the answers.
"""
import base64
import csv
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def call(method, url, token=None, body=None, form=None, basic=None):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, None


def main():
    info = json.load(open(sys.argv[1]))
    rows = list(csv.DictReader(open(sys.argv[2], newline="")))
    pause = float(sys.argv[3])
    answers = []
    base = info["base_url"].rstrip("/")
    counts = {"reads": 0, "writes": 0, "status": {}}
    started = time.monotonic()

    def note(status, write):
        counts["writes" if write else "reads"] += 1
        counts["status"][str(status)] = counts["status"].get(str(status), 0) + 1

    if info["platform"] == "genesys":
        _, tok = call("POST", f"{base}/oauth/token", form={"grant_type": "client_credentials"},
                      basic=f'{info["client_id"]}:{info["client_secret"]}')
        token = tok["access_token"]
        users, skills, page = {}, {}, 1
        while True:
            status, body = call("GET", f"{base}/api/v2/users?pageSize=500&pageNumber={page}", token)
            note(status, False)
            for u in body.get("entities", []):
                users[u["email"].lower()] = u["id"]
            if page >= body.get("pageCount", 1):
                break
            page += 1
        page = 1
        while True:
            status, body = call("GET", f"{base}/api/v2/routing/skills?pageSize=500&pageNumber={page}", token)
            note(status, False)
            for s in body.get("entities", []):
                skills[s["name"]] = s["id"]
            if page >= body.get("pageCount", 1):
                break
            page += 1
        for row in rows:
            user, skill = users.get(row["email"].lower()), skills.get(row["skill"])
            if user and skill:
                status, _ = call("POST", f"{base}/api/v2/users/{user}/routingskills", token,
                                 body={"id": skill, "proficiency": float(row["proficiency"])})
                note(status, True)
                answers.append(str(status))
            else:
                answers.append("-")
            time.sleep(pause)
    else:
        _, tok = call("POST", f"{base}/auth/token",
                      form={"grant_type": "password", "username": info["access_key_id"],
                            "password": info["access_key_secret"]},
                      basic=f'{info["client_id"]}:{info["client_secret"]}')
        token = tok["access_token"]
        api = f"{base}/incontactapi/services/v33.0"
        agents, skills, skip = {}, {}, 0
        while True:
            status, body = call("GET", f"{api}/agents?skip={skip}&top=1000", token)
            note(status, False)
            page = (body or {}).get("agents", [])
            for a in page:
                agents[a["emailAddress"].lower()] = a["agentId"]
            skip += len(page)
            if not page or skip >= body.get("totalRecords", 0):
                break
        status, body = call("GET", f"{api}/skills?top=1000", token)
        note(status, False)
        for s in (body or {}).get("skills", []):
            skills[s["skillName"]] = s["skillId"]
        for row in rows:
            agent, skill = agents.get(row["email"].lower()), skills.get(row["skill"])
            if agent and skill:
                status, body = call("POST", f"{api}/skills/{skill}/agents", token,
                                    body={"agents": [{"agentId": agent, "proficiency": int(row["proficiency"]),
                                                      "isActive": True}]})
                note(status, True)
                failed = status == 200 and int(((body or {}).get("resultSet") or {}).get("errorCount") or 0) > 0
                answers.append("200 item error" if failed else str(status))
            else:
                answers.append("-")
            time.sleep(pause)
    counts["seconds"] = round(time.monotonic() - started, 3)
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as f:
            f.write("".join(a + "\n" for a in answers))
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
