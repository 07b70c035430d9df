// Which column holds what: the layout, the agent and how it is named, then the skill and level
// columns of a long file (and, where a name is both a Genesys skill and a routing language, the
// column that says which), the skill columns of a wide one, or the pairs column of a packed one.
import type { AgentKey } from "../bindings/AgentKey";
import type { Columns } from "../bindings/Columns";
import type { Layout } from "../bindings/Layout";

const LAYOUTS: { value: Layout; label: string }[] = [
  { value: "long", label: "Long: a row per skill" },
  { value: "wide", label: "Wide: a column per skill" },
  { value: "packed", label: "Packed: Skill:level pairs" },
];

const AGENT_KEYS: { value: AgentKey; label: string }[] = [
  { value: "email", label: "Email" },
  { value: "username", label: "Username" },
  { value: "id", label: "Platform id" },
  { value: "name", label: "Full name" },
];

interface Props {
  headers: string[];
  columns: Columns;
  onChange: (columns: Columns) => void;
}

function ColumnSelect({ label, value, headers, testId, onChange }: { label: string; value: string | null; headers: string[]; testId: string; onChange: (v: string | null) => void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <select className="input" data-testid={testId} value={value ?? ""} onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}>
        <option value="">— choose a column —</option>
        {headers.map((h) => (
          <option key={h} value={h}>
            {h}
          </option>
        ))}
        {value !== null && !headers.includes(value) && <option value={value}>{value} (not in this file)</option>}
      </select>
    </label>
  );
}

export function ColumnsForm({ headers, columns, onChange }: Props) {
  const set = (patch: Partial<Columns>) => onChange({ ...columns, ...patch });
  const skillCandidates = headers.filter((h) => h !== columns.agent);

  const toggleSkillColumn = (header: string, on: boolean) => {
    const chosen = new Set(columns.skill_columns);
    if (on) chosen.add(header);
    else chosen.delete(header);
    // Keep the file's column order: it is the order the preview and the TOML list them in.
    set({ skill_columns: headers.filter((h) => chosen.has(h)) });
  };

  return (
    <div className="columns-form" data-testid="columns-form">
      <div className="form-grid">
        <label className="field">
          <span>Layout</span>
          <select className="input" data-testid="map-layout" value={columns.layout} onChange={(e) => set({ layout: e.target.value as Layout })}>
            {LAYOUTS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <ColumnSelect label="Agent column" value={columns.agent} headers={headers} testId="map-agent" onChange={(agent) => set({ agent })} />
        <label className="field">
          <span>Agents are named by</span>
          <select className="input" data-testid="map-agent-key" value={columns.agent_key ?? "email"} onChange={(e) => set({ agent_key: e.target.value as AgentKey })}>
            {AGENT_KEYS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        {columns.layout === "long" && (
          <>
            <ColumnSelect label="Skill column" value={columns.skill} headers={headers} testId="map-skill" onChange={(skill) => set({ skill })} />
            <ColumnSelect label="Proficiency column" value={columns.proficiency} headers={headers} testId="map-proficiency" onChange={(proficiency) => set({ proficiency })} />
            <ColumnSelect
              label="Skill or language column (optional)"
              value={columns.kind ?? null}
              headers={headers}
              testId="map-kind"
              onChange={(kind) => set({ kind: kind ?? undefined })}
            />
          </>
        )}
        {columns.layout === "packed" && (
          <ColumnSelect label="Skill:level pairs column" value={columns.skill_pairs} headers={headers} testId="map-pairs" onChange={(skill_pairs) => set({ skill_pairs })} />
        )}
      </div>
      {columns.layout === "wide" && (
        <fieldset className="skill-columns" data-testid="map-skill-columns">
          <legend>
            Skill columns <span className="muted">({columns.skill_columns.length} of {skillCandidates.length} ticked)</span>
          </legend>
          <div className="checkbox-grid">
            {skillCandidates.map((h) => (
              <label key={h} className="checkbox">
                <input type="checkbox" data-testid={`map-skill-column-${h}`} checked={columns.skill_columns.includes(h)} onChange={(e) => toggleSkillColumn(h, e.target.checked)} />
                {h}
              </label>
            ))}
          </div>
          <div className="inline-actions">
            <button type="button" className="btn btn-small" data-testid="map-skill-columns-all" onClick={() => set({ skill_columns: skillCandidates })}>
              Tick all
            </button>
            <button type="button" className="btn btn-small" data-testid="map-skill-columns-none" onClick={() => set({ skill_columns: [] })}>
              Tick none
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}
