import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { RowQuery } from "../bindings/RowQuery";
import type { RunRowView } from "../bindings/RunRowView";
import type { RunView } from "../bindings/RunView";
import { groupJobs } from "../steps/HistoryStep";
import { fail, feed, mockBackend, runView, type Args } from "../test/backend";

const ROWS: RunRowView[] = [
  { line: 2, agent: "ana@example.com", skill: "Billing", agent_label: null, skill_label: null, before: null, requested: 4, after: 4, outcome: "added", error: null, correlation_ids: ["c-1"] },
  {
    line: 3,
    agent: "bo@example.com",
    agent_label: null,
    skill_label: null,
    skill: "Sales",
    before: 2,
    requested: 5,
    after: 2,
    outcome: "failed",
    error: "HTTP 400 from PATCH …/routingskills/bulk: proficiency must be between 0 and 5",
    correlation_ids: ["a1b2-c3", "d4e5-f6"],
  },
];

function pageOf(args: Args) {
  const q = args.query as RowQuery;
  const rows = ROWS.filter((r) => q.filter === null || r.outcome === q.filter);
  return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
}

function renderResults(run: RunView) {
  const user = userEvent.setup();
  render(<App initial={{ run, step: "results" }} />);
  return user;
}

describe("Results", () => {
  it("gives the verdict and the counts of a clean run", async () => {
    mockBackend({ run_rows: pageOf });
    renderResults(runView());
    expect(screen.getByTestId("results-verdict")).toHaveTextContent("All 150 changes applied and verified");
    expect(screen.getByTestId("results-verified-value")).toHaveTextContent("150");
    expect(screen.getByTestId("results-requests")).toHaveTextContent("17 read, 42 write, 2 retried, 1 throttled · 2 min 31 s in all");
    const files = within(screen.getByTestId("results-report-files")).getAllByRole("listitem");
    expect(files.map((f) => f.getAttribute("title"))).toEqual(["/data/runs/run-20260101-0001/report.html", "/data/runs/run-20260101-0001/report.undo.csv"]);
    await waitFor(() => expect(screen.getAllByTestId("run-row")).toHaveLength(2));
  });

  it("opens a report file of this run, and shows why when the system cannot", async () => {
    const backend = mockBackend({ run_rows: pageOf, open_report: () => null });
    const user = renderResults(runView());
    await user.click(screen.getByTestId("results-report-files-open-report.html"));
    await waitFor(() => expect(backend.last("open_report")).toEqual({ run_id: "run-20260101-0001", file: "/data/runs/run-20260101-0001/report.html" }));
    expect(screen.queryByTestId("results-report-files-error")).toBeNull();

    mockBackend({ run_rows: pageOf, open_report: () => fail("open.failed", "could not open report.undo.csv: no default program") });
    await user.click(screen.getByTestId("results-report-files-open-report.undo.csv"));
    const why = await screen.findByTestId("results-report-files-error-report.undo.csv");
    expect(why).toHaveTextContent("open.failed");
    expect(why).toHaveTextContent("no default program");
  });

  it("says next to the file when no program on this computer opens it, where it is, and copies the path", async () => {
    mockBackend({ run_rows: pageOf, open_report: () => fail("open.failed", "could not open /data/runs/run-20260101-0001/report.undo.csv: no default program") });
    const user = renderResults(runView());
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await user.click(screen.getByTestId("results-report-files-open-report.undo.csv"));
    const item = screen.getAllByRole("listitem").find((li) => li.getAttribute("title") === "/data/runs/run-20260101-0001/report.undo.csv")!;
    const why = await within(item).findByTestId("results-report-files-error-report.undo.csv");
    expect(why).toHaveAttribute("role", "alert");
    expect(why).toHaveTextContent("No program on this computer opens report.undo.csv; the file is at /data/runs/run-20260101-0001/report.undo.csv");
    expect(within(item).queryByTestId("results-report-files-error-report.html")).toBeNull();
    await user.click(within(why).getByRole("button", { name: "Copy path" }));
    expect(writeText).toHaveBeenCalledWith("/data/runs/run-20260101-0001/report.undo.csv");
    expect(await within(why).findByText("Copied")).toBeInTheDocument();
  });

  it("says a cancelled run stopped, what it applied and how many rows were never sent", () => {
    mockBackend({ run_rows: pageOf });
    renderResults(runView({ cancelled: true, exit_code: 1 }, { added: 100, updated: 10, verified: 110, skipped: 40 }));
    expect(screen.getByTestId("results-verdict")).toHaveTextContent("Cancelled: 110 changes applied before the run stopped");
    expect(screen.getByTestId("results-skipped")).toHaveTextContent("40 rows not sent");
    expect(screen.getByTestId("run-rows-tab-skipped")).toHaveTextContent("40");
  });

  it("says how many rows failed and shows their errors and correlation ids", async () => {
    const backend = mockBackend({ run_rows: pageOf });
    const user = renderResults(runView({ exit_code: 1 }, { failed: 1, verified: 149 }));
    expect(screen.getByTestId("results-verdict")).toHaveTextContent("1 row failed");
    expect(screen.getByTestId("results-failed-value")).toHaveTextContent("1");
    await user.click(screen.getByTestId("run-rows-tab-failed"));
    await waitFor(() => expect(backend.last("run_rows").query).toEqual({ filter: "failed", search: null, offset: 0, limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId("run-row")).toHaveLength(1));
    const row = screen.getByTestId("run-row");
    expect(row).toHaveClass("row-problem");
    expect(within(row).getByTestId("run-row-error")).toHaveTextContent("proficiency must be between 0 and 5");
    expect(within(row).getByTestId("run-row-correlation")).toHaveTextContent("Correlation ids: a1b2-c3d4e5-f6");
  });

  it("saves the report where the dialog says and lists every file written", async () => {
    const backend = mockBackend({
      run_rows: pageOf,
      choose_file: () => "/home/ana/reports/nightly.html",
      save_report: () => ["/home/ana/reports/nightly.html", "/home/ana/reports/nightly.csv", "/home/ana/reports/nightly.json", "/home/ana/reports/nightly.undo.csv"],
    });
    const user = renderResults(runView());
    await user.click(screen.getByTestId("results-save-report"));
    const saved = await screen.findByTestId("results-saved-files");
    expect(within(saved).getAllByRole("listitem")).toHaveLength(4);
    expect(saved).toHaveTextContent("nightly.undo.csv");
    expect(backend.last("save_report")).toEqual({ path: "/home/ana/reports/nightly.html" });
    expect(backend.last("choose_file")).toEqual({ purpose: "report" });
  });

  it("shows a failed save with its code", async () => {
    mockBackend({ run_rows: pageOf, choose_file: () => "/readonly/r.html", save_report: () => fail("io.failed", "writing /readonly/r.html: permission denied") });
    const user = renderResults(runView());
    await user.click(screen.getByTestId("results-save-report"));
    expect(await screen.findByTestId("results-error-code")).toHaveTextContent("io.failed");
    expect(screen.getByTestId("results-error-message")).toHaveTextContent("permission denied");
  });

  it("rolls back by opening the run's undo file as the feed, with removal allowed", async () => {
    const backend = mockBackend({ run_rows: pageOf, open_undo: () => feed({ file_name: "report.undo.csv", suggested_platform: "genesys" }) });
    const user = renderResults(runView());
    await user.click(screen.getByTestId("results-rollback"));
    await screen.findByTestId("map-step");
    expect(backend.last("open_undo")).toEqual({ run_id: "run-20260101-0001" });
    expect(screen.getByTestId("feed-name")).toHaveTextContent("report.undo.csv");
    await user.click(screen.getByTestId("step-plan"));
    expect(screen.getByTestId("plan-allow-remove")).toBeChecked();
  });
});

describe("History's jobs", () => {
  const base = (id: string, started: string, over: Partial<HistoryEntry>): HistoryEntry => ({
    id,
    started_at: started,
    profile: "prod",
    platform: "genesys",
    feed: "f.csv",
    summary: runView().summary,
    cancelled: false,
    report_files: [],
    job: "j",
    resumed: false,
    rollback_of: null,
    ...over,
  });

  it("shows a resumed run and the attempt it finished as one job", () => {
    const entries = [
      base("r3", "2026-03-03T00:00:00Z", { job: "k" }),
      base("r2", "2026-03-02T00:10:00Z", { resumed: true }),
      base("r1", "2026-03-02T00:00:00Z", { cancelled: true }),
      base("r0", "2026-03-01T00:00:00Z", {}),
    ];
    const jobs = groupJobs(entries);
    expect(jobs.map((j) => [j.latest.id, j.attempts.map((a) => a.id)])).toEqual([
      ["r3", ["r3"]],
      ["r2", ["r2", "r1"]],
      ["r0", ["r0"]],
    ]);
  });

  it("names a rollback after the run it undid", async () => {
    mockBackend({ history: () => [base("r9", "2026-03-04T00:00:00Z", { rollback_of: "r8" }), base("r8", "2026-03-03T00:00:00Z", { job: "x" })] });
    render(<App initial={{ step: "history" }} />);
    expect(await screen.findByTestId("history-r9-rollback")).toHaveTextContent("Rollback of the run of");
    // The title is the run's own time alone; the date it rolled back is on its own line.
    const title = screen.getByTestId("history-r9-title");
    expect(title.textContent).not.toMatch(/Rollback/);
    expect(title.contains(screen.getByTestId("history-r9-rollback"))).toBe(false);
  });
});

const ENTRIES: HistoryEntry[] = [
  {
    id: "run-2",
    started_at: "2026-03-02T22:15:00Z",
    profile: "prod",
    platform: "genesys",
    feed: "/feeds/iex-0302.csv",
    summary: { ...runView().summary, failed: 3 },
    cancelled: false,
    report_files: ["/data/runs/run-2/report.html", "/data/runs/run-2/report.undo.csv"],
    job: "job-b",
    resumed: false,
    rollback_of: null,
  },
  {
    id: "run-1",
    started_at: "2026-03-01T22:15:00Z",
    profile: "sandbox-cxone",
    platform: "cxone",
    feed: "/feeds/iex-0301.csv",
    summary: runView().summary,
    cancelled: true,
    report_files: [],
    job: "job-a",
    resumed: false,
    rollback_of: null,
  },
];

describe("History", () => {
  it("lists the runs newest first with their counts, and opens a run's undo file", async () => {
    const backend = mockBackend({ history: () => ENTRIES, open_undo: () => feed({ file_name: "report.undo.csv" }) });
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByTestId("step-history"));
    const list = await screen.findByTestId("history-list");
    const items = within(list).getAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("history-run"));
    expect(items.map((i) => i.dataset.testid)).toEqual(["history-run-2", "history-run-1"]);
    expect(items[0]).toHaveTextContent("prod · Genesys Cloud · iex-0302.csv");
    expect(items[0]).toHaveTextContent("3 failed");
    expect(items[1]).toHaveTextContent("cancelled");
    expect(screen.getByTestId("history-run-2-counts")).toHaveTextContent("120 added · 30 updated · 0 removed");
    await user.click(screen.getByTestId("history-run-1-undo"));
    await screen.findByTestId("map-step");
    expect(backend.last("open_undo")).toEqual({ run_id: "run-1" });
  });

  it("says when there are no runs yet", async () => {
    mockBackend({ history: () => [] });
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByTestId("step-history"));
    expect(await screen.findByTestId("history-empty")).toHaveTextContent("No runs yet");
  });

  it("shows why the history could not be read", async () => {
    mockBackend({ history: () => fail("io.failed", "reading /data/runs: permission denied") });
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByTestId("step-history"));
    expect(await screen.findByTestId("history-error-code")).toHaveTextContent("io.failed");
    expect(screen.getByTestId("history-error-message")).toHaveTextContent("permission denied");
  });
});
