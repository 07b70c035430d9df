// Step 6: what the run did, row by row, in words a verdict can be read from at a glance; the report
// to keep, and the undo file to roll the change back.
import { useState } from "react";
import * as api from "../api";
import { SourceLine } from "../components/SourceLine";
import type { RunView } from "../bindings/RunView";
import type { UiError } from "../bindings/UiError";
import { ErrorBanner } from "../components/ErrorBanner";
import { FileList } from "../components/FileList";
import { RunRows } from "../components/RunRows";
import { Tile, Tiles } from "../components/Tile";
import { formatCount, formatElapsed, plural } from "../format";
import { useStore } from "../state";

export function verdict(run: RunView): { text: string; tone: "good" | "bad" | "warn" } {
  const s = run.summary;
  const changes = s.added + s.updated + s.removed;
  if (run.cancelled) return { text: `Cancelled: ${plural(changes, "change")} applied before the run stopped`, tone: "warn" };
  if (s.failed > 0) return { text: `${plural(s.failed, "row")} failed`, tone: "bad" };
  if (changes === 0) return { text: "Nothing to change: the platform already matched", tone: "good" };
  return { text: `All ${plural(changes, "change")} applied and verified`, tone: "good" };
}

export function ResultsStep() {
  const { state, dispatch } = useStore();
  const run = state.run;
  const [saved, setSaved] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<"save" | "undo" | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  if (!run) return null;
  const s = run.summary;
  const v = verdict(run);

  const saveReport = async () => {
    setBusy("save");
    setError(null);
    try {
      // The save dialog is the app's: the report goes only where the user chose.
      const path = await api.chooseFile("report");
      if (path) setSaved(await api.saveReport(path));
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setBusy(null);
    }
  };

  const rollBack = async () => {
    setBusy("undo");
    setError(null);
    try {
      dispatch({ type: "feedOpened", feed: await api.openUndo(run.id), undo: true });
    } catch (err) {
      setError(api.toUiError(err));
      setBusy(null);
    }
  };

  return (
    <div className="step" data-testid="results-step">
      <header className="step-head">
        <div>
          <h1>Results</h1>
          <SourceLine />
          <p className={`verdict verdict-${v.tone}`} data-testid="results-verdict" role="status">
            {v.text}
          </p>
          {run.cancelled && s.failed > 0 && <p className="problem">{plural(s.failed, "row")} failed before it stopped.</p>}
          {run.cancelled && s.skipped > 0 && (
            <p className="muted" data-testid="results-skipped">
              {plural(s.skipped, "row")} not sent. Plan the same feed again to resume from the journal.
            </p>
          )}
          {!run.cancelled && s.failed > 0 && (
            <p className="muted">
              {formatCount(s.verified)} verified; the Failed tab shows each error with the correlation ids support asks for.
            </p>
          )}
        </div>
        <div className="inline-actions">
          <button type="button" className="btn" data-testid="results-rollback" disabled={busy !== null} onClick={() => void rollBack()}>
            {busy === "undo" ? "Opening…" : "Roll back: open the undo file"}
          </button>
          <button type="button" className="btn btn-primary" data-testid="results-save-report" disabled={busy !== null} onClick={() => void saveReport()}>
            {busy === "save" ? "Saving…" : "Save report…"}
          </button>
        </div>
      </header>

      <ErrorBanner error={error} testId="results-error" onDismiss={() => setError(null)} />

      {run.journal_errors.length > 0 && (
        <div className="banner banner-warning" data-testid="results-journal-errors">
          <div className="banner-body">
            <strong className="banner-title">The journal could not record everything</strong>
            <ul>
              {run.journal_errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          </div>
        </div>
      )}

      <section className="card">
        <Tiles>
          <Tile label="added" value={s.added} testId="results-added" tone="add" />
          <Tile label="updated" value={s.updated} testId="results-updated" tone="update" />
          <Tile label="removed" value={s.removed} testId="results-removed" tone="remove" />
          <Tile label="unchanged" value={s.unchanged} testId="results-unchanged" tone="muted" />
          <Tile label="invalid" value={s.invalid} testId="results-invalid" tone={s.invalid > 0 ? "bad" : "muted"} />
          <Tile label="failed" value={s.failed} testId="results-failed" tone={s.failed > 0 ? "bad" : "muted"} />
          <Tile label="excluded" value={s.excluded} testId="results-excluded" tone="muted" />
          <Tile label="verified" value={s.verified} testId="results-verified" tone="good" />
        </Tiles>
        <p className="muted small" data-testid="results-requests">
          Requests: {formatCount(s.requests.read)} read, {formatCount(s.requests.write)} write, {formatCount(s.requests.retried)} retried,{" "}
          {formatCount(s.requests.throttled)} throttled · {formatElapsed(s.elapsed_ms)} in all
        </p>
      </section>

      <section className="card" aria-labelledby="results-files-title">
        <h2 id="results-files-title">Report</h2>
        <p className="muted small">Written with the run, beside its journal:</p>
        <FileList files={run.report_files} testId="results-report-files" runId={run.id} />
        {saved && (
          <>
            <p className="success-text small">Saved:</p>
            <FileList files={saved} testId="results-saved-files" />
          </>
        )}
      </section>

      <RunRows run={run} />
    </div>
  );
}
