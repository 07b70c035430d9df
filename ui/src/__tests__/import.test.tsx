import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { emit } from "@tauri-apps/api/event";
import { mockWindows } from "@tauri-apps/api/mocks";
import { App } from "../App";
import { DETECTED, fail, feed, mockBackend, PROFILES } from "../test/backend";

async function openImport() {
  const user = userEvent.setup();
  render(<App />);
  await screen.findByTestId("active-profile-name");
  await user.click(screen.getByTestId("step-import"));
  return user;
}

describe("Import", () => {
  it("opens the sandbox's sample feed and goes on to Map with the detected mapping", async () => {
    const backend = mockBackend({ open_sample: () => feed({ suggested_platform: "genesys" }) });
    const user = await openImport();
    await user.click(screen.getByTestId("use-sample"));
    expect(await screen.findByTestId("map-step")).toBeInTheDocument();
    expect(backend.last("open_sample")).toEqual({ platform: "genesys" });
    expect(screen.getByTestId("feed-name")).toHaveTextContent("iex-nightly.csv");
    expect(screen.getByTestId("feed-rows")).toHaveTextContent("1,240");
    expect(screen.getByTestId("feed-delimiter")).toHaveTextContent("semicolon");
    expect(screen.getByTestId("map-layout")).toHaveValue("long");
    expect(screen.getByTestId("map-agent")).toHaveValue("Agent Email");
    expect(screen.getByTestId("map-agent-key")).toHaveValue("email");
    expect(screen.getByTestId("map-skill")).toHaveValue("Skill");
    expect(screen.getByTestId("map-proficiency")).toHaveValue("Level");
    await waitFor(() => expect(backend.argsOf("preview_mapping")).toHaveLength(1));
    expect(backend.last("preview_mapping")).toEqual({ mapping: DETECTED, platform: "genesys" });
    expect(screen.getByTestId("step-map")).toBeEnabled();
    expect(screen.getByTestId("step-plan")).toBeEnabled();
  });

  it("offers the sample feed only for sandbox profiles", async () => {
    mockBackend({ list_profiles: () => PROFILES.filter((p) => !p.builtin) });
    await openImport();
    expect(screen.getByTestId("choose-file")).toBeInTheDocument();
    expect(screen.queryByTestId("use-sample")).toBeNull();
  });

  it("opens the file chosen in the app's feed dialog, never a dialog of the page's own", async () => {
    const backend = mockBackend({
      choose_file: () => "/home/ana/feeds/iex-nightly.csv",
      open_feed: (args) => feed({ path: args.path as string }),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    await screen.findByTestId("map-step");
    expect(backend.last("choose_file")).toEqual({ purpose: "feed" });
    expect(backend.last("open_feed")).toEqual({ path: "/home/ana/feeds/iex-nightly.csv" });
    expect(backend.calls.some((c) => c.cmd.startsWith("plugin:dialog"))).toBe(false);
  });

  it("shows the refusal of a file the user did not choose", async () => {
    mockWindows("main");
    mockBackend(
      { open_feed: () => fail("path.not_chosen", "/etc/passwd was not chosen by you: the app opens only files picked in its dialog or dropped on the window") },
      { events: true },
    );
    await openImport();
    await waitFor(async () => {
      await act(() => emit("tauri://drag-enter", { paths: ["/etc/passwd"], position: { x: 1, y: 1 } }));
      expect(screen.getByTestId("drop-zone")).toHaveClass("drop-zone-hover");
    });
    await act(() => emit("tauri://drag-drop", { paths: ["/etc/passwd"], position: { x: 1, y: 1 } }));
    const banner = await screen.findByTestId("import-error");
    expect(within(banner).getByTestId("import-error-code")).toHaveTextContent("path.not_chosen");
    expect(screen.getByTestId("step-map")).toBeDisabled();
  });

  it("does nothing when the dialog is cancelled", async () => {
    const backend = mockBackend({ choose_file: () => null });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    await waitFor(() => expect(screen.getByTestId("choose-file")).toBeEnabled());
    expect(backend.argsOf("open_feed")).toHaveLength(0);
    expect(screen.getByTestId("import-step")).toBeInTheDocument();
  });

  it("opens the first file dropped on the window", async () => {
    mockWindows("main");
    const backend = mockBackend({ open_feed: (args) => feed({ path: args.path as string }) }, { events: true });
    await openImport();
    // The drop listener registers asynchronously: hover until the webview has subscribed.
    await waitFor(async () => {
      await act(() => emit("tauri://drag-enter", { paths: ["/x/a.csv"], position: { x: 1, y: 1 } }));
      expect(screen.getByTestId("drop-zone")).toHaveClass("drop-zone-hover");
    });
    await act(() => emit("tauri://drag-drop", { paths: ["/x/a.csv", "/x/b.csv"], position: { x: 1, y: 1 } }));
    await screen.findByTestId("map-step");
    expect(backend.argsOf("open_feed")).toEqual([{ path: "/x/a.csv" }]);
  });

  it("shows an unreadable file's message and code, and stays on Import", async () => {
    mockBackend({
      choose_file: () => "/tmp/photo.png",
      open_feed: () => fail("input.unreadable", "photo.png is not a text file (binary content at byte 0)"),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    const banner = await screen.findByTestId("import-error");
    expect(within(banner).getByTestId("import-error-message")).toHaveTextContent("photo.png is not a text file");
    expect(within(banner).getByTestId("import-error-code")).toHaveTextContent("input.unreadable");
    expect(screen.getByTestId("step-map")).toBeDisabled();
  });

  it("starts from an export of the active profile in the long layout", async () => {
    const backend = mockBackend({
      choose_file: () => "/home/ana/today.csv",
      export_assignments: () => feed({ file_name: "today.csv", suggested_platform: "genesys" }),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("start-export"));
    await screen.findByTestId("map-step");
    expect(backend.last("choose_file")).toEqual({ purpose: "export" });
    expect(backend.last("export_assignments")).toEqual({ profile: "sandbox-genesys", path: "/home/ana/today.csv", layout: "long" });
    expect(screen.getByTestId("feed-name")).toHaveTextContent("today.csv");
  });

  it("shows the current feed with its first rows when coming back", async () => {
    mockBackend({});
    const user = userEvent.setup();
    render(<App initial={{ feed: feed(), mapping: DETECTED, step: "map" }} />);
    await user.click(await screen.findByTestId("step-import"));
    const table = screen.getByTestId("feed-sample");
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Agent Email", "Skill", "Level", "Team"]);
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(screen.getByTestId("feed-encoding")).toHaveTextContent("UTF-8");
  });

  it("opens a single-sheet workbook chosen in the dialog straight on to Map", async () => {
    const backend = mockBackend({
      choose_file: () => "/home/ana/feeds/levels.xlsx",
      open_feed: (args) => workbook(args.path as string, "Levels", ["Levels"]),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    await screen.findByTestId("map-step");
    expect(backend.last("open_feed")).toEqual({ path: "/home/ana/feeds/levels.xlsx" });
    expect(screen.getByTestId("feed-encoding")).toHaveTextContent("Excel workbook (.xlsx)");
    expect(screen.getByTestId("feed-sheet")).toHaveTextContent("Levels");
    expect(screen.queryByTestId("feed-delimiter")).toBeNull();
  });

  it("keeps a workbook of several sheets on Import with the sheet read selected, and reopens it on the sheet chosen", async () => {
    const sheets = ["Read me", "Long", "Wide"];
    const backend = mockBackend({
      choose_file: () => "/home/ana/feeds/levels.xlsx",
      open_feed: (args) => workbook(args.path as string, (args.sheet as string | undefined) ?? "Long", sheets),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    const picker = await screen.findByTestId("sheet-picker");
    expect(screen.getByTestId("import-step")).toBeInTheDocument();
    expect(screen.queryByTestId("map-step")).toBeNull();
    expect(picker).toHaveValue("Long");
    expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(sheets);

    await user.selectOptions(picker, "Wide");
    await waitFor(() => expect(backend.argsOf("open_feed")).toHaveLength(2));
    expect(backend.last("open_feed")).toEqual({ path: "/home/ana/feeds/levels.xlsx", sheet: "Wide" });
    await waitFor(() => expect(screen.getByTestId("sheet-picker")).toHaveValue("Wide"));
    expect(screen.getByTestId("feed-sheet")).toHaveTextContent("Wide");
    await user.click(screen.getByTestId("import-next"));
    expect(await screen.findByTestId("map-step")).toBeInTheDocument();
  });

  it("opens a workbook dropped on the window", async () => {
    mockWindows("main");
    const backend = mockBackend({ open_feed: (args) => workbook(args.path as string, "Levels", ["Levels"]) }, { events: true });
    await openImport();
    await waitFor(async () => {
      await act(() => emit("tauri://drag-enter", { paths: ["/x/levels.ods"], position: { x: 1, y: 1 } }));
      expect(screen.getByTestId("drop-zone")).toHaveClass("drop-zone-hover");
    });
    await act(() => emit("tauri://drag-drop", { paths: ["/x/levels.ods"], position: { x: 1, y: 1 } }));
    await screen.findByTestId("map-step");
    expect(backend.argsOf("open_feed")).toEqual([{ path: "/x/levels.ods" }]);
  });

  it("shows an unknown sheet's message, which lists the sheets", async () => {
    mockBackend({
      choose_file: () => "/home/ana/feeds/levels.xlsx",
      open_feed: (args) =>
        args.sheet === "Gone"
          ? fail("input.invalid", "the workbook has no sheet 'Gone': its sheets are 'Long', 'Wide'; name one of them")
          : workbook(args.path as string, "Long", ["Long", "Gone"]),
    });
    const user = await openImport();
    await user.click(screen.getByTestId("choose-file"));
    await user.selectOptions(await screen.findByTestId("sheet-picker"), "Gone");
    const banner = await screen.findByTestId("import-error");
    expect(within(banner).getByTestId("import-error-message")).toHaveTextContent("its sheets are 'Long', 'Wide'");
    expect(screen.getByTestId("sheet-picker")).toHaveValue("Long");
  });
});

function workbook(path: string, sheet: string, sheets: string[]) {
  return feed({
    path,
    file_name: path.split("/").pop() ?? path,
    encoding: "Excel workbook (.xlsx)",
    delimiter: "none",
    sheet,
    sheets,
    headers: ["email", "skill", "proficiency"],
    sample: [["ana.lee@example.com", "Sales - Spanish", "4.5"]],
  });
}
