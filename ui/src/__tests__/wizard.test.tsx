import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { App } from "../App";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { ProfileView } from "../bindings/ProfileView";
import { urlProblem } from "../components/ProfileWizard";
import { fail, mockBackend, PROFILES } from "../test/backend";

const PASSING: ConnectionCheck = {
  ok: true,
  platform: "genesys",
  tenant: "Acme EU",
  skills: 60, languages: 0,
  agents: 2000,
  assignments: 9000,
  elapsed_ms: 1200,
  checks: [
    { name: "sign in", ok: true, detail: "", code: null },
    { name: "read skills", ok: true, detail: "60 skills", code: null },
  ],
};

async function openWizard(user: UserEvent) {
  render(<App />);
  await user.click(await screen.findByTestId("add-connection"));
  return screen.getByTestId("wizard");
}

async function fillGenesys(user: UserEvent) {
  await user.click(screen.getByTestId("wizard-platform-genesys"));
  await user.click(screen.getByTestId("wizard-next"));
  await user.selectOptions(screen.getByTestId("wizard-region"), "mypurecloud.ie");
  await user.click(screen.getByTestId("wizard-next"));
  expect(screen.getByTestId("wizard-next")).toBeDisabled();
  await user.type(screen.getByTestId("wizard-client-id"), "client-1");
  await user.type(screen.getByTestId("wizard-client-secret"), "s3cret");
  expect(screen.getByTestId("wizard-client-secret")).toHaveAttribute("type", "password");
  expect(screen.getByTestId("wizard-keychain-note")).toHaveTextContent("keychain");
  await user.click(screen.getByTestId("wizard-next"));
}

describe("Add-connection wizard", () => {
  it("offers every Genesys region by its domain", async () => {
    mockBackend({});
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-next"));
    const options = within(screen.getByTestId("wizard-region")).getAllByRole<HTMLOptionElement>("option");
    expect(options.map((o) => o.value).sort()).toEqual(
      [
        "mypurecloud.com",
        "use2.us-gov-pure.cloud",
        "usw2.pure.cloud",
        "cac1.pure.cloud",
        "mypurecloud.ie",
        "euw2.pure.cloud",
        "mypurecloud.de",
        "euc2.pure.cloud",
        "aps1.pure.cloud",
        "apne2.pure.cloud",
        "mypurecloud.com.au",
        "mypurecloud.jp",
        "apne3.pure.cloud",
        "sae1.pure.cloud",
        "mec1.pure.cloud",
      ].sort(),
    );
  });

  it("enables Save only after a passing test, then saves exactly what was tested", async () => {
    let profiles = PROFILES;
    const backend = mockBackend({
      list_profiles: () => profiles,
      test_connection: () => PASSING,
      save_profile: (args) => {
        const view: ProfileView = { name: args.input.name, platform: "genesys", builtin: false, location: "mypurecloud.ie", client_id: "client-1", api_version: null, has_secrets: true, ca_file: null };
        profiles = [...profiles, view];
        return view;
      },
    });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.type(screen.getByTestId("wizard-name"), "acme-eu");
    expect(screen.getByTestId("wizard-save")).toBeDisabled();

    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-check-verdict")).toHaveTextContent("Connected to Acme EU");
    expect(screen.getByTestId("wizard-save")).toBeEnabled();
    expect(backend.argsOf("save_profile")).toHaveLength(0);

    await user.click(screen.getByTestId("wizard-save"));
    await waitFor(() => expect(screen.queryByTestId("wizard")).toBeNull());
    const expected = {
      name: "acme-eu",
      platform: "genesys",
      region: "mypurecloud.ie",
      base_url: null,
      client_id: "client-1",
      api_version: null,
      client_secret: "s3cret",
      access_key_id: null,
      access_key_secret: null,
      ca_file: null,
    };
    expect(backend.last("save_profile")).toEqual({ input: expected });
    expect(backend.last("test_connection")).toEqual({ input: expected });
    expect(await screen.findByTestId("active-profile-name")).toHaveTextContent("acme-eu");
  });

  it("explains an untrusted certificate in plain words and tests again with the company CA the user picked", async () => {
    const untrusted: ConnectionCheck = {
      ...PASSING,
      ok: false,
      checks: [
        {
          name: "sign in",
          ok: false,
          detail: "untrusted certificate: https://api.mypurecloud.ie: the server's TLS certificate is not trusted (invalid peer certificate: UnknownIssuer) [connection.certificate]",
          code: "connection.certificate",
        },
      ],
    };
    let result = untrusted;
    const backend = mockBackend({ test_connection: () => result, choose_file: () => "/home/ana/corp-root.pem" });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-check-code")).toHaveTextContent("connection.certificate");
    expect(screen.getByTestId("wizard-check-advice")).toHaveTextContent("root certificate");
    expect(screen.getByTestId("wizard-save")).toBeDisabled();

    await user.click(screen.getByTestId("wizard-back"));
    await user.click(screen.getByTestId("wizard-ca-choose"));
    expect(backend.last("choose_file")).toEqual({ purpose: "ca_file" });
    expect(await screen.findByTestId("wizard-ca-file")).toHaveTextContent("/home/ana/corp-root.pem");
    await user.click(screen.getByTestId("wizard-next"));
    result = PASSING;
    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-check-verdict")).toHaveTextContent("Connected");
    expect(backend.last("test_connection").input.ca_file).toBe("/home/ana/corp-root.pem");
    expect(screen.queryByTestId("wizard-check-advice")).toBeNull();
  });

  it("says a failed check in a plain sentence, with the raw message and its code once under Technical detail", async () => {
    const raw = "error sending request for url (https://login.mypurecloud.ie/oauth/token) [connection.failed]";
    mockBackend({
      test_connection: () => ({ ...PASSING, ok: false, checks: [{ name: "sign in", ok: false, detail: raw, code: "connection.failed" }] }),
    });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.click(screen.getByTestId("wizard-test"));
    const line = (await screen.findAllByTestId("wizard-check-check"))[0]!;
    expect(within(line).getByTestId("wizard-check-summary")).toHaveTextContent("Skillsync could not reach the platform.");
    const technical = within(line).getByTestId("wizard-check-technical");
    expect(technical.tagName).toBe("DETAILS");
    expect(within(technical).getByText("Technical detail")).toBeInTheDocument();
    expect(technical).toHaveTextContent("error sending request for url (https://login.mypurecloud.ie/oauth/token)");
    const text = screen.getByTestId("wizard-check").textContent ?? "";
    expect(text.split("connection.failed")).toHaveLength(2);
    expect(text.split("error sending request")).toHaveLength(2);
    expect(screen.getByTestId("wizard-check-advice")).toHaveTextContent("Check the address");
  });

  it("shows the CXone access key id as plain text and keeps both secrets masked", async () => {
    mockBackend({});
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-platform-cxone"));
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-next"));
    expect(screen.getByTestId("wizard-access-key-id")).toHaveAttribute("type", "text");
    expect(screen.getByTestId("wizard-access-key-secret")).toHaveAttribute("type", "password");
    expect(screen.getByTestId("wizard-client-secret")).toHaveAttribute("type", "password");
  });

  it("marks the keychain note with a drawn lock, not an emoji", async () => {
    mockBackend({});
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-next"));
    const note = screen.getByTestId("wizard-keychain-note");
    expect(note.textContent).not.toMatch(/\p{Extended_Pictographic}/u);
    const icon = note.querySelector("svg");
    expect(icon).not.toBeNull();
    expect(icon).toHaveAttribute("aria-hidden", "true");
  });

  it("names a proxy failure as such", async () => {
    mockBackend({
      test_connection: () => ({
        ...PASSING,
        ok: false,
        checks: [{ name: "sign in", ok: false, detail: "proxy failure: unsuccessful tunnel [connection.proxy]", code: "connection.proxy" }],
      }),
    });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-check-advice")).toHaveTextContent("proxy");
  });

  it("keeps Save disabled after a failing test, and after an edit since a passing one", async () => {
    let result: ConnectionCheck = { ...PASSING, ok: false, checks: [{ name: "sign in", ok: false, detail: "401: invalid client", code: "auth.failed" }] };
    mockBackend({ test_connection: () => result });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.type(screen.getByTestId("wizard-name"), "acme");
    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-check-verdict")).toHaveTextContent("failed");
    expect(screen.getByTestId("wizard-check")).toHaveTextContent("401: invalid client");
    expect(screen.getByTestId("wizard-save")).toBeDisabled();

    result = PASSING;
    await user.click(screen.getByTestId("wizard-test"));
    await waitFor(() => expect(screen.getByTestId("wizard-save")).toBeEnabled());

    await user.click(screen.getByTestId("wizard-back"));
    await user.type(screen.getByTestId("wizard-client-secret"), "x");
    await user.click(screen.getByTestId("wizard-next"));
    expect(screen.getByTestId("wizard-save")).toBeDisabled();
  });

  it("shows a keychain failure on save with its code, and stays open", async () => {
    mockBackend({
      test_connection: () => PASSING,
      save_profile: () => fail("keychain.unavailable", "The OS keychain is locked: unlock it and save again."),
    });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.type(screen.getByTestId("wizard-name"), "acme");
    await user.click(screen.getByTestId("wizard-test"));
    await user.click(await screen.findByTestId("wizard-save"));
    const banner = await screen.findByTestId("wizard-error");
    expect(within(banner).getByTestId("wizard-error-code")).toHaveTextContent("keychain.unavailable");
    expect(within(banner).getByTestId("wizard-error-message")).toHaveTextContent("The OS keychain is locked");
    expect(screen.getByTestId("wizard")).toBeInTheDocument();
  });

  it("shows a connection error's message and code from the test", async () => {
    mockBackend({ test_connection: () => fail("connection.failed", "could not reach api.mypurecloud.ie") });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.click(screen.getByTestId("wizard-test"));
    expect(await screen.findByTestId("wizard-error-code")).toHaveTextContent("connection.failed");
    expect(screen.getByTestId("wizard-error-message")).toHaveTextContent("could not reach api.mypurecloud.ie");
    expect(screen.getByTestId("wizard-save")).toBeDisabled();
  });

  it("requires a name that no other connection has", async () => {
    mockBackend({ test_connection: () => PASSING });
    const user = userEvent.setup();
    await openWizard(user);
    await fillGenesys(user);
    await user.click(screen.getByTestId("wizard-test"));
    await screen.findByTestId("wizard-check");
    await user.type(screen.getByTestId("wizard-name"), "PROD");
    expect(screen.getByTestId("wizard-name-error")).toHaveTextContent("already exists");
    expect(screen.getByTestId("wizard-save")).toBeDisabled();
    await user.clear(screen.getByTestId("wizard-name"));
    expect(screen.getByTestId("wizard-name-error")).toHaveTextContent("Give the connection a name");
    await user.type(screen.getByTestId("wizard-name"), "prod-2");
    expect(screen.queryByTestId("wizard-name-error")).toBeNull();
    expect(screen.getByTestId("wizard-save")).toBeEnabled();
  });

  it("sends a CXone profile with the issuer, API version and both access key fields", async () => {
    const backend = mockBackend({
      test_connection: () => ({ ...PASSING, platform: "cxone" }),
      save_profile: (args) => ({ name: args.input.name, platform: "cxone", builtin: false, location: "https://cxone.niceincontact.com", client_id: "app-1", api_version: "v30.0", has_secrets: true }),
    });
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-platform-cxone"));
    await user.click(screen.getByTestId("wizard-next"));
    expect(screen.getByTestId("wizard-issuer")).toHaveValue("https://cxone.niceincontact.com");
    await user.type(screen.getByTestId("wizard-api-version"), "v30.0");
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(screen.getByTestId("wizard-client-id"), "app-1");
    await user.type(screen.getByTestId("wizard-client-secret"), "cs");
    expect(screen.getByTestId("wizard-next")).toBeDisabled();
    await user.type(screen.getByTestId("wizard-access-key-id"), "AK");
    await user.type(screen.getByTestId("wizard-access-key-secret"), "AKS");
    expect(screen.getByTestId("wizard-access-key-secret")).toHaveAttribute("type", "password");
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(screen.getByTestId("wizard-name"), "cx-prod");
    await user.click(screen.getByTestId("wizard-test"));
    await user.click(await screen.findByTestId("wizard-save"));
    await waitFor(() => expect(backend.argsOf("save_profile")).toHaveLength(1));
    expect(backend.last("save_profile").input).toEqual({
      name: "cx-prod",
      platform: "cxone",
      region: null,
      base_url: "https://cxone.niceincontact.com",
      client_id: "app-1",
      api_version: "v30.0",
      client_secret: "cs",
      access_key_id: "AK",
      access_key_secret: "AKS",
      ca_file: null,
    });
  });

  it("sends a custom Genesys base URL instead of a region", async () => {
    const backend = mockBackend({ test_connection: () => PASSING });
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-where-custom"));
    expect(screen.getByTestId("wizard-next")).toBeDisabled();
    await user.type(screen.getByTestId("wizard-base-url"), "http://127.0.0.1:8080");
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(screen.getByTestId("wizard-client-id"), "id");
    await user.type(screen.getByTestId("wizard-client-secret"), "s");
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-test"));
    await screen.findByTestId("wizard-check");
    expect(backend.last("test_connection").input).toMatchObject({ region: null, base_url: "http://127.0.0.1:8080" });
  });
});

describe("leaving the wizard", () => {
  it("closes at once on Escape when nothing was typed", async () => {
    mockBackend({});
    const user = userEvent.setup();
    await openWizard(user);
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("wizard")).toBeNull();
    expect(screen.queryByTestId("wizard-discard")).toBeNull();
  });

  it("asks in the app before Escape or Cancel throws away what was typed", async () => {
    mockBackend({});
    const confirm = vi.spyOn(window, "confirm");
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-next"));
    await user.type(screen.getByTestId("wizard-client-id"), "client-1");

    await user.keyboard("{Escape}");
    const question = screen.getByRole("alertdialog", { name: "Discard this connection?" });
    expect(question).toHaveTextContent("What you typed will be lost");
    expect(within(question).getByRole("button", { name: "Keep editing" })).toHaveFocus();
    // Escape again takes the question back, and nothing is lost.
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByTestId("wizard-client-id")).toHaveValue("client-1");

    await user.click(screen.getByTestId("wizard-cancel"));
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
    await user.click(screen.getByTestId("wizard-discard-keep"));
    expect(screen.getByTestId("wizard-client-id")).toHaveValue("client-1");

    await user.click(screen.getByTestId("wizard-cancel"));
    await user.keyboard("{Tab}{Enter}");
    expect(screen.queryByTestId("wizard")).toBeNull();
    expect(confirm).not.toHaveBeenCalled();
    confirm.mockRestore();
  });
});

describe("the wizard's address check", () => {
  it("explains a plain-http address at the field as it is typed, and Escape closes the wizard", async () => {
    mockBackend({});
    const user = userEvent.setup();
    await openWizard(user);
    await user.click(screen.getByTestId("wizard-next"));
    await user.click(screen.getByTestId("wizard-where-custom"));
    await user.type(screen.getByTestId("wizard-base-url"), "http://api.example.com");
    expect(screen.getByTestId("wizard-url-error")).toHaveTextContent("Plain http sends the client secret unencrypted: use https://api.example.com");
    expect(screen.getByTestId("wizard-base-url")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("wizard-next")).toBeDisabled();
    await user.keyboard("{Escape}");
    await user.click(screen.getByTestId("wizard-discard-confirm"));
    expect(screen.queryByTestId("wizard")).toBeNull();
  });

  const EX = "https://api.mypurecloud.com";
  it.each([
    ["https://exa mple.com", "has a space in it"],
    ["https://example.com:99999", "Port 99999 is not a port"],
    ["http://api.example.com", "Plain http sends the client secret unencrypted: use https://api.example.com"],
    ["api.example.com", "Start the address with https://, e.g. https://api.example.com"],
    ["ftp://api.example.com", "is not a web address"],
    ["https://", "has no host"],
  ])("explains %s at the field", (url, words) => {
    expect(urlProblem(url, EX)).toContain(words);
  });

  it.each(["https://api.example.com", "https://api.example.com:8443/v2", "http://127.0.0.1:8080", "http://localhost:3000"])("accepts %s", (url) => {
    expect(urlProblem(url, EX)).toBeNull();
  });
});
