// What a connection test found: each check with ✓ or ✗ and its detail, then what the tenant holds.
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import { formatCount, formatElapsed } from "../format";

export function ConnectionCheckView({ check, testId }: { check: ConnectionCheck; testId: string }) {
  return (
    <div className={`check-result ${check.ok ? "check-ok" : "check-failed"}`} data-testid={testId}>
      <p className="check-verdict" data-testid={`${testId}-verdict`}>
        {check.ok ? `Connected to ${check.tenant || "the tenant"}` : "The connection test failed"}
      </p>
      <ul className="checks">
        {check.checks.map((c) => (
          <li key={c.name} className={c.ok ? "check-pass" : "check-fail"} data-testid={`${testId}-check`}>
            <span className="check-mark" aria-label={c.ok ? "passed" : "failed"}>
              {c.ok ? "✓" : "✗"}
            </span>
            <span className="check-name">{c.name}</span>
            {c.detail && <span className="check-detail">{c.detail}</span>}
          </li>
        ))}
      </ul>
      {check.ok && (
        <dl className="facts" data-testid={`${testId}-counts`}>
          <div>
            <dt>Skills</dt>
            <dd>{formatCount(check.skills)}</dd>
          </div>
          <div>
            <dt>Agents</dt>
            <dd>{formatCount(check.agents)}</dd>
          </div>
          <div>
            <dt>Assignments</dt>
            <dd>{formatCount(check.assignments)}</dd>
          </div>
          <div>
            <dt>Took</dt>
            <dd>{formatElapsed(check.elapsed_ms)}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}
