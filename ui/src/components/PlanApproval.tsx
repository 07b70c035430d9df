// Plans saved for approval: save the current plan to a file, or open an approved one as the current
// plan. The files come from the app's own dialogs (opened from Rust), so only paths the user chose
// are written or read. Apply re-checks every plan against the tenant, approved or not.
import { useState } from "react";
import * as api from "../api";
import type { UiError } from "../bindings/UiError";
import { useActiveProfile, useStore } from "../state";
import { ErrorBanner } from "./ErrorBanner";
import { baseName } from "../format";

/** "Save plan for approval…": writes the current plan where the user chooses. */
export function SavePlanButton() {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const save = async () => {
    setError(null);
    setSaved(null);
    try {
      const path = await api.chooseFile("plan");
      if (path) setSaved(await api.savePlan(path));
    } catch (err) {
      setError(api.toUiError(err));
    }
  };
  return (
    <>
      <button type="button" className="btn" data-testid="plan-save" onClick={() => void save()}>
        Save plan for approval…
      </button>
      {saved && (
        <span className="muted small" data-testid="plan-saved">
          Saved to {saved}, with a readable copy beside it for an approver without Skillsync ({readableCopies(saved)})
        </span>
      )}
      <ErrorBanner error={error} testId="plan-save-error" title="The plan could not be saved" onDismiss={() => setError(null)} />
    </>
  );
}

/** The HTML and CSV copies the backend writes beside a saved plan. */
function readableCopies(path: string): string {
  const stem = baseName(path).replace(/\.[^.]*$/, "");
  return `${stem}.html, ${stem}.csv`;
}

/** "Apply an approved plan…": opens a saved plan for the active connection as the current plan. */
export function OpenApprovedPlanButton({ disabled = false }: { disabled?: boolean }) {
  const { dispatch } = useStore();
  const profile = useActiveProfile();
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const open = async () => {
    if (!profile) return;
    setError(null);
    setOpening(true);
    try {
      const path = await api.chooseFile("approved_plan");
      if (path) dispatch({ type: "approvedPlanOpened", plan: await api.openApprovedPlan(profile.name, path) });
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setOpening(false);
    }
  };
  return (
    <>
      <button type="button" className="btn" data-testid="open-approved-plan" disabled={disabled || opening || !profile} onClick={() => void open()}>
        {opening ? "Opening…" : "Apply an approved plan…"}
      </button>
      <ErrorBanner error={error} testId="approved-plan-error" title="The plan could not be opened" onDismiss={() => setError(null)} />
    </>
  );
}
