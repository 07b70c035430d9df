// Step 4: read the tenant and diff it with the mapped feed. Nothing is written here; the analyst sees
// every change, what it costs in requests and time, and which names need fixing first.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { SourceLine } from "../components/SourceLine";
import type { Phase } from "../bindings/Phase";
import type { PlanView } from "../bindings/PlanView";
import type { UiError } from "../bindings/UiError";
import { ErrorBanner } from "../components/ErrorBanner";
import { PhaseProgress, type ReadProgress } from "../components/PhaseProgress";
import { OpenApprovedPlanButton, SavePlanButton } from "../components/PlanApproval";
import { PlanRows } from "../components/PlanRows";
import { Tile, Tiles } from "../components/Tile";
import { stillUnknown, UnresolvedNames, type NameKind, type TypedFix } from "../components/UnresolvedNames";
import { Corrections } from "../components/Corrections";
import { RemovalList } from "../components/RemovalList";
import { excludeRow } from "../corrections";
import type { MappingInput } from "../bindings/MappingInput";
import { describeEstimate, formatCount, formatElapsed, plural } from "../format";
import { useActiveProfile, useStore } from "../state";

export function PlanStep() {
  const { state, dispatch } = useStore();
  const profile = useActiveProfile();
  const [running, setRunning] = useState(false);
  const [phase, setPhase] = useState<Phase | null>(null);
  const [read, setRead] = useState<ReadProgress | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const options = state.planOptions;
  const plan = state.plan;
  const [fixing, setFixing] = useState(false);

  // A fix or an exclusion: plan again against the tenant already read, keep it in the mapping.
  const fix = async (next: MappingInput) => {
    setFixing(true);
    setError(null);
    try {
      dispatch({ type: "corrected", mapping: next, plan: await api.replan(next) });
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setFixing(false);
    }
  };

  // A typed name is kept only when the platform knows it: otherwise the plan is made again
  // without it and the line says so, so a name that exists nowhere never becomes a fix.
  const typedFix = async (next: MappingInput, kind: NameKind, to: string): Promise<string | null> => {
    if (!state.mapping) return null;
    const before = state.mapping;
    setFixing(true);
    setError(null);
    try {
      const replanned = await api.replan(next);
      if (!stillUnknown(replanned, kind, to)) {
        dispatch({ type: "corrected", mapping: next, plan: replanned });
        return null;
      }
      dispatch({ type: "corrected", mapping: before, plan: await api.replan(before) });
      const where = profile ? ` on ${profile.name}` : "";
      return kind === "skill" ? `No skill “${to}”${where} either: nothing was changed.` : `No agent “${to}”${where} either: nothing was changed.`;
    } catch (err) {
      setError(api.toUiError(err));
      return null;
    } finally {
      setFixing(false);
    }
  };

  // Planning again plans the same source: an approved plan is opened again from its file (never
  // the last feed opened), a feed is read against the tenant again.
  const source = state.source;
  const approved = source?.kind === "approved" ? source : null;
  const run = async () => {
    if (!profile || (!approved && !state.mapping)) return;
    setRunning(true);
    setError(null);
    setPhase(null);
    setRead(null);
    dispatch({ type: "busy", busy: "plan" });
    try {
      if (approved) {
        dispatch({ type: "approvedPlanOpened", plan: await api.openApprovedPlan(profile.name, approved.path) });
        return;
      }
      if (!state.mapping) return;
      const result = await api.plan(profile.name, state.mapping, options, (event) => {
        if (event.type === "phase") setPhase(event.phase);
        else if (event.type === "read") setRead({ done: event.done, total: event.total });
      });
      dispatch({ type: "planned", plan: result });
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setRunning(false);
      dispatch({ type: "busy", busy: null });
    }
  };

  return (
    <div className="step" data-testid="plan-step">
      <header className="step-head">
        <div>
          <h1>Plan</h1>
          <SourceLine />
          <p className="lead">
            Skillsync reads {profile ? <strong>{profile.name}</strong> : "the tenant"} and compares it with the feed. Nothing is changed on the platform.
          </p>
        </div>
        <div className="inline-actions">
          <OpenApprovedPlanButton disabled={running} />
          <button type="button" className={plan ? "btn" : "btn btn-primary"} data-testid="plan-run" disabled={running || !profile || (!approved && !state.mapping)} onClick={() => void run()}>
            {running ? "Planning…" : approved ? "Open the approved plan again" : plan ? "Read tenant and plan again" : "Read tenant and plan"}
          </button>
        </div>
      </header>

      {running && <PhaseProgress phase={phase} read={read} testId="plan-progress" />}

      <section className="card" aria-labelledby="plan-options-title">
        <h2 id="plan-options-title">Also remove skills</h2>
        <p className="muted small">By default Skillsync only adds and updates. Removing is a separate, explicit mode, and Apply asks you to confirm it.</p>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="plan-allow-remove"
            checked={options.allow_remove}
            disabled={running}
            onChange={(e) => dispatch({ type: "planOptionsChanged", options: { ...options, allow_remove: e.target.checked } })}
          />
          Remove the assignments whose level in the feed is <code>remove</code> (as an undo file writes them)
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="plan-remove-unlisted"
            checked={options.remove_unlisted}
            disabled={running}
            onChange={(e) => dispatch({ type: "planOptionsChanged", options: { ...options, remove_unlisted: e.target.checked } })}
          />
          Remove every skill of a listed agent that the feed does not list
        </label>
      </section>

      <ErrorBanner error={error} testId="plan-error" title="The plan could not be made" onDismiss={() => setError(null)} />

      {plan && !running && (
        <PlanResult plan={plan} mapping={approved ? null : state.mapping} onFix={(m) => void fix(m)} onTypedFix={typedFix} fixing={fixing} onApply={(resume) => dispatch({ type: "startApply", resume })} />
      )}
    </div>
  );
}

interface ResultProps {
  plan: PlanView;
  /** The mapping the plan was made with; none for an approved plan, which is applied as approved. */
  mapping: MappingInput | null;
  onFix: (next: MappingInput) => void;
  onTypedFix: TypedFix;
  fixing: boolean;
  onApply: (resume: boolean) => void;
}

function PlanResult({ plan, mapping, onFix, onTypedFix, fixing, onApply }: ResultProps) {
  const s = plan.summary;
  const e = plan.estimate;
  const changes = s.add + s.update + s.remove;
  const nothing = e.writes === 0;
  // A new plan takes the focus to its summary, so the keyboard and a screen reader land on the result.
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), []);
  return (
    <>
      {plan.resumable && (
        <div className="banner banner-info" data-testid="plan-resumable">
          <p className="banner-message">An earlier apply of this same job was interrupted. Resuming sends only what its journal has not confirmed.</p>
          <button type="button" className="btn btn-primary btn-small" data-testid="plan-resume" onClick={() => onApply(true)}>
            Resume the interrupted run
          </button>
        </div>
      )}

      <section className="card" aria-labelledby="plan-summary-title">
        <div className="section-head">
          <h2 id="plan-summary-title" ref={title} tabIndex={-1} data-testid="plan-summary-title">
            {plan.tenant ? `Against ${plan.tenant}` : "Summary"}
          </h2>
          {nothing ? (
            <span className="success-text" data-testid="plan-nothing">
              Nothing to change: the platform already matches.
            </span>
          ) : null}
          <SavePlanButton />
          <button type="button" className="btn btn-primary" data-testid="plan-apply" disabled={nothing} onClick={() => onApply(false)}>
            Apply {plural(changes, "change")}
          </button>
        </div>
        <Tiles>
          <Tile label="add" value={s.add} testId="plan-add" tone="add" />
          <Tile label="update" value={s.update} testId="plan-update" tone="update" />
          <Tile label="remove" value={s.remove} testId="plan-remove" tone="remove" />
          <Tile label="unchanged" value={s.unchanged} testId="plan-unchanged" tone="muted" />
          <Tile label="invalid" value={s.invalid} testId="plan-invalid" tone={s.invalid > 0 ? "bad" : "muted"} />
          <Tile label="excluded" value={s.excluded} testId="plan-excluded" tone="muted" />
          <Tile label="rows" value={s.rows} testId="plan-rows-count" />
        </Tiles>
        <p className="estimate" data-testid="plan-estimate">
          {describeEstimate(e.writes, e.seconds, e.rate_per_minute)}
          {e.verify_reads > 0 && <span className="muted"> · then {plural(e.verify_reads, "read")} to verify</span>}
        </p>
        <p className="muted small" data-testid="plan-reads">
          {plan.replanned
            ? `Planned again against the tenant already read (no requests) in ${formatElapsed(plan.elapsed_ms)}.`
            : `Read the tenant in ${plural(plan.reads, "request")}; planned in ${formatElapsed(plan.elapsed_ms)}.`}
          {s.excluded > 0 && ` ${formatCount(s.excluded)} excluded ${s.excluded === 1 ? "row is" : "rows are"} left out and not counted among the rows.`}
          {s.invalid > 0 && ` ${formatCount(s.invalid)} invalid ${s.invalid === 1 ? "row is" : "rows are"} skipped; see the Invalid tab.`}
        </p>
      </section>

      {s.remove > 0 && <RemovalList plan={plan} />}
      {/* An approved plan is applied as approved: its names are listed, fixed only in a new plan. */}
      <UnresolvedNames unresolved={plan.unresolved} mapping={mapping} onFix={onFix} onTypedFix={onTypedFix} busy={fixing} />
      {mapping && <Corrections mapping={mapping} onFix={onFix} busy={fixing} />}
      <PlanRows plan={plan} busy={fixing} onExcludeRow={mapping ? (r) => onFix(excludeRow(mapping, r.agent, r.skill, r.line)) : undefined} />
    </>
  );
}
