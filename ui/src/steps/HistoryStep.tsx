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

/** One job as History shows it: its latest attempt, and the earlier ones a resume finished. */
export interface JobEntry {
  latest: HistoryEntry;
  attempts: HistoryEntry[];
}

/**
 * Groups runs (newest first) into jobs: a resumed run and the interrupted attempt(s) it finished
 * (same job id) are one entry; every other run is its own.
 */
export function groupJobs(entries: HistoryEntry[]): JobEntry[] {
  const out: JobEntry[] = [];
  const taken = new Set<string>();
  entries.forEach((e, i) => {
    if (taken.has(e.id)) return;
    const attempts = [e];
    let current = e;
    for (let j = i + 1; current.resumed && current.job && j < entries.length; j++) {
      const older = entries[j]!;
      if (taken.has(older.id) || older.job !== current.job) continue;
      attempts.push(older);
      taken.add(older.id);
      current = older;
    }
    out.push({ latest: e, attempts });
  });
  return out;
}

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
          {groupJobs(entries).map(({ latest: e, attempts }) => {
            const s = e.summary;
            const rolledBack = e.rollback_of ? entries.find((x) => x.id === e.rollback_of) : undefined;
            return (
              <li key={e.id} className="card history-entry" data-testid={`history-${e.id}`}>
                <div className="history-head">
                  <div>
                    {/* The run's own time is the title; what it rolled back is a line of its own, so two dates never run together. */}
                    <strong className="history-title" data-testid={`history-${e.id}-title`}>
                      {formatWhen(e.started_at)}
                    </strong>
                    <span className="muted">
                      {" "}
                      · {e.profile} · {PLATFORM_NAMES[e.platform]} · <span title={e.feed}>{baseName(e.feed)}</span>
                    </span>
                    {e.rollback_of && (
                      <p className="small history-rollback" data-testid={`history-${e.id}-rollback`}>
                        Rollback of {rolledBack ? `the run of ${formatWhen(rolledBack.started_at)}` : e.rollback_of}
                      </p>
                    )}
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
                  {formatCount(s.invalid)} invalid · {s.excluded > 0 ? `${formatCount(s.excluded)} excluded · ` : ""}
                  {formatCount(s.verified)} verified · {formatElapsed(s.elapsed_ms)}
                </p>
                {attempts.length > 1 && (
                  <div className="history-attempts" data-testid={`history-${e.id}-attempts`}>
                    <p className="small">
                      <strong>{attempts.length} attempts</strong> of one job: interrupted, then resumed from its journal (nothing confirmed was sent twice).
                    </p>
                    <ol className="small">
                      {[...attempts].reverse().map((a, n) => (
                        <li key={a.id}>
                          {n === 0 ? "Started" : "Resumed"} {formatWhen(a.started_at)}: {formatCount(a.summary.added + a.summary.updated + a.summary.removed)} changed
                          {a.cancelled ? ", cancelled" : ""}
                        </li>
                      ))}
                    </ol>
                  </div>
                )}
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
