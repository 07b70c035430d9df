import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { fail, mockBackend, PROFILES } from "../test/backend";

describe("Connection", () => {
  it("loads the profiles and makes the first built-in sandbox active", async () => {
    mockBackend({});
    render(<App />);
    expect(await screen.findByTestId("active-profile-name")).toHaveTextContent("sandbox-genesys");
    expect(screen.getByTestId("active-profile-platform")).toHaveTextContent("Genesys Cloud");
    const cards = within(screen.getByTestId("profiles")).getAllByRole("listitem");
    expect(cards.map((c) => c.dataset.testid)).toEqual(["profile-sandbox-genesys", "profile-sandbox-cxone", "profile-prod"]);
    expect(screen.getByTestId("profile-sandbox-genesys-sandbox")).toHaveTextContent("Sandbox");
    expect(screen.getByTestId("profile-sandbox-genesys")).toHaveTextContent("no account needed");
    expect(screen.queryByTestId("profile-prod-sandbox")).toBeNull();
    expect(screen.getByTestId("profile-sandbox-genesys-use")).toBeDisabled();
  });

  it("makes the first saved profile active when there is no sandbox", async () => {
    mockBackend({ list_profiles: () => PROFILES.filter((p) => !p.builtin) });
    render(<App />);
    expect(await screen.findByTestId("active-profile-name")).toHaveTextContent("prod");
  });

  it("moves on to Import with Next once a profile is in use", async () => {
    mockBackend({});
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId("profile-prod-use"));
    const next = screen.getByRole("button", { name: "Next: import a feed" });
    expect(next).toHaveClass("btn-primary");
    await user.click(next);
    expect(await screen.findByTestId("import-step")).toBeInTheDocument();
    expect(screen.getByTestId("step-import")).toHaveAttribute("aria-current", "step");
  });

  it("offers no Next before any profile is in use", async () => {
    mockBackend({ list_profiles: () => [] });
    render(<App />);
    await screen.findByTestId("connection-step");
    await waitFor(() => expect(screen.queryByText("Loading connections…")).toBeNull());
    expect(screen.queryByTestId("connection-next")).toBeNull();
  });

  it("selects another profile and shows its platform in the header", async () => {
    mockBackend({});
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId("profile-sandbox-cxone-use"));
    expect(screen.getByTestId("active-profile-name")).toHaveTextContent("sandbox-cxone");
    expect(screen.getByTestId("active-profile-platform")).toHaveTextContent("NICE CXone");
  });

  it("tests a profile and shows every check and the tenant's counts", async () => {
    const backend = mockBackend({
      test_profile: () => ({
        ok: false,
        platform: "genesys",
        tenant: "Prod Org",
        skills: 60, languages: 0,
        agents: 2000,
        assignments: 9000,
        elapsed_ms: 840,
        checks: [
          { name: "sign in", ok: true, detail: "token in 120 ms" },
          { name: "read skills", ok: false, detail: "403: the client lacks routing:skill:view" },
        ],
      }),
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId("profile-prod-test"));
    const check = await screen.findByTestId("profile-prod-check");
    expect(backend.last("test_profile")).toEqual({ name: "prod" });
    expect(check).toHaveTextContent("The connection test failed");
    const lines = within(check).getAllByTestId("profile-prod-check-check");
    expect(lines[0]).toHaveTextContent("✓sign intoken in 120 ms");
    expect(lines[1]).toHaveTextContent("✗read skills403: the client lacks routing:skill:view");
  });

  it("shows the counts of a passing test", async () => {
    mockBackend({
      test_profile: () => ({ ok: true, platform: "genesys", tenant: "Sandbox Org", skills: 12, languages: 0, agents: 1500, assignments: 4321, elapsed_ms: 350, checks: [{ name: "sign in", ok: true, detail: "" }] }),
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId("profile-sandbox-genesys-test"));
    const counts = await screen.findByTestId("profile-sandbox-genesys-check-counts");
    expect(counts).toHaveTextContent("Skills12");
    expect(counts).toHaveTextContent("Agents1,500");
    expect(counts).toHaveTextContent("Assignments4,321");
    expect(counts).toHaveTextContent("Took350 ms");
  });

  it("removes a saved profile only after the confirmation, and reloads the list", async () => {
    let profiles = PROFILES;
    const backend = mockBackend({
      list_profiles: () => profiles,
      remove_profile: (args) => {
        profiles = profiles.filter((p) => p.name !== args.name);
        return true;
      },
    });
    const user = userEvent.setup();
    render(<App />);
    expect(screen.queryByTestId("profile-sandbox-genesys-remove")).toBeNull();
    await user.click(await screen.findByTestId("profile-prod-remove"));
    expect(backend.argsOf("remove_profile")).toHaveLength(0);
    await user.click(screen.getByTestId("profile-prod-remove-confirm"));
    await waitFor(() => expect(screen.queryByTestId("profile-prod")).toBeNull());
    expect(backend.last("remove_profile")).toEqual({ name: "prod" });
  });

  it("keeps the profile when the confirmation is declined", async () => {
    const backend = mockBackend({ remove_profile: () => true });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByTestId("profile-prod-remove"));
    await user.click(screen.getByTestId("profile-prod-remove-keep"));
    expect(backend.argsOf("remove_profile")).toHaveLength(0);
    expect(screen.getByTestId("profile-prod")).toBeInTheDocument();
  });

  it("shows a failed profile list with its message and code", async () => {
    mockBackend({ list_profiles: () => fail("config.invalid", "profiles.toml line 3: expected a table") });
    render(<App />);
    const banner = await screen.findByTestId("profiles-error");
    expect(within(banner).getByTestId("profiles-error-message")).toHaveTextContent("profiles.toml line 3: expected a table");
    expect(within(banner).getByTestId("profiles-error-code")).toHaveTextContent("config.invalid");
  });

  it("enables a step only once what it needs exists", async () => {
    mockBackend({});
    render(<App />);
    await screen.findByTestId("active-profile-name");
    expect(screen.getByTestId("step-connection")).toBeEnabled();
    expect(screen.getByTestId("step-import")).toBeEnabled();
    expect(screen.getByTestId("step-history")).toBeEnabled();
    for (const step of ["map", "plan", "apply", "results"]) expect(screen.getByTestId(`step-${step}`)).toBeDisabled();
  });
});
