// Files a run wrote, by name, with the full path on hover and selectable for copying.
import { baseName } from "../format";

export function FileList({ files, testId }: { files: string[]; testId: string }) {
  if (files.length === 0) return null;
  return (
    <ul className="file-list" data-testid={testId}>
      {files.map((f) => (
        <li key={f} title={f}>
          <span className="file-name">{baseName(f)}</span>
          <code className="file-path selectable">{f}</code>
        </li>
      ))}
    </ul>
  );
}
