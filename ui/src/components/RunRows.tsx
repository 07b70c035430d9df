// Every row of a run with what it was, what was asked and what the platform says now, one page at a
// time; failed rows carry the error and the correlation ids support asks for.
import type { RunSummary } from "../bindings/RunSummary";
import type { RunView } from "../bindings/RunView";
import { runRows } from "../api";
import { formatValue } from "../format";
import { ErrorBanner } from "./ErrorBanner";
import { Pager, RowsToolbar, usePagedRows, type FilterTab } from "./PagedRows";

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

export function RunRows({ run }: { run: RunView }) {
  const rows = usePagedRows(runRows, run);
  return (
    <section className="card" aria-labelledby="run-rows-title">
      <h2 id="run-rows-title">Rows</h2>
      <RowsToolbar rows={rows} tabs={tabs(run.summary)} testId="run-rows" label="Filter rows by outcome" />
      <ErrorBanner error={rows.error} testId="run-rows-error" />
      <div className="table-wrap">
        <table className="table" data-testid="run-rows-table" aria-busy={rows.loading}>
          <thead>
            <tr>
              <th scope="col" className="num">
                Line
              </th>
              <th scope="col">Agent</th>
              <th scope="col">Skill</th>
              <th scope="col" className="num">
                Before
              </th>
              <th scope="col" className="num">
                Requested
              </th>
              <th scope="col" className="num">
                After
              </th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {rows.page?.rows.map((r, i) => (
              <tr key={`${r.line}-${r.agent}-${r.skill}-${i}`} className={r.outcome === "failed" || r.outcome === "invalid" ? "row-problem" : undefined} data-testid="run-row">
                <td className="num">{r.line}</td>
                <td>{r.agent}</td>
                <td>{r.skill}</td>
                <td className="num">{formatValue(r.before)}</td>
                <td className="num">{formatValue(r.requested)}</td>
                <td className="num">{formatValue(r.after)}</td>
                <td>
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.page && rows.page.rows.length === 0 && <p className="muted empty">No rows match.</p>}
      <Pager rows={rows} testId="run-rows" />
    </section>
  );
}
