// Step 5: send the plan. One explicit confirmation (a typed one when skills are removed), then live
// progress from the engine's event channel, with pause, resume and cancel.
import { useRef, useState } from "react";
import * as api from "../api";
import { SourceLine } from "../components/SourceLine";
import type { Phase } from "../bindings/Phase";
import type { ProgressEvent } from "../bindings/ProgressEvent";
import type { UiError } from "../bindings/UiError";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorBanner } from "../components/ErrorBanner";
import { RemovalList } from "../components/RemovalList";
import { PHASE_LABELS } from "../components/PhaseProgress";
import { describeEstimate, formatCount, formatDuration, formatElapsed, plural } from "../format";
import { useStore } from "../state";

const LOG_SIZE = 50;
const REMOVE_WORD = "remove";
/** Apply re-read the pairs the plan changes and found some changed: nothing was sent. */
const PLAN_DRIFTED = "plan.drifted";

interface Progress {
  /** Rows whose write call has answered. */
  done: number;
  failed: number;
  total: number;
  /** Write requests answered: each apply event is one. */
  requests: number;
  rate: number;
  eta: number | null;
}

/**
 * The rate as shown: the engine averages over the run so far, which in its first seconds (a burst
 * the limiter allows) can read above the platform's limit. What is shown never exceeds the limit.
 */
export function shownRate(rate: number, limit: number | null): number {
  return limit !== null && limit > 0 ? Math.min(rate, limit) : rate;
}

interface LogLine {
  id: number;
  kind: "retry" | "throttled" | "note";
  text: string;
}

function logText(event: ProgressEvent): LogLine["text"] | null {
  switch (event.type) {
    case "retry":
      return `HTTP ${event.status} on ${event.method} ${event.path}: retry ${event.attempt} in ${formatElapsed(event.wait_ms)}`;
    case "throttled":
      return `Throttled by the platform: waiting ${formatElapsed(event.wait_ms)}`;
    case "note":
      return event.message;
    default:
      return null;
  }
}

export function ApplyStep() {
  const { state, dispatch } = useStore();
  const plan = state.plan;
  const [typed, setTyped] = useState("");
  const [running, setRunning] = useState(false);
  const [phase, setPhase] = useState<Phase | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [log, setLog] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const nextLogId = useRef(0);

  if (!plan) return null;
  const changes = plan.summary.add + plan.summary.update + plan.summary.remove;
  const limit = plan.estimate.rate_per_minute;
  const removes = plan.summary.remove > 0;
  const confirmed = !removes || typed.trim().toLowerCase() === REMOVE_WORD;

  const onEvent = (event: ProgressEvent) => {
    if (event.type === "phase") setPhase(event.phase);
    else if (event.type === "apply")
      setProgress((p) => ({
        done: event.done,
        failed: event.failed,
        total: event.total,
        requests: (p?.requests ?? 0) + 1,
        rate: event.requests_per_minute,
        eta: event.eta_seconds,
      }));
    else {
      const text = logText(event);
      if (text === null) return;
      const line: LogLine = { id: nextLogId.current++, kind: event.type as LogLine["kind"], text };
      setLog((l) => [...l, line].slice(-LOG_SIZE));
    }
  };

  const start = async () => {
    if (!confirmed) return;
    setRunning(true);
    setError(null);
    setProgress(null);
    setPhase(null);
    setLog([]);
    setPaused(false);
    setCancelling(false);
    dispatch({ type: "busy", busy: "apply" });
    try {
      const run = await api.apply({ confirm_remove: removes, resume: state.resume }, onEvent);
      dispatch({ type: "applied", run });
    } catch (err) {
      setError(api.toUiError(err));
      setRunning(false);
      dispatch({ type: "busy", busy: null });
    }
  };

  const control = async (call: () => Promise<null>, after: () => void) => {
    try {
      await call();
      after();
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  if (!running) {
    return (
      <div className="step" data-testid="apply-step">
        <header className="step-head">
          <div>
            <h1>Apply</h1>
            <SourceLine />
            <p className="lead">Skillsync sends only the changes in the plan, under the platform’s rate limit, and verifies every row.</p>
          </div>
        </header>
        <ErrorBanner
          error={error}
          testId="apply-error"
          title={error?.code === PLAN_DRIFTED ? "The tenant changed since this plan was made: nothing was sent" : "The run stopped"}
          onDismiss={() => setError(null)}
        />
        <section className="card confirm-panel" data-testid="apply-confirm">
          <h2 data-testid="apply-question">
            {state.resume
              ? `Resume the interrupted run on ${plan.profile}?`
              : `Change ${plural(changes, "row")} on ${plan.profile}?`}
          </h2>
          <dl className="facts" data-testid="apply-counts">
            <div>
              <dt>Rows</dt>
              <dd data-testid="apply-rows">
                {formatCount(plan.summary.add)} to add, {formatCount(plan.summary.update)} to update, {formatCount(plan.summary.remove)} to remove
              </dd>
            </div>
            <div>
              <dt>Write requests</dt>
              <dd data-testid="apply-requests">
                {formatCount(plan.estimate.writes)} (one request can carry several rows of an agent)
              </dd>
            </div>
          </dl>
          <p>{describeEstimate(plan.estimate.writes, plan.estimate.seconds, plan.estimate.rate_per_minute)}.</p>
          {removes && <RemovalList plan={plan} />}
          {state.resume && <p className="muted">What the journal confirms as sent is not sent again.</p>}
          {removes && (
            <label className="field remove-confirm">
              <span>
                This plan <strong>removes {plural(plan.summary.remove, "skill assignment")}</strong>. Type <code>{REMOVE_WORD}</code> to confirm.
              </span>
              <input className="input input-narrow" autoComplete="off" spellCheck={false} data-testid="apply-remove-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} />
            </label>
          )}
          <div className="inline-actions">
            <button type="button" className="btn" data-testid="apply-back" onClick={() => dispatch({ type: "go", step: "plan" })}>
              Back to plan
            </button>
            <button type="button" className="btn btn-primary" data-testid="apply-start" disabled={!confirmed} onClick={() => void start()}>
              {state.resume ? "Resume" : "Send changes"}
            </button>
          </div>
        </section>
      </div>
    );
  }

  // Rows, from the first frame: the plan's changes until the engine's first event counts them.
  const total = progress?.total ?? changes;
  return (
    <div className="step" data-testid="apply-step">
      <header className="step-head">
        <div>
          <h1>Apply</h1>
          <SourceLine />
          <p className="lead" data-testid="apply-phase" aria-live="polite">
            {cancelling ? "Cancelling: finishing the requests in flight…" : paused ? "Paused" : phase ? `${PHASE_LABELS[phase]}…` : "Starting…"}
          </p>
        </div>
        <div className="inline-actions">
          {paused ? (
            <button type="button" className="btn" data-testid="apply-resume" disabled={cancelling} onClick={() => void control(api.resumeRun, () => setPaused(false))}>
              Resume
            </button>
          ) : (
            <button type="button" className="btn" data-testid="apply-pause" disabled={cancelling} onClick={() => void control(api.pauseRun, () => setPaused(true))}>
              Pause
            </button>
          )}
          <ConfirmButton
            label={cancelling ? "Cancelling…" : "Cancel"}
            question="Stop sending? What was sent stays; the report says which rows."
            confirmLabel="Stop the run"
            testId="apply-cancel"
            disabled={cancelling}
            onConfirm={() => void control(api.cancelRun, () => setCancelling(true))}
          />
        </div>
      </header>
      <ErrorBanner error={error} testId="apply-error" onDismiss={() => setError(null)} />
      <section className="card">
        <progress className="progress-large" data-testid="apply-progress" max={Math.max(total, 1)} value={progress?.done ?? 0} aria-label="Rows done" />
        <dl className="facts facts-large">
          <div>
            <dt>Rows done</dt>
            <dd data-testid="apply-done">
              {formatCount(progress?.done ?? 0)} of {formatCount(total)}
            </dd>
          </div>
          <div>
            <dt>Requests</dt>
            <dd data-testid="apply-requests-done">
              {formatCount(progress?.requests ?? 0)} of {formatCount(plan.estimate.writes)}
            </dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd data-testid="apply-failed" className={progress && progress.failed > 0 ? "problem" : undefined}>
              {formatCount(progress?.failed ?? 0)}
            </dd>
          </div>
          <div>
            <dt>Rate</dt>
            <dd data-testid="apply-rate">{paused ? "Paused" : progress ? `${formatCount(Math.round(shownRate(progress.rate, limit)))} requests/min` : "—"}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd data-testid="apply-eta">{paused ? "Paused" : progress?.eta != null ? formatDuration(progress.eta) : "—"}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="apply-log-title">
        <h2 id="apply-log-title">Events</h2>
        {log.length === 0 ? (
          <p className="muted small">No retries or throttling so far.</p>
        ) : (
          <ol className="log" data-testid="apply-log">
            {log.map((l) => (
              <li key={l.id} className={`log-${l.kind}`} data-testid="apply-log-line">
                {l.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
