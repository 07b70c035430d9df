// The left rail: every step in order, enabled once what it needs exists, locked while a plan or an
// apply runs so its answer lands on the screen that asked for it.
import { useEffect, useState } from "react";
import * as api from "../api";
import { STEP_LABELS, STEPS, stepEnabled, useStore } from "../state";

const HINTS: Partial<Record<(typeof STEPS)[number], string>> = {
  map: "Open a feed first",
  plan: "Map the feed first",
  apply: "Make a plan first",
  results: "Apply a plan first",
};

export function StepRail() {
  const { state, dispatch } = useStore();
  const sequence = STEPS.filter((s) => s !== "history");
  return (
    <nav className="rail" aria-label="Steps">
      <ol className="rail-steps">
        {sequence.map((step, i) => {
          const enabled = stepEnabled(state, step) && (state.busy === null || step === state.step);
          const current = step === state.step;
          return (
            <li key={step}>
              <button
                type="button"
                className={`rail-step${current ? " rail-step-current" : ""}`}
                data-testid={`step-${step}`}
                aria-current={current ? "step" : undefined}
                disabled={!enabled}
                title={enabled ? undefined : state.busy ? "Wait for the current run to finish" : HINTS[step]}
                onClick={() => dispatch({ type: "go", step })}
              >
                <span className="rail-number">{i + 1}</span>
                <span className="rail-label">{STEP_LABELS[step]}</span>
              </button>
            </li>
          );
        })}
      </ol>
      <div className="rail-bottom">
        <button
          type="button"
          className={`rail-step${state.step === "history" ? " rail-step-current" : ""}`}
          data-testid="step-history"
          aria-current={state.step === "history" ? "page" : undefined}
          disabled={state.busy !== null}
          onClick={() => dispatch({ type: "go", step: "history" })}
        >
          <span className="rail-number" aria-hidden="true">
            ⟲
          </span>
          <span className="rail-label">{STEP_LABELS.history}</span>
        </button>
        <AboutLine />
      </div>
    </nav>
  );
}

/** The version of the app, so a support ticket can name it. */
function AboutLine() {
  const [version, setVersion] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api.about().then(
      (a) => current && setVersion(a.version),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);
  return (
    <p className="about-line muted small" data-testid="about-line">
      {version ? `Skillsync ${version}` : "Skillsync"}
    </p>
  );
}
