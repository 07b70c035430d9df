// The end-to-end cases: each drives the real app (the built binary in a WebKitGTK webview) the way
// an analyst would, through the data-testids of ui/src. Expected numbers come from the engine itself
// via the CLI against a fresh sandbox of the same demo tenant, so the tests check that the window
// shows what the engine decides rather than a copy of today's figures.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { GiveUp, waitFor } from "./webdriver.mjs";

const STEP_MS = 15_000;
/** Planning and applying read and write a sandbox tenant: allow for a slow, loaded machine. */
const JOB_MS = 60_000;

const tid = (id) => `[data-testid="${id}"]`;

/** With SKILLSYNC_E2E_SHOTS=DIR, each screen of the whole job is saved there for a person to look at. */
async function snap(s, name) {
  const dir = process.env.SKILLSYNC_E2E_SHOTS;
  if (dir) await writeFile(join(dir, `${name}.png`), await s.screenshot());
}

// ---------------------------------------------------------------------------------------------
// Screen helpers. Each waits for what it needs and says what it saw when it gives up, because a
// failure on a headless display is otherwise only a screenshot.

async function find(s, css, ms = STEP_MS) {
  return waitFor(() => s.find(css), ms, `${css} to appear`);
}

async function absent(s, css) {
  return (await s.find(css)) === null;
}

async function textOf(s, css, ms = STEP_MS) {
  return waitFor(async () => {
    const el = await s.find(css);
    return el ? await s.text(el) : null;
  }, ms, `${css} to appear`).then((t) => t.trim());
}

/** Waits until the text of `css` equals `want` (a string) or matches it (a RegExp). */
async function waitText(s, css, want, ms = STEP_MS) {
  let seen = "(absent)";
  try {
    return await waitFor(async () => {
      const el = await s.find(css);
      if (!el) return null;
      seen = (await s.text(el)).trim();
      return (typeof want === "string" ? seen === want : want.test(seen)) ? seen : null;
    }, ms, `${css}`);
  } catch {
    throw new Error(`${css}: wanted ${want instanceof RegExp ? want : JSON.stringify(want)}, saw ${JSON.stringify(seen)} after ${ms} ms`);
  }
}

/**
 * Waits for `okCss` after an action that can fail; when the step's error banner shows instead, the
 * test fails at once with what the banner says rather than after the whole wait.
 */
async function settle(s, okCss, errorCss, ms = JOB_MS) {
  const which = await waitFor(async () => ((await s.find(okCss)) ? "ok" : (await s.find(errorCss)) ? "error" : null), ms, `${okCss} (or ${errorCss})`);
  if (which === "error") throw new Error(`${errorCss} showed instead of ${okCss}: ${await textOf(s, errorCss)}`);
}

/** For a result that is final once shown (a test verdict): wait for it, then judge it at once. */
async function finalText(s, css, want, ms = JOB_MS) {
  await find(s, css, ms);
  return waitText(s, css, want, 1_000);
}

async function disabled(s, css) {
  const el = await find(s, css);
  return (await s.property(el, "disabled")) === true;
}

/** Clicks `css` once it is there and enabled: a disabled button swallows a click silently. */
async function click(s, css, ms = STEP_MS) {
  const el = await waitFor(async () => {
    const e = await s.find(css);
    return e && (await s.property(e, "disabled")) !== true ? e : null;
  }, ms, `${css} to be enabled`);
  await s.click(el);
}

async function type(s, css, text) {
  const el = await find(s, css);
  await s.sendKeys(el, text);
}

/** Empties a React-controlled input with keys (select all, delete) so React sees the change. */
async function clearInput(s, css) {
  const el = await find(s, css);
  await s.click(el);
  await s.sendKeys(el, "\uE009a\uE009\uE017");
  await waitFor(async () => (await s.property(el, "value")) === "", 5_000, `${css} to be empty`);
}

async function count(s, css) {
  return (await s.findAll(css)).length;
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

function expectEqual(actual, wanted, what) {
  if (actual !== wanted) throw new Error(`${what}: wanted ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
}

const tileNumber = async (s, id) => Number((await textOf(s, tid(`${id}-value`))).replace(/,/g, ""));

// ---------------------------------------------------------------------------------------------
// The engine's own answer for the demo job, from the CLI against a sandbox of the same tenant.

const DEMO_MAPPINGS = { genesys: "examples/genesys-mapping.toml", cxone: "examples/cxone-mapping.toml" };

/** Starts `skillsync sandbox` and returns its one JSON line (URL and credentials). */
/** Whether something accepts connections on 127.0.0.1:port (null when not yet). */
function listening(port) {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(null));
  });
}

async function startSandbox(ctx, args) {
  const proc = ctx.spawn(ctx.cli, ["sandbox", ...args], { stdout: "pipe" });
  let out = "";
  proc.stdout.setEncoding("utf8");
  proc.stdout.on("data", (chunk) => (out += chunk));
  const line = await waitFor(() => {
    if (proc.exitCode !== null) throw new GiveUp(`skillsync sandbox exited with ${proc.exitCode}`);
    const nl = out.indexOf("\n");
    return nl >= 0 ? out.slice(0, nl) : null;
  }, 15_000, "the sandbox's JSON line", 50);
  return JSON.parse(line);
}

async function cliPlan(ctx, platform) {
  const sb = await startSandbox(ctx, ["--platform", platform, "--tenant", join(ctx.root, "examples/demo-tenant.json"), "--port", "0"]);
  const { stdout } = await ctx.exec(
    ctx.cli,
    ["plan", join(ctx.root, "examples/demo-feed.csv"), "--platform", platform, "--base-url", sb.base_url, "--client-id", sb.client_id, "--mapping", join(ctx.root, DEMO_MAPPINGS[platform]), "--json"],
    {
      SKILLSYNC_CLIENT_SECRET: sb.client_secret,
      SKILLSYNC_ACCESS_KEY_ID: sb.access_key_id ?? "",
      SKILLSYNC_ACCESS_KEY_SECRET: sb.access_key_secret ?? "",
    },
  );
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

// ---------------------------------------------------------------------------------------------
// Tests 1 and 2: the whole job on a built-in sandbox.

/**
 * Plan and apply on a fast sandbox can finish between two WebDriver polls, so the page itself
 * records every text the progress views show, as the DOM changes.
 */
const OBSERVE_PROGRESS = `
  const seen = (window.__e2eSeen = { planPhases: [], applyBars: 0, applyDone: [] });
  const note = (list, el) => {
    const text = el && el.textContent.trim();
    if (text && list[list.length - 1] !== text) list.push(text);
  };
  const look = () => {
    note(seen.planPhases, document.querySelector('[data-testid="plan-progress-phase"]'));
    if (document.querySelector('[data-testid="apply-progress"]')) seen.applyBars += 1;
    note(seen.applyDone, document.querySelector('[data-testid="apply-done"]'));
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
`;

async function wholeJob(ctx, { profile, platformName, values, scale }) {
  const { s } = ctx;
  const platform = profile === "sandbox-genesys" ? "genesys" : "cxone";
  const expected = await cliPlan(ctx, platform);
  const changes = expected.added + expected.updated;
  expect(changes > 0 && expected.invalid > 0, `the CLI's plan of the demo job should change and reject rows: ${JSON.stringify(expected)}`);

  // Connection: the Genesys sandbox is the default; the CXone job switches first.
  await find(s, tid("connection-step"));
  await waitText(s, tid("active-profile-name"), "sandbox-genesys");
  await waitText(s, tid("profile-sandbox-genesys-use"), "In use");
  expect((await textOf(s, tid("profile-sandbox-genesys"))).includes("Active"), "the Genesys sandbox card is marked Active at start");
  if (profile !== "sandbox-genesys") {
    await click(s, tid(`profile-${profile}-use`));
    await waitText(s, tid("active-profile-name"), profile);
    await waitText(s, tid(`profile-${profile}-use`), "In use");
    await waitText(s, tid("profile-sandbox-genesys-use"), "Use");
  }
  await waitText(s, tid("active-profile-platform"), platformName);
  await waitText(s, tid("about-line"), /^Skillsync \d+\.\d+\.\d+/);
  await snap(s, `${platform}-connection`);

  // Import: the sample feed, which goes straight on to Map.
  await click(s, tid("step-import"));
  await find(s, tid("import-step"));
  await snap(s, `${platform}-import`);
  await click(s, tid("use-sample"));
  await settle(s, tid("map-step"), tid("import-error"));
  await waitText(s, tid("feed-name"), "demo-feed.csv");
  await waitText(s, tid("feed-rows"), String(expected.rows));

  // Map: the value map on this platform's scale, and the engine's preview.
  await waitText(s, tid("map-scale"), scale);
  for (const [source, mapped] of Object.entries(values)) {
    await waitText(s, tid(`value-result-${source}`), `→ ${mapped}`);
  }
  expect(await absent(s, tid("map-platform-mismatch")), "the sample is written for the active platform: no mismatch banner");
  expectEqual(await tileNumber(s, "map-records"), expected.rows, "preview records");
  expect((await count(s, `${tid("map-preview-rows")} tbody tr`)) > 0, "the preview lists the first records");
  await snap(s, `${platform}-map`);

  // Plan: progress, then counts, estimate, the names to fix, every row.
  await click(s, tid("map-next"));
  await find(s, tid("plan-step"));
  await waitText(s, tid("plan-run"), "Read tenant and plan");
  await s.execute(OBSERVE_PROGRESS);
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  const phases = (await s.execute("return window.__e2eSeen.planPhases;")).join(" | ");
  expect(phases.includes("Reading the tenant…"), `the plan showed its progress while reading the tenant: ${phases}`);
  expectEqual(await tileNumber(s, "plan-add"), expected.added, "plan: add");
  expectEqual(await tileNumber(s, "plan-update"), expected.updated, "plan: update");
  expectEqual(await tileNumber(s, "plan-remove"), 0, "plan: remove");
  expectEqual(await tileNumber(s, "plan-unchanged"), expected.unchanged, "plan: unchanged");
  expectEqual(await tileNumber(s, "plan-invalid"), expected.invalid, "plan: invalid");
  expectEqual(await tileNumber(s, "plan-rows-count"), expected.rows, "plan: rows");
  // Requests, not rows: a platform may send several changes of one agent in one request.
  const estimate = await waitText(s, tid("plan-estimate"), /^\d+ write requests?, /);
  const writes = Number(estimate.match(/^(\d+)/)[1]);
  expect(writes > 0 && writes <= changes, `the estimate's ${writes} requests carry the ${changes} changes: ${estimate}`);
  await waitText(s, tid("plan-apply"), `Apply ${changes} changes`);
  const unknownSkills = await textOf(s, tid("unresolved-unknown_skills"));
  expect(unknownSkills.includes("Biling - English"), `the misspelt skill is listed: ${unknownSkills}`);
  expect(unknownSkills.includes("Use “Billing - English”"), `the misspelt skill gets the "Billing - English" suggestion as a button: ${unknownSkills}`);
  const unknownAgents = await textOf(s, tid("unresolved-unknown_agents"));
  expect(unknownAgents.includes("nobody@example.com"), `the unknown agent is listed: ${unknownAgents}`);
  await waitText(s, tid("plan-rows-range"), `1–${expected.rows} of ${expected.rows}`);
  expectEqual(await count(s, tid("plan-row")), expected.rows, "plan rows on the first page");
  await snap(s, `${platform}-plan`);

  // Apply: confirm, then watch it run until Results replaces it.
  await click(s, tid("plan-apply"));
  await waitText(s, tid("apply-question"), `Change ${changes} rows on ${profile}?`);
  await waitText(s, tid("apply-requests"), new RegExp(`^${writes} `));
  expect(await absent(s, tid("apply-remove-confirm")), "nothing is removed, so no typed confirmation is asked");
  await click(s, tid("apply-start"));
  await settle(s, tid("results-step"), tid("apply-error"));
  const seen = await s.execute("return window.__e2eSeen;");
  expect(seen.applyBars > 0, "the running view (progress bar) showed while the run went on");
  expect(seen.applyDone.length > 0, "the running view counted rows as done");
  const steps = seen.applyDone.map((p) => p.match(/^(\d+) of (\d+)$/));
  expect(steps.every((m) => m && Number(m[1]) <= Number(m[2])), `progress reads "done of total": ${seen.applyDone.join(" | ")}`);

  // Results: the verdict, the counts, every row.
  await waitText(s, tid("results-verdict"), `All ${changes} changes applied and verified`);
  expectEqual(await tileNumber(s, "results-failed"), 0, "results: failed");
  expectEqual(await tileNumber(s, "results-added"), expected.added, "results: added");
  expectEqual(await tileNumber(s, "results-updated"), expected.updated, "results: updated");
  expectEqual(await tileNumber(s, "results-verified"), changes, "results: verified");
  await waitText(s, tid("run-rows-range"), `1–${expected.rows} of ${expected.rows}`);
  expectEqual(await count(s, tid("run-row")), expected.rows, "result rows listed");
  expect((await count(s, `${tid("results-report-files")} li`)) > 0, "the run's report files are listed");
  await snap(s, `${platform}-results`);

  // Save the report where the user says in the (app's own) save dialog: four files, CSVs Excel-ready.
  const chosen = join(ctx.tmp, `${platform}-report.html`);
  await ctx.answerDialog(chosen);
  await click(s, tid("results-save-report"));
  await settle(s, tid("results-saved-files"), tid("results-error"), STEP_MS);
  expectEqual(await count(s, `${tid("results-saved-files")} li`), 4, "saved report files");
  const csv = await readFile(join(ctx.tmp, `${platform}-report.csv`));
  expect(csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf, "the saved CSV report starts with a UTF-8 BOM");
  expect(existsSync(join(ctx.tmp, `${platform}-report.undo.csv`)), "the undo file is saved beside the report");

  // History: this run, and only it, with its counts; its files are in the fresh data folder.
  await click(s, tid("step-history"));
  await find(s, tid("history-list"));
  const entries = await s.findAll(`${tid("history-list")} > li`);
  expectEqual(entries.length, 1, "history entries");
  const entry = (await s.text(entries[0])).trim();
  expect(entry.includes(profile), `the history entry names ${profile}: ${entry}`);
  expect(entry.includes(`${expected.added} added · ${expected.updated} updated · 0 removed`), `the history entry has the run's counts: ${entry}`);
  expect(existsSync(join(ctx.dataDir, "runs")), `the run is kept under SKILLSYNC_DATA_DIR (${ctx.dataDir}/runs)`);

  // Planning the same feed again: the tenant already matches.
  await click(s, tid("step-plan"));
  await find(s, tid("plan-step"));
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  expect(!(await absent(s, tid("plan-nothing"))), "the second plan says there is nothing to change");
  expectEqual(await tileNumber(s, "plan-add"), 0, "second plan: add");
  expectEqual(await tileNumber(s, "plan-update"), 0, "second plan: update");
  expectEqual(await tileNumber(s, "plan-unchanged"), expected.unchanged + changes, "second plan: unchanged");
  await waitText(s, tid("plan-estimate"), "No write requests");
  expect(await disabled(s, tid("plan-apply")), "with nothing to change, Apply is disabled");
}

// ---------------------------------------------------------------------------------------------
// Test 3: the add-connection wizard against a real sandbox process, and the OS keychain.

/**
 * What Secret Service holds for Skillsync, as `secret-tool` prints it. keyring 3 stores an entry
 * per secret with the attributes service = "skillsync" and username = "<profile>:<secret kind>"
 * (plus target and application), which `search --all` prints as `attribute.<name> = <value>`.
 */
async function keychain(ctx) {
  const { stdout, stderr } = await ctx.exec("secret-tool", ["search", "--all", "service", "skillsync"], {}, { allowFail: true });
  return stdout + stderr;
}

async function credentialWizard(ctx) {
  const { s } = ctx;
  const sb = await startSandbox(ctx, ["--platform", "genesys", "--port", "0"]);
  const name = "e2e-genesys";
  const wrong = `wrong-${sb.client_secret}`;

  await find(s, tid("connection-step"));
  await click(s, tid("add-connection"));
  await find(s, tid("wizard"));
  await click(s, tid("wizard-platform-genesys"));
  await click(s, tid("wizard-next"));
  await click(s, tid("wizard-where-custom"));
  expect(await disabled(s, tid("wizard-next")), "Next waits for a base URL");
  await type(s, tid("wizard-base-url"), sb.base_url);
  await click(s, tid("wizard-next"));
  await type(s, tid("wizard-client-id"), sb.client_id);
  await type(s, tid("wizard-client-secret"), wrong);
  await click(s, tid("wizard-next"));
  await type(s, tid("wizard-name"), name);

  // The wrong secret: the test fails, with the reason, and Save stays disabled.
  expect(await disabled(s, tid("wizard-save")), "Save is disabled before any test");
  await click(s, tid("wizard-test"));
  await settle(s, tid("wizard-check"), tid("wizard-error"));
  await finalText(s, tid("wizard-check-verdict"), "The connection test failed");
  const failed = await textOf(s, tid("wizard-check"));
  expect(failed.includes("✗"), `a failed check is marked: ${failed}`);
  expect(await disabled(s, tid("wizard-save")), "Save stays disabled after a failed test");
  expect((await s.findAll(tid("profile-" + name))).length === 0, "nothing was saved by the failed test");

  // The right secret: a new test is needed, it passes, Save saves.
  await click(s, tid("wizard-back"));
  await clearInput(s, tid("wizard-client-secret"));
  await type(s, tid("wizard-client-secret"), sb.client_secret);
  await click(s, tid("wizard-next"));
  expect(await disabled(s, tid("wizard-save")), "changed credentials need a new test before Save");
  await click(s, tid("wizard-test"));
  await settle(s, tid("wizard-check"), tid("wizard-error"));
  await finalText(s, tid("wizard-check-verdict"), `Connected to ${sb.base_url}`);
  await click(s, tid("wizard-save"));
  await settle(s, tid(`profile-${name}`), tid("wizard-error"));
  expect(await absent(s, tid("wizard")), "the wizard closes once saved");
  await waitText(s, tid("active-profile-name"), name);
  const card = await textOf(s, tid(`profile-${name}`));
  expect(card.includes(sb.base_url) && card.includes(sb.client_id), `the saved card shows where and who: ${card}`);
  expect(await absent(s, tid(`profile-${name}-no-secrets`)), "the app finds the saved secret in the keychain");

  // Where it went: the secret in the keychain, never in profiles.toml.
  const stored = await keychain(ctx);
  const entry = new RegExp(`^attribute\\.username = ${name}:client_secret$`, "m");
  expect(entry.test(stored), `the keychain holds an entry for ${name}:\n${stored}`);
  expect(new RegExp(`^secret = ${sb.client_secret}$`, "m").test(stored), `the keychain entry holds the secret:\n${stored}`);
  const toml = await readFile(join(ctx.configDir, "profiles.toml"), "utf8");
  expect(toml.includes(name) && toml.includes(sb.client_id), `profiles.toml has the profile:\n${toml}`);
  expect(!toml.includes(sb.client_secret), "profiles.toml does not hold the secret");

  // Testing the saved profile reads its secret back from the keychain.
  await click(s, tid(`profile-${name}-test`));
  await settle(s, tid(`profile-${name}-check`), tid(`profile-${name}-error`));
  await finalText(s, tid(`profile-${name}-check-verdict`), /^Connected to /);

  // Remove: asks once more, then the profile leaves the list and the keychain.
  await click(s, tid(`profile-${name}-remove`));
  await click(s, tid(`profile-${name}-remove-confirm`));
  await waitFor(async () => {
    if (await s.find(tid("connection-error"))) throw new GiveUp(`removing failed: ${await textOf(s, tid("connection-error"))}`);
    return absent(s, tid(`profile-${name}`));
  }, STEP_MS, `${name} to leave the list`);
  await waitText(s, tid("active-profile-name"), "sandbox-genesys");
  const after = await keychain(ctx);
  expect(!after.includes(`attribute.username = ${name}:`), `the keychain entry is gone:\n${after}`);
  const tomlAfter = await readFile(join(ctx.configDir, "profiles.toml"), "utf8").catch(() => "");
  expect(!tomlAfter.includes(name), `profiles.toml no longer lists ${name}:\n${tomlAfter}`);
}

// ---------------------------------------------------------------------------------------------
// Test 4: files only from the user: paths the page names are refused, files picked in the app's
// dialog that are not feeds are refused with the reason, a real feed opens.

/**
 * Delivers the window events a native file drop produces (enter, over, drop) to the page's
 * listeners, through the function Tauri's Rust side itself calls for every event it emits. The
 * native drag cannot be synthesised under WebDriver and the file dialog cannot be driven; this
 * reaches the Import step's real drop handler, which then calls `open_feed` over the real IPC.
 */
const DELIVER = `
  const [event, payload] = arguments;
  const deliver = window.__internal_unstable_listeners_function_id__;
  const registry = window.__internal_unstable_listeners_object_id__;
  if (typeof deliver !== "function" || !registry) return -1;
  const listeners = registry[event];
  const ids = listeners ? Object.getOwnPropertyNames(listeners).map(Number) : [];
  deliver({ event, payload }, ids);
  return ids.length;
`;

async function deliver(s, event, payload) {
  const n = await s.execute(DELIVER, [event, payload]);
  expect(n !== -1, "Tauri's event delivery function is not in the page: the drop cannot be simulated with this Tauri version");
  expect(n > 0, `the Import step listens for ${event}`);
}

async function drop(s, path) {
  const position = { x: 400, y: 300 };
  await deliver(s, "tauri://drag-enter", { paths: [path], position });
  await waitFor(async () => /drop-zone-hover/.test(await s.attribute(await s.find(tid("drop-zone")), "class")), 5_000, "the drop zone to show the hover");
  await deliver(s, "tauri://drag-over", { position });
  await deliver(s, "tauri://drag-drop", { paths: [path], position });
}

/** What `open_feed` itself answers for `path`, through the same IPC the UI uses. */
async function openFeedDirect(s, path) {
  return s.executeAsync(
    `const [path, done] = arguments;
     window.__TAURI_INTERNALS__.invoke("open_feed", { path }).then((ok) => done({ ok }), (err) => done({ err }));`,
    [path],
  );
}

async function badFile(ctx) {
  const { s } = ctx;
  const empty = join(ctx.tmp, "empty.csv");
  const binary = join(ctx.tmp, "export.csv");
  const good = join(ctx.tmp, "good.csv");
  await writeFile(empty, "");
  // Bytes with NULs and no text encoding's shape: what a spreadsheet's binary save looks like.
  await writeFile(binary, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 37) % 256)));
  await writeFile(good, await readFile(join(ctx.root, "examples/demo-feed.csv")));

  await click(s, tid("step-import"));
  await find(s, tid("import-step"));
  await waitFor(
    () => s.execute(`const r = window.__internal_unstable_listeners_object_id__; return !!(r && r["tauri://drag-drop"] && Object.getOwnPropertyNames(r["tauri://drag-drop"]).length);`),
    STEP_MS,
    "the Import step to listen for dropped files",
  );

  // A path the page names by itself (a drop Rust never saw, or a direct call) is refused.
  const notChosen = await openFeedDirect(s, good);
  expectEqual(notChosen.err && notChosen.err.code, "path.not_chosen", `open_feed of a path the user did not choose: ${JSON.stringify(notChosen).slice(0, 300)}`);
  const passwd = await openFeedDirect(s, "/etc/passwd");
  expectEqual(passwd.err && passwd.err.code, "path.not_chosen", "open_feed of /etc/passwd");
  await drop(s, good);
  await waitText(s, tid("import-error-code"), "path.not_chosen");
  expect(/not chosen by you/.test(await textOf(s, tid("import-error-message"))), "the banner says the file was not chosen");
  expect(await absent(s, tid("map-step")), "a refused path does not open Map");
  await click(s, `${tid("import-error")} button[aria-label="Dismiss"]`);
  await waitFor(() => absent(s, tid("import-error")), STEP_MS, "the dismissed banner to go");

  // Unreadable files the user picked in the dialog: refused with the reason, nothing held.
  for (const [path, words] of [
    [empty, /empty/],
    [binary, /binary/],
  ]) {
    await ctx.answerDialog(path);
    await click(s, tid("choose-file"));
    const code = await waitText(s, tid("import-error-code"), "input.unreadable");
    const message = await textOf(s, tid("import-error-message"));
    expect(words.test(message), `the message says why (${words}): ${message}`);
    // Now chosen, the same call from the page reads it and answers the same.
    const direct = await openFeedDirect(s, path);
    expectEqual(direct.err && direct.err.code, code, `open_feed's code for ${path} once chosen`);
    expectEqual(direct.err.message, message, "the banner shows open_feed's own message");
    const banner = await find(s, tid("import-error"));
    expectEqual(await s.attribute(banner, "data-code"), code, "the banner's data-code");
    expectEqual(await s.attribute(banner, "role"), "alert", "the banner's role");
    expect((await s.text(banner)).includes("The file could not be opened"), "the banner has its title");
    expect(await absent(s, tid("map-step")), "a refused file does not open Map");
    expect(await absent(s, tid("current-feed")), "no feed is held after a refused file");
    // The banner's Dismiss button has no test id; its accessible name is stable.
    await click(s, `${tid("import-error")} button[aria-label="Dismiss"]`);
    await waitFor(() => absent(s, tid("import-error")), STEP_MS, "the dismissed banner to go");
  }

  // A cancelled dialog does nothing.
  await ctx.answerDialog("");
  await click(s, tid("choose-file"));
  await waitFor(async () => !(await disabled(s, tid("choose-file"))), STEP_MS, "the button to come back");
  expect(await absent(s, tid("import-error")) && (await absent(s, tid("map-step"))), "cancel opens nothing");

  // A real feed picked in the dialog opens; so does a drop of it once chosen.
  await ctx.answerDialog(good);
  await click(s, tid("choose-file"));
  await settle(s, tid("map-step"), tid("import-error"));
  await waitText(s, tid("feed-name"), "good.csv");
  await click(s, tid("step-import"));
  await find(s, tid("current-feed"));
  expect(await absent(s, tid("import-error")), "the error is cleared once a file opens");
  await drop(s, good);
  await settle(s, tid("map-step"), tid("import-error"));
}

// ---------------------------------------------------------------------------------------------
// Test 6: the wizard on a company network. A sandbox process behind a TLS terminator (socat) whose
// certificate comes from a private root CA, as TLS inspection does.

async function companyNetwork(ctx) {
  const { s } = ctx;
  const sb = await startSandbox(ctx, ["--platform", "genesys", "--port", "0"]);
  const pem = (n) => join(ctx.tmp, n);
  const openssl = (args) => ctx.exec("openssl", args);
  await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pem("ca.key"), "-out", pem("ca.pem"), "-days", "2", "-subj", "/CN=Skillsync E2E Inspection Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", pem("srv.key"), "-out", pem("srv.csr"), "-subj", "/CN=127.0.0.1"]);
  await writeFile(pem("srv.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(["x509", "-req", "-in", pem("srv.csr"), "-CA", pem("ca.pem"), "-CAkey", pem("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", pem("srv.ext"), "-out", pem("srv.pem")]);
  const backend = Number(new URL(sb.base_url).port);
  const port = 20000 + Math.floor(Math.random() * 20000);
  ctx.spawn("socat", [`OPENSSL-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,cert=${pem("srv.pem")},key=${pem("srv.key")},verify=0`, `TCP:127.0.0.1:${backend}`]);
  const https = `https://127.0.0.1:${port}`;
  await waitFor(() => listening(port), STEP_MS, `socat to listen on ${port}`, 100);

  await find(s, tid("connection-step"));
  await click(s, tid("add-connection"));
  await find(s, tid("wizard"));
  await click(s, tid("wizard-platform-genesys"));
  await click(s, tid("wizard-next"));
  await click(s, tid("wizard-where-custom"));
  await type(s, tid("wizard-base-url"), https);
  await click(s, tid("wizard-next"));
  await type(s, tid("wizard-client-id"), sb.client_id);
  await type(s, tid("wizard-client-secret"), sb.client_secret);
  await click(s, tid("wizard-next"));

  // Without the company CA: a certificate failure, named and explained.
  await click(s, tid("wizard-test"));
  await settle(s, tid("wizard-check"), tid("wizard-error"));
  // The plain sentence shows; the engine's message and the code wait under Technical detail.
  await click(s, `${tid("wizard-check-technical")} summary`);
  await waitText(s, tid("wizard-check-code"), "connection.certificate");
  await waitText(s, tid("wizard-check-advice"), /root certificate/);
  expect(/not trusted/.test(await textOf(s, tid("wizard-check"))), "the check says the certificate is not trusted");
  expect(await disabled(s, tid("wizard-save")), "Save stays disabled");
  await snap(s, "wizard-certificate");

  // The CA file picked in the app's dialog: the test passes over https.
  await click(s, tid("wizard-back"));
  await ctx.answerDialog(pem("ca.pem"));
  await click(s, tid("wizard-ca-choose"));
  await waitText(s, tid("wizard-ca-file"), pem("ca.pem"));
  await click(s, tid("wizard-next"));
  await click(s, tid("wizard-test"));
  await settle(s, tid("wizard-check"), tid("wizard-error"));
  await finalText(s, tid("wizard-check-verdict"), `Connected to ${https}`);
  expect(await absent(s, tid("wizard-check-advice")), "no advice once it works");
}

// ---------------------------------------------------------------------------------------------
// Test 5: closing the window while an apply runs loses nothing.

/**
 * Mid-apply, the window is asked to close as a window manager's close button asks
 * (`wm-close.py`). The app cancels the run, lets the calls already sent be verified, writes the
 * run's report and history entry, and only then closes.
 */
async function closeMidApply(ctx) {
  const { s } = ctx;
  await find(s, tid("connection-step"));
  await click(s, tid("step-import"));
  await click(s, tid("use-sample"));
  await settle(s, tid("map-step"), tid("import-error"));
  await click(s, tid("map-next"));
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  await click(s, tid("plan-apply"));
  await click(s, tid("apply-start"));
  await waitText(s, tid("apply-done"), /^[1-9]\d* of \d+$/, JOB_MS);
  await ctx.exec("/usr/bin/python3", [join(ctx.root, "tests/e2e/wm-close.py")]);
  const runs = join(ctx.dataDir, "runs");
  const entry = await waitFor(async () => {
    if (!existsSync(runs)) return null;
    for (const id of await readdir(runs)) {
      const file = join(runs, id, "run.json");
      if (existsSync(file)) return JSON.parse(await readFile(file, "utf8"));
    }
    return null;
  }, JOB_MS, "the history entry of the run the close stopped");
  const sum = entry.summary;
  expect(entry.cancelled === true, `the close cancelled the run (the sample takes seconds at 300/min): ${JSON.stringify(entry)}`);
  expect(sum.verified === sum.added + sum.updated && sum.verified > 0, `what was sent before the close is verified: ${JSON.stringify(sum)}`);
  expect(sum.skipped > 0 && sum.failed === 0, `the rest is skipped, nothing failed: ${JSON.stringify(sum)}`);
  for (const f of entry.report_files) expect(existsSync(f), `${f} was written before the window closed`);
  await waitFor(async () => !(await s.find("body").then(() => true, () => false)), STEP_MS, "the window to close once the run is recorded");
}

// ---------------------------------------------------------------------------------------------
// Test 6: the analyst's screens — fix names in place (kept in the template the CLI reads), see who
// changes, correct a value in place; every screen at 960×640 and 1400×900 in both themes, with no
// sideways overflow and no serious axe-core violation in the real webview.

const SIZES = [
  [960, 640],
  [1400, 900],
];
const THEMES = ["light", "dark"];

/** What overflows sideways: the page, the content column, or a table's wrapper. */
const OVERFLOW = `
  const out = [];
  const over = (el) => el.scrollWidth > el.clientWidth + 1;
  const doc = document.documentElement;
  if (over(doc)) out.push("the page " + doc.scrollWidth + " > " + doc.clientWidth);
  const content = document.getElementById("content");
  if (content && over(content)) {
    // Name what sticks out: the outermost elements past the content's right edge.
    const right = content.getBoundingClientRect().right;
    const name = (el) => el.tagName.toLowerCase() + (el.dataset.testid ? "[" + el.dataset.testid + "]" : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
    const wide = [...content.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > right + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > right + 1));
    out.push("the content " + content.scrollWidth + " > " + content.clientWidth + " (" + wide.slice(0, 4).map(name).join(", ") + ")");
  }
  for (const el of document.querySelectorAll(".table-wrap"))
    if (over(el)) out.push("a table (" + (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) + ") " + el.scrollWidth + " > " + el.clientWidth);
  return { out, width: window.innerWidth, height: window.innerHeight };
`;

const AXE_RUN = `
  const done = arguments[arguments.length - 1];
  window.axe.run(document, { resultTypes: ["violations"] }).then(
    (r) => done(r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => v.id + ": " + v.help + " — " + v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", "))),
    (e) => done(["axe failed: " + e]));
`;

/** Each size and theme: no sideways overflow, no serious axe violation; a screenshot when asked. */
async function inspect(ctx, name, scrollTo = null) {
  const { s } = ctx;
  if (!ctx.axeLoaded) {
    await s.execute(readFileSync(join(ctx.root, "node_modules/axe-core/axe.min.js"), "utf8") + "; return true;", [], 60_000);
    ctx.axeLoaded = true;
  }
  const problems = [];
  for (const [w, h] of SIZES) {
    await s.setWindowSize(w, h);
    for (const theme of THEMES) {
      await s.execute(
        `document.documentElement.dataset.theme = arguments[0];
         const el = arguments[1] && document.querySelector(arguments[1]);
         if (el) el.scrollIntoView({ block: "start" });
         return true;`,
        [theme, scrollTo],
      );
      await new Promise((r) => setTimeout(r, 250));
      const { out, width } = await s.execute(OVERFLOW);
      expect(width <= w, `the window took the size ${w}×${h} (inner width ${width})`);
      for (const o of out) problems.push(`${name} ${w}×${h} ${theme}: ${o}`);
      if (!(await s.execute("return !!window.axe;"))) {
        await s.execute(readFileSync(join(ctx.root, "node_modules/axe-core/axe.min.js"), "utf8") + "; return true;", [], 60_000);
      }
      const violations = await s.executeAsync(AXE_RUN, [], 60_000);
      for (const v of violations) problems.push(`${name} ${w}×${h} ${theme}: axe ${v}`);
      const dir = process.env.SKILLSYNC_E2E_SHOTS;
      if (dir) await writeFile(join(dir, `${name}-${w}x${h}-${theme}.png`), await s.screenshot());
    }
  }
  await s.execute(`delete document.documentElement.dataset.theme; return true;`);
  ctx.problems.push(...problems);
}

async function cliPlanWith(ctx, feed, mapping, extra = []) {
  const sb = await startSandbox(ctx, ["--platform", "genesys", "--tenant", join(ctx.root, "examples/demo-tenant.json"), "--port", "0"]);
  const { stdout } = await ctx.exec(ctx.cli, ["plan", feed, "--platform", "genesys", "--base-url", sb.base_url, "--client-id", sb.client_id, "--mapping", mapping, "--json", ...extra], {
    SKILLSYNC_CLIENT_SECRET: sb.client_secret,
  });
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function analystScreens(ctx) {
  const { s } = ctx;
  ctx.problems = [];

  // Connection, and the wizard, which Escape closes once the discarding of what was typed is confirmed.
  await find(s, tid("connection-step"));
  await waitText(s, tid("active-profile-name"), "sandbox-genesys");
  await inspect(ctx, "connection");
  await click(s, tid("add-connection"));
  await find(s, tid("wizard"));
  await click(s, tid("wizard-next"));
  await click(s, tid("wizard-where-custom"));
  await type(s, tid("wizard-base-url"), "http://exa mple.com:99999");
  await waitText(s, tid("wizard-url-error"), /space in it/);
  expect(await disabled(s, tid("wizard-next")), "Next waits for a usable address");
  await inspect(ctx, "wizard");
  await s.sendKeys(await find(s, tid("wizard-base-url")), "\uE00C");
  await find(s, tid("wizard-discard"));
  await inspect(ctx, "wizard-discard");
  await click(s, tid("wizard-discard-confirm"));
  await waitFor(async () => (await s.find(tid("wizard"))) === null, STEP_MS, "Discard to close the wizard");

  // Import, then Map: an out-of-range value is marked in its own cell and corrected there.
  await click(s, tid("step-import"));
  await find(s, tid("import-step"));
  const focused = await s.execute("return document.activeElement && document.activeElement.tagName;");
  expectEqual(focused, "H1", "the focus moves to the new step's heading");
  await inspect(ctx, "import");
  await click(s, tid("use-sample"));
  await settle(s, tid("map-step"), tid("import-error"));
  await waitText(s, tid("value-result-Expert"), "→ 5");
  await clearInput(s, tid("value-input-Expert"));
  await type(s, tid("value-input-Expert"), "7");
  await waitText(s, tid("value-off-scale-Expert"), /7 is off the platform’s scale: type a number from 0 to 5/);
  expect(!(await absent(s, tid("value-row-Trainee"))), "the rest of the value table stays");
  await inspect(ctx, "map-value-off-scale", "#map-values-title");
  await clearInput(s, tid("value-input-Expert"));
  await type(s, tid("value-input-Expert"), "5");
  await waitText(s, tid("value-result-Expert"), "→ 5");
  expect(await absent(s, tid("value-off-scale-Expert")), "the corrected value is fine");
  await inspect(ctx, "map");

  // Plan: accept the suggestion, exclude the unknown agent; the plan follows at once.
  await click(s, tid("map-next"));
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  const before = { invalid: await tileNumber(s, "plan-invalid"), add: await tileNumber(s, "plan-add"), update: await tileNumber(s, "plan-update") };
  await inspect(ctx, "plan-names-to-fix", tid("unresolved"));
  const skills = await find(s, tid("unresolved-unknown_skills"));
  expect((await s.text(skills)).includes("Biling - English"), "the misspelt skill is listed");
  await click(s, `${tid("unresolved-unknown_skills")} ${tid("unresolved-suggestion")}`);
  await waitFor(async () => (await tileNumber(s, "plan-invalid")) < before.invalid, STEP_MS, "the fixed rows to plan");
  expect(await absent(s, tid("unresolved-unknown_skills")), "no unknown skill is left");
  await waitText(s, tid("plan-reads"), /^Planned again against the tenant already read \(no requests\) in /);
  const agents = await textOf(s, tid("unresolved-unknown_agents"));
  expect(agents.includes("nobody@example.com"), `the unknown agent: ${agents}`);
  await click(s, `${tid("unresolved-unknown_agents")} ${tid("unresolved-exclude")}`);
  await waitFor(async () => (await tileNumber(s, "plan-excluded")) > 0, STEP_MS, "the excluded tile to count the agent's rows");
  const app = {
    add: await tileNumber(s, "plan-add"),
    update: await tileNumber(s, "plan-update"),
    unchanged: await tileNumber(s, "plan-unchanged"),
    invalid: await tileNumber(s, "plan-invalid"),
    excluded: await tileNumber(s, "plan-excluded"),
  };
  expect(app.add + app.update > before.add + before.update, `the renamed rows plan as changes: ${JSON.stringify(app)} vs ${JSON.stringify(before)}`);
  const labels = await s.execute(`return [...document.querySelectorAll('[data-testid="plan-row"] [data-testid="agent-label"]')].map((e) => e.textContent);`);
  expect(labels.length > 0 && labels.every((l) => l.includes("@")), `rows name the agent as the tenant has them: ${labels.slice(0, 3)}`);
  await inspect(ctx, "plan");

  // The fixes are saved with the template; the CLI reading it plans the same.
  await type(s, tid("corrections-template-name"), "e2e-fixes");
  await click(s, tid("corrections-save"));
  await find(s, tid("corrections-saved"));
  const template = join(ctx.configDir, "templates", "e2e-fixes.toml");
  const toml = await readFile(template, "utf8");
  expect(toml.includes("[rename.skills]") && toml.includes("Biling - English") && toml.includes("nobody@example.com"), `the template keeps the fixes:\n${toml}`);
  const cli = await cliPlanWith(ctx, join(ctx.root, "examples/demo-feed.csv"), template);
  for (const [key, cliKey] of [["add", "added"], ["update", "updated"], ["unchanged", "unchanged"], ["invalid", "invalid"], ["excluded", "excluded"]])
    expectEqual(cli[cliKey], app[key], `the CLI with the saved template plans the same ${key}`);

  // Apply: rows and requests, labelled; then Results.
  await click(s, tid("plan-apply"));
  await waitText(s, tid("apply-rows"), `${app.add} to add, ${app.update} to update, 0 to remove`);
  await waitText(s, tid("apply-requests"), /^\d+ \(/);
  await inspect(ctx, "apply");
  await click(s, tid("apply-start"));
  await settle(s, tid("results-step"), tid("apply-error"));
  await inspect(ctx, "results");

  // History, then the rollback: the undo file names agents by id; the removal lists them by name.
  await click(s, tid("step-history"));
  await find(s, tid("history-list"));
  await inspect(ctx, "history");
  await click(s, `${tid("history-list")} [data-testid$="-undo"]`);
  await settle(s, tid("map-step"), tid("history-error"));
  await click(s, tid("map-next"));
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  expectEqual(await tileNumber(s, "plan-remove"), app.add, "the rollback removes what the run added");
  await click(s, tid("plan-apply"));
  const removal = await textOf(s, `${tid("apply-confirm")} ${tid("removal-list")}`);
  expect(/<[^>]+@example\.com>/.test(removal), `the removal confirmation names the agents: ${removal.slice(0, 200)}`);
  expect(removal.includes(`Removes ${app.add} skill assignments`), `and counts them: ${removal.slice(0, 120)}`);
  await inspect(ctx, "apply-removal");
  await type(s, tid("apply-remove-confirm"), "remove");
  await click(s, tid("apply-start"));
  await settle(s, tid("results-step"), tid("apply-error"));
  await click(s, tid("step-history"));
  await waitText(s, `${tid("history-list")} > li:first-child`, /Rollback of the run of/);
  await inspect(ctx, "history-rollback");

  expect(ctx.problems.length === 0, `layout and accessibility:\n  ${ctx.problems.join("\n  ")}`);
}


// ---------------------------------------------------------------------------------------------
// Test 7: the three slips of a first-time walk — removal options stay with their feed (a rollback
// sets only what it needs), every step names what the plan is made from and planning again after a
// drift refusal plans that approved plan, and "Exclude this row" leaves out only that row.

async function checked(s, css) {
  return s.execute(`return document.querySelector(arguments[0]).checked;`, [css]);
}

async function sourceAndSlips(ctx) {
  const { s } = ctx;
  await find(s, tid("connection-step"));
  await waitText(s, tid("active-profile-name"), "sandbox-genesys");

  // The sample, planned and saved for approval; the removal options ticked on this feed only.
  await click(s, tid("step-import"));
  await click(s, tid("use-sample"));
  await settle(s, tid("map-step"), tid("import-error"));
  await waitText(s, tid("source-line"), /^Feed demo-feed\.csv, columns as detected/);
  await click(s, tid("map-next"));
  await waitText(s, tid("source-line"), /^Feed demo-feed\.csv/);
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  const planFile = join(ctx.tmp, "approved.json");
  await ctx.answerDialog(planFile);
  await click(s, tid("plan-save"));
  await find(s, tid("plan-saved"));
  expect(existsSync(planFile), "the plan was saved for approval");

  // Applied as it is: the tenant now differs from what the saved plan was made against.
  await click(s, tid("plan-apply"));
  await click(s, tid("apply-start"));
  await settle(s, tid("results-step"), tid("apply-error"));
  await waitText(s, tid("source-line"), /^Feed demo-feed\.csv/);

  // The approved plan: named with its file, date and tenant; refused for drift; planned again as itself.
  await click(s, tid("step-plan"));
  await ctx.answerDialog(planFile);
  await click(s, tid("open-approved-plan"));
  await waitText(s, tid("source-line"), /^Approved plan approved\.json, made .+ for .+ from the feed demo-feed\.csv$/);
  const approvedChanges = (await tileNumber(s, "plan-add")) + (await tileNumber(s, "plan-update"));
  expect(approvedChanges > 0, "the approved plan shows the changes it was made with");
  await snap(s, "approved-plan-source");
  await click(s, tid("plan-apply"));
  await waitText(s, tid("source-line"), /^Approved plan approved\.json/);
  await click(s, tid("apply-start"));
  await find(s, tid("apply-error"), JOB_MS);
  const refusal = await textOf(s, tid("apply-error"));
  expect(/tenant changed|no longer|drift/i.test(refusal), `the approved plan is refused for drift: ${refusal}`);
  await click(s, tid("step-plan"));
  await waitText(s, tid("plan-run"), "Open the approved plan again");
  await click(s, tid("plan-run"));
  await waitText(s, tid("source-line"), /^Approved plan approved\.json/);
  await waitFor(async () => (await tileNumber(s, "plan-add")) + (await tileNumber(s, "plan-update")) === approvedChanges, STEP_MS, "the approved plan again, not the last feed");
  expect(await absent(s, tid("plan-nothing")), "planning again did not plan the last feed (which now matches)");

  // A feed with two rows that disagree: the removal options are off for it, whatever came before.
  const conflicting = join(ctx.tmp, "conflict.csv");
  await writeFile(conflicting, "email,skill,proficiency\nana.ruiz@example.com,Retention,2\nana.ruiz@example.com,Retention,4\n");
  await click(s, tid("step-import"));
  await ctx.answerDialog(conflicting);
  await click(s, tid("choose-file"));
  await settle(s, tid("map-step"), tid("import-error"));
  await click(s, tid("map-next"));
  await waitText(s, tid("source-line"), /^Feed conflict\.csv/);
  expect(!(await checked(s, tid("plan-allow-remove"))) && !(await checked(s, tid("plan-remove-unlisted"))), "a new feed starts without removal options");
  await click(s, tid("plan-remove-unlisted"));
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-invalid"), tid("plan-error"));
  expectEqual(await tileNumber(s, "plan-invalid"), 2, "both conflicting rows are invalid");
  await snap(s, "conflicting-rows");
  await click(s, tid("plan-rows-tab-invalid"));
  await click(s, `${tid("plan-row")} ${tid("plan-row-exclude")}`);
  await waitFor(async () => (await tileNumber(s, "plan-excluded")) === 1, STEP_MS, "one row excluded");
  expectEqual(await tileNumber(s, "plan-invalid"), 0, "the other row is no longer in conflict");
  expectEqual((await tileNumber(s, "plan-add")) + (await tileNumber(s, "plan-update")) + (await tileNumber(s, "plan-unchanged")), 1, "the kept row is planned");

  // A rollback from History: only "apply removal rows", never "remove every unlisted skill".
  await click(s, tid("step-history"));
  await find(s, tid("history-list"));
  await click(s, `${tid("history-list")} > li [data-testid$="-undo"]`);
  await settle(s, tid("map-step"), tid("history-error"));
  await waitText(s, tid("source-line"), /^Rolling back with the undo file /);
  await click(s, tid("map-next"));
  expect(await checked(s, tid("plan-allow-remove")), "a rollback applies the undo file's removal rows");
  expect(!(await checked(s, tid("plan-remove-unlisted"))), "and never removes what the undo file does not list");
  await click(s, tid("plan-run"));
  await settle(s, tid("plan-add"), tid("plan-error"));
  const removals = await tileNumber(s, "plan-remove");
  const undoRows = (await readFile(join(ctx.dataDir, "runs", (await readdir(join(ctx.dataDir, "runs")))[0], "report.undo.csv"), "utf8")).trim().split("\n").length - 1;
  expect(removals <= undoRows, `the rollback removes only what the run added (${removals} of ${undoRows} undo rows)`);
}

export const CASES = [
  {
    name: "genesys-whole-job",
    title: "the whole job on the built-in Genesys sandbox",
    run: (ctx) =>
      wholeJob(ctx, {
        profile: "sandbox-genesys",
        platformName: "Genesys Cloud",
        scale: "Genesys Cloud: 0–5, higher is better",
        values: { Expert: "5", Proficient: "4", Basic: "2.5", Trainee: "1" },
      }),
  },
  {
    name: "cxone-whole-job",
    title: "the whole job on the built-in CXone sandbox",
    run: (ctx) =>
      wholeJob(ctx, {
        profile: "sandbox-cxone",
        platformName: "NICE CXone",
        scale: "NICE CXone: 1–20 whole numbers, 1 is best",
        values: { Expert: "1", Proficient: "5", Basic: "12", Trainee: "20" },
      }),
  },
  { name: "credential-wizard", title: "the credential wizard against a sandbox process, and the keychain", run: credentialWizard },
  { name: "bad-file", title: "files only from the user's dialog or drop; unreadable files refused with the reason", run: badFile },
  { name: "company-network", title: "the wizard behind TLS inspection: a certificate failure explained, then the company CA picked", run: companyNetwork },
  { name: "close-mid-apply", title: "closing the window mid-apply keeps the run's verified calls, report and history", run: closeMidApply },
  {
    name: "analyst-screens",
    title: "fix names in place (the template's renames plan the same in the CLI), a value corrected in place, removals named; every screen at 960×640 and 1400×900 in both themes without sideways overflow or serious axe violations",
    limitMs: 360_000,
    run: analystScreens,
  },
  {
    name: "source-and-slips",
    title: "removal options per feed (a rollback sets only what it needs), every step names its source and re-planning after a drift refusal plans that approved plan, Exclude this row leaves out that row only",
    run: sourceAndSlips,
  },
];
