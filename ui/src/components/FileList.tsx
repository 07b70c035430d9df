// Files a run wrote, by name, with the full path on hover and selectable for copying. Given the
// run's id, each file can be opened with the system's default program (the HTML report in a browser).
import { useState } from "react";
import type { UiError } from "../bindings/UiError";
import { openReport, toUiError } from "../api";
import { baseName } from "../format";
import { ErrorBanner } from "./ErrorBanner";

interface Props {
  files: string[];
  testId: string;
  /** The run the files belong to; without it the list only shows them. */
  runId?: string;
}

export function FileList({ files, testId, runId }: Props) {
  const [error, setError] = useState<UiError | null>(null);
  if (files.length === 0) return null;
  const open = (file: string) => {
    if (!runId) return;
    setError(null);
    openReport(runId, file).catch((e: unknown) => setError(toUiError(e)));
  };
  return (
    <>
      <ul className="file-list" data-testid={testId}>
        {files.map((f) => (
          <li key={f} title={f}>
            {runId && (
              <button type="button" className="btn btn-small" onClick={() => open(f)} data-testid={`${testId}-open-${baseName(f)}`}>
                Open
              </button>
            )}
            <span className="file-name">{baseName(f)}</span>
            <code className="file-path selectable">{f}</code>
          </li>
        ))}
      </ul>
      <ErrorBanner error={error} testId={`${testId}-error`} onDismiss={() => setError(null)} />
    </>
  );
}
