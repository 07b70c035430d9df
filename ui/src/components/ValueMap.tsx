// The value map: every distinct source value ("Expert", "A", 85) with how often it occurs, the
// platform value it maps to, and what the engine makes of it; plus presets that rescale numbers.
import { useState } from "react";
import type { DistinctValue } from "../bindings/DistinctValue";
import type { MappingInput } from "../bindings/MappingInput";
import type { Platform } from "../bindings/Platform";
import type { Scale } from "../bindings/Scale";
import { formatCount, formatValue } from "../format";

interface Props {
  values: DistinctValue[];
  mapping: MappingInput;
  scale: Scale;
  platform: Platform;
  onChange: (mapping: MappingInput) => void;
}

/** undefined: no entry (empty); NaN: not a number yet; else the value. */
function parse(text: string): number | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return undefined;
  return Number(t);
}

/** Why a typed platform value is not on the scale, with what to type instead; null when it is. */
export function offScale(n: number, scale: Scale): string | null {
  const range = `${formatValue(scale.min)} to ${formatValue(scale.max)}`;
  if (n < scale.min || n > scale.max) return `${formatValue(n)} is off the platform’s scale: type a number from ${range}.`;
  if (scale.integer && !Number.isInteger(n)) return `${formatValue(n)} is not a whole number: type a whole number from ${range}.`;
  return null;
}

/** The numbers among the source values, lowest and highest; null when there is none. */
function fileRange(values: DistinctValue[]): [number, number] | null {
  const numbers = values.map((v) => parse(v.value)).filter((n): n is number => n !== undefined && Number.isFinite(n));
  if (numbers.length === 0) return null;
  return [Math.min(...numbers), Math.max(...numbers)];
}

/** The scales workforce-management feeds commonly use, smallest first. */
const COMMON_SCALES: [number, number][] = [
  [1, 5],
  [0, 5],
  [1, 10],
  [0, 10],
  [1, 20],
  [0, 100],
];

/** The source scale a rescale starts from: the smallest common scale holding every number in the
 * file (a file of 2s to 4s is most likely on 1–5, not 2–4), else the file's own range. */
export function sourceScale(range: [number, number] | null): [number, number] {
  if (range === null) return [1, 5];
  const [lo, hi] = range;
  const common = COMMON_SCALES.find(([a, b]) => a <= lo && hi <= b);
  if (common) return common;
  return lo === hi ? [1, 5] : [lo, hi];
}

export function ValueMap({ values, mapping, scale, platform, onChange }: Props) {
  // Text being typed, by source value: "2." or "" must stay on screen while it is not yet a number.
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [fromText, setFromText] = useState<[string, string] | null>(null);

  const held = fileRange(values);
  const guessed = mapping.scale?.from ?? sourceScale(held);
  const from = fromText ?? [String(guessed[0]), String(guessed[1])];
  const fromNumbers = [parse(from[0]), parse(from[1])];
  const fromValid = fromNumbers.every((n) => n !== undefined && Number.isFinite(n)) && fromNumbers[0] !== fromNumbers[1];

  const shown = (value: string): string => {
    const mapped = mapping.values[value];
    const draft = drafts[value];
    if (draft !== undefined) {
      const n = parse(draft);
      if (n === mapped || (n !== undefined && Number.isNaN(n))) return draft;
    }
    return mapped === undefined ? "" : String(mapped);
  };

  const edit = (value: string, text: string) => {
    setDrafts((d) => ({ ...d, [value]: text }));
    const n = parse(text);
    if (n !== undefined && Number.isNaN(n)) return;
    const next = { ...mapping.values };
    if (n === undefined) delete next[value];
    else next[value] = n;
    onChange({ ...mapping, values: next });
  };

  const rescale = (inverted: boolean) => {
    if (!fromValid) return;
    const [a, b] = fromNumbers as [number, number];
    onChange({ ...mapping, scale: { from: [a, b], to: inverted ? [scale.max, scale.min] : [scale.min, scale.max] } });
  };

  const clear = () => {
    setDrafts({});
    setFromText(null);
    onChange({ ...mapping, values: {}, scale: null });
  };

  return (
    <div className="value-map">
      <div className="presets" role="group" aria-label="Presets">
        <span className="presets-label">Numbers from</span>
        <input className="input input-narrow" aria-label="Source scale start" data-testid="preset-from-a" value={from[0]} onChange={(e) => setFromText([e.target.value, from[1]])} />
        <span>to</span>
        <input className="input input-narrow" aria-label="Source scale end" data-testid="preset-from-b" value={from[1]} onChange={(e) => setFromText([from[0], e.target.value])} />
        {held && (
          <span className="muted small" data-testid="preset-file-range">
            (the file holds {held[0] === held[1] ? formatValue(held[0]) : `${formatValue(held[0])} to ${formatValue(held[1])}`})
          </span>
        )}
        <button type="button" className="btn btn-small" data-testid="preset-linear" disabled={!fromValid} onClick={() => rescale(false)} title={`Map ${from[0]}…${from[1]} onto ${scale.min}…${scale.max}`}>
          Linear rescale
        </button>
        <button type="button" className="btn btn-small" data-testid="preset-inverted" disabled={!fromValid} onClick={() => rescale(true)} title={`Map ${from[0]}…${from[1]} onto ${scale.max}…${scale.min}`}>
          Inverted (CXone: 1 is best)
        </button>
        <button type="button" className="btn btn-small btn-ghost" data-testid="preset-clear" onClick={clear}>
          Clear
        </button>
      </div>
      <p className="muted small" data-testid="scale-status">
        {mapping.scale
          ? `Numbers are rescaled from ${mapping.scale.from[0]}–${mapping.scale.from[1]} onto ${mapping.scale.to[0]}–${mapping.scale.to[1]}; a value typed below wins over the rescale.`
          : "No rescale: numbers already on the platform’s scale pass through; type a platform value for anything else."}
        {platform === "cxone" && !scale.higher_is_better && " If a higher level in your feed means more skilled, use Inverted."}
      </p>

      {values.length === 0 ? (
        <p className="muted">The distinct values appear here once the columns are chosen.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Source values and their platform values">
          <table className="table" data-testid="value-map">
            <thead>
              <tr>
                <th scope="col">Source value</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col">Platform value</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {values.map((v) => {
                const text = shown(v.value);
                const typed = parse(text);
                const invalid = Number.isNaN(typed ?? 0);
                const off = typed !== undefined && !invalid ? offScale(typed, scale) : null;
                const hintId = `value-hint-${v.value}`;
                return (
                  <tr key={v.value} className={v.problem || invalid || off ? "row-problem" : undefined} data-testid={`value-row-${v.value}`}>
                    <td>
                      <code>{v.value === "" ? "(empty)" : v.value}</code>
                    </td>
                    <td className="num">{formatCount(v.count)}</td>
                    <td>
                      <input
                        className="input input-narrow"
                        inputMode="decimal"
                        aria-label={`Platform value for ${v.value}`}
                        aria-invalid={invalid || off !== null}
                        aria-describedby={hintId}
                        data-testid={`value-input-${v.value}`}
                        placeholder={v.mapped !== null && mapping.values[v.value] === undefined ? formatValue(v.mapped) : ""}
                        value={text}
                        onChange={(e) => edit(v.value, e.target.value)}
                      />
                    </td>
                    <td data-testid={`value-result-${v.value}`} id={hintId}>
                      {invalid ? (
                        <span className="problem">Type a number from {formatValue(scale.min)} to {formatValue(scale.max)}.</span>
                      ) : off ? (
                        <span className="problem" data-testid={`value-off-scale-${v.value}`}>
                          {off}
                        </span>
                      ) : v.problem ? (
                        <span className="problem">{v.problem}</span>
                      ) : v.remove ? (
                        <span className="badge badge-remove">remove</span>
                      ) : (
                        <span className="mapped">→ {formatValue(v.mapped)}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
