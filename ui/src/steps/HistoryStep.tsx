// Earlier runs on this machine, newest first, each with its report files and its undo file, so last
// night's change can be checked or rolled back.
import { useEffect, useState } from "react";
import * as api from "../api";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { UiError } from "../bindings/UiError";
import { ErrorBanner } from "../components/ErrorBanner";
import { FileList } from "../components/FileList";
import { baseName, formatCount, formatElapsed, formatWhen, PLATFORM_NAMES } from "../format";
import { useStore } from "../state";

export function HistoryStep() {
  const { dispatch } = useStore();
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [opening, setOpening] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.history().then(
      (list) => current && setEntries(list),
      (err: unknown) => current && setError(api.toUiError(err)),
    );
    return () => {
      current = false;
    };
  }, []);

  const openUndo = async (id: string) => {
    setOpening(id);
    setError(null);
    try {
      dispatch({ type: "feedOpened", feed: await api.openUndo(id), undo: true });
    } catch (err) {
      setError(api.toUiError(err));
      setOpening(null);
    }
  };

  return (
    <div className="step" data-testid="history-step">
      <header className="step-head">
        <div>
          <h1>History</h1>
          <p className="lead">Every run on this computer, newest first.</p>
        </div>
      </header>
      <ErrorBanner error={error} testId="history-error" onDismiss={() => setError(null)} />
      {entries === null && !error && <p className="muted">Loading…</p>}
      {entries?.length === 0 && (
        <p className="muted empty" data-testid="history-empty">
          No runs yet. Runs appear here once a plan is applied.
        </p>
      )}
      {entries && entries.length > 0 && (
        <ol className="history" data-testid="history-list">
          {entries.map((e) => {
            const s = e.summary;
            return (
              <li key={e.id} className="card history-entry" data-testid={`history-${e.id}`}>
                <div className="history-head">
                  <div>
                    <strong>{formatWhen(e.started_at)}</strong>
                    <span className="muted">
                      {" "}
                      · {e.profile} · {PLATFORM_NAMES[e.platform]} · <span title={e.feed}>{baseName(e.feed)}</span>
                    </span>
                  </div>
                  <div className="inline-actions">
                    {e.cancelled && <span className="badge badge-warn">cancelled</span>}
                    {s.failed > 0 && <span className="badge badge-failed">{formatCount(s.failed)} failed</span>}
                    <button type="button" className="btn btn-small" data-testid={`history-${e.id}-undo`} disabled={opening !== null} onClick={() => void openUndo(e.id)}>
                      {opening === e.id ? "Opening…" : "Open undo file"}
                    </button>
                  </div>
                </div>
                <p className="history-counts" data-testid={`history-${e.id}-counts`}>
                  {formatCount(s.added)} added · {formatCount(s.updated)} updated · {formatCount(s.removed)} removed · {formatCount(s.unchanged)} unchanged ·{" "}
                  {formatCount(s.invalid)} invalid · {formatCount(s.verified)} verified · {formatElapsed(s.elapsed_ms)}
                </p>
                <details className="disclosure">
                  <summary>Report files</summary>
                  <FileList files={e.report_files} testId={`history-${e.id}-files`} runId={e.id} />
                </details>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
