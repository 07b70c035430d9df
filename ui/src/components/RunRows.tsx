// Every row of a run with what it was, what was asked and what the platform says now, one page at a
// time; failed rows carry the error and the correlation ids support asks for.
import type { RunRowView } from "../bindings/RunRowView";
import type { RunSummary } from "../bindings/RunSummary";
import type { RunView } from "../bindings/RunView";
import { runRows } from "../api";
import { formatValue, formatLine } from "../format";
import { AgentCell, SkillCell } from "./Names";
import { usePagedRows, type FilterTab } from "./PagedRows";
import { RowsCard, type Column } from "./RowsCard";

function tabs(s: RunSummary): FilterTab[] {
  return [
    { id: null, label: "All", count: s.rows },
    { id: "failed", label: "Failed", count: s.failed },
    { id: "added", label: "Added", count: s.added },
    { id: "updated", label: "Updated", count: s.updated },
    { id: "removed", label: "Removed", count: s.removed },
    { id: "unchanged", label: "Unchanged", count: s.unchanged },
    { id: "invalid", label: "Invalid", count: s.invalid },
    { id: "skipped", label: "Skipped", count: s.skipped },
  ];
}

const COLUMNS: Column<RunRowView>[] = [
  { header: "Line", num: true, cell: (r) => formatLine(r.line) },
  { header: "Agent", width: "agent", cell: (r) => <AgentCell agent={r.agent} label={r.agent_label} /> },
  { header: "Skill", width: "skill", cell: (r) => <SkillCell skill={r.skill} label={r.skill_label} /> },
  { header: "Before", num: true, cell: (r) => formatValue(r.before) },
  { header: "Requested", num: true, cell: (r) => formatValue(r.requested) },
  { header: "After", num: true, cell: (r) => formatValue(r.after) },
  {
    header: "Outcome",
    width: "action",
    cell: (r) => (
      <>
        <span className={`badge badge-${r.outcome}`}>{r.outcome}</span>
        {r.error && (
          <span className="problem row-detail" data-testid="run-row-error">
            {r.error}
          </span>
        )}
        {r.correlation_ids.length > 0 && (
          <span className="row-detail correlation" data-testid="run-row-correlation">
            Correlation {r.correlation_ids.length === 1 ? "id" : "ids"}:{" "}
            {r.correlation_ids.map((id) => (
              <code key={id} className="selectable">
                {id}
              </code>
            ))}
          </span>
        )}
      </>
    ),
  },
];

export function RunRows({ run }: { run: RunView }) {
  const rows = usePagedRows(runRows, run);
  return (
    <RowsCard
      rows={rows}
      testId="run-rows"
      rowTestId="run-row"
      tabs={tabs(run.summary)}
      label="Filter rows by outcome"
      columns={COLUMNS}
      isProblem={(r) => r.outcome === "failed" || r.outcome === "invalid"}
    />
  );
}
