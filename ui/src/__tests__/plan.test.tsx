import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { PlanRowView } from "../bindings/PlanRowView";
import type { MappingInput } from "../bindings/MappingInput";
import type { PlanView } from "../bindings/PlanView";
import type { RowQuery } from "../bindings/RowQuery";
import { deferred, DETECTED, emit, fail, feed, mockBackend, planView, type Args } from "../test/backend";

/** 250 plan rows the backend pages through as the engine would. */
const ROWS: PlanRowView[] = Array.from({ length: 250 }, (_, i) => ({
  line: i + 2,
  agent: `agent${i}@example.com`,
  skill: i % 2 ? "Billing" : "Sales",
  agent_label: null,
  skill_label: null,
  before: null,
  requested: 4,
  action: i === 7 ? "invalid" : "add",
  problem: i === 7 ? "line 9, column Skill: unknown skill 'Biling' (did you mean 'Billing'?)" : null,
}));

function pageOf(args: Args) {
  const q = args.query as RowQuery;
  const rows = ROWS.filter((r) => (q.filter === null || r.action === q.filter) && (q.search === null || r.agent.includes(q.search) || r.skill.includes(q.search)));
  return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
}

function renderPlan() {
  const user = userEvent.setup();
  render(<App initial={{ feed: feed(), mapping: DETECTED, step: "plan" }} />);
  return user;
}

describe("Plan", () => {
  it("plans with the mapping and options, showing the phase and read progress from the channel", async () => {
    const reply = deferred<PlanView>();
    const backend = mockBackend({ plan: () => reply.promise, plan_rows: pageOf });
    const user = renderPlan();
    await screen.findByTestId("active-profile-name");
    await user.click(screen.getByTestId("plan-allow-remove"));
    await user.click(screen.getByTestId("plan-run"));
    const args = backend.last("plan");
    expect(args.profile).toBe("sandbox-genesys");
    expect(args.mapping).toEqual(DETECTED);
    expect(args.options).toEqual({ allow_remove: true, remove_unlisted: false });

    act(() => emit(args, { type: "phase", phase: "read" }, { type: "read", done: 300, total: 1200 }));
    expect(screen.getByTestId("plan-progress-phase")).toHaveTextContent("Reading the tenant");
    expect(screen.getByTestId("plan-progress-read")).toHaveTextContent("300 of 1,200 read");
    // The rail is locked while the tenant is read.
    expect(screen.getByTestId("step-map")).toBeDisabled();

    await act(async () => {
      reply.resolve(planView());
      await reply.promise;
    });
    expect(await screen.findByTestId("plan-add-value")).toHaveTextContent("120");
    expect(screen.getByTestId("step-map")).toBeEnabled();
  });

  it("shows the counts, the estimate and the unresolved names with suggestions", async () => {
    mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await screen.findByTestId("plan-estimate");
    const tiles: Record<string, string> = { "plan-add": "120", "plan-update": "30", "plan-remove": "0", "plan-unchanged": "95", "plan-invalid": "5", "plan-rows-count": "250" };
    for (const [id, value] of Object.entries(tiles)) expect(screen.getByTestId(`${id}-value`)).toHaveTextContent(value);
    expect(screen.getByTestId("plan-estimate")).toHaveTextContent("42 write requests, about 2 min 30 s at 300/min");
    expect(screen.getByTestId("plan-estimate")).toHaveTextContent("then 3 reads to verify");
    expect(screen.getByTestId("plan-reads")).toHaveTextContent("Read the tenant in 14 requests; planned in 2.3 s");

    const skills = await screen.findByTestId("unresolved-unknown_skills");
    expect(skills).toHaveTextContent("Biling");
    expect(skills).toHaveTextContent("lines 7, 19");
    expect(within(skills).getByTestId("unresolved-suggestion")).toHaveTextContent("Use “Billing”");
    expect(screen.getByTestId("unresolved-unknown_agents")).toHaveTextContent("zed@example.com");
    expect(within(screen.getByTestId("unresolved-unknown_agents")).queryByTestId("unresolved-suggestion")).toBeNull();
    expect(screen.getByTestId("unresolved-inactive_agents")).toHaveTextContent("old@example.com");
    expect(screen.queryByTestId("unresolved-ambiguous_agents")).toBeNull();
    expect(screen.getByTestId("plan-apply")).toHaveTextContent("Apply 150 changes");
  });

  it("accepting a suggestion renames the name in the mapping and re-plans against the tenant already read", async () => {
    const fixed = planView({
      summary: { rows: 250, excluded: 0, add: 122, update: 30, remove: 0, unchanged: 95, invalid: 3 },
      unresolved: { ...planView().unresolved, unknown_skills: [] },
      reads: 0,
      elapsed_ms: 12,
      replanned: true,
    });
    const backend = mockBackend({ plan: () => planView(), replan: () => fixed, plan_rows: pageOf, list_templates: () => [], save_template: () => "/cfg/templates/nightly.toml" });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await user.click(within(await screen.findByTestId("unresolved-unknown_skills")).getByTestId("unresolved-suggestion"));
    const sent = backend.last("replan").mapping as MappingInput;
    expect(sent.rename.skills).toEqual({ Biling: "Billing" });
    await waitFor(() => expect(screen.getByTestId("plan-add-value")).toHaveTextContent("122"));
    expect(screen.queryByTestId("unresolved-unknown_skills")).toBeNull();
    expect(screen.getByTestId("plan-reads")).toHaveTextContent("Planned again against the tenant already read (no requests)");
    expect(screen.getByTestId("corrections")).toHaveTextContent("Skill “Biling” is read as “Billing”");

    await user.type(screen.getByTestId("corrections-template-name"), "nightly");
    await user.click(screen.getByTestId("corrections-save"));
    expect((backend.last("save_template").mapping as MappingInput).rename.skills).toEqual({ Biling: "Billing" });
    expect(await screen.findByTestId("corrections-saved")).toHaveTextContent("/cfg/templates/nightly.toml");
  });

  it("takes a typed name for an unknown agent, and a fix can be undone", async () => {
    const backend = mockBackend({ plan: () => planView(), replan: () => planView({ replanned: true }), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    const agents = await screen.findByTestId("unresolved-unknown_agents");
    await user.click(within(agents).getByTestId("unresolved-type"));
    await user.type(within(agents).getByTestId("unresolved-typed"), "zed.z@example.com{Enter}");
    expect((backend.last("replan").mapping as MappingInput).rename.agents).toEqual({ "zed@example.com": "zed.z@example.com" });
    const fix = await screen.findByTestId("correction");
    expect(fix).toHaveTextContent("Agent “zed@example.com” is read as “zed.z@example.com”");
    await user.click(within(fix).getByRole("button", { name: "Undo" }));
    await waitFor(() => expect((backend.last("replan").mapping as MappingInput).rename.agents).toEqual({}));
  });

  it("says where unknown skills are listed that Skillsync does not create skills", async () => {
    mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    expect(await screen.findByTestId("unresolved-unknown_skills")).toHaveTextContent("Skillsync does not create skills");
  });

  it("takes the focus to the plan's summary once it is made", async () => {
    mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await waitFor(() => expect(screen.getByTestId("plan-summary-title")).toHaveFocus());
  });

  it("keeps a typed name only when the platform knows it", async () => {
    const replan = (args: Record<string, unknown>) => {
      const renamed = Object.values((args.mapping as MappingInput).rename.agents);
      if (renamed.length === 0) return planView();
      return planView({ unresolved: { ...planView().unresolved, unknown_agents: [{ input: renamed[0]!, lines: [40], suggestions: [] }] } });
    };
    const backend = mockBackend({ plan: () => planView(), replan, plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    const agents = await screen.findByTestId("unresolved-unknown_agents");
    await user.click(within(agents).getByTestId("unresolved-type"));
    await user.type(within(agents).getByTestId("unresolved-typed"), "nobody@example.com{Enter}");
    expect(await screen.findByTestId("unresolved-typed-refused")).toHaveTextContent("No agent “nobody@example.com” on sandbox-genesys either: nothing was changed.");
    // The plan is made again without the name, and no fix is kept for it.
    expect((backend.last("replan").mapping as MappingInput).rename.agents).toEqual({});
    expect(screen.queryByTestId("correction")).toBeNull();
    expect(screen.getByTestId("unresolved-typed")).toHaveAttribute("aria-invalid", "true");
  });

  it("excludes a name or one row, counted apart in the excluded tile", async () => {
    const excluded = planView({ summary: { rows: 249, excluded: 1, add: 120, update: 30, remove: 0, unchanged: 95, invalid: 4 } });
    const backend = mockBackend({ plan: () => planView(), replan: () => excluded, plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await user.click(within(await screen.findByTestId("unresolved-unknown_agents")).getByTestId("unresolved-exclude"));
    expect((backend.last("replan").mapping as MappingInput).exclude.agents).toEqual(["zed@example.com"]);
    await waitFor(() => expect(screen.getByTestId("plan-excluded-value")).toHaveTextContent("1"));

    await user.click(screen.getByTestId("plan-rows-tab-invalid"));
    const row = (await screen.findAllByTestId("plan-row"))[0]!;
    await user.click(within(row).getByTestId("plan-row-exclude"));
    const rows = (backend.last("replan").mapping as MappingInput).exclude.rows;
    expect(rows).toHaveLength(1);
    // That row only, by its line: of two conflicting rows the other one's level stays planned.
    expect(rows[0]).toEqual({ agent: "agent7@example.com", skill: "Billing", line: 9 });
    expect(screen.getByText("Line 9 (“agent7@example.com” for “Billing”) is excluded")).toBeInTheDocument();
  });

  it("names the feed, its sheet and the template on the plan", async () => {
    mockBackend({ plan: () => planView(), plan_rows: pageOf });
    render(<App initial={{ feed: feed(), mapping: DETECTED, step: "plan", source: { kind: "feed", fileName: "week.xlsx", sheet: "Week 2", template: "nightly", rollback: false } }} />);
    expect(await screen.findByTestId("source-line")).toHaveTextContent("Feed week.xlsx, sheet Week 2, template nightly");
  });

  it("plans an approved plan again from its own file, never the last feed opened", async () => {
    const approved = planView({
      approved: { file_name: "approved.json", path: "/plans/approved.json", created_at: "2026-12-05T10:00:00Z", tenant: "Sandbox Org", feed: "levels.csv" },
    });
    const backend = mockBackend({ plan: () => planView(), open_approved_plan: () => approved, plan_rows: pageOf });
    const user = userEvent.setup();
    render(
      <App
        initial={{
          feed: feed(),
          mapping: DETECTED,
          step: "plan",
          plan: approved,
          activeProfile: "sandbox-genesys",
          source: { kind: "approved", fileName: "approved.json", path: "/plans/approved.json", createdAt: "2026-12-05T10:00:00Z", tenant: "Sandbox Org", feed: "levels.csv" },
        }}
      />,
    );
    expect(await screen.findByTestId("source-line")).toHaveTextContent(/Approved plan approved\.json, made .+ for Sandbox Org from the feed levels\.csv/);
    expect(screen.getByTestId("plan-run")).toHaveTextContent("Open the approved plan again");
    // Its names are listed but offer no fix: a fix would change what was approved.
    const skills = await screen.findByTestId("unresolved-unknown_skills");
    expect(skills).toHaveTextContent("Biling");
    expect(within(skills).queryByTestId("unresolved-suggestion")).toBeNull();
    expect(within(skills).queryByTestId("unresolved-type")).toBeNull();
    expect(within(skills).queryByTestId("unresolved-exclude")).toBeNull();
    expect(screen.getByTestId("unresolved-approved")).toHaveTextContent("save a new plan for approval");
    await user.click(screen.getByTestId("plan-run"));
    await waitFor(() => expect(backend.argsOf("open_approved_plan")).toHaveLength(1));
    expect(backend.last("open_approved_plan").path).toBe("/plans/approved.json");
    expect(backend.argsOf("plan")).toHaveLength(0);
  });

  it("says when there is no published rate limit", async () => {
    mockBackend({ plan: () => planView({ estimate: { writes: 1, verify_reads: 0, rate_per_minute: null, seconds: 0.4 } }), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    expect(await screen.findByTestId("plan-estimate")).toHaveTextContent("1 write request, under a second, no published limit");
  });

  it("pages the rows 100 at a time, with filters and search", async () => {
    const backend = mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("1–100 of 250"));
    expect(backend.last("plan_rows")).toEqual({ query: { filter: null, search: null, offset: 0, limit: 100 } });
    expect(screen.getAllByTestId("plan-row")).toHaveLength(100);
    expect(screen.getByTestId("plan-rows-prev")).toBeDisabled();

    await user.click(screen.getByTestId("plan-rows-next"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("101–200 of 250"));
    await user.click(screen.getByTestId("plan-rows-next"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("201–250 of 250"));
    expect(screen.getByTestId("plan-rows-next")).toBeDisabled();
    expect(backend.argsOf("plan_rows").map((a) => a.query.offset)).toEqual([0, 100, 200]);
    await user.click(screen.getByTestId("plan-rows-prev"));
    await waitFor(() => expect(backend.last("plan_rows").query.offset).toBe(100));

    await user.click(screen.getByTestId("plan-rows-tab-invalid"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("1–1 of 1"));
    expect(backend.last("plan_rows").query).toEqual({ filter: "invalid", search: null, offset: 0, limit: 100 });
    expect(screen.getByTestId("plan-row")).toHaveClass("row-problem");
    expect(screen.getByTestId("plan-row-problem")).toHaveTextContent("unknown skill 'Biling'");

    await user.click(screen.getByTestId("plan-rows-tab-all"));
    await user.type(screen.getByTestId("plan-rows-search"), "agent12");
    await waitFor(() => expect(backend.last("plan_rows").query).toEqual({ filter: null, search: "agent12", offset: 0, limit: 100 }));
    await waitFor(() => expect(screen.getAllByTestId("plan-row")).toHaveLength(11));
  });

  it("jumps to the last page, to a typed page (a field labelled Page number) and back to the first", async () => {
    const backend = mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("1–100 of 250"));
    await user.click(screen.getByTestId("plan-rows-last"));
    await waitFor(() => expect(screen.getByTestId("plan-rows-range")).toHaveTextContent("201–250 of 250"));
    const page = screen.getByLabelText("Page number");
    expect(page).toBe(screen.getByTestId("plan-rows-page"));
    expect(screen.getByRole("spinbutton", { name: "Page number" })).toHaveValue(3);
    await user.clear(page);
    await user.type(page, "2{Enter}");
    await waitFor(() => expect(backend.last("plan_rows").query.offset).toBe(100));
    await user.click(screen.getByTestId("plan-rows-first"));
    await waitFor(() => expect(backend.last("plan_rows").query.offset).toBe(0));
  });

  it("holds Apply when nothing would be written", async () => {
    mockBackend({
      plan: () => planView({ summary: { rows: 95, excluded: 0, add: 0, update: 0, remove: 0, unchanged: 95, invalid: 0 }, estimate: { writes: 0, verify_reads: 0, rate_per_minute: 300, seconds: 0 } }),
      plan_rows: pageOf,
    });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    expect(await screen.findByTestId("plan-nothing")).toHaveTextContent("Nothing to change: the platform already matches");
    expect(screen.getByTestId("plan-apply")).toBeDisabled();
    expect(screen.getByTestId("step-apply")).toBeEnabled();
  });

  it("offers to resume an interrupted run", async () => {
    mockBackend({ plan: () => planView({ resumable: true }), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await user.click(await screen.findByTestId("plan-resume"));
    expect(screen.getByTestId("apply-question")).toHaveTextContent("Resume the interrupted run on sandbox-genesys?");
  });

  it("shows a failed plan's message and code", async () => {
    mockBackend({ plan: () => fail("auth.failed", "the sandbox refused the client secret") });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    expect(await screen.findByTestId("plan-error-message")).toHaveTextContent("the sandbox refused the client secret");
    expect(screen.getByTestId("plan-error-code")).toHaveTextContent("auth.failed");
    expect(screen.getByTestId("step-apply")).toBeDisabled();
  });

  it("drops the plan when the mapping changes", async () => {
    mockBackend({ plan: () => planView(), plan_rows: pageOf });
    const user = renderPlan();
    await user.click(await screen.findByTestId("plan-run"));
    await screen.findByTestId("plan-estimate");
    expect(screen.getByTestId("step-apply")).toBeEnabled();
    await user.click(screen.getByTestId("step-map"));
    await user.selectOptions(screen.getByTestId("map-agent-key"), "name");
    expect(screen.getByTestId("step-apply")).toBeDisabled();
  });
});
