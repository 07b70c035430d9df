// Typed wrappers over the app's Tauri commands: one function per command, so argument keys and
// answer types are written once and every failure reaches the UI as a UiError.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { About } from "./bindings/About";
import type { ApplyInput } from "./bindings/ApplyInput";
import type { ConnectionCheck } from "./bindings/ConnectionCheck";
import type { FeedView } from "./bindings/FeedView";
import type { FilePurpose } from "./bindings/FilePurpose";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { MappingInput } from "./bindings/MappingInput";
import type { MappingPreview } from "./bindings/MappingPreview";
import type { PlanOptionsInput } from "./bindings/PlanOptionsInput";
import type { PlanRowPage } from "./bindings/PlanRowPage";
import type { PlanView } from "./bindings/PlanView";
import type { Platform } from "./bindings/Platform";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProfileView } from "./bindings/ProfileView";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { RowQuery } from "./bindings/RowQuery";
import type { RunRowPage } from "./bindings/RunRowPage";
import type { RunView } from "./bindings/RunView";
import type { UiError } from "./bindings/UiError";

/** The code given to failures that did not come from a command (a missing command, a crashed IPC). */
export const IPC_FAILED = "ipc.failed";

/** Whatever `invoke` rejected with, as the `{code, message}` the UI shows. */
export function toUiError(err: unknown): UiError {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (typeof err === "object" && err !== null && "code" in err && "message" in err) {
    const { code, message } = err;
    if (typeof code === "string" && typeof message === "string") return { code, message };
  }
  if (typeof err === "string") return { code: IPC_FAILED, message: err };
  if (err instanceof Error) return { code: IPC_FAILED, message: err.message };
  return { code: IPC_FAILED, message: String(err) };
}

/** A failed command, thrown as an Error (for stack traces) that is also a UiError. */
export class ApiError extends Error implements UiError {
  readonly code: string;
  constructor({ code, message }: UiError) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    // Rejections are rethrown in one shape so every screen can show the same banner.
    throw new ApiError(toUiError(err));
  }
}

function channel(onEvent: (event: ProgressEvent) => void): Channel<ProgressEvent> {
  const events = new Channel<ProgressEvent>();
  events.onmessage = onEvent;
  return events;
}

export const about = () => call<About>("about");
/**
 * Opens the file dialog for `purpose` (the app opens it, not the page) and answers the path the
 * user picked, or null when cancelled. Only such a path (or a dropped file) may then be opened or
 * written: the page cannot name one of its own.
 */
export const chooseFile = (purpose: FilePurpose) => call<string | null>("choose_file", { purpose });

export const listProfiles = () => call<ProfileView[]>("list_profiles");
export const testConnection = (input: ProfileInput) => call<ConnectionCheck>("test_connection", { input });
export const saveProfile = (input: ProfileInput) => call<ProfileView>("save_profile", { input });
export const testProfile = (name: string) => call<ConnectionCheck>("test_profile", { name });
export const removeProfile = (name: string) => call<boolean>("remove_profile", { name });

/** Opens a feed; for a workbook, `sheet` by name (without it: the first sheet with a recognisable header). */
export const openFeed = (path: string, sheet?: string) => call<FeedView>("open_feed", sheet === undefined ? { path } : { path, sheet });
/** The demo feed and mapping for the sandbox of `platform` (each platform's scale needs its own). */
export const openSample = (platform: Platform) => call<FeedView>("open_sample", { platform });
export const exportAssignments = (profile: string, path: string, layout: "long" | "wide") =>
  call<FeedView>("export_assignments", { profile, path, layout });

export const previewMapping = (mapping: MappingInput, platform: Platform) =>
  call<MappingPreview>("preview_mapping", { mapping, platform });
export const listTemplates = () => call<string[]>("list_templates");
export const saveTemplate = (name: string, mapping: MappingInput) => call<string>("save_template", { name, mapping });
export const loadTemplate = (name: string) => call<MappingInput>("load_template", { name });

export const plan = (
  profile: string,
  mapping: MappingInput,
  options: PlanOptionsInput,
  onEvent: (event: ProgressEvent) => void,
) => call<PlanView>("plan", { profile, mapping, options, events: channel(onEvent) });
/** The open feed planned again under `mapping` against the tenant the last plan read (no requests). */
export const replan = (mapping: MappingInput) => call<PlanView>("replan", { mapping });
export const planRows = (query: RowQuery) => call<PlanRowPage>("plan_rows", { query });
/** Writes the current plan for approval to `path` (from `chooseFile("plan")`). */
export const savePlan = (path: string) => call<string>("save_plan", { path });
/** Opens a saved plan (from `chooseFile("approved_plan")`) as the current plan for `profile`'s tenant. */
export const openApprovedPlan = (profile: string, path: string) => call<PlanView>("open_approved_plan", { profile, path });

export const apply = (options: ApplyInput, onEvent: (event: ProgressEvent) => void) =>
  call<RunView>("apply", { options, events: channel(onEvent) });
export const pauseRun = () => call<null>("pause_run");
export const resumeRun = () => call<null>("resume_run");
export const cancelRun = () => call<null>("cancel_run");

export const runRows = (query: RowQuery) => call<RunRowPage>("run_rows", { query });
export const saveReport = (path: string) => call<string[]>("save_report", { path });
export const history = () => call<HistoryEntry[]>("history");
export const openReport = (runId: string, file: string) => call<null>("open_report", { run_id: runId, file });
export const openUndo = (runId: string) => call<FeedView>("open_undo", { run_id: runId });
