import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { DETECTED, fail, feed, mockBackend, planView } from "../test/backend";

const PAGE = { total: 0, rows: [] };

describe("Plans for approval", () => {
  it("saves the current plan where the user chose", async () => {
    const backend = mockBackend({ plan_rows: () => PAGE, choose_file: () => "/home/ana/approve/nightly.json", save_plan: (a) => a.path });
    const user = userEvent.setup();
    render(<App initial={{ feed: feed(), mapping: DETECTED, plan: planView(), step: "plan", activeProfile: "sandbox-genesys" }} />);
    await screen.findByTestId("active-profile-name");
    await user.click(screen.getByTestId("plan-save"));
    expect(backend.last("choose_file")).toEqual({ purpose: "plan" });
    expect(backend.last("save_plan")).toEqual({ path: "/home/ana/approve/nightly.json" });
    expect(await screen.findByTestId("plan-saved")).toHaveTextContent("Saved to /home/ana/approve/nightly.json");
    expect(screen.getByTestId("plan-saved")).toHaveTextContent("a readable copy beside it for an approver without Skillsync (nightly.html, nightly.csv)");
  });

  it("opens an approved plan for the active connection as the current plan, with no feed", async () => {
    const approved = planView({ summary: { rows: 3, excluded: 0, add: 1, update: 2, remove: 0, unchanged: 0, invalid: 0 } });
    const backend = mockBackend({ plan_rows: () => PAGE, choose_file: () => "/home/ana/approve/nightly.json", open_approved_plan: () => approved });
    const user = userEvent.setup();
    render(<App initial={{ step: "import" }} />);
    await screen.findByTestId("active-profile-name");
    expect(screen.getByTestId("step-plan")).toBeDisabled();
    await user.click(screen.getByTestId("open-approved-plan"));
    expect(backend.last("choose_file")).toEqual({ purpose: "approved_plan" });
    expect(backend.last("open_approved_plan")).toEqual({ profile: "sandbox-genesys", path: "/home/ana/approve/nightly.json" });
    expect(await screen.findByTestId("plan-step")).toBeInTheDocument();
    expect(screen.getByTestId("plan-update")).toHaveTextContent("2");
    expect(screen.getByTestId("plan-apply")).toHaveTextContent("Apply 3 changes");
  });

  it("sends nothing when the dialog is cancelled and shows why a plan cannot be opened", async () => {
    let answer: string | null = null;
    const backend = mockBackend({
      choose_file: () => answer,
      open_approved_plan: () => fail("input.invalid", "the plan file was changed after it was saved (its checksum does not match)"),
    });
    const user = userEvent.setup();
    render(<App initial={{ step: "import" }} />);
    await screen.findByTestId("active-profile-name");
    await user.click(screen.getByTestId("open-approved-plan"));
    expect(backend.argsOf("open_approved_plan")).toEqual([]);
    answer = "/home/ana/approve/edited.json";
    await user.click(screen.getByTestId("open-approved-plan"));
    expect(await screen.findByTestId("approved-plan-error-message")).toHaveTextContent("changed after it was saved");
  });

  it("shows every drifted pair when Apply finds the tenant changed since the plan", async () => {
    const message =
      "the tenant changed since this plan was made: 2 pair(s) no longer hold the value the plan was made against; nothing was sent. Make a new plan.\n" +
      "  ana@example.com · Billing: planned before 2, now 5\n  bo@example.com · Sales: planned before not assigned, now 3";
    mockBackend({ apply: () => fail("plan.drifted", message) });
    const user = userEvent.setup();
    const plan = planView();
    render(<App initial={{ feed: feed(), mapping: DETECTED, plan, step: "apply", activeProfile: plan.profile }} />);
    await user.click(screen.getByTestId("apply-start"));
    const banner = await screen.findByTestId("apply-error");
    expect(banner).toHaveAttribute("data-code", "plan.drifted");
    expect(within(banner).getByText(/nothing was sent$/)).toBeInTheDocument();
    const text = screen.getByTestId("apply-error-message").textContent ?? "";
    expect(text).toContain("ana@example.com · Billing: planned before 2, now 5");
    expect(text).toContain("bo@example.com · Sales: planned before not assigned, now 3");
    expect(screen.getByTestId("apply-start")).toBeInTheDocument();
  });
});
