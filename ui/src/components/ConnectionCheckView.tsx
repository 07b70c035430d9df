// What a connection test found: each check with ✓ or ✗ and its detail, then what the tenant holds.
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import { formatCount, formatElapsed } from "../format";

/**
 * What a failed check's code means for the person at the keyboard, and what to do about it. The
 * engine's message stays below it for whoever has to dig further.
 */
export const CHECK_ADVICE: Record<string, string> = {
  "connection.certificate":
    "Your network does not trust the server's certificate. Many company networks inspect encrypted traffic with their own certificate: ask IT for the company's root certificate (a .pem file) and pick it under “Company root certificate”, or have IT install it in the system's certificate store.",
  "connection.proxy":
    "The proxy between you and the platform refused or dropped the connection. Check the proxy in your system settings (or HTTPS_PROXY), and ask IT to let this address through.",
  "connection.failed":
    "The platform could not be reached. Check the address, your internet connection, and whether a VPN or proxy is needed.",
  "auth.failed": "The platform refused the credentials. Check the client id and secret (and for CXone the access key).",
  "auth.permission": "Signed in, but the client lacks a permission. Add the permissions listed in the README to its role.",
};

/** The advice for the first failed check that has some. */
export function adviceFor(check: ConnectionCheck): string | null {
  for (const c of check.checks) {
    if (!c.ok && c.code && CHECK_ADVICE[c.code]) return CHECK_ADVICE[c.code]!;
  }
  return null;
}

export function ConnectionCheckView({ check, testId }: { check: ConnectionCheck; testId: string }) {
  const advice = check.ok ? null : adviceFor(check);
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
            {!c.ok && c.code && (
              <code className="check-code" data-testid={`${testId}-code`}>
                {c.code}
              </code>
            )}
          </li>
        ))}
      </ul>
      {advice && (
        <p className="note check-advice" data-testid={`${testId}-advice`}>
          {advice}
        </p>
      )}
      {check.ok && (
        <dl className="facts" data-testid={`${testId}-counts`}>
          <div>
            <dt>Skills</dt>
            <dd data-testid={`${testId}-skills`}>{formatCount(check.skills)}</dd>
          </div>
          {check.languages > 0 && (
            <div>
              <dt>Routing languages</dt>
              <dd data-testid={`${testId}-languages`}>{formatCount(check.languages)}</dd>
            </div>
          )}
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
