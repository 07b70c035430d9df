// Names in the feed the platform does not know, or knows more than once: grouped by kind, with the
// feed lines they are on and what to do about each, right here: use a suggestion (every row with
// that name is renamed), type the right name, or exclude the name. Each fix re-plans at once and is
// kept in the mapping, so a saved template fixes the next file the same way.
import { useState } from "react";
import type { MappingInput } from "../bindings/MappingInput";
import type { Unresolved } from "../bindings/Unresolved";
import type { UnresolvedName } from "../bindings/UnresolvedName";
import type { PlanView } from "../bindings/PlanView";
import { excludeAgent, excludeSkill, renameAgent, renameSkill } from "../corrections";

export type NameKind = "skill" | "agent";
type Kind = NameKind;
/** Re-plans with a typed name; resolves to why it was not kept, or null when it was. */
export type TypedFix = (next: MappingInput, kind: NameKind, to: string) => Promise<string | null>;

/** Whether a plan still cannot resolve a typed name. */
export function stillUnknown(plan: PlanView, kind: NameKind, to: string): boolean {
  const u = plan.unresolved;
  const lists = kind === "skill" ? [u.unknown_skills, u.ambiguous_skills] : [u.unknown_agents];
  const typed = to.trim().toLowerCase();
  return lists.some((list) => list.some((n) => n.input.trim().toLowerCase() === typed));
}

const GROUPS: { key: keyof Unresolved; title: string; hint: string; kind: Kind; rename: boolean }[] = [
  { key: "unknown_skills", title: "Unknown skills", hint: "No skill of this name on the platform. Skillsync does not create skills: create it in the platform's admin, then plan again, or use a suggestion.", kind: "skill", rename: true },
  { key: "unknown_agents", title: "Unknown agents", hint: "No agent with this key on the platform.", kind: "agent", rename: true },
  { key: "inactive_skills", title: "Inactive skills", hint: "The skill exists but is inactive; its rows are skipped.", kind: "skill", rename: false },
  { key: "inactive_agents", title: "Inactive agents", hint: "The agent exists but is inactive; their rows are skipped.", kind: "agent", rename: false },
  // The feed names these agents by a key several agents share: an email would not resolve under
  // that key, so the fix is in the feed (an email column) or an exclusion.
  { key: "ambiguous_agents", title: "Ambiguous agents", hint: "More than one agent matches (their emails are listed); name agents by email in the feed, or exclude.", kind: "agent", rename: false },
  { key: "ambiguous_skills", title: "Ambiguous skills", hint: "More than one skill has this name; pick one by id.", kind: "skill", rename: true },
];

function lines(list: number[]): string {
  const shown = list.slice(0, 8).join(", ");
  return list.length > 8 ? `${shown} and ${list.length - 8} more` : shown;
}

interface FixProps {
  /** Null for an approved plan: its names are shown, never fixed. */
  mapping: MappingInput | null;
  onFix: (next: MappingInput) => void;
  onTypedFix?: TypedFix;
  busy: boolean;
}

function NameLine({ name, kind, rename, mapping, onFix, onTypedFix, busy }: { name: UnresolvedName; kind: Kind; rename: boolean } & FixProps) {
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState("");
  const [refused, setRefused] = useState<string | null>(null);
  const renamed = (m: MappingInput, to: string) => (kind === "skill" ? renameSkill(m, name.input, to) : renameAgent(m, name.input, to));
  const apply = (to: string) => mapping && onFix(renamed(mapping, to));
  const applyTyped = async (to: string) => {
    if (!mapping) return;
    if (!onTypedFix) return apply(to);
    setRefused(await onTypedFix(renamed(mapping, to), kind, to));
  };
  const exclude = () => mapping && onFix(kind === "skill" ? excludeSkill(mapping, name.input) : excludeAgent(mapping, name.input));
  const inputId = `fix-${kind}-${name.input}`;
  return (
    <li className="unresolved-name" data-testid="unresolved-name">
      <div className="unresolved-what">
        <code>{name.input}</code>
        <span className="muted small">
          {name.lines.length === 1 ? "line" : "lines"} {lines(name.lines)}
        </span>
        {!rename && name.suggestions.length > 0 && <span className="muted small">{name.suggestions.join(", ")}</span>}
      </div>
      {mapping && (
      <div className="unresolved-fixes" role="group" aria-label={`Fix ${name.input}`}>
        {rename &&
          name.suggestions.map((s) => (
            <button key={s} type="button" className="btn btn-small btn-suggestion" data-testid="unresolved-suggestion" disabled={busy} onClick={() => apply(s)}>
              Use “{s}”
            </button>
          ))}
        {rename && !typing && (
          <button type="button" className="btn btn-small btn-ghost" data-testid="unresolved-type" disabled={busy} onClick={() => setTyping(true)}>
            Type the right name
          </button>
        )}
        {rename && typing && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (typed.trim() !== "") void applyTyped(typed.trim());
            }}
          >
            <label className="visually-hidden" htmlFor={inputId}>
              The platform’s name for {name.input}
            </label>
            <input
              id={inputId}
              className="input input-medium"
              data-testid="unresolved-typed"
              value={typed}
              aria-invalid={refused !== null}
              aria-describedby={refused !== null ? `${inputId}-refused` : undefined}
              onChange={(e) => {
                setTyped(e.target.value);
                setRefused(null);
              }}
              autoFocus
            />
            <button type="submit" className="btn btn-small" data-testid="unresolved-typed-use" disabled={busy || typed.trim() === ""}>
              Use
            </button>
            {refused !== null && (
              <p id={`${inputId}-refused`} className="field-error small" role="alert" data-testid="unresolved-typed-refused">
                {refused}
              </p>
            )}
          </form>
        )}
        <button type="button" className="btn btn-small btn-ghost" data-testid="unresolved-exclude" disabled={busy} onClick={exclude}>
          Exclude this {kind}
        </button>
      </div>
      )}
    </li>
  );
}

export function UnresolvedNames({ unresolved, mapping, onFix, onTypedFix, busy }: { unresolved: Unresolved } & FixProps) {
  const groups = GROUPS.filter((g) => unresolved[g.key].length > 0);
  if (groups.length === 0) return null;
  return (
    <section className="card card-warning" data-testid="unresolved" aria-labelledby="unresolved-title">
      <h2 id="unresolved-title">Names to fix</h2>
      {mapping ? (
        <p className="muted small">Their rows are invalid and nothing is sent for them. Use a suggestion, type the platform’s name, or exclude the name: the plan updates at once, and the fix is kept with the mapping template.</p>
      ) : (
        <p className="muted small" data-testid="unresolved-approved">
          Their rows are invalid and nothing is sent for them. This plan is applied as it was approved: to fix a name, fix the feed and save a new plan for approval.
        </p>
      )}
      <div className="unresolved-groups">
        {groups.map((g) => (
          <div key={g.key} className="unresolved-group" data-testid={`unresolved-${g.key}`}>
            <h3>
              {g.title} <span className="count-pill">{unresolved[g.key].length}</span>
            </h3>
            <p className="muted small">{g.hint}</p>
            <ul>
              {unresolved[g.key].map((n) => (
                <NameLine key={n.input} name={n} kind={g.kind} rename={g.rename} mapping={mapping} onFix={onFix} onTypedFix={onTypedFix} busy={busy} />
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}
