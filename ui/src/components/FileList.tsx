// Files a run wrote, by name, with the full path on hover and selectable for copying. Given the
// run's id, each file can be opened with the system's default program (the HTML report in a browser);
// when that fails, the reason shows next to that file, with where the file is and a Copy path button.
import { useState } from "react";
import type { UiError } from "../bindings/UiError";
import { openReport, toUiError } from "../api";
import { baseName } from "../format";

interface Props {
  files: string[];
  testId: string;
  /** The run the files belong to; without it the list only shows them. */
  runId?: string;
}

/** Why a file did not open, in words, then the engine's message and code for whoever digs further. */
function OpenFailed({ file, error, testId, onDismiss }: { file: string; error: UiError; testId: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => {
    if (!navigator.clipboard) {
      setCopied("no");
      return;
    }
    navigator.clipboard.writeText(file).then(
      () => setCopied("yes"),
      () => setCopied("no"),
    );
  };
  const plain =
    error.code === "open.failed"
      ? `No program on this computer opens ${baseName(file)}; the file is at ${file}`
      : `${baseName(file)} could not be opened; the file is at ${file}`;
  return (
    <div className="file-error" role="alert" data-testid={testId}>
      <p className="file-error-message">{plain}</p>
      <div className="inline-actions">
        <button type="button" className="btn btn-small" onClick={copy}>
          Copy path
        </button>
        {copied === "yes" && <span className="muted small">Copied</span>}
        {copied === "no" && <span className="muted small">Copying is not available here: select the path above and copy it.</span>}
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <details className="check-technical">
        <summary>Technical detail</summary>
        <span className="selectable">{error.message}</span> <code className="check-code">{error.code}</code>
      </details>
    </div>
  );
}

export function FileList({ files, testId, runId }: Props) {
  const [failed, setFailed] = useState<{ file: string; error: UiError } | null>(null);
  if (files.length === 0) return null;
  const open = (file: string) => {
    if (!runId) return;
    setFailed(null);
    openReport(runId, file).catch((e: unknown) => setFailed({ file, error: toUiError(e) }));
  };
  return (
    <ul className="file-list" data-testid={testId}>
      {files.map((f) => (
        <li key={f} title={f}>
          {runId && (
            <button type="button" className="btn btn-small" onClick={() => open(f)} data-testid={`${testId}-open-${baseName(f)}`} aria-label={`Open ${baseName(f)}`}>
              Open
            </button>
          )}
          <span className="file-name">{baseName(f)}</span>
          <code className="file-path selectable">{f}</code>
          {failed?.file === f && <OpenFailed key={f} file={f} error={failed.error} testId={`${testId}-error-${baseName(f)}`} onDismiss={() => setFailed(null)} />}
        </li>
      ))}
    </ul>
  );
}
