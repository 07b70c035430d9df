// The fixes and exclusions made on the Plan screen, each undoable, and saved with the mapping as a
// template: its [rename.skills], [rename.agents] and [exclude] tables are what the CLI reads, so the
// nightly run treats the next file the same way.
import { useState } from "react";
import * as api from "../api";
import type { MappingInput } from "../bindings/MappingInput";
import type { UiError } from "../bindings/UiError";
import { corrections } from "../corrections";
import { ErrorBanner } from "./ErrorBanner";

export function Corrections({ mapping, onFix, busy }: { mapping: MappingInput; onFix: (next: MappingInput) => void; busy: boolean }) {
  const list = corrections(mapping);
  const [name, setName] = useState("");
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  if (list.length === 0) return null;

  const save = async () => {
    setError(null);
    setSavedTo(null);
    try {
      setSavedTo(await api.saveTemplate(name.trim(), mapping));
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  return (
    <section className="card" aria-labelledby="corrections-title" data-testid="corrections">
      <h2 id="corrections-title">Fixes kept with the mapping</h2>
      <ul className="corrections">
        {list.map((c) => (
          <li key={c.id} data-testid="correction">
            <span>{c.text}</span>
            <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => onFix(c.undo(mapping))}>
              Undo
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() !== "") void save();
        }}
      >
        <label className="field-inline">
          <span>Save as template</span>
          <input className="input input-medium" data-testid="corrections-template-name" value={name} placeholder="nightly-iex" onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-small" data-testid="corrections-save" disabled={name.trim() === ""}>
          Save
        </button>
      </form>
      <p className="muted small">The template holds the columns, the values and these fixes; the CLI reads the same file (<code>--mapping</code>).</p>
      {savedTo && (
        <p className="success-text small" data-testid="corrections-saved">
          Saved to {savedTo}
        </p>
      )}
      <ErrorBanner error={error} testId="corrections-error" onDismiss={() => setError(null)} />
    </section>
  );
}
