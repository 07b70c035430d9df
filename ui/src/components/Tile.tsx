// A count tile: the number large, its meaning beneath; tone colours the outcome it stands for.
import type { ReactNode } from "react";
import { formatCount } from "../format";

export type Tone = "neutral" | "add" | "update" | "remove" | "muted" | "bad" | "good";

interface Props {
  label: string;
  value: number | string;
  testId: string;
  tone?: Tone;
}

export function Tile({ label, value, testId, tone = "neutral" }: Props) {
  return (
    <div className={`tile tile-${tone}`} data-testid={testId}>
      <span className="tile-value" data-testid={`${testId}-value`}>
        {typeof value === "number" ? formatCount(value) : value}
      </span>
      <span className="tile-label">{label}</span>
    </div>
  );
}

export function Tiles({ children }: { children: ReactNode }) {
  return <div className="tiles">{children}</div>;
}
