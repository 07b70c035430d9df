// Every row of the plan, one page at a time: filter by action, search by agent or skill.
import type { PlanSummary } from "../bindings/PlanSummary";
import type { PlanView } from "../bindings/PlanView";
import { planRows } from "../api";
import { formatValue } from "../format";
import { ErrorBanner } from "./ErrorBanner";
import { Pager, RowsToolbar, usePagedRows, type FilterTab } from "./PagedRows";

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

export function PlanRows({ plan }: { plan: PlanView }) {
  const rows = usePagedRows(planRows, plan);
  return (
    <section className="card" aria-labelledby="plan-rows-title">
      <h2 id="plan-rows-title">Rows</h2>
      <RowsToolbar rows={rows} tabs={tabs(plan.summary)} testId="plan-rows" label="Filter rows by action" />
      <ErrorBanner error={rows.error} testId="plan-rows-error" />
      <div className="table-wrap">
        <table className="table" data-testid="plan-rows-table" aria-busy={rows.loading}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">Agent</th>
              <th scope="col">Skill</th>
              <th scope="col" className="num">
                Now
              </th>
              <th scope="col" className="num">
                Requested
              </th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {rows.page?.rows.map((r, i) => (
              <tr key={`${r.line}-${r.agent}-${r.skill}-${i}`} className={r.action === "invalid" ? "row-problem" : undefined} data-testid="plan-row">
                <td className="num">{r.line}</td>
                <td>{r.agent}</td>
                <td>{r.skill}</td>
                <td className="num">{formatValue(r.before)}</td>
                <td className="num">{formatValue(r.requested)}</td>
                <td>
                  <span className={`badge badge-${r.action}`}>{r.action}</span>
                  {r.problem && (
                    <span className="problem row-detail" data-testid="plan-row-problem">
                      {r.problem}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.page && rows.page.rows.length === 0 && <p className="muted empty">No rows match.</p>}
      <Pager rows={rows} testId="plan-rows" />
    </section>
  );
}
