// The window: a header naming the active profile, the rail of steps, and the current step.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { UiError } from "./bindings/UiError";
import { StepRail } from "./components/StepRail";
import { PLATFORM_NAMES } from "./format";
import { StoreProvider, useActiveProfile, useStore, type State } from "./state";
import { ApplyStep } from "./steps/ApplyStep";
import { ConnectionStep } from "./steps/ConnectionStep";
import { HistoryStep } from "./steps/HistoryStep";
import { ImportStep } from "./steps/ImportStep";
import { MapStep } from "./steps/MapStep";
import { PlanStep } from "./steps/PlanStep";
import { ResultsStep } from "./steps/ResultsStep";

export function App({ initial }: { initial?: Partial<State> }) {
  return (
    <StoreProvider initial={initial}>
      <Shell />
    </StoreProvider>
  );
}

function Shell() {
  const { state, dispatch } = useStore();
  const [profilesError, setProfilesError] = useState<UiError | null>(null);

  const reload = useCallback(async () => {
    try {
      dispatch({ type: "profilesLoaded", profiles: await api.listProfiles() });
      setProfilesError(null);
    } catch (err) {
      setProfilesError(api.toUiError(err));
    }
  }, [dispatch]);

  useEffect(() => {
    let current = true;
    api.listProfiles().then(
      (profiles) => {
        if (!current) return;
        dispatch({ type: "profilesLoaded", profiles });
        setProfilesError(null);
      },
      (err: unknown) => current && setProfilesError(api.toUiError(err)),
    );
    return () => {
      current = false;
    };
  }, [dispatch]);

  // A new step moves the focus to its heading, so a keyboard or screen-reader user starts there
  // (not on <body>); the first screen keeps the focus where the window put it.
  const shown = useRef(state.step);
  useEffect(() => {
    if (shown.current === state.step) return;
    shown.current = state.step;
    const heading = document.querySelector<HTMLElement>("#content h1");
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [state.step]);

  return (
    <div className="app">
      <Header onOpenConnection={() => dispatch({ type: "go", step: "connection" })} />
      <StepRail />
      <main className="content" id="content" tabIndex={-1}>
        {state.step === "connection" && <ConnectionStep profilesError={profilesError} onReload={reload} />}
        {state.step === "import" && <ImportStep />}
        {state.step === "map" && <MapStep />}
        {state.step === "plan" && <PlanStep />}
        {state.step === "apply" && <ApplyStep />}
        {state.step === "results" && <ResultsStep />}
        {state.step === "history" && <HistoryStep />}
      </main>
    </div>
  );
}

function Header({ onOpenConnection }: { onOpenConnection: () => void }) {
  const profile = useActiveProfile();
  const { state } = useStore();
  return (
    <header className="app-header">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          ⇄
        </span>
        Skillsync
      </span>
      <button type="button" className="header-profile" data-testid="active-profile" disabled={state.busy !== null} onClick={onOpenConnection} title="Change the connection">
        {profile ? (
          <>
            <span className="header-profile-name" data-testid="active-profile-name">
              {profile.name}
            </span>
            <span className="header-profile-platform" data-testid="active-profile-platform">
              {PLATFORM_NAMES[profile.platform]}
            </span>
            {profile.builtin && <span className="badge badge-sandbox">Sandbox</span>}
          </>
        ) : (
          <span className="muted">{state.profilesLoaded ? "No connection" : "Loading…"}</span>
        )}
      </button>
    </header>
  );
}
