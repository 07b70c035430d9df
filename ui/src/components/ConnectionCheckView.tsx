// What a connection test found: each check with ✓ or ✗ and its detail, then what the tenant holds.
// A failed check with a known code is said in a plain sentence; the engine's own message and the
// code stay one click away under "Technical detail", each shown once.
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

/** A failed check's code in one plain sentence: what went wrong, before the advice on what to do. */
export const CHECK_SUMMARY: Record<string, string> = {
  "connection.certificate": "The server's certificate is not trusted on this network.",
  "connection.proxy": "The proxy did not let the connection through.",
  "connection.failed": "Skillsync could not reach the platform.",
  "auth.failed": "The platform refused the credentials.",
  "auth.permission": "Signed in, but the client lacks a permission.",
};

/** The engine's message without the " [code]" it ends with, so the code is shown only once. */
export function withoutCode(detail: string, code: string | null): string {
  if (!code) return detail;
  const suffix = `[${code}]`;
  const t = detail.trimEnd();
  return t.endsWith(suffix) ? t.slice(0, -suffix.length).trimEnd() : detail;
}

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
            {!c.ok && c.code && CHECK_SUMMARY[c.code] ? (
              <>
                <span className="check-detail" data-testid={`${testId}-summary`}>
                  {CHECK_SUMMARY[c.code]}
                </span>
                <details className="check-technical" data-testid={`${testId}-technical`}>
                  <summary>Technical detail</summary>
                  {c.detail && <span className="check-raw selectable">{withoutCode(c.detail, c.code)}</span>}{" "}
                  <code className="check-code" data-testid={`${testId}-code`}>
                    {c.code}
                  </code>
                </details>
              </>
            ) : (
              <>
                {c.detail && <span className="check-detail">{c.ok ? c.detail : withoutCode(c.detail, c.code ?? null)}</span>}
                {!c.ok && c.code && (
                  <code className="check-code" data-testid={`${testId}-code`}>
                    {c.code}
                  </code>
                )}
              </>
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
