// Named mapping templates: the mapping of tonight's file is saved once and loaded for the next one.
import { useEffect, useState } from "react";
import * as api from "../api";
import type { MappingInput } from "../bindings/MappingInput";
import type { UiError } from "../bindings/UiError";
import { ErrorBanner } from "./ErrorBanner";

interface Props {
  mapping: MappingInput;
  /** The loaded mapping and the template's name. */
  onLoad: (mapping: MappingInput, name: string) => void;
}

export function Templates({ mapping, onLoad }: Props) {
  const [names, setNames] = useState<string[]>([]);
  const [chosen, setChosen] = useState("");
  const [name, setName] = useState("");
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    try {
      setNames(await api.listTemplates());
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  useEffect(() => {
    let current = true;
    api.listTemplates().then(
      (list) => current && setNames(list),
      (err: unknown) => current && setError(api.toUiError(err)),
    );
    return () => {
      current = false;
    };
  }, []);

  const load = async () => {
    if (chosen === "") return;
    setBusy(true);
    setError(null);
    try {
      onLoad(await api.loadTemplate(chosen), chosen);
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const saveAs = async () => {
    const trimmed = name.trim();
    if (trimmed === "") return;
    setBusy(true);
    setError(null);
    setSavedTo(null);
    try {
      setSavedTo(await api.saveTemplate(trimmed, mapping));
      setName("");
      await refresh();
      setChosen(trimmed);
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="templates" data-testid="templates">
      <div className="inline-form">
        <select className="input" aria-label="Template" data-testid="template-select" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">{names.length === 0 ? "No saved templates" : "— choose a template —"}</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" className="btn" data-testid="template-load" disabled={chosen === "" || busy} onClick={() => void load()}>
          Load
        </button>
      </div>
      <div className="inline-form">
        <input
          className="input"
          aria-label="Template name"
          placeholder="Template name, e.g. iex-nightly"
          data-testid="template-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") void saveAs();
          }}
        />
        <button type="button" className="btn" data-testid="template-save" disabled={name.trim() === "" || busy} onClick={() => void saveAs()}>
          Save as template
        </button>
      </div>
      {savedTo && (
        <p className="success-text small" data-testid="template-saved">
          Saved to {savedTo}
        </p>
      )}
      <ErrorBanner error={error} testId="template-error" onDismiss={() => setError(null)} />
    </div>
  );
}
