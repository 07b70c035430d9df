// The app's state: one reducer, so what each step needs (a feed for Map, a mapping for Plan, a plan
// for Apply, a run for Results) is decided in one place, and stale results are dropped when what
// they were computed from changes.
import { createContext, useContext, useReducer, type Dispatch, type ReactNode } from "react";
import type { FeedView } from "./bindings/FeedView";
import type { MappingInput } from "./bindings/MappingInput";
import type { PlanOptionsInput } from "./bindings/PlanOptionsInput";
import type { PlanView } from "./bindings/PlanView";
import type { ProfileView } from "./bindings/ProfileView";
import type { RunView } from "./bindings/RunView";

export const STEPS = ["connection", "import", "map", "plan", "apply", "results", "history"] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_LABELS: Record<StepId, string> = {
  connection: "Connection",
  import: "Import",
  map: "Map",
  plan: "Plan",
  apply: "Apply",
  results: "Results",
  history: "History",
};

export type Busy = "plan" | "apply" | null;

/** What the plan is made from, named on every step after Import so no one sends the wrong thing. */
export type Source =
  | { kind: "feed"; fileName: string; sheet: string | null; template: string | null; rollback: boolean }
  | { kind: "approved"; fileName: string; path: string; createdAt: string; tenant: string; feed: string };

/** Removal options belong to one feed: every feed starts without them. */
export const NO_REMOVALS: PlanOptionsInput = { allow_remove: false, remove_unlisted: false };

export interface State {
  step: StepId;
  profiles: ProfileView[];
  profilesLoaded: boolean;
  activeProfile: string | null;
  feed: FeedView | null;
  mapping: MappingInput | null;
  planOptions: PlanOptionsInput;
  /** The feed (sheet, template) or approved plan the plan is made from. */
  source: Source | null;
  plan: PlanView | null;
  /** Apply should finish the interrupted run of this plan instead of starting afresh. */
  resume: boolean;
  run: RunView | null;
  /** A long call is running; the rail is locked so its answer lands on the screen that asked. */
  busy: Busy;
}

export type ActionType =
  | { type: "go"; step: StepId }
  | { type: "profilesLoaded"; profiles: ProfileView[]; select?: string }
  | { type: "selectProfile"; name: string }
  | { type: "feedOpened"; feed: FeedView; undo?: boolean }
  | { type: "mappingChanged"; mapping: MappingInput }
  /** A saved template replaced the mapping. */
  | { type: "templateLoaded"; mapping: MappingInput; name: string }
  | { type: "planOptionsChanged"; options: PlanOptionsInput }
  | { type: "planned"; plan: PlanView }
  | { type: "approvedPlanOpened"; plan: PlanView }
  /** A name fixed or excluded on the Plan screen: the mapping carries it, the plan follows. */
  | { type: "corrected"; mapping: MappingInput; plan: PlanView }
  | { type: "startApply"; resume: boolean }
  | { type: "applied"; run: RunView }
  | { type: "busy"; busy: Busy };

export const initialState: State = {
  step: "connection",
  profiles: [],
  profilesLoaded: false,
  activeProfile: null,
  feed: null,
  mapping: null,
  planOptions: NO_REMOVALS,
  source: null,
  plan: null,
  resume: false,
  run: null,
  busy: null,
};

/** The mapping a feed starts from when its columns could not be detected. */
export function emptyMapping(): MappingInput {
  return {
    columns: {
      layout: "long",
      agent: null,
      agent_key: "email",
      skill: null,
      proficiency: null,
      skill_columns: [],
      skill_pairs: null,
    },
    values: {},
    scale: null,
    rename: { skills: {}, agents: {} },
    exclude: { agents: [], skills: [], rows: [] },
  };
}

/** The default profile: the first built-in sandbox, else the first saved one. */
function defaultProfile(profiles: ProfileView[]): string | null {
  return (profiles.find((p) => p.builtin) ?? profiles[0])?.name ?? null;
}

export function stepEnabled(state: State, step: StepId): boolean {
  switch (step) {
    case "map":
      return state.feed !== null;
    case "plan":
      return state.mapping !== null || state.plan !== null;
    case "apply":
      return state.plan !== null;
    case "results":
      return state.run !== null;
    default:
      return true;
  }
}

export function reducer(state: State, action: ActionType): State {
  switch (action.type) {
    case "go":
      return stepEnabled(state, action.step) ? { ...state, step: action.step } : state;
    case "profilesLoaded": {
      const names = new Set(action.profiles.map((p) => p.name));
      const wanted = action.select ?? state.activeProfile;
      const active = wanted !== null && names.has(wanted) ? wanted : defaultProfile(action.profiles);
      const changed = active !== state.activeProfile;
      return {
        ...state,
        profiles: action.profiles,
        profilesLoaded: true,
        activeProfile: active,
        plan: changed ? null : state.plan,
        resume: changed ? false : state.resume,
      };
    }
    case "selectProfile":
      if (action.name === state.activeProfile) return state;
      // A plan is a diff against one tenant: another profile needs a new one.
      return { ...state, activeProfile: action.name, plan: null, resume: false };
    case "feedOpened":
      return {
        ...state,
        feed: action.feed,
        mapping: action.feed.mapping ?? emptyMapping(),
        plan: null,
        resume: false,
        // Removal options never carry over to another feed. An undo file writes `remove` for what
        // a run added, which plans only with removal rows allowed — and needs nothing else: never
        // "remove every skill the feed does not list".
        planOptions: action.undo ? { allow_remove: true, remove_unlisted: false } : NO_REMOVALS,
        source: { kind: "feed", fileName: action.feed.file_name, sheet: action.feed.sheet, template: null, rollback: !!action.undo },
        // A workbook of several sheets stays on Import, where its sheet picker shows which was read.
        step: action.feed.sheets.length > 1 ? "import" : "map",
      };
    case "mappingChanged":
      return { ...state, mapping: action.mapping, plan: null, resume: false };
    case "templateLoaded":
      return {
        ...state,
        mapping: action.mapping,
        plan: null,
        resume: false,
        source: state.source?.kind === "feed" ? { ...state.source, template: action.name } : state.source,
      };
    case "planOptionsChanged":
      return { ...state, planOptions: action.options, plan: null, resume: false };
    case "planned":
      return { ...state, plan: action.plan, resume: false };
    case "approvedPlanOpened": {
      const a = action.plan.approved;
      const source: Source | null = a
        ? { kind: "approved", fileName: a.file_name, path: a.path, createdAt: a.created_at, tenant: a.tenant, feed: a.feed }
        : state.source;
      return { ...state, plan: action.plan, source, resume: false, step: "plan" };
    }
    case "corrected":
      return { ...state, mapping: action.mapping, plan: action.plan, resume: false };
    case "startApply":
      return { ...state, resume: action.resume, step: "apply" };
    case "applied":
      // The plan was consumed: planning again reads the tenant as the run left it.
      return { ...state, run: action.run, plan: null, resume: false, busy: null, step: "results" };
    case "busy":
      return { ...state, busy: action.busy };
  }
}

interface Store {
  state: State;
  dispatch: Dispatch<ActionType>;
}

const StoreContext = createContext<Store | null>(null);

export function StoreProvider({ children, initial }: { children: ReactNode; initial?: Partial<State> }) {
  const [state, dispatch] = useReducer(reducer, { ...initialState, ...initial });
  return <StoreContext.Provider value={{ state, dispatch }}>{children}</StoreContext.Provider>;
}

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useStore must be used inside StoreProvider");
  return store;
}

/** The active profile, or null before the list has loaded. */
export function useActiveProfile(): ProfileView | null {
  const { state } = useStore();
  return state.profiles.find((p) => p.name === state.activeProfile) ?? null;
}
