import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { PlanView } from "../bindings/PlanView";
import type { RunView } from "../bindings/RunView";
import { deferred, DETECTED, emit, fail, feed, mockBackend, planView, runView } from "../test/backend";

function renderApply(plan: PlanView = planView(), resume = false) {
  const user = userEvent.setup();
  render(<App initial={{ feed: feed(), mapping: DETECTED, plan, resume, step: "apply", activeProfile: plan.profile }} />);
  return user;
}

const PAGE = { total: 0, rows: [] };

describe("Apply", () => {
  it("asks before sending, then streams progress from the channel and lands on Results", async () => {
    const reply = deferred<RunView>();
    const backend = mockBackend({ apply: () => reply.promise, run_rows: () => PAGE });
    const user = renderApply();
    expect(screen.getByTestId("apply-question")).toHaveTextContent("Change 150 rows on sandbox-genesys?");
    expect(screen.getByTestId("apply-rows")).toHaveTextContent("120 to add, 30 to update, 0 to remove");
    expect(screen.getByTestId("apply-requests")).toHaveTextContent("42");
    expect(screen.queryByTestId("apply-remove-confirm")).toBeNull();
    await user.click(screen.getByTestId("apply-start"));
    const args = backend.last("apply");
    expect(args.options).toEqual({ confirm_remove: false, resume: false });
    // Rows from the first frame: 150 rows change (in 42 requests), never "0 of 42" then "10 of 150".
    expect(screen.getByTestId("apply-done")).toHaveTextContent("0 of 150");
    expect(screen.getByTestId("apply-requests-done")).toHaveTextContent("0 of 42");

    act(() =>
      emit(
        args,
        { type: "phase", phase: "apply" },
        { type: "apply", done: 10, failed: 1, total: 150, requests_per_minute: 287.4, eta_seconds: 95 },
        { type: "retry", method: "PATCH", path: "/api/v2/users/u1/routingskills/bulk", status: 503, attempt: 2, wait_ms: 1500 },
        { type: "throttled", wait_ms: 2000 },
        { type: "note", message: "token refreshed" },
      ),
    );
    expect(screen.getByTestId("apply-phase")).toHaveTextContent("Sending changes");
    expect(screen.getByTestId("apply-progress")).toHaveAttribute("value", "10");
    expect(screen.getByTestId("apply-progress")).toHaveAttribute("max", "150");
    expect(screen.getByTestId("apply-done")).toHaveTextContent("10 of 150");
    expect(screen.getByTestId("apply-failed")).toHaveTextContent("1");
    expect(screen.getByTestId("apply-requests-done")).toHaveTextContent("1 of 42");
    expect(screen.getByTestId("apply-rate")).toHaveTextContent("287 requests/min");
    expect(screen.getByTestId("apply-eta")).toHaveTextContent("1 min 35 s");
    const log = within(screen.getByTestId("apply-log")).getAllByTestId("apply-log-line");
    expect(log.map((l) => l.textContent)).toEqual([
      "HTTP 503 on PATCH /api/v2/users/u1/routingskills/bulk: retry 2 in 1.5 s",
      "Throttled by the platform: waiting 2.0 s",
      "token refreshed",
    ]);
    for (const step of ["connection", "import", "map", "plan", "history"]) expect(screen.getByTestId(`step-${step}`)).toBeDisabled();

    await act(async () => {
      reply.resolve(runView());
      await reply.promise;
    });
    expect(await screen.findByTestId("results-verdict")).toHaveTextContent("All 150 changes applied and verified");
  });

  it("never shows a rate above the limit, and says Paused instead of a rate and time left while paused", async () => {
    const reply = deferred<RunView>();
    const backend = mockBackend({ apply: () => reply.promise, pause_run: () => null });
    const user = renderApply();
    await user.click(screen.getByTestId("apply-start"));
    act(() => emit(backend.last("apply"), { type: "apply", done: 5, failed: 0, total: 42, requests_per_minute: 900, eta_seconds: 20 }));
    expect(screen.getByTestId("apply-rate")).toHaveTextContent("300 requests/min");
    await user.click(screen.getByTestId("apply-pause"));
    expect(screen.getByTestId("apply-rate")).toHaveTextContent("Paused");
    expect(screen.getByTestId("apply-eta")).toHaveTextContent("Paused");
  });

  it("lists whose skills a removal takes away, by name, before the typed confirmation", () => {
    mockBackend({});
    renderApply(
      planView({
        summary: { rows: 2, excluded: 0, add: 0, update: 0, remove: 2, unchanged: 0, invalid: 0 },
        removals: [
          { line: 2, agent: "u-1", skill: "s-1", agent_label: "Ana Silva <ana@example.com>", skill_label: "Billing - English", before: 3, requested: null, action: "remove", problem: null },
          { line: 3, agent: "u-2", skill: "s-2", agent_label: "Bo Berg <bo@example.com>", skill_label: "Sales", before: 2, requested: null, action: "remove", problem: null },
        ],
      }),
    );
    const list = within(screen.getByTestId("apply-confirm")).getByTestId("removal-list");
    expect(list).toHaveTextContent("Removes 2 skill assignments from 2 agents");
    expect(list).toHaveTextContent("Ana Silva <ana@example.com>");
    expect(list).toHaveTextContent("Billing - English");
    expect(list).toHaveTextContent("Bo Berg <bo@example.com>");
  });

  it("groups the removals by agent, sorted, the agent named once per group", () => {
    mockBackend({});
    const row = (line: number, agent: string, skill: string) => ({ line, agent, skill, agent_label: null, skill_label: null, before: 3, requested: null, action: "remove" as const, problem: null });
    renderApply(
      planView({
        summary: { rows: 4, excluded: 0, add: 0, update: 0, remove: 4, unchanged: 0, invalid: 0 },
        removals: [row(0, "zoe@example.com", "Sales"), row(0, "ana@example.com", "Sales"), row(0, "zoe@example.com", "Billing"), row(0, "ana@example.com", "Billing")],
      }),
    );
    const list = within(screen.getByTestId("apply-confirm")).getByTestId("removal-list");
    expect(list).toHaveTextContent("Removes 4 skill assignments from 2 agents");
    const agents = within(list).getAllByTestId("removal-agent");
    expect(agents.map((a) => a.textContent)).toEqual(["ana@example.com", "zoe@example.com"]);
    expect(agents[0]).toHaveAttribute("rowspan", "2");
    const skills = within(list).getAllByTestId("removal-row").map((r) => r.textContent);
    expect(skills).toEqual(["ana@example.comBilling3", "Sales3", "zoe@example.comBilling3", "Sales3"]);
  });

  it("keeps only the last 50 log lines", async () => {
    const reply = deferred<RunView>();
    const backend = mockBackend({ apply: () => reply.promise });
    const user = renderApply();
    await user.click(screen.getByTestId("apply-start"));
    act(() => emit(backend.last("apply"), ...Array.from({ length: 60 }, (_, i) => ({ type: "note" as const, message: `note ${i}` }))));
    const lines = screen.getAllByTestId("apply-log-line");
    expect(lines).toHaveLength(50);
    expect(lines[0]).toHaveTextContent("note 10");
    expect(lines[49]).toHaveTextContent("note 59");
  });

  it("pauses, resumes and, after a confirmation, cancels the run", async () => {
    const reply = deferred<RunView>();
    const backend = mockBackend({ apply: () => reply.promise, pause_run: () => null, resume_run: () => null, cancel_run: () => null, run_rows: () => PAGE });
    const user = renderApply();
    await user.click(screen.getByTestId("apply-start"));
    await user.click(screen.getByTestId("apply-pause"));
    expect(backend.argsOf("pause_run")).toHaveLength(1);
    expect(await screen.findByTestId("apply-resume")).toBeInTheDocument();
    expect(screen.getByTestId("apply-phase")).toHaveTextContent("Paused");
    await user.click(screen.getByTestId("apply-resume"));
    expect(backend.argsOf("resume_run")).toHaveLength(1);
    expect(await screen.findByTestId("apply-pause")).toBeInTheDocument();

    await user.click(screen.getByTestId("apply-cancel"));
    expect(backend.argsOf("cancel_run")).toHaveLength(0);
    await user.click(screen.getByTestId("apply-cancel-confirm"));
    expect(backend.argsOf("cancel_run")).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId("apply-phase")).toHaveTextContent("Cancelling"));

    await act(async () => {
      reply.resolve(runView({ cancelled: true, exit_code: 1 }, { added: 12, updated: 0 }));
      await reply.promise;
    });
    expect(await screen.findByTestId("results-verdict")).toHaveTextContent("Cancelled: 12 changes applied before the run stopped");
  });

  it("requires typing remove before a plan that removes skills can be sent", async () => {
    const backend = mockBackend({ apply: () => runView(), run_rows: () => PAGE });
    const user = renderApply(planView({ summary: { rows: 10, excluded: 0, add: 0, update: 0, remove: 4, unchanged: 6, invalid: 0 } }));
    const start = screen.getByTestId("apply-start");
    expect(screen.getByTestId("apply-confirm")).toHaveTextContent("removes 4 skill assignments");
    expect(start).toBeDisabled();
    await user.type(screen.getByTestId("apply-remove-confirm"), "remov");
    expect(start).toBeDisabled();
    await user.click(start);
    expect(backend.argsOf("apply")).toHaveLength(0);
    await user.type(screen.getByTestId("apply-remove-confirm"), "e");
    expect(start).toBeEnabled();
    await user.click(start);
    await screen.findByTestId("results-step");
    expect(backend.last("apply").options).toEqual({ confirm_remove: true, resume: false });
  });

  it("resumes an interrupted run when the plan offered it", async () => {
    const backend = mockBackend({ apply: () => runView(), run_rows: () => PAGE });
    const user = renderApply(planView({ resumable: true }), true);
    expect(screen.getByTestId("apply-question")).toHaveTextContent("Resume the interrupted run");
    await user.click(screen.getByTestId("apply-start"));
    await screen.findByTestId("results-step");
    expect(backend.last("apply").options).toEqual({ confirm_remove: false, resume: true });
  });

  it("shows a failed apply's message and code and lets it be tried again", async () => {
    const backend = mockBackend({ apply: () => fail("state.busy", "another run is in progress") });
    const user = renderApply();
    await user.click(screen.getByTestId("apply-start"));
    expect(await screen.findByTestId("apply-error-message")).toHaveTextContent("another run is in progress");
    expect(screen.getByTestId("apply-error-code")).toHaveTextContent("state.busy");
    expect(screen.getByTestId("apply-start")).toBeEnabled();
    expect(screen.getByTestId("step-plan")).toBeEnabled();
    expect(backend.argsOf("apply")).toHaveLength(1);
  });
});
