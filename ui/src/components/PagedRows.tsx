// Row tables of plans and runs can hold 100,000 rows: the engine keeps them and hands out one page
// at a time, filtered and searched on its side. This hook and toolbar are shared by Plan and Results.
import { useEffect, useState } from "react";
import type { RowQuery } from "../bindings/RowQuery";
import type { UiError } from "../bindings/UiError";
import { toUiError } from "../api";
import { formatCount } from "../format";

export const PAGE_SIZE = 100;
const SEARCH_DELAY_MS = 200;

interface Page<R> {
  total: number;
  rows: R[];
}

export interface PagedRows<R> {
  filter: string | null;
  setFilter: (filter: string | null) => void;
  searchText: string;
  setSearchText: (text: string) => void;
  offset: number;
  setOffset: (offset: number) => void;
  page: Page<R> | null;
  loading: boolean;
  error: UiError | null;
}

/**
 * Fetches the page for the current filter, search and offset. `source` identifies the plan or run
 * the rows belong to: a new one starts again from the first page.
 */
export function usePagedRows<R>(fetchPage: (query: RowQuery) => Promise<Page<R>>, source: unknown): PagedRows<R> {
  const [filter, setFilterState] = useState<string | null>(null);
  const [searchText, setSearchTextState] = useState("");
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<R> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [lastSource, setLastSource] = useState(source);

  // Adjusting state while rendering (not in an effect) so the stale page never shows with the new source.
  if (lastSource !== source) {
    setLastSource(source);
    setOffset(0);
    setPage(null);
  }

  useEffect(() => {
    const next = searchText.trim();
    if (next === search) return;
    const timer = setTimeout(() => {
      setSearch(next);
      setOffset(0);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText, search]);

  useEffect(() => {
    let current = true;
    const query: RowQuery = { filter, search: search === "" ? null : search, offset, limit: PAGE_SIZE };
    const load = async () => {
      setLoading(true);
      try {
        const next = await fetchPage(query);
        if (current) {
          setPage(next);
          setError(null);
        }
      } catch (err) {
        if (current) setError(toUiError(err));
      } finally {
        if (current) setLoading(false);
      }
    };
    void load();
    return () => {
      current = false;
    };
  }, [fetchPage, filter, search, offset, source]);

  return {
    filter,
    setFilter: (next) => {
      setFilterState(next);
      setOffset(0);
    },
    searchText,
    setSearchText: setSearchTextState,
    offset,
    setOffset,
    page,
    loading,
    error,
  };
}

export interface FilterTab {
  id: string | null;
  label: string;
  count?: number;
}

interface ToolbarProps<R> {
  rows: PagedRows<R>;
  tabs: FilterTab[];
  testId: string;
  label: string;
}

export function RowsToolbar<R>({ rows, tabs, testId, label }: ToolbarProps<R>) {
  return (
    <div className="rows-toolbar">
      <div className="tabs" role="group" aria-label={label}>
        {tabs.map((tab) => {
          const selected = rows.filter === tab.id;
          return (
            <button
              key={tab.id ?? "all"}
              type="button"
              aria-pressed={selected}
              className={`tab${selected ? " tab-selected" : ""}`}
              data-testid={`${testId}-tab-${tab.id ?? "all"}`}
              onClick={() => rows.setFilter(tab.id)}
            >
              {tab.label}
              {tab.count !== undefined && <span className="tab-count">{formatCount(tab.count)}</span>}
            </button>
          );
        })}
      </div>
      <input
        type="search"
        className="input search"
        placeholder="Search agent or skill"
        aria-label="Search agent or skill"
        data-testid={`${testId}-search`}
        value={rows.searchText}
        onChange={(e) => rows.setSearchText(e.target.value)}
      />
    </div>
  );
}

export function Pager<R>({ rows, testId }: { rows: PagedRows<R>; testId: string }) {
  const total = rows.page?.total ?? 0;
  const first = total === 0 ? 0 : rows.offset + 1;
  const last = Math.min(rows.offset + PAGE_SIZE, total);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = Math.floor(rows.offset / PAGE_SIZE) + 1;
  const go = (page: number) => rows.setOffset((Math.min(Math.max(page, 1), pages) - 1) * PAGE_SIZE);
  return (
    <nav className="pager" aria-label="Pages of rows">
      <button type="button" className="btn btn-small" data-testid={`${testId}-first`} disabled={rows.offset === 0 || rows.loading} onClick={() => go(1)}>
        « First
      </button>
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-prev`}
        disabled={rows.offset === 0 || rows.loading}
        onClick={() => rows.setOffset(Math.max(0, rows.offset - PAGE_SIZE))}
      >
        ← Previous
      </button>
      <span className="pager-range" data-testid={`${testId}-range`} aria-live="polite">
        {total === 0 ? "No rows" : `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`}
      </span>
      {pages > 1 && (
        <label className="pager-jump">
          Page
          <input
            key={current}
            className="input input-narrow"
            type="number"
            min={1}
            max={pages}
            defaultValue={current}
            aria-label="Page number"
            data-testid={`${testId}-page`}
            onKeyDown={(e) => {
              if (e.key === "Enter") go(Number(e.currentTarget.value) || 1);
            }}
            onBlur={(e) => {
              const n = Number(e.currentTarget.value);
              if (n && n !== current) go(n);
            }}
          />
          of {formatCount(pages)}
        </label>
      )}
      <button
        type="button"
        className="btn btn-small"
        data-testid={`${testId}-next`}
        disabled={last >= total || rows.loading}
        onClick={() => rows.setOffset(rows.offset + PAGE_SIZE)}
      >
        Next →
      </button>
      <button type="button" className="btn btn-small" data-testid={`${testId}-last`} disabled={last >= total || rows.loading} onClick={() => go(pages)}>
        Last »
      </button>
    </nav>
  );
}
