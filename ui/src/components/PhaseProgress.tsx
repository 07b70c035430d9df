// The long calls' progress as they report it: the phase they are in and, while reading the tenant,
// how far the read has come (indeterminate when the platform does not say how much there is).
import type { Phase } from "../bindings/Phase";
import { formatCount } from "../format";

export const PHASE_LABELS: Record<Phase, string> = {
  connect: "Signing in",
  read: "Reading the tenant",
  plan: "Planning",
  apply: "Sending changes",
  verify: "Verifying",
  report: "Writing the report",
};

export interface ReadProgress {
  done: number;
  total: number | null;
}

export function PhaseProgress({ phase, read, testId }: { phase: Phase | null; read: ReadProgress | null; testId: string }) {
  return (
    <div className="phase-progress" data-testid={testId} aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span data-testid={`${testId}-phase`}>{phase ? `${PHASE_LABELS[phase]}…` : "Starting…"}</span>
      {read && (
        <>
          {read.total !== null ? <progress max={read.total} value={read.done} aria-label="Read progress" /> : <progress aria-label="Read progress" />}
          <span className="muted small" data-testid={`${testId}-read`}>
            {read.total !== null ? `${formatCount(read.done)} of ${formatCount(read.total)} read` : `${formatCount(read.done)} read`}
          </span>
        </>
      )}
    </div>
  );
}
