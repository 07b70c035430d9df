// The card that lists a plan's or a run's rows: tabs and search, the table one page at a time,
// the pager. Plan and Results differ only in their columns and which rows count as problems.
import type { ReactNode } from "react";
import { ErrorBanner } from "./ErrorBanner";
import { Pager, RowsToolbar, type FilterTab, type PagedRows } from "./PagedRows";

export interface Column<R> {
  header: string;
  /** Right-aligned figures. */
  num?: boolean;
  /** A column sized for its content: names get room, the action column its message. */
  width?: "agent" | "skill" | "action";
  cell: (row: R) => ReactNode;
}

interface Props<R extends { line: number; agent: string; skill: string }> {
  rows: PagedRows<R>;
  /** Prefix of every test id: `<testId>-table`, `-tab-…`, `-range`, `-error`. */
  testId: string;
  /** The test id of each row. */
  rowTestId: string;
  tabs: FilterTab[];
  /** What the tabs filter by, for screen readers. */
  label: string;
  columns: Column<R>[];
  isProblem: (row: R) => boolean;
}

export function RowsCard<R extends { line: number; agent: string; skill: string }>({ rows, testId, rowTestId, tabs, label, columns, isProblem }: Props<R>) {
  const titleId = `${testId}-title`;
  const align = (c: Column<R>) => [c.num ? "num" : "", c.width ? `col-${c.width}` : ""].join(" ").trim() || undefined;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>Rows</h2>
      <RowsToolbar rows={rows} tabs={tabs} testId={testId} label={label} />
      <ErrorBanner error={rows.error} testId={`${testId}-error`} />
      {/* The page scrolls; the table only scrolls sideways when the window is too narrow, and its
          wrapper takes focus so the arrow keys reach that scroll too. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={titleId} data-testid={`${testId}-scroll`}>
        <table className="table" data-testid={`${testId}-table`} aria-busy={rows.loading}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col" className={align(c)}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.page?.rows.map((r, i) => (
              <tr key={`${r.line}-${r.agent}-${r.skill}-${i}`} className={isProblem(r) ? "row-problem" : undefined} data-testid={rowTestId}>
                {columns.map((c) => (
                  <td key={c.header} className={align(c)}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.page && rows.page.rows.length === 0 && <p className="muted empty">No rows match.</p>}
      <Pager rows={rows} testId={testId} />
    </section>
  );
}
