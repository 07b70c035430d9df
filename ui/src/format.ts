// How numbers, durations and platform facts read on screen, kept in one place so every step says
// them the same way.
import type { Platform } from "./bindings/Platform";
import type { Scale } from "./bindings/Scale";

export const PLATFORM_NAMES: Record<Platform, string> = {
  genesys: "Genesys Cloud",
  cxone: "NICE CXone",
};

/** Each platform's proficiency scale, used until the engine's own answer (the preview) arrives. */
export const PLATFORM_SCALES: Record<Platform, Scale> = {
  genesys: { min: 0, max: 5, integer: false, higher_is_better: true },
  cxone: { min: 1, max: 20, integer: true, higher_is_better: false },
};

/** "Genesys Cloud: 0–5, higher is better" / "NICE CXone: 1–20 whole numbers, 1 is best". */
export function describeScale(platform: Platform, scale: Scale): string {
  const range = `${scale.min}–${scale.max}${scale.integer ? " whole numbers" : ""}`;
  const best = scale.higher_is_better ? "higher is better" : `${scale.min} is best`;
  return `${PLATFORM_NAMES[platform]}: ${range}, ${best}`;
}

const integer = new Intl.NumberFormat("en-US");

export function formatCount(n: number): string {
  return integer.format(n);
}

/** "1 write request" / "3 write requests". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A duration in seconds as a person says it: "under a second", "42 s", "3 min 20 s", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 1) return "under a second";
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return secs > 0 ? `${minutes} min ${secs} s` : `${minutes} min`;
}

/** Elapsed milliseconds: "350 ms" below a second, then as formatDuration with one decimal under a minute. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms / 1000);
}

/** A proficiency value: up to two decimals, no trailing zeros; a dash for none. */
export function formatValue(value: number | null): string {
  if (value === null) return "—";
  return String(Math.round(value * 100) / 100);
}

/** A feed line as a row shows it: a removal of a skill the feed does not list has no line (0). */
export function formatLine(line: number): string {
  return line === 0 ? "—" : String(line);
}

/** An ISO timestamp in the user's locale, or the text as given when it does not parse. */
export function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The last part of a path, for lists of files written. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

const DELIMITERS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

export function describeDelimiter(delimiter: string): string {
  const name = DELIMITERS[delimiter];
  return name ? `${name} (${delimiter === "\t" ? "\\t" : delimiter})` : delimiter;
}

/** "120 write requests, about 24 s at 300/min"; without a rate: "…, no published limit". */
export function describeEstimate(writes: number, seconds: number | null, ratePerMinute: number | null): string {
  if (writes === 0) return "No write requests";
  const parts = [plural(writes, "write request")];
  const about = seconds === null ? null : seconds < 1 ? "under a second" : `about ${formatDuration(seconds)}`;
  if (ratePerMinute === null) {
    if (about) parts.push(about);
    parts.push("no published limit");
    return parts.join(", ");
  }
  parts.push(`${about ? `${about} ` : ""}at ${formatCount(ratePerMinute)}/min`);
  return parts.join(", ");
}
