// Names in the feed the platform does not know, or knows more than once: grouped by kind, with the
// feed lines they are on and the engine's "did you mean" suggestions, so the fix is obvious.
import type { Unresolved } from "../bindings/Unresolved";
import type { UnresolvedName } from "../bindings/UnresolvedName";

const GROUPS: { key: keyof Unresolved; title: string; hint: string }[] = [
  { key: "unknown_skills", title: "Unknown skills", hint: "No skill of this name on the platform." },
  { key: "unknown_agents", title: "Unknown agents", hint: "No agent with this key on the platform." },
  { key: "inactive_skills", title: "Inactive skills", hint: "The skill exists but is inactive; its rows are skipped." },
  { key: "inactive_agents", title: "Inactive agents", hint: "The agent exists but is inactive; their rows are skipped." },
  { key: "ambiguous_agents", title: "Ambiguous agents", hint: "More than one agent matches; use a unique key such as the email." },
  { key: "ambiguous_skills", title: "Ambiguous skills", hint: "More than one skill matches this name." },
];

function lines(list: number[]): string {
  const shown = list.slice(0, 8).join(", ");
  return list.length > 8 ? `${shown} and ${list.length - 8} more` : shown;
}

function NameLine({ name }: { name: UnresolvedName }) {
  return (
    <li className="unresolved-name" data-testid="unresolved-name">
      <code>{name.input}</code>
      <span className="muted small">
        {name.lines.length === 1 ? "line" : "lines"} {lines(name.lines)}
      </span>
      {name.suggestions.length > 0 && (
        <span className="suggestion" data-testid="unresolved-suggestion">
          did you mean {name.suggestions.map((s, i) => (
            <span key={s}>
              {i > 0 && (i === name.suggestions.length - 1 ? " or " : ", ")}
              <strong>{s}</strong>
            </span>
          ))}
          ?
        </span>
      )}
    </li>
  );
}

export function UnresolvedNames({ unresolved }: { unresolved: Unresolved }) {
  const groups = GROUPS.filter((g) => unresolved[g.key].length > 0);
  if (groups.length === 0) return null;
  return (
    <section className="card card-warning" data-testid="unresolved" aria-labelledby="unresolved-title">
      <h2 id="unresolved-title">Names to fix</h2>
      <p className="muted small">Their rows are invalid and nothing is sent for them. Fix the feed or the mapping and plan again; every other row still plans.</p>
      <div className="unresolved-groups">
        {groups.map((g) => (
          <div key={g.key} className="unresolved-group" data-testid={`unresolved-${g.key}`}>
            <h3>
              {g.title} <span className="count-pill">{unresolved[g.key].length}</span>
            </h3>
            <p className="muted small">{g.hint}</p>
            <ul>
              {unresolved[g.key].map((n) => (
                <NameLine key={n.input} name={n} />
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}
