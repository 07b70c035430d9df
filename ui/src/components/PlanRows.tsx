// Every row of the plan, one page at a time: filter by action, search by agent or skill.
import type { PlanRowView } from "../bindings/PlanRowView";
import type { PlanSummary } from "../bindings/PlanSummary";
import type { PlanView } from "../bindings/PlanView";
import { planRows } from "../api";
import { formatValue } from "../format";
import { usePagedRows, type FilterTab } from "./PagedRows";
import { RowsCard, type Column } from "./RowsCard";

function tabs(s: PlanSummary): FilterTab[] {
  return [
    { id: null, label: "All", count: s.rows },
    { id: "add", label: "Add", count: s.add },
    { id: "update", label: "Update", count: s.update },
    { id: "remove", label: "Remove", count: s.remove },
    { id: "unchanged", label: "Unchanged", count: s.unchanged },
    { id: "invalid", label: "Invalid", count: s.invalid },
  ];
}

const COLUMNS: Column<PlanRowView>[] = [
  { header: "Line", num: true, cell: (r) => r.line },
  { header: "Agent", cell: (r) => r.agent },
  { header: "Skill", cell: (r) => r.skill },
  { header: "Now", num: true, cell: (r) => formatValue(r.before) },
  { header: "Requested", num: true, cell: (r) => formatValue(r.requested) },
  {
    header: "Action",
    cell: (r) => (
      <>
        <span className={`badge badge-${r.action}`}>{r.action}</span>
        {r.problem && (
          <span className="problem row-detail" data-testid="plan-row-problem">
            {r.problem}
          </span>
        )}
      </>
    ),
  },
];

export function PlanRows({ plan }: { plan: PlanView }) {
  const rows = usePagedRows(planRows, plan);
  return (
    <RowsCard
      rows={rows}
      testId="plan-rows"
      rowTestId="plan-row"
      tabs={tabs(plan.summary)}
      label="Filter rows by action"
      columns={COLUMNS}
      isProblem={(r) => r.action === "invalid"}
    />
  );
}
