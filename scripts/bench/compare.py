#!/usr/bin/env python3
"""The benchmark behind docs/BENCHMARKS.md's "Skillsync against a per-row script" and "Planning at
scale": runs, in one go, every contender against the same sandbox build and rate limit, and prints
tables measured here (nothing typed in). Started by scripts/bench.sh, which builds the release binary.

  compare.py SKILLSYNC_BIN plan    : `skillsync plan FEED --json` at 10k/100k/1M rows against a generated
                                     20,000-agent, 300-skill sandbox, next to Python's bare csv read
  compare.py SKILLSYNC_BIN writes  : Skillsync's apply and the per-row loop (per_row_loop.py), each on a
                                     fresh sandbox of the same tenant and limit, run then re-run

Environment: PLATFORMS (genesys cxone), RUNS (3), SIZES (10000 100000 1000000), PER_AGENT (50),
W_AGENTS (40), W_SKILLS (30), W_PER_AGENT (10), LIMIT (240 requests/min), SLEEP (0.1 s), WORK (a temp dir).
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from per_row_loop import call  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
WORK = os.environ.get("WORK") or tempfile.mkdtemp(prefix="skillsync-bench-")
PLATFORMS = os.environ.get("PLATFORMS", "genesys cxone").split()
RUNS = int(os.environ.get("RUNS", "3"))


class Sandbox:
    """A `skillsync sandbox` process and its JSON line."""

    def __init__(self, platform, *args):
        self.info_path = os.path.join(WORK, f"sandbox-{platform}.json")
        self.out = open(self.info_path, "w")
        self.proc = subprocess.Popen([BIN, "sandbox", "--platform", platform, *args], stdout=self.out,
                                     stderr=subprocess.DEVNULL)
        for _ in range(600):
            time.sleep(0.1)
            if os.path.getsize(self.info_path) > 0:
                break
        else:
            raise SystemExit(f"the {platform} sandbox did not start")
        time.sleep(0.1)
        self.info = json.load(open(self.info_path))
        self.base = self.info["base_url"]

    def env(self):
        e = dict(os.environ, SKILLSYNC_CLIENT_SECRET=self.info["client_secret"])
        if "access_key_id" in self.info:
            e.update(SKILLSYNC_ACCESS_KEY_ID=self.info["access_key_id"],
                     SKILLSYNC_ACCESS_KEY_SECRET=self.info["access_key_secret"])
        return e

    def conn(self):
        return ["--platform", self.info["platform"], "--base-url", self.base, "--client-id", self.info["client_id"]]

    def get(self, what):
        with urllib.request.urlopen(f"{self.base}/__sandbox/{what}") as r:
            return json.load(r)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.out.close()


def timed(cmd, env=None):
    """Wall seconds (measured here) and peak RSS (KiB, from GNU time) of a command."""
    out = os.path.join(WORK, "time.txt")
    started = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, *cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if r.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({r.returncode}): {r.stderr[-2000:]}")
    return wall, int(open(out).read().split()[-1]), r.stdout


def load_average():
    return open("/proc/loadavg").read().split()[0]


def plan():
    sizes = [int(n) for n in os.environ.get("SIZES", "10000 100000 1000000").split()]
    per_agent = int(os.environ.get("PER_AGENT", "50"))
    py_read = 'import csv,sys; sum(1 for _ in csv.reader(open(sys.argv[1], newline="")))'
    print(f"# plan at scale: {RUNS} runs each, load average at start {load_average()}")
    print("| platform | rows | file | Python csv read (min / median) | skillsync plan (min / median) "
          "| plan ÷ read (median) | peak RSS (max) | RSS ÷ file | per row |")
    print("|---|---|---|---|---|---|---|---|---|")
    for platform in PLATFORMS:
        sb = Sandbox(platform, "--agents", "20000", "--skills", "300", "--rate-limit", "0")
        prefix = os.path.join(WORK, f"feed-{platform}")
        subprocess.run([sys.executable, os.path.join(HERE, "make_feed.py"), sb.info_path, str(per_agent), prefix,
                        *map(str, sizes)], check=True)
        for n in sizes:
            feed = f"{prefix}-{n}.csv"
            size = os.path.getsize(feed)
            reads, plans, rss = [], [], []
            for _ in range(RUNS):
                w, _, _ = timed([sys.executable, "-c", py_read, feed])
                reads.append(w)
                w, m, out = timed([BIN, "plan", feed, "--json", *sb.conn()], env=sb.env())
                summary = json.loads(out.strip().splitlines()[-1])
                assert summary["rows"] == n, summary
                plans.append(w)
                rss.append(m * 1024)
            mr, mp = statistics.median(reads), statistics.median(plans)
            print(f"| {platform} | {n:,} | {size / 1e6:.1f} MB | {min(reads):.2f} / {mr:.2f} s "
                  f"| {min(plans):.2f} / {mp:.2f} s | {mp / mr:.2f}× | {max(rss) / 1e6:.0f} MB "
                  f"| {max(rss) / size:.1f}× | {max(rss) / n:.0f} B |", flush=True)
        sb.stop()
    print(f"load average at end {load_average()}")


def feed_rows(path):
    with open(path, newline="") as f:
        return [(r["email"].lower(), r["skill"], float(r["proficiency"])) for r in csv.DictReader(f)]


def wrong_rows(sb, rows, answers=None):
    """Feed rows the tenant does not hold as asked, and, given the loop's answers, what each got."""
    held = {(a["email"].lower(), a["skill"]): float(a["proficiency"]) for a in sb.get("state")["assignments"]}
    wrong = [i for i, (e, s, v) in enumerate(rows) if held.get((e, s)) != v]
    if answers is None:
        return f"{len(wrong):,} of {len(rows):,}"
    why = {}
    for i in wrong:
        why[answers[i]] = why.get(answers[i], 0) + 1
    detail = ", ".join(f"{n:,} after {a}" for a, n in sorted(why.items(), key=lambda x: -x[1]))
    return f"{len(wrong):,} of {len(rows):,}" + (f" ({detail})" if detail else "")


def lower_bound(platform, tenant, rows):
    """Write calls no client can go below: Genesys one bulk PATCH per changed user (50 skills a
    call), CXone one call per skill and kind (add, update) per 1,000 agents."""
    held = {(a["email"].lower(), a["skill"]): float(a["proficiency"]) for a in tenant["assignments"]}
    per_user, per_skill = {}, {}
    for e, s, v in dict(((e, s), (e, s, v)) for e, s, v in rows).values():
        before = held.get((e, s))
        if before == v:
            continue
        per_user[e] = per_user.get(e, 0) + 1
        key = (s, before is None)
        per_skill[key] = per_skill.get(key, 0) + 1
    if platform == "genesys":
        return sum(-(-n // 50) for n in per_user.values())
    return sum(-(-n // 1000) for n in per_skill.values())


def rate(per_minute, limit, writes):
    """The achieved rate against the limit; a run that wrote nothing has no rate worth showing."""
    return f"{per_minute:.0f}/min = {per_minute / limit:.0%}" if writes else "— (nothing to write)"


def counted(sb, before):
    stats = sb.get("stats")
    reads = writes = 0
    for route, n in stats["by_route"].items():
        n -= before["by_route"].get(route, 0)
        if route.endswith("/token"):
            continue
        if route.startswith("GET "):
            reads += n
        else:
            writes += n
    return reads, writes, stats["throttled"] - before["throttled"]


def writes():
    agents = os.environ.get("W_AGENTS", "40")
    skills = os.environ.get("W_SKILLS", "30")
    per_agent = os.environ.get("W_PER_AGENT", "10")
    limit = int(os.environ.get("LIMIT", "240"))
    pause = os.environ.get("SLEEP", "0.1")
    print(f"# writes: {agents} agents, {skills} skills, {per_agent} rows per agent, rate limit {limit}/min "
          f"per token, loop sleep {pause} s; load average at start {load_average()}")
    print("| platform | contender | run | wall | requests (reads + writes) | writes ÷ lower bound "
          "| accepted requests per minute of wall time ÷ limit | 429s | rows wrong after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for platform in PLATFORMS:
        tenant_path = os.path.join(WORK, f"tenant-{platform}.json")
        feed = os.path.join(WORK, f"writes-{platform}.csv")
        subprocess.run([sys.executable, os.path.join(HERE, "make_data.py"), platform, agents, skills, per_agent,
                        tenant_path, feed], check=True)
        rows = feed_rows(feed)
        walls = {}
        for contender in ("skillsync", "per-row loop"):
            sb = Sandbox(platform, "--tenant", tenant_path, "--rate-limit", str(limit))
            for run in ("first", "re-run"):
                before = sb.get("stats")
                bound = lower_bound(platform, sb.get("state"), rows)
                if contender == "skillsync":
                    cmd = [BIN, "apply", feed, "--yes", "--json", *sb.conn(),
                           "--journal", os.path.join(WORK, f"journal-{platform}-{run}.jsonl"),
                           "--report", os.path.join(WORK, f"report-{platform}-{run}.csv")]
                    wall, _, _ = timed(cmd, env=sb.env())
                    answers = None
                else:
                    answers_path = os.path.join(WORK, f"answers-{platform}-{run}.txt")
                    wall, _, _ = timed([sys.executable, os.path.join(HERE, "per_row_loop.py"), sb.info_path, feed,
                                        pause, answers_path])
                    answers = open(answers_path).read().splitlines()
                reads, wr, throttled = counted(sb, before)
                per_minute = (reads + wr - throttled) / wall * 60 if wall else 0
                walls[(contender, run)] = wall
                print(f"| {platform} | {contender} | {run} | {wall:.2f} s | {reads + wr:,} ({reads:,} + {wr:,}) "
                      f"| {wr:,} ÷ {bound:,} | {rate(per_minute, limit, wr)} | {throttled:,} "
                      f"| {wrong_rows(sb, rows, answers)} |", flush=True)
            sb.stop()
        print(f"| {platform} | loop ÷ skillsync, wall (first run) | | "
              f"{walls[('per-row loop', 'first')] / walls[('skillsync', 'first')]:.1f}× | | | | | |")
    print(f"load average at end {load_average()}")


if __name__ == "__main__":
    {"plan": plan, "writes": writes}[sys.argv[2]]()
