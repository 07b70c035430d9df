// Every row of the plan, one page at a time: filter by action, search by agent or skill. Agents and
// skills show as the platform knows them; an invalid row can be excluded from here.
import type { PlanRowView } from "../bindings/PlanRowView";
import type { PlanSummary } from "../bindings/PlanSummary";
import type { PlanView } from "../bindings/PlanView";
import { planRows } from "../api";
import { formatValue, formatLine } from "../format";
import { AgentCell, SkillCell } from "./Names";
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

function columns(onExcludeRow: ((row: PlanRowView) => void) | undefined, busy: boolean): Column<PlanRowView>[] {
  return [
    { header: "Line", num: true, cell: (r) => formatLine(r.line) },
    { header: "Agent", cell: (r) => <AgentCell agent={r.agent} label={r.agent_label} />, width: "agent" },
    { header: "Skill", cell: (r) => <SkillCell skill={r.skill} label={r.skill_label} />, width: "skill" },
    { header: "Now", num: true, cell: (r) => formatValue(r.before) },
    { header: "Requested", num: true, cell: (r) => formatValue(r.requested) },
    {
      header: "Action",
      width: "action",
      cell: (r) => (
        <>
          <span className={`badge badge-${r.action}`}>{r.action}</span>
          {r.problem && (
            <span className="problem row-detail" data-testid="plan-row-problem">
              {r.problem}
            </span>
          )}
          {r.action === "invalid" && onExcludeRow && r.agent !== "" && r.skill !== "" && (
            <button type="button" className="btn btn-small btn-ghost row-action" data-testid="plan-row-exclude" disabled={busy} onClick={() => onExcludeRow(r)}>
              Exclude this row
            </button>
          )}
        </>
      ),
    },
  ];
}

export function PlanRows({ plan, onExcludeRow, busy = false }: { plan: PlanView; onExcludeRow?: (row: PlanRowView) => void; busy?: boolean }) {
  const rows = usePagedRows(planRows, plan);
  return (
    <RowsCard
      rows={rows}
      testId="plan-rows"
      rowTestId="plan-row"
      tabs={tabs(plan.summary)}
      label="Filter rows by action"
      columns={columns(onExcludeRow, busy)}
      isProblem={(r) => r.action === "invalid"}
    />
  );
}
