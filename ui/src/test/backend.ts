// A scripted backend for UI tests: Tauri's mockIPC routed to one handler per command, with every
// call recorded so a test can assert on exactly what the UI sent.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { FeedView } from "../bindings/FeedView";
import type { MappingInput } from "../bindings/MappingInput";
import type { MappingPreview } from "../bindings/MappingPreview";
import type { PlanView } from "../bindings/PlanView";
import type { ProfileView } from "../bindings/ProfileView";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import type { RunView } from "../bindings/RunView";
import type { UiError } from "../bindings/UiError";

export type Args = Record<string, any>;
export type Handler = (args: Args) => unknown;

export interface Backend {
  /** Every invoke in order. */
  calls: { cmd: string; args: Args }[];
  /** The arguments of every call to `cmd`, in order. */
  argsOf: (cmd: string) => Args[];
  /** The arguments of the latest call to `cmd` (fails the test when there was none). */
  last: (cmd: string) => Args;
}

/** A rejection the way a command fails: `{code, message}`. */
export function fail(code: string, message: string): Promise<never> {
  const error: UiError = { code, message };
  return Promise.reject(error);
}

/** Sends events down the channel the UI passed to `plan` or `apply`, as the Rust side would. */
export function emit(args: Args, ...events: ProgressEvent[]): void {
  const channel = args.events as Channel<ProgressEvent>;
  for (const e of events) channel.onmessage(e);
}

/** `events`: also imitate Tauri's event plugin, so `emit` reaches the UI's listeners (drag and drop). */
export function mockBackend(handlers: Record<string, Handler>, options: { events?: boolean } = {}): Backend {
  const all: Record<string, Handler> = { ...DEFAULTS, ...handlers };
  const calls: { cmd: string; args: Args }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Args;
    calls.push({ cmd, args });
    const handler = all[cmd];
    if (!handler) return fail("test.unmocked", `no mock for ${cmd}`);
    return handler(args);
  }, { shouldMockEvents: options.events === true });
  const argsOf = (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  return {
    calls,
    argsOf,
    last: (cmd) => {
      const list = argsOf(cmd);
      if (list.length === 0) throw new Error(`${cmd} was never called; calls: ${calls.map((c) => c.cmd).join(", ")}`);
      return list[list.length - 1]!;
    },
  };
}

export const PROFILES: ProfileView[] = [
  { name: "sandbox-genesys", platform: "genesys", builtin: true, location: "built-in sandbox (starts on first use)", client_id: "sandbox", api_version: null, has_secrets: true, ca_file: null },
  { name: "sandbox-cxone", platform: "cxone", builtin: true, location: "built-in sandbox (starts on first use)", client_id: "sandbox", api_version: null, has_secrets: true, ca_file: null },
  { name: "prod", platform: "genesys", builtin: false, location: "mypurecloud.ie", client_id: "abc-123", api_version: null, has_secrets: true, ca_file: null },
];

export const DETECTED: MappingInput = {
  columns: { layout: "long", agent: "Agent Email", agent_key: "email", skill: "Skill", proficiency: "Level", skill_columns: [], skill_pairs: null },
  values: {},
  scale: null,
  rename: { skills: {}, agents: {} },
  exclude: { agents: [], skills: [], rows: [] },
};

export function feed(overrides: Partial<FeedView> = {}): FeedView {
  return {
    path: "/home/ana/feeds/iex-nightly.csv",
    file_name: "iex-nightly.csv",
    encoding: "UTF-8",
    delimiter: ";",
    rows: 1240,
    headers: ["Agent Email", "Skill", "Level", "Team"],
    sample: [
      ["ana@example.com", "Billing", "Expert", "North"],
      ["bo@example.com", "Sales", "Basic", "South"],
    ],
    mapping: DETECTED,
    detect_error: null,
    suggested_platform: null,
    sheet: null,
    sheets: [],
    saved_template: null,
    ...overrides,
  };
}

/** A preview that reflects the mapping it was asked for: values typed in the map come back mapped. */
export function preview(mapping: MappingInput, platform: "genesys" | "cxone"): MappingPreview {
  const scale = platform === "genesys" ? { min: 0, max: 5, integer: false, higher_is_better: true } : { min: 1, max: 20, integer: true, higher_is_better: false };
  const mapped = (v: string) => mapping.values[v] ?? null;
  return {
    error: mapping.columns.skill === "Nope" ? "column 'Nope' is not in the file" : null,
    scale,
    records: 1240,
    valid: mapped("Basic") === null ? 800 : 1240,
    problems: mapped("Basic") === null ? 440 : 0,
    values: [
      { value: "Expert", count: 800, mapped: mapped("Expert") ?? 5, remove: false, problem: null },
      { value: "Basic", count: 440, mapped: mapped("Basic"), remove: false, problem: mapped("Basic") === null ? "'Basic' is not a number: map it to a platform value" : null },
    ],
    rows: [
      { line: 2, agent: "ana@example.com", skill: "Billing", raw_value: "Expert", value: 5, remove: false, problem: null },
      { line: 3, agent: "bo@example.com", skill: "Sales", raw_value: "Basic", value: mapped("Basic"), remove: false, problem: mapped("Basic") === null ? "line 3, column Level: 'Basic' is not mapped" : null },
    ],
    toml: `[columns]\nagent = "${mapping.columns.agent ?? ""}"\n`,
    blocked: mapping.columns.skill === "Nope" ? "column 'Nope' is not in the file" : null,
  };
}

export function planView(overrides: Partial<PlanView> = {}): PlanView {
  return {
    profile: "sandbox-genesys",
    platform: "genesys",
    tenant: "Sandbox Org",
    summary: { rows: 250, excluded: 0, add: 120, update: 30, remove: 0, unchanged: 95, invalid: 5 },
    estimate: { writes: 42, verify_reads: 3, rate_per_minute: 300, seconds: 150 },
    unresolved: {
      unknown_skills: [{ input: "Biling", lines: [7, 19], suggestions: ["Billing"] }],
      unknown_agents: [{ input: "zed@example.com", lines: [40], suggestions: [] }],
      inactive_skills: [],
      inactive_agents: [{ input: "old@example.com", lines: [12], suggestions: [] }],
      ambiguous_agents: [],
      ambiguous_skills: [],
    },
    reads: 14,
    elapsed_ms: 2300,
    resumable: false,
    removals: [],
    replanned: false,
    approved: null,
    ...overrides,
  };
}

export function runView(overrides: Partial<RunView> = {}, summary: Partial<RunView["summary"]> = {}): RunView {
  return {
    id: "run-20260101-0001",
    summary: {
      rows: 250,
      invalid: 5,
      excluded: 0,
      unchanged: 95,
      added: 120,
      updated: 30,
      removed: 0,
      failed: 0,
      skipped: 0,
      verified: 150,
      requests: { read: 17, write: 42, retried: 2, throttled: 1 },
      elapsed_ms: 151_000,
      ...summary,
    },
    cancelled: false,
    exit_code: 0,
    report_files: ["/data/runs/run-20260101-0001/report.html", "/data/runs/run-20260101-0001/report.undo.csv"],
    journal_errors: [],
    ...overrides,
  };
}

const DEFAULTS: Record<string, Handler> = {
  about: () => ({ version: "0.1.0", config_dir: "/home/ana/.config/skillsync", data_dir: "/home/ana/.local/share/skillsync" }),
  list_profiles: () => PROFILES,
  list_templates: () => ["iex-nightly"],
  preview_mapping: (args) => preview(args.mapping as MappingInput, args.platform as "genesys" | "cxone"),
};

/** A promise a test settles by hand, for commands that run while the test watches (plan, apply). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
