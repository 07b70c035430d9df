// Runs the end-to-end cases against the built app: `node tests/e2e/run.mjs [part of a case name…]` after
// `npm run ui:build && cargo build -p skillsync-app --features e2e -p skillsync-cli` (the feature
// compiles in the stand-in that answers the app's file dialogs).
//
// Each case gets its own WebKitWebDriver on a free port, whose environment (fresh config and data
// folders, automation on, a fast sandbox) the app it launches inherits, and a fresh app session.
// Whatever happens, the session is deleted and every process started here is killed; a failure
// leaves tests/e2e/artifacts/<case>.png and <case>.log behind. The last line of output is always
// `e2e (WebDriver, real app): N passed, N failed`; the exit code is 1 when any case failed.
//
// The app needs a display, a session bus and an unlocked Secret Service keychain. Unless
// SKILLSYNC_E2E_WRAPPED=1 says the caller provides them, the runner starts itself again inside
// Xvfb, a private D-Bus session and a throwaway gnome-keyring, so nothing touches a real keychain.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Session, waitFor } from "./webdriver.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const ARTIFACTS = join(HERE, "artifacts");
const APP = join(ROOT, "target/debug/skillsync-app");
const CLI = join(ROOT, "target/debug/skillsync");
const DRIVER = "WebKitWebDriver";

const RUN_LIMIT_MS = 12 * 60_000;
const CASE_LIMIT_MS = 150_000;
const SESSION_START_MS = 60_000;
const EXEC_MS = 30_000;
const KILL_GRACE_MS = 3_000;
/** The inner run, once signalled, deletes its session and kills its processes: let it. */
const WRAPPER_GRACE_MS = 25_000;

const CLOSING = "e2e (WebDriver, real app):";
const closing = (passed, failed) => `${CLOSING} ${passed} passed, ${failed} failed`;

/**
 * The report's lines. Wrapped, they go to a descriptor of their own, because the daemons of the
 * private session (the accessibility bus the webview starts, gnome-keyring) inherit stdout.
 */
const REPORT_FD = Number(process.env.SKILLSYNC_E2E_REPORT_FD) || null;
function say(line) {
  if (REPORT_FD) writeSync(REPORT_FD, `${line}\n`);
  else console.log(line);
}

// ---------------------------------------------------------------------------------------------
// Processes. Every child gets its own process group so that killing it also ends what it started
// (WebKitWebDriver's app, a shell's children); all of them are remembered until they exit.

const live = new Set();

function track(child) {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

function spawnGroup(cmd, args, { env = process.env, stdio = ["ignore", "ignore", "ignore"] } = {}) {
  const child = spawn(cmd, args, { env, stdio, detached: true });
  child.once("error", () => {});
  return track(child);
}

/**
 * Whether a process of the group still runs. Zombies do not count: the app's helper processes are
 * reparented to init when it exits, and init here reaps them only every second or so.
 */
function groupAlive(pgid) {
  let pids;
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return err.code === "EPERM";
    }
  }
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/** Waits until no process of the group is left (the leader exiting is not enough). */
async function groupGone(pgid, ms) {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** SIGTERM to the child's whole group, SIGKILL to what is left after a grace period. */
async function killGroup(child, graceMs = KILL_GRACE_MS) {
  if (child.pid === undefined || !groupAlive(child.pid)) return;
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  if (await groupGone(child.pid, graceMs)) return;
  signal("SIGKILL");
  await groupGone(child.pid, graceMs);
}

/** Runs a command to completion with a timeout; rejects on a non-zero exit unless allowed. */
function exec(cmd, args, extraEnv = {}, { allowFail = false, timeoutMs = EXEC_MS } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawnGroup(cmd, args, { env: { ...process.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => {
      void killGroup(child);
      reject(new Error(`${cmd} ${args.join(" ")}: no exit in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0 || allowFail) resolvePromise({ code, stdout, stderr });
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

function withTimeout(promise, ms, message) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The wrapper: display, bus and keychain of our own, then this same script inside them.

function rerunWrapped() {
  const keyringHome = join(tmpdir(), `skillsync-e2e-keyring-${process.pid}`);
  mkdirSync(keyringHome, { recursive: true });
  const inner = `echo -n e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null 3>&- && exec node ${JSON.stringify(fileURLToPath(import.meta.url))} "$@"`;
  // What the session's daemons print is kept in a file; the report comes back on descriptor 3.
  mkdirSync(ARTIFACTS, { recursive: true });
  const sessionLog = join(ARTIFACTS, "session.log");
  const logFd = openSync(sessionLog, "w");
  const child = spawnGroup("xvfb-run", ["-a", "-s", "-screen 0 1600x1200x24", "dbus-run-session", "--", "bash", "-c", inner, "e2e", ...process.argv.slice(2)], {
    env: { ...process.env, SKILLSYNC_E2E_WRAPPED: "1", SKILLSYNC_E2E_REPORT_FD: "3", XDG_DATA_HOME: keyringHome },
    stdio: ["ignore", logFd, logFd, "pipe"],
  });
  closeSync(logFd);
  let reported = "";
  const report = child.stdio[3];
  report?.setEncoding("utf8");
  report?.on("data", (chunk) => {
    reported += chunk;
    process.stdout.write(chunk);
  });
  const reportEnded = report ? new Promise((r) => report.once("close", r)) : Promise.resolve();
  const cleanup = () => rm(keyringHome, { recursive: true, force: true });
  // The inner run bounds itself; this is the backstop should the wrapper itself wedge.
  const backstop = setTimeout(async () => {
    console.log(`the wrapped run did not end within ${(RUN_LIMIT_MS + 30_000) / 1000} s`);
    await killGroup(child, WRAPPER_GRACE_MS);
  }, RUN_LIMIT_MS + 30_000);
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => void killGroup(child, WRAPPER_GRACE_MS));
  child.once("error", (err) => {
    console.log(`could not start xvfb-run: ${err.message}`);
    console.log(closing(0, 1));
    process.exitCode = 1;
  });
  child.once("exit", async (code) => {
    clearTimeout(backstop);
    // xvfb-run may go first (on a signal it only takes Xvfb down); the inner run is still
    // cleaning up and has its closing line to print.
    await groupGone(child.pid, WRAPPER_GRACE_MS);
    // A daemon that inherited descriptor 3 may hold it open past the run: wait a moment, no more.
    await Promise.race([reportEnded, new Promise((r) => setTimeout(r, 1_000))]);
    report?.destroy();
    await cleanup();
    if (!reported.includes(CLOSING)) {
      console.log(`the wrapped run ended (exit ${code}) without a report; see ${sessionLog}`);
      console.log(closing(0, 1));
      process.exitCode = 1;
    } else {
      process.exitCode = code ?? 1;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// One case: driver, session, the test, and the cleanup that always runs.

async function startDriver(env, logFd) {
  const port = await freePort();
  const child = spawnGroup(DRIVER, [`--port=${port}`], { env, stdio: ["ignore", logFd, logFd] });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`${DRIVER} exited with ${child.exitCode}`);
    const res = await fetch(`${base}/status`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  }, 10_000, `${DRIVER} to listen on ${port}`);
  return { child, base };
}

async function runCase(test, active) {
  const started = Date.now();
  const png = join(ARTIFACTS, `${test.name}.png`);
  const log = join(ARTIFACTS, `${test.name}.log`);
  await rm(png, { force: true });
  const tmp = await mkdtemp(join(tmpdir(), `skillsync-e2e-${test.name}-`));
  const configDir = join(tmp, "config");
  const dataDir = join(tmp, "data");
  mkdirSync(configDir);
  mkdirSync(dataDir);
  const logFd = openSync(log, "w");
  const children = [];
  let session = null;
  let error = null;
  let closed = false;

  active.name = test.name;
  active.cleanup = async () => {
    // A case that ran out of time is still running: from here on it may start nothing new.
    closed = true;
    if (session) await session.delete();
    for (const child of children.reverse()) await killGroup(child);
    await rm(tmp, { recursive: true, force: true });
  };

  try {
    const env = {
      ...process.env,
      TAURI_WEBVIEW_AUTOMATION: "true",
      SKILLSYNC_CONFIG_DIR: configDir,
      SKILLSYNC_DATA_DIR: dataDir,
      SKILLSYNC_SANDBOX_LATENCY_MS: "5",
      // The user at the file dialogs: each dialog answers with the path written in this file.
      SKILLSYNC_DIALOG_STANDIN: join(tmp, "dialog-answer.txt"),
    };
    const driver = await startDriver(env, logFd);
    children.push(driver.child);
    session = await Session.start(driver.base, { "webkitgtk:browserOptions": { binary: APP, args: [] } }, SESSION_START_MS);
    const ctx = {
      s: session,
      root: ROOT,
      app: APP,
      cli: CLI,
      tmp,
      configDir,
      dataDir,
      /** What the next file dialog answers: a path, or "" for "cancelled". */
      answerDialog: (path) => writeFile(env.SKILLSYNC_DIALOG_STANDIN, path),
      spawn: (cmd, args, { stdout = "ignore" } = {}) => {
        if (closed) throw new Error(`${test.name} is over: not starting ${cmd}`);
        const child = spawnGroup(cmd, args, { env, stdio: ["ignore", stdout, logFd] });
        children.push(child);
        return child;
      },
      exec: (cmd, args, extraEnv, options) => {
        if (closed) return Promise.reject(new Error(`${test.name} is over: not running ${cmd}`));
        return exec(cmd, args, { ...env, ...extraEnv }, options);
      },
    };
    const limit = test.limitMs ?? CASE_LIMIT_MS;
    await withTimeout(test.run(ctx), limit, `the case did not finish within ${limit / 1000} s`);
  } catch (err) {
    error = err;
    if (session) {
      try {
        await writeFile(png, await session.screenshot());
      } catch (shotErr) {
        await writeFile(log, `\nno screenshot: ${shotErr.message}\n`, { flag: "a" }).catch(() => {});
      }
    }
  } finally {
    await active.cleanup();
    active.cleanup = null;
    active.name = null;
    closeSync(logFd);
    if (!error) await rm(log, { force: true });
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (error) {
    say(`FAIL ${test.name} (${secs} s): ${test.title}`);
    say(`     ${String(error.message).split("\n").join("\n     ")}`);
    say(`     screenshot: ${existsSync(png) ? png : "none"}; log: ${log}`);
  } else {
    say(`ok   ${test.name} (${secs} s): ${test.title}`);
  }
  return !error;
}

async function main() {
  const { CASES: ALL } = await import("./cases.mjs");
  // Names given on the command line pick cases by part of their name (`node run.mjs wizard`).
  const wanted = process.argv.slice(2);
  const CASES = wanted.length === 0 ? ALL : ALL.filter((c) => wanted.some((w) => c.name.includes(w)));
  if (CASES.length === 0) {
    say(`no case matches ${wanted.join(", ")}; the cases are ${ALL.map((c) => c.name).join(", ")}`);
    say(closing(0, 1));
    process.exit(1);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  let passed = 0;
  let failed = 0;
  const active = { name: null, cleanup: null };

  const stop = async (why) => {
    say(active.name ? `FAIL ${active.name}: ${why}` : why);
    if (active.cleanup) await active.cleanup().catch(() => {});
    for (const child of [...live]) await killGroup(child);
    say(closing(passed, CASES.length - passed));
    process.exit(1);
  };
  const deadline = setTimeout(() => void stop(`the run did not finish within ${RUN_LIMIT_MS / 1000} s`), RUN_LIMIT_MS);
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => void stop(`stopped by ${sig}`));

  const missing = [APP, CLI].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    say(`not built: ${missing.join(", ")} (npm run ui:build && cargo build -p skillsync-app --features e2e -p skillsync-cli)`);
    say(closing(0, CASES.length));
    process.exit(1);
  }

  const started = Date.now();
  for (const test of CASES) {
    if (await runCase(test, active)) passed += 1;
    else failed += 1;
  }
  clearTimeout(deadline);
  for (const child of [...live]) await killGroup(child);
  say(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  say(closing(passed, failed));
  process.exit(failed > 0 ? 1 : 0);
}

if (process.env.SKILLSYNC_E2E_WRAPPED === "1") {
  main().catch((err) => {
    say(`the runner failed: ${err.stack ?? err}`);
    for (const child of [...live]) void killGroup(child);
    say(closing(0, 1));
    process.exit(1);
  });
} else {
  rerunWrapped();
}
