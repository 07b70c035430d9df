// Name fixes and exclusions made on the Plan screen, written into the mapping itself: the same
// `[rename.skills]`, `[rename.agents]` and `[exclude]` tables a saved template (and the CLI) reads.
import type { ExcludedRowInput } from "./bindings/ExcludedRowInput";
import type { MappingInput } from "./bindings/MappingInput";

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function withName(list: string[], name: string): string[] {
  return list.some((n) => same(n, name)) ? list : [...list, name.trim()];
}

export function renameSkill(m: MappingInput, from: string, to: string): MappingInput {
  return { ...m, rename: { ...m.rename, skills: { ...m.rename.skills, [from]: to.trim() } } };
}

export function renameAgent(m: MappingInput, from: string, to: string): MappingInput {
  return { ...m, rename: { ...m.rename, agents: { ...m.rename.agents, [from]: to.trim() } } };
}

export function excludeSkill(m: MappingInput, name: string): MappingInput {
  return { ...m, exclude: { ...m.exclude, skills: withName(m.exclude.skills, name) } };
}

export function excludeAgent(m: MappingInput, name: string): MappingInput {
  return { ...m, exclude: { ...m.exclude, agents: withName(m.exclude.agents, name) } };
}

/** Leaves out the row on `line` (only that one: of two conflicting rows, the other stays planned),
 * or, without a line, every row of this agent's skill. */
export function excludeRow(m: MappingInput, agent: string, skill: string, line: number | null = null): MappingInput {
  const covered = (r: ExcludedRowInput) => same(r.agent, agent) && same(r.skill, skill) && (r.line === null || r.line === line);
  if (m.exclude.rows.some(covered)) return m;
  return { ...m, exclude: { ...m.exclude, rows: [...m.exclude.rows, { agent, skill, line }] } };
}

/** One correction, for the list that lets each be undone. */
export interface Correction {
  id: string;
  text: string;
  undo: (m: MappingInput) => MappingInput;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

export function corrections(m: MappingInput): Correction[] {
  const out: Correction[] = [];
  for (const [from, to] of Object.entries(m.rename.skills))
    out.push({ id: `rs:${from}`, text: `Skill “${from}” is read as “${to}”`, undo: (x) => ({ ...x, rename: { ...x.rename, skills: without(x.rename.skills, from) } }) });
  for (const [from, to] of Object.entries(m.rename.agents))
    out.push({ id: `ra:${from}`, text: `Agent “${from}” is read as “${to}”`, undo: (x) => ({ ...x, rename: { ...x.rename, agents: without(x.rename.agents, from) } }) });
  for (const name of m.exclude.skills)
    out.push({ id: `xs:${name}`, text: `Rows of skill “${name}” are excluded`, undo: (x) => ({ ...x, exclude: { ...x.exclude, skills: x.exclude.skills.filter((n: string) => n !== name) } }) });
  for (const name of m.exclude.agents)
    out.push({ id: `xa:${name}`, text: `Rows of agent “${name}” are excluded`, undo: (x) => ({ ...x, exclude: { ...x.exclude, agents: x.exclude.agents.filter((n: string) => n !== name) } }) });
  for (const r of m.exclude.rows)
    out.push({
      id: `xr:${r.agent}:${r.skill}:${r.line ?? ""}`,
      text: r.line === null ? `The row of “${r.agent}” for “${r.skill}” is excluded` : `Line ${r.line} (“${r.agent}” for “${r.skill}”) is excluded`,
      undo: (x) => ({
        ...x,
        exclude: { ...x.exclude, rows: x.exclude.rows.filter((y: ExcludedRowInput) => !(y.agent === r.agent && y.skill === r.skill && y.line === r.line)) },
      }),
    });
  return out;
}
