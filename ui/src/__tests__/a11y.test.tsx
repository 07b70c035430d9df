// Every screen through axe-core: no serious or critical accessibility violation. jsdom cannot
// compute colours, so contrast is checked in the real window (tests/e2e) instead.
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { App } from "../App";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { State } from "../state";
import { DETECTED, feed, mockBackend, planView, runView } from "../test/backend";

const ROW = { line: 2, agent: "u-1", skill: "s-1", agent_label: "Ana Silva <ana@example.com>", skill_label: "Billing - English", before: 3, requested: 4 };
const HISTORY: HistoryEntry[] = [
  { id: "r2", started_at: "2026-03-02T00:10:00Z", profile: "prod", platform: "genesys", feed: "f.csv", summary: runView().summary, cancelled: false, report_files: [], job: "j", resumed: true, rollback_of: null },
  { id: "r1", started_at: "2026-03-02T00:00:00Z", profile: "prod", platform: "genesys", feed: "f.csv", summary: runView().summary, cancelled: true, report_files: [], job: "j", resumed: false, rollback_of: null },
];

async function serious(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { "color-contrast": { enabled: false } } });
  expect(result.passes.length, "axe checked the screen").toBeGreaterThan(5);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function backend() {
  return mockBackend({
    plan_rows: () => ({ total: 1, rows: [{ ...ROW, action: "invalid", problem: "line 2, column 'Skill': no skill is named 'Biling'." }] }),
    run_rows: () => ({ total: 1, rows: [{ ...ROW, after: 4, outcome: "updated", error: null, correlation_ids: ["c-1"] }] }),
    history: () => HISTORY,
    list_templates: () => ["demo-genesys"],
  });
}

const withPlan = planView({
  summary: { rows: 10, excluded: 1, add: 2, update: 1, remove: 1, unchanged: 5, invalid: 1 },
  removals: [{ ...ROW, requested: null, action: "remove", problem: null }],
});

const SCREENS: [string, Partial<State>, string][] = [
  ["Connection", { step: "connection" }, "connection-step"],
  ["Import", { step: "import" }, "import-step"],
  ["Map", { step: "map", feed: feed(), mapping: DETECTED }, "map-step"],
  ["Plan", { step: "plan", feed: feed(), mapping: { ...DETECTED, rename: { skills: { Biling: "Billing" }, agents: {} } }, plan: withPlan }, "plan-step"],
  ["Apply", { step: "apply", feed: feed(), mapping: DETECTED, plan: withPlan }, "apply-step"],
  ["Results", { step: "results", run: runView() }, "results-step"],
  ["History", { step: "history" }, "history-step"],
];

describe("accessibility (axe-core)", () => {
  it.each(SCREENS)("%s has no serious violations", async (_name, initial, testId) => {
    backend();
    render(<App initial={{ activeProfile: "sandbox-genesys", ...initial }} />);
    await screen.findByTestId(testId);
    // Let the screen's first calls (preview, rows, history) land.
    await new Promise((r) => setTimeout(r, 350));
    expect(await serious()).toEqual([]);
  });

  it("the add-connection wizard has no serious violations", async () => {
    backend();
    const user = userEvent.setup();
    render(<App initial={{ step: "connection" }} />);
    await user.click(await screen.findByTestId("add-connection"));
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-where-custom"));
    await user.type(screen.getByTestId("wizard-base-url"), "http://api.example.com");
    await waitFor(() => expect(screen.getByTestId("wizard-url-error")).toBeInTheDocument());
    expect(await serious()).toEqual([]);
  });

  it("the wizard's question before discarding has no serious violations", async () => {
    backend();
    const user = userEvent.setup();
    render(<App initial={{ step: "connection" }} />);
    await user.click(await screen.findByTestId("add-connection"));
    await user.click(screen.getByTestId("wizard-platform-cxone"));
    await user.click(screen.getByTestId("wizard-cancel"));
    expect(screen.getByTestId("wizard-discard")).toBeInTheDocument();
    expect(await serious()).toEqual([]);
  });
});
