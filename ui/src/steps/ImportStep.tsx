// Step 2: the feed. A file dropped on the window, picked in the dialog, the sandbox's sample, or an
// export of what the platform has today; whichever opens goes straight on to Map — except a workbook
// of several sheets, which stays here so the sheet picker shows which sheet was read.
import { useEffect, useRef, useState } from "react";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import * as api from "../api";
import type { FeedView } from "../bindings/FeedView";
import type { UiError } from "../bindings/UiError";
import { ErrorBanner } from "../components/ErrorBanner";
import { OpenApprovedPlanButton } from "../components/PlanApproval";
import { FeedFacts, FeedSample } from "../components/FeedSummary";
import { useActiveProfile, useStore } from "../state";

type Busy = "open" | "sample" | "export" | null;

/**
 * Listens for files dropped on the window. Outside a Tauri window (a browser, the tests) the webview
 * API is absent: the drop zone then stays a plain target and the buttons remain the way in.
 */
function useFileDrop(onDrop: (path: string) => void, onHover: (hovering: boolean) => void) {
  const handlers = useRef({ onDrop, onHover });
  useEffect(() => {
    handlers.current = { onDrop, onHover };
  });
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let disposed = false;
    const listen = async () => {
      try {
        const stop = await getCurrentWebview().onDragDropEvent((event) => {
          const p = event.payload;
          if (p.type === "enter" || p.type === "over") handlers.current.onHover(true);
          else if (p.type === "leave") handlers.current.onHover(false);
          else {
            handlers.current.onHover(false);
            const path = p.paths[0];
            if (path) handlers.current.onDrop(path);
          }
        });
        if (disposed) stop();
        else unlisten = stop;
      } catch {
        // No webview to listen to: see the doc comment.
      }
    };
    void listen();
    return () => {
      disposed = true;
      unlisten?.();
    };
  }, []);
}

export function ImportStep() {
  const { state, dispatch } = useStore();
  const profile = useActiveProfile();
  const [busy, setBusy] = useState<Busy>(null);
  const [hovering, setHovering] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const load = async (kind: Exclude<Busy, null>, get: () => Promise<FeedView | null>) => {
    setBusy(kind);
    setError(null);
    try {
      const feed = await get();
      if (feed) dispatch({ type: "feedOpened", feed });
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setBusy(null);
    }
  };

  useFileDrop((path) => void load("open", () => api.openFeed(path)), setHovering);

  // The dialogs are the app's (opened from Rust), so the path that comes back is one the user chose.
  const choose = () =>
    load("open", async () => {
      const path = await api.chooseFile("feed");
      return path ? api.openFeed(path) : null;
    });

  const exportFirst = () =>
    load("export", async () => {
      if (!profile) return null;
      const path = await api.chooseFile("export");
      return path ? api.exportAssignments(profile.name, path, "long") : null;
    });

  return (
    <div className="step" data-testid="import-step">
      <header className="step-head">
        <div>
          <h1>Import</h1>
          <p className="lead">Open the skills feed from your workforce-management system. Nothing is sent until you have seen the plan.</p>
        </div>
      </header>

      <ErrorBanner error={error} testId="import-error" title="The file could not be opened" onDismiss={() => setError(null)} />

      <div className={`drop-zone${hovering ? " drop-zone-hover" : ""}`} data-testid="drop-zone" aria-busy={busy !== null}>
        <span className="drop-icon" aria-hidden="true">
          ⤓
        </span>
        <p className="drop-title">{busy === "open" ? "Opening…" : "Drop a CSV file or a workbook anywhere on this window"}</p>
        <p className="muted">
          CSV in UTF-8, UTF-16 or Windows-1252, comma, semicolon, tab or pipe; or an Excel (.xlsx, .xls) or OpenDocument (.ods) workbook; long, wide or packed layout
        </p>
        <div className="drop-actions">
          <button type="button" className="btn btn-primary" data-testid="choose-file" disabled={busy !== null} onClick={() => void choose()}>
            Choose file…
          </button>
          {profile?.builtin && (
            <button type="button" className="btn" data-testid="use-sample" disabled={busy !== null} onClick={() => void load("sample", () => api.openSample(profile.platform))}>
              {busy === "sample" ? "Opening…" : "Use the sample feed"}
            </button>
          )}
          <OpenApprovedPlanButton disabled={busy !== null} />
          <button type="button" className="btn" data-testid="start-export" disabled={busy !== null || !profile} onClick={() => void exportFirst()}>
            {busy === "export" ? "Exporting…" : "Start from an export"}
          </button>
        </div>
        <p className="muted small">“Start from an export” writes what {profile?.name ?? "the platform"} has today as a feed you can edit and import back.</p>
      </div>

      {state.feed && (
        <section className="card" data-testid="current-feed" aria-label="Current feed">
          <div className="section-head">
            <h2>Current feed</h2>
            <button type="button" className="btn btn-primary" data-testid="import-next" onClick={() => dispatch({ type: "go", step: "map" })}>
              Next: map
            </button>
          </div>
          <FeedFacts feed={state.feed} />
          {state.feed.sheets.length > 1 && <SheetPicker feed={state.feed} disabled={busy !== null} onPick={(sheet) => void load("open", () => api.openFeed(state.feed!.path, sheet))} />}
          <p className="muted small" data-testid="feed-headers">
            Columns: {state.feed.headers.join(" · ")}
          </p>
          <FeedSample feed={state.feed} />
        </section>
      )}
    </div>
  );
}

/** A workbook's sheets: the one read is selected; choosing another reopens the file on that sheet. */
function SheetPicker({ feed, disabled, onPick }: { feed: FeedView; disabled: boolean; onPick: (sheet: string) => void }) {
  return (
    <label className="field sheet-picker" data-testid="sheet-field">
      <span>Sheet</span>
      <select className="input" data-testid="sheet-picker" value={feed.sheet ?? ""} disabled={disabled} onChange={(e) => onPick(e.target.value)}>
        {feed.sheets.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <small>
        The workbook has {feed.sheets.length} sheets. Unless one is chosen, the first whose top rows hold a recognisable header is read; choose the sheet that holds the feed.
      </small>
    </label>
  );
}
