// Step 3: how the feed's columns and values become the platform's. Every change is previewed by the
// engine itself (the same code that plans), so what this screen shows is what the plan will use.
import { useEffect, useState } from "react";
import * as api from "../api";
import { SourceLine } from "../components/SourceLine";
import type { Columns } from "../bindings/Columns";
import type { MappingInput } from "../bindings/MappingInput";
import type { MappingPreview } from "../bindings/MappingPreview";
import type { UiError } from "../bindings/UiError";
import { ColumnsForm } from "../components/ColumnsForm";
import { ErrorBanner } from "../components/ErrorBanner";
import { FeedFacts, FeedSample } from "../components/FeedSummary";
import { Templates } from "../components/Templates";
import { Tile, Tiles } from "../components/Tile";
import { ValueMap } from "../components/ValueMap";
import { describeScale, formatValue, PLATFORM_NAMES, PLATFORM_SCALES } from "../format";
import { useActiveProfile, useStore } from "../state";

const PREVIEW_DELAY_MS = 200;

/** Whether the agent column and the skill and level columns of the layout are all chosen. */
export function columnsPicked(c: Columns): boolean {
  if (!c.agent) return false;
  if (c.layout === "wide") return c.skill_columns.length > 0;
  if (c.layout === "packed") return !!c.skill_pairs;
  return !!c.skill && !!c.proficiency;
}

/** The engine's detection message without its advice for mapping files: here the columns are picked in the form. */
export function plainDetectError(message: string): string {
  return message
    .replace(/,? or say which it is in a mapping file \(\[columns\][^)]*\)/, "")
    .replace(/,? or map it in a mapping file/, "")
    .replace(/\s*\(?\[columns\][^;)]*\)?/g, "")
    .trim();
}

export function MapStep() {
  const { state, dispatch } = useStore();
  const profile = useActiveProfile();
  const feed = state.feed;
  const mapping = state.mapping;
  const platform = profile?.platform ?? feed?.suggested_platform ?? "genesys";
  const [preview, setPreview] = useState<MappingPreview | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  // Bumped when a template replaces the mapping, so the value map forgets half-typed entries.
  const [generation, setGeneration] = useState(0);
  // A template loaded for this feed: the columns are then the template's, not the failed detection's.
  const [templateUsed, setTemplateUsed] = useState(false);

  useEffect(() => {
    if (!mapping) return;
    let current = true;
    // Debounced: typing in the value map must not send a preview per keystroke.
    const timer = setTimeout(() => {
      api.previewMapping(mapping, platform).then(
        (p) => {
          if (!current) return;
          setPreview(p);
          setError(null);
        },
        (err: unknown) => current && setError(api.toUiError(err)),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [mapping, platform]);

  if (!feed || !mapping) return null;

  const loadTemplate = (loaded: MappingInput, name: string) => {
    setGeneration((g) => g + 1);
    setTemplateUsed(true);
    dispatch({ type: "templateLoaded", mapping: loaded, name });
  };
  const savedTemplate = templateUsed ? null : feed.saved_template;
  const loadSaved = async (name: string) => {
    try {
      loadTemplate(await api.loadTemplate(name), name);
    } catch (err) {
      setError(api.toUiError(err));
    }
  };
  const change = (next: MappingInput) => dispatch({ type: "mappingChanged", mapping: next });
  const scale = preview?.scale ?? PLATFORM_SCALES[platform];
  // Detection failed and nothing has replaced it yet: the banner says so once; the preview's
  // copy of the same message is not repeated under it or beside Next.
  const undetected = feed.mapping === null && !!feed.detect_error && !templateUsed && !columnsPicked(mapping.columns);
  const blocked = undetected ? "Pick the agent, skill and level columns first." : preview === null ? null : (preview.blocked ?? preview.error);
  const suggested = feed.suggested_platform;
  const switchTo = suggested && suggested !== platform ? state.profiles.find((p) => p.builtin && p.platform === suggested) : undefined;

  return (
    <div className="step" data-testid="map-step">
      <header className="step-head">
        <div>
          <h1>Map</h1>
          <SourceLine />
          <p className="lead">Tell Skillsync which columns hold the agent, the skill and the level, and what each level means on the platform.</p>
        </div>
        <div className="next-with-reason">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="map-next"
            disabled={blocked !== null}
            aria-describedby={blocked ? "map-next-reason" : undefined}
            onClick={() => dispatch({ type: "go", step: "plan" })}
          >
            Next: plan
          </button>
          {blocked && (
            <p className="small problem" id="map-next-reason" data-testid="map-next-reason">
              {blocked}
            </p>
          )}
        </div>
      </header>

      <FeedFacts feed={feed} />

      {suggested && suggested !== platform && (
        <div className="banner banner-warning" data-testid="map-platform-mismatch">
          <p className="banner-message">
            This file was written for {PLATFORM_NAMES[suggested]}, but the active connection is {PLATFORM_NAMES[platform]}.
          </p>
          {switchTo && (
            <button type="button" className="btn btn-small" data-testid="map-switch-profile" onClick={() => dispatch({ type: "selectProfile", name: switchTo.name })}>
              Use {switchTo.name}
            </button>
          )}
        </div>
      )}

      {savedTemplate && (
        <div className="banner banner-info" data-testid="map-saved-template">
          <p className="banner-message">A template was saved from a file of this name.</p>
          <button type="button" className="btn btn-small" onClick={() => void loadSaved(savedTemplate)}>
            Use the template saved for this file: {savedTemplate}
          </button>
        </div>
      )}

      {undetected && feed.detect_error && (
        <div className="banner banner-warning" data-testid="map-detect-error">
          <p className="banner-message">Skillsync could not tell from the headers which columns hold the agent, the skill and the level: {plainDetectError(feed.detect_error)}.</p>
          <p className="small">Pick them in the Columns form below, or load a template.</p>
        </div>
      )}

      <section className="card" aria-labelledby="map-columns-title">
        <h2 id="map-columns-title">Columns</h2>
        <ColumnsForm headers={feed.headers} columns={mapping.columns} onChange={(columns) => change({ ...mapping, columns })} />
        <details className="disclosure">
          <summary>The file’s first rows</summary>
          <FeedSample feed={feed} />
        </details>
      </section>

      <section className="card" aria-labelledby="map-values-title">
        <div className="section-head">
          <h2 id="map-values-title">Values</h2>
          <span className="scale-note" data-testid="map-scale">
            {describeScale(platform, scale)}
          </span>
        </div>
        <ValueMap key={generation} values={preview?.values ?? []} mapping={mapping} scale={scale} platform={platform} onChange={change} />
      </section>

      <section className="card" aria-labelledby="map-preview-title">
        <h2 id="map-preview-title">Preview</h2>
        <ErrorBanner error={error} testId="map-error" />
        {preview?.error && !undetected && <ErrorBanner error={{ code: "input.invalid", message: preview.error }} testId="map-preview-error" title="Fix this on the Map step" />}
        {preview ? (
          <>
            <Tiles>
              <Tile label="records" value={preview.records} testId="map-records" />
              <Tile label="valid" value={preview.valid} testId="map-valid" tone="good" />
              <Tile label="with problems" value={preview.problems} testId="map-problems" tone={preview.problems > 0 ? "bad" : "muted"} />
            </Tiles>
            <PreviewRows preview={preview} />
          </>
        ) : (
          !error && <p className="muted">Previewing…</p>
        )}
      </section>

      <section className="card" aria-labelledby="map-templates-title">
        <h2 id="map-templates-title">Templates</h2>
        <Templates
          mapping={mapping}
          onLoad={loadTemplate}
        />
        {preview && (
          <details className="disclosure" data-testid="map-toml">
            <summary>View TOML</summary>
            <pre className="code-block" data-testid="map-toml-text">
              {preview.toml}
            </pre>
          </details>
        )}
      </section>
    </div>
  );
}

function PreviewRows({ preview }: { preview: MappingPreview }) {
  if (preview.rows.length === 0) return null;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="First records, mapped">
      <table className="table" data-testid="map-preview-rows">
        <caption className="table-caption">First {preview.rows.length} records</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Agent</th>
            <th scope="col">Skill</th>
            <th scope="col">Source value</th>
            <th scope="col">Platform value</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((r, i) => (
            <tr key={`${r.line}-${i}`} className={r.problem ? "row-problem" : undefined} data-testid={`preview-row-${r.line}`}>
              <td className="num">{r.line}</td>
              <td>{r.agent}</td>
              <td>{r.skill}</td>
              <td>
                <code>{r.raw_value}</code>
              </td>
              <td>{r.remove ? <span className="badge badge-remove">remove</span> : formatValue(r.value)}</td>
              <td className="problem">{r.problem}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
