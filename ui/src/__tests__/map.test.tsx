import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { MappingInput } from "../bindings/MappingInput";
import { emptyMapping } from "../state";
import { DETECTED, feed, mockBackend, preview, type Backend } from "../test/backend";

/** The App on the Map step with a feed open and `profile` active. */
async function openMap(backend: Backend, profile = "sandbox-genesys", mapping: MappingInput = DETECTED) {
  const user = userEvent.setup();
  render(<App initial={{ feed: feed(), mapping, step: "map", activeProfile: profile }} />);
  await waitFor(() => expect(backend.argsOf("preview_mapping").length).toBeGreaterThan(0));
  return user;
}

/** The mapping of the latest preview, once the debounce has let it through. */
async function lastPreviewed(backend: Backend, check: (m: MappingInput) => boolean): Promise<MappingInput> {
  await waitFor(() => expect(check(backend.last("preview_mapping").mapping)).toBe(true));
  return backend.last("preview_mapping").mapping;
}

describe("Map", () => {
  it("offers a skill-or-language column for long files and sends the one chosen", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    const kind = await screen.findByTestId("map-kind");
    expect(kind).toHaveValue("");
    await user.selectOptions(kind, "Skill");
    const mapping = await lastPreviewed(backend, (m) => m.columns.kind === "Skill");
    expect(mapping.columns).toEqual({ ...DETECTED.columns, kind: "Skill" });
  });

  it("previews the detected mapping with counts, rows and problems highlighted", async () => {
    const backend = mockBackend({});
    await openMap(backend);
    expect(await screen.findByTestId("map-records-value")).toHaveTextContent("1,240");
    expect(screen.getByTestId("map-valid-value")).toHaveTextContent("800");
    expect(screen.getByTestId("map-problems-value")).toHaveTextContent("440");
    expect(screen.getByTestId("preview-row-3")).toHaveClass("row-problem");
    expect(screen.getByTestId("preview-row-2")).not.toHaveClass("row-problem");
    expect(screen.getByTestId("value-result-Basic")).toHaveTextContent("'Basic' is not a number");
    expect(screen.getByTestId("value-result-Expert")).toHaveTextContent("→ 5");
    expect(screen.getByTestId("map-scale")).toHaveTextContent("Genesys Cloud: 0–5, higher is better");
  });

  it("sends the value typed for a source value, debounced, and shows the mapped result", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    await screen.findByTestId("value-input-Basic");
    const before = backend.argsOf("preview_mapping").length;
    await user.type(screen.getByTestId("value-input-Basic"), "2.5");
    const mapping = await lastPreviewed(backend, (m) => m.values.Basic === 2.5);
    expect(mapping).toEqual({ ...DETECTED, values: { Basic: 2.5 } });
    // Three keystrokes inside the debounce window make one preview, not three.
    expect(backend.argsOf("preview_mapping").length - before).toBe(1);
    await waitFor(() => expect(screen.getByTestId("value-result-Basic")).toHaveTextContent("→ 2.5"));
    expect(screen.getByTestId("map-problems-value")).toHaveTextContent("0");

    await user.clear(screen.getByTestId("value-input-Basic"));
    await lastPreviewed(backend, (m) => !("Basic" in m.values));
  });

  it("marks a value off the platform's scale in its own cell and keeps the rest of the table", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    await user.type(await screen.findByTestId("value-input-Basic"), "7");
    expect(screen.getByTestId("value-input-Basic")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("value-off-scale-Basic")).toHaveTextContent("7 is off the platform’s scale: type a number from 0 to 5");
    await lastPreviewed(backend, (m) => m.values.Basic === 7);
    // The other value is still there, and the value can be corrected in place.
    expect(screen.getByTestId("value-row-Expert")).toBeInTheDocument();
    await user.clear(screen.getByTestId("value-input-Basic"));
    await user.type(screen.getByTestId("value-input-Basic"), "2");
    await lastPreviewed(backend, (m) => m.values.Basic === 2);
    expect(screen.queryByTestId("value-off-scale-Basic")).toBeNull();
  });

  it("holds Next with the reason when no row would plan", async () => {
    const backend = mockBackend({
      preview_mapping: (a) => ({ ...preview(a.mapping as MappingInput, "genesys"), valid: 0, blocked: "No row would plan: all 1240 records have a problem. Fix the values marked in the Values table." }),
    });
    await openMap(backend);
    await waitFor(() => expect(screen.getByTestId("map-next")).toBeDisabled());
    expect(screen.getByTestId("map-next-reason")).toHaveTextContent("No row would plan");
  });

  it("does not send text that is not a number", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    await user.type(await screen.findByTestId("value-input-Basic"), "x");
    expect(screen.getByTestId("value-input-Basic")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("value-result-Basic")).toHaveTextContent("Type a number");
    await new Promise((r) => setTimeout(r, 300));
    expect(backend.argsOf("preview_mapping").every((a) => Object.keys(a.mapping.values).length === 0)).toBe(true);
  });

  it("sets a linear and an inverted rescale onto Genesys' 0–5", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    await screen.findByTestId("value-map");
    await user.click(screen.getByTestId("preset-linear"));
    expect((await lastPreviewed(backend, (m) => m.scale !== null)).scale).toEqual({ from: [1, 5], to: [0, 5] });
    await user.click(screen.getByTestId("preset-inverted"));
    expect((await lastPreviewed(backend, (m) => m.scale?.to[0] === 5)).scale).toEqual({ from: [1, 5], to: [5, 0] });
  });

  it("starts the rescale from the common scale the file's numbers fit, and says which numbers it holds", async () => {
    const numbers = (values: string[]) =>
      mockBackend({
        preview_mapping: (a) => ({
          ...preview(a.mapping as MappingInput, "genesys"),
          values: values.map((value) => ({ value, count: 10, mapped: Number(value), remove: false, problem: null })),
        }),
      });
    const backend = numbers(["2", "3", "4"]);
    const user = await openMap(backend);
    await screen.findByTestId("preset-file-range");
    expect(screen.getByTestId("preset-from-a")).toHaveValue("1");
    expect(screen.getByTestId("preset-from-b")).toHaveValue("5");
    expect(screen.getByTestId("preset-file-range")).toHaveTextContent("the file holds 2 to 4");
    await user.click(screen.getByTestId("preset-linear"));
    expect((await lastPreviewed(backend, (m) => m.scale !== null)).scale).toEqual({ from: [1, 5], to: [0, 5] });
  });

  it.each([
    [["0", "3"], "0", "5"],
    [["1", "7"], "1", "10"],
    [["3", "15"], "1", "20"],
    [["0", "85"], "0", "100"],
    [["150", "300"], "150", "300"],
  ])("guesses the source scale of %j as %s–%s", async (values, a, b) => {
    mockBackend({
      preview_mapping: (args) => ({
        ...preview(args.mapping as MappingInput, "genesys"),
        values: values.map((value) => ({ value, count: 1, mapped: null, remove: false, problem: null })),
      }),
    });
    render(<App initial={{ feed: feed(), mapping: DETECTED, step: "map", activeProfile: "sandbox-genesys" }} />);
    await screen.findByTestId("preset-file-range");
    expect(screen.getByTestId("preset-from-a")).toHaveValue(a);
    expect(screen.getByTestId("preset-from-b")).toHaveValue(b);
  });

  it("sets CXone's 1–20 scale, inverted for 1-is-best, from the source range typed", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend, "sandbox-cxone");
    expect(backend.last("preview_mapping").platform).toBe("cxone");
    await screen.findByTestId("value-map");
    expect(screen.getByTestId("map-scale")).toHaveTextContent("NICE CXone: 1–20 whole numbers, 1 is best");
    await user.clear(screen.getByTestId("preset-from-a"));
    await user.type(screen.getByTestId("preset-from-a"), "0");
    await user.clear(screen.getByTestId("preset-from-b"));
    await user.type(screen.getByTestId("preset-from-b"), "100");
    await user.click(screen.getByTestId("preset-inverted"));
    expect((await lastPreviewed(backend, (m) => m.scale !== null)).scale).toEqual({ from: [0, 100], to: [20, 1] });
    await user.click(screen.getByTestId("preset-linear"));
    expect((await lastPreviewed(backend, (m) => m.scale?.to[0] === 1)).scale).toEqual({ from: [0, 100], to: [1, 20] });
  });

  it("clears both the rescale and the value map", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend, "sandbox-genesys", { ...DETECTED, values: { Basic: 2 }, scale: { from: [1, 5], to: [0, 5] } });
    await user.click(await screen.findByTestId("preset-clear"));
    const mapping = await lastPreviewed(backend, (m) => m.scale === null);
    expect(mapping.values).toEqual({});
    expect(screen.getByTestId("value-input-Basic")).toHaveValue("");
  });

  it("starts from an empty long mapping and says why when detection failed", async () => {
    const backend = mockBackend({ open_sample: () => feed({ mapping: null, detect_error: "no column looks like an agent (email, username, id or name)" }) });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByTestId("active-profile-name");
    await user.click(screen.getByTestId("step-import"));
    await user.click(await screen.findByTestId("use-sample"));
    expect(await screen.findByTestId("map-detect-error")).toHaveTextContent("no column looks like an agent");
    expect(screen.getByTestId("map-layout")).toHaveValue("long");
    expect(screen.getByTestId("map-agent")).toHaveValue("");
    await waitFor(() => expect(backend.last("preview_mapping").mapping).toEqual(emptyMapping()));
  });

  const NO_AGENT =
    "no agent column: name one 'email', 'username', 'agent_id' or 'agent name', or say which it is in a mapping file ([columns] agent = \"…\"); the header has: Login, Queue, Score";

  /** A feed whose columns were not detected, on the Map step; the preview repeats the engine's error until they are picked. */
  async function openUndetected(handlers: Record<string, (a: Record<string, any>) => unknown> = {}) {
    const backend = mockBackend({
      preview_mapping: (a) => {
        const m = a.mapping as MappingInput;
        const base = preview(m, "genesys");
        return m.columns.agent === null ? { ...base, error: NO_AGENT, blocked: NO_AGENT } : base;
      },
      ...handlers,
    });
    const user = userEvent.setup();
    render(<App initial={{ feed: feed({ mapping: null, detect_error: NO_AGENT }), mapping: emptyMapping(), step: "map", activeProfile: "sandbox-genesys" }} />);
    await waitFor(() => expect(backend.argsOf("preview_mapping").length).toBeGreaterThan(0));
    return { backend, user };
  }

  it("says once, in plain words, that the columns were not detected, and hides it once they are picked", async () => {
    const { user } = await openUndetected();
    const banner = await screen.findByTestId("map-detect-error");
    await waitFor(() => expect(screen.getByTestId("map-next")).toBeDisabled());
    expect(screen.getAllByText(/no agent column/i)).toHaveLength(1);
    expect(screen.queryByTestId("map-preview-error")).toBeNull();
    expect(banner).toHaveTextContent("Pick them in the Columns form below");
    expect(banner).toHaveTextContent("the header has: Login, Queue, Score");
    expect(banner.textContent).not.toMatch(/TOML|mapping file|\[columns\]/);
    expect(screen.getByTestId("map-next-reason")).toHaveTextContent("Pick the agent, skill and level columns");

    await user.selectOptions(screen.getByTestId("map-agent"), "Agent Email");
    await user.selectOptions(screen.getByTestId("map-skill"), "Skill");
    expect(screen.getByTestId("map-detect-error")).toBeInTheDocument();
    await user.selectOptions(screen.getByTestId("map-proficiency"), "Level");
    expect(screen.queryByTestId("map-detect-error")).toBeNull();
  });

  it("hides the not-detected banner once a template is loaded", async () => {
    const { user } = await openUndetected({ list_templates: () => ["verint"], load_template: () => ({ ...DETECTED, columns: { ...DETECTED.columns, agent: null, skill: null, proficiency: null } }) });
    await screen.findByTestId("map-detect-error");
    await waitFor(() => expect(within(screen.getByTestId("template-select")).getAllByRole("option")).toHaveLength(2));
    await user.selectOptions(screen.getByTestId("template-select"), "verint");
    await user.click(screen.getByTestId("template-load"));
    await waitFor(() => expect(screen.queryByTestId("map-detect-error")).toBeNull());
  });

  it("changes columns and layouts, and sends them", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend, "sandbox-genesys", emptyMapping());
    await user.selectOptions(screen.getByTestId("map-agent"), "Agent Email");
    await user.selectOptions(screen.getByTestId("map-agent-key"), "username");
    await user.selectOptions(screen.getByTestId("map-layout"), "wide");
    expect(screen.queryByTestId("map-skill")).toBeNull();
    const boxes = within(screen.getByTestId("map-skill-columns")).getAllByRole("checkbox");
    expect(boxes).toHaveLength(3);
    await user.click(screen.getByTestId("map-skill-column-Level"));
    await user.click(screen.getByTestId("map-skill-column-Skill"));
    const wide = await lastPreviewed(backend, (m) => m.columns.skill_columns.length === 2);
    expect(wide.columns).toMatchObject({ layout: "wide", agent: "Agent Email", agent_key: "username", skill_columns: ["Skill", "Level"] });

    await user.selectOptions(screen.getByTestId("map-layout"), "packed");
    await user.selectOptions(screen.getByTestId("map-pairs"), "Team");
    const packed = await lastPreviewed(backend, (m) => m.columns.skill_pairs === "Team");
    expect(packed.columns.layout).toBe("packed");
  });

  it("shows a mapping that cannot apply in a banner and holds Next", async () => {
    const backend = mockBackend({});
    await openMap(backend, "sandbox-genesys", { ...DETECTED, columns: { ...DETECTED.columns, skill: "Nope" } });
    expect(await screen.findByTestId("map-preview-error")).toHaveTextContent("column 'Nope' is not in the file");
    expect(screen.getByTestId("map-next")).toBeDisabled();
  });

  it("loads a template and saves the mapping as one", async () => {
    const loaded: MappingInput = { ...DETECTED, values: { Expert: 5, Basic: 1 } };
    const backend = mockBackend({
      list_templates: () => ["iex-nightly", "verint"],
      load_template: () => loaded,
      save_template: (args) => `/config/templates/${args.name}.toml`,
    });
    const user = await openMap(backend);
    await waitFor(() => expect(within(screen.getByTestId("template-select")).getAllByRole("option")).toHaveLength(3));
    await user.selectOptions(screen.getByTestId("template-select"), "verint");
    await user.click(screen.getByTestId("template-load"));
    expect(backend.last("load_template")).toEqual({ name: "verint" });
    await lastPreviewed(backend, (m) => m.values.Basic === 1);
    expect(screen.getByTestId("value-input-Basic")).toHaveValue("1");

    await user.type(screen.getByTestId("template-name"), "nightly-2");
    await user.click(screen.getByTestId("template-save"));
    expect(await screen.findByTestId("template-saved")).toHaveTextContent("/config/templates/nightly-2.toml");
    expect(backend.last("save_template")).toEqual({ name: "nightly-2", mapping: loaded });
  });

  it("offers the template saved for the opened file and loads it with one click", async () => {
    const saved: MappingInput = { ...DETECTED, values: { Basic: 1 } };
    const backend = mockBackend({ list_templates: () => ["iex-nightly", "verint"], load_template: () => saved });
    const user = userEvent.setup();
    render(<App initial={{ feed: feed({ mapping: null, detect_error: "no agent column", saved_template: "iex-nightly" }), mapping: emptyMapping(), step: "map", activeProfile: "sandbox-genesys" }} />);
    const offer = await screen.findByTestId("map-saved-template");
    expect(offer).toHaveTextContent("Use the template saved for this file: iex-nightly");
    await user.click(within(offer).getByRole("button"));
    expect(backend.last("load_template")).toEqual({ name: "iex-nightly" });
    await lastPreviewed(backend, (m) => m.values.Basic === 1);
    expect(screen.queryByTestId("map-saved-template")).toBeNull();
    expect(screen.queryByTestId("map-detect-error")).toBeNull();
  });

  it("offers no template when none was saved for the file", async () => {
    const backend = mockBackend({});
    await openMap(backend);
    expect(screen.queryByTestId("map-saved-template")).toBeNull();
  });

  it("shows the mapping as TOML and goes on to Plan", async () => {
    const backend = mockBackend({});
    const user = await openMap(backend);
    const toml = await screen.findByTestId("map-toml");
    await user.click(within(toml).getByText("View TOML"));
    expect(screen.getByTestId("map-toml-text")).toHaveTextContent('agent = "Agent Email"');
    await user.click(screen.getByTestId("map-next"));
    expect(screen.getByTestId("plan-step")).toBeInTheDocument();
  });
});
