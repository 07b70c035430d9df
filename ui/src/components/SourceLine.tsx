// The one line that says what the plan is made from — the feed (its sheet, the template in use) or
// the approved plan (its file, when and for which tenant it was made) — on every step after Import.
import { formatWhen } from "../format";
import { useStore } from "../state";

export function SourceLine() {
  const { state } = useStore();
  const s = state.source;
  if (!s) return null;
  if (s.kind === "approved") {
    return (
      <p className="source-line muted small" data-testid="source-line">
        Approved plan <strong>{s.fileName}</strong>, made {formatWhen(s.createdAt)} for <strong>{s.tenant}</strong> from the feed {s.feed}
      </p>
    );
  }
  return (
    <p className="source-line muted small" data-testid="source-line">
      {s.rollback ? "Rolling back with the undo file " : "Feed "}
      <strong>{s.fileName}</strong>
      {s.sheet !== null && (
        <>
          , sheet <strong>{s.sheet}</strong>
        </>
      )}
      {s.template !== null ? (
        <>
          , template <strong>{s.template}</strong>
        </>
      ) : (
        ", columns as detected or mapped here"
      )}
    </p>
  );
}
