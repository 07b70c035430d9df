// The add-a-connection wizard: platform, where, credentials, then a test that must pass before the
// profile can be saved, so a saved profile is always one that worked once.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { Platform } from "../bindings/Platform";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileView } from "../bindings/ProfileView";
import type { UiError } from "../bindings/UiError";
import { PLATFORM_NAMES } from "../format";
import { ConnectionCheckView } from "./ConnectionCheckView";
import { ErrorBanner } from "./ErrorBanner";

/** Genesys Cloud's regions, by the domain the contract names them with. */
export const GENESYS_REGIONS: { domain: string; label: string }[] = [
  { domain: "mypurecloud.com", label: "Americas (US East)" },
  { domain: "use2.us-gov-pure.cloud", label: "Americas (US East 2, FedRAMP)" },
  { domain: "usw2.pure.cloud", label: "Americas (US West)" },
  { domain: "cac1.pure.cloud", label: "Americas (Canada)" },
  { domain: "sae1.pure.cloud", label: "Americas (São Paulo)" },
  { domain: "mypurecloud.ie", label: "EMEA (Dublin)" },
  { domain: "euw2.pure.cloud", label: "EMEA (London)" },
  { domain: "mypurecloud.de", label: "EMEA (Frankfurt)" },
  { domain: "euc2.pure.cloud", label: "EMEA (Zurich)" },
  { domain: "mec1.pure.cloud", label: "Middle East (UAE)" },
  { domain: "aps1.pure.cloud", label: "Asia Pacific (Mumbai)" },
  { domain: "apne2.pure.cloud", label: "Asia Pacific (Seoul)" },
  { domain: "mypurecloud.com.au", label: "Asia Pacific (Sydney)" },
  { domain: "mypurecloud.jp", label: "Asia Pacific (Tokyo)" },
  { domain: "apne3.pure.cloud", label: "Asia Pacific (Osaka)" },
];

export const CXONE_ISSUER = "https://cxone.niceincontact.com";

const STAGES = ["Platform", "Where", "Credentials", "Test and save"] as const;

interface Fields {
  platform: Platform;
  genesysWhere: "region" | "custom";
  region: string;
  genesysUrl: string;
  issuer: string;
  apiVersion: string;
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The company root CA picked in the app's dialog (null: the system's store is enough). */
  caFile: string | null;
}

const EMPTY: Fields = {
  platform: "genesys",
  genesysWhere: "region",
  region: "mypurecloud.com",
  genesysUrl: "",
  issuer: CXONE_ISSUER,
  apiVersion: "",
  clientId: "",
  clientSecret: "",
  accessKeyId: "",
  accessKeySecret: "",
  caFile: null,
};

function toInput(name: string, f: Fields): ProfileInput {
  const genesys = f.platform === "genesys";
  const optional = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    name: name.trim(),
    platform: f.platform,
    region: genesys && f.genesysWhere === "region" ? f.region : null,
    base_url: genesys ? (f.genesysWhere === "custom" ? f.genesysUrl.trim() : null) : f.issuer.trim(),
    client_id: f.clientId.trim(),
    api_version: genesys ? null : optional(f.apiVersion),
    client_secret: f.clientSecret,
    access_key_id: genesys ? null : f.accessKeyId.trim(),
    access_key_secret: genesys ? null : f.accessKeySecret,
    ca_file: f.caFile,
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * What is wrong with an address typed in the wizard, in words, with the fix — checked as it is
 * typed, so the Where step never passes an address the Test would refuse two steps later. The
 * same rules as the engine: https, or plain http only on this computer (loopback).
 */
export function urlProblem(text: string, example: string): string | null {
  const t = text.trim();
  if (t === "") return `Type the address, e.g. ${example}.`;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(t);
  if (!scheme) return `Start the address with https://, e.g. https://${t.replace(/^\/+/, "")}.`;
  const proto = scheme[1]!.toLowerCase();
  if (proto !== "https" && proto !== "http") return `“${scheme[1]}://” is not a web address: use https://.`;
  const rest = t.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? "";
  const bracket = authority.startsWith("[");
  const portMatch = bracket ? /\]:(\d*)$/.exec(authority) : /:(\d*)$/.exec(authority);
  const host = portMatch ? authority.slice(0, bracket ? portMatch.index + 1 : portMatch.index) : authority;
  if (host === "") return "The address has no host: type it after https://, e.g. https://api.example.com.";
  if (/\s/.test(host)) return `The host “${host}” has a space in it: remove the space.`;
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/i.test(host) || host.startsWith(".") || host.endsWith("..") || host.includes(".."))
    return `“${host}” is not a valid host name: use letters, digits, dots and hyphens.`;
  if (portMatch) {
    const port = Number(portMatch[1]);
    if (portMatch[1] === "" || !Number.isInteger(port) || port < 1 || port > 65535) return `Port ${portMatch[1] || "(empty)"} is not a port: use a number from 1 to 65535, or leave it out.`;
  }
  if (proto === "http" && !LOOPBACK.test(host)) return `Plain http sends the client secret unencrypted: use https://${rest}. (http is allowed only for this computer, localhost.)`;
  try {
    new URL(t);
  } catch {
    return `This is not a valid address: check it against ${example}.`;
  }
  return null;
}

const GENESYS_EXAMPLE = "https://api.mypurecloud.com";

function whereProblem(f: Fields): string | null {
  if (f.platform === "genesys") return f.genesysWhere === "region" ? (f.region === "" ? "Pick a region." : null) : urlProblem(f.genesysUrl, GENESYS_EXAMPLE);
  return urlProblem(f.issuer, CXONE_ISSUER);
}

function stageReady(stage: number, f: Fields): boolean {
  if (stage === 1) return whereProblem(f) === null;
  if (stage === 2) {
    const base = f.clientId.trim() !== "" && f.clientSecret !== "";
    return f.platform === "genesys" ? base : base && f.accessKeyId.trim() !== "" && f.accessKeySecret !== "";
  }
  return true;
}

/** A padlock drawn inline: an emoji would need a font Linux desktops often lack. */
function LockIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
      <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

interface Props {
  profiles: ProfileView[];
  onSaved: (profile: ProfileView) => void;
  onCancel: () => void;
}

export function ProfileWizard({ profiles, onSaved, onCancel }: Props) {
  const [stage, setStage] = useState(0);
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  // What the passing test was run with: any later edit (but the name) needs a new test.
  const [testedKey, setTestedKey] = useState<string | null>(null);
  const [busy, setBusy] = useState<"test" | "save" | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  // Leaving with something typed asks first, in the wizard itself (window.confirm is not in every webview).
  const [discarding, setDiscarding] = useState(false);
  const dirty = name !== "" || JSON.stringify(fields) !== JSON.stringify(EMPTY);
  const leave = () => (dirty ? setDiscarding(true) : onCancel());

  const headingRef = useRef<HTMLHeadingElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  // Escape closes the wizard, as any dialog (asking first when something was typed), and takes the
  // question back while it is asked; each stage starts with the focus on the wizard's title.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      if (discarding) {
        setDiscarding(false);
        headingRef.current?.focus();
      } else if (dirty) setDiscarding(true);
      else onCancel();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onCancel, dirty, discarding]);
  useEffect(() => {
    headingRef.current?.focus();
  }, [stage]);
  useEffect(() => {
    if (discarding) keepRef.current?.focus();
  }, [discarding]);

  const connectionKey = JSON.stringify(toInput("", fields));
  const tested = check?.ok === true && testedKey === connectionKey;
  const trimmed = name.trim();
  const nameProblem =
    trimmed === ""
      ? "Give the connection a name."
      : profiles.some((p) => p.name.toLowerCase() === trimmed.toLowerCase())
        ? `A connection named “${trimmed}” already exists.`
        : null;

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    setFields((f) => ({ ...f, [key]: value }));
    setError(null);
  };

  const runTest = async () => {
    setBusy("test");
    setError(null);
    setCheck(null);
    try {
      const result = await api.testConnection(toInput(trimmed, fields));
      setCheck(result);
      setTestedKey(connectionKey);
    } catch (err) {
      setError(api.toUiError(err));
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setNameTouched(true);
    if (nameProblem || !tested) return;
    setBusy("save");
    setError(null);
    try {
      onSaved(await api.saveProfile(toInput(trimmed, fields)));
    } catch (err) {
      setError(api.toUiError(err));
      setBusy(null);
    }
  };

  const genesys = fields.platform === "genesys";
  const urlIssue = whereProblem(fields);

  const chooseCa = async () => {
    setError(null);
    try {
      const path = await api.chooseFile("ca_file");
      if (path) set("caFile", path);
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  return (
    <section className="card wizard" data-testid="wizard" aria-labelledby="wizard-title">
      <header className="wizard-head">
        <h2 id="wizard-title" ref={headingRef} tabIndex={-1}>
          Add a connection <span className="visually-hidden">— step {stage + 1} of {STAGES.length}: {STAGES[stage]}</span>
        </h2>
        <ol className="wizard-stages">
          {STAGES.map((label, i) => (
            <li key={label} className={i === stage ? "stage-current" : i < stage ? "stage-done" : ""} aria-current={i === stage ? "step" : undefined}>
              <span className="stage-number">{i + 1}</span> {label}
            </li>
          ))}
        </ol>
      </header>

      {stage === 0 && (
        <fieldset className="wizard-body">
          <legend>Which platform?</legend>
          {(["genesys", "cxone"] as const).map((p) => (
            <label key={p} className={`choice${fields.platform === p ? " choice-selected" : ""}`}>
              <input type="radio" name="platform" value={p} checked={fields.platform === p} data-testid={`wizard-platform-${p}`} onChange={() => set("platform", p)} />
              <span className="choice-title">{PLATFORM_NAMES[p]}</span>
              <span className="choice-hint">{p === "genesys" ? "OAuth client credentials grant" : "Access key with a registered application"}</span>
            </label>
          ))}
        </fieldset>
      )}

      {stage === 1 && genesys && (
        <fieldset className="wizard-body">
          <legend>Where is your Genesys Cloud organization?</legend>
          <label className="radio-line">
            <input type="radio" name="where" checked={fields.genesysWhere === "region"} data-testid="wizard-where-region" onChange={() => set("genesysWhere", "region")} />
            A Genesys Cloud region
          </label>
          <select className="input" aria-label="Region" data-testid="wizard-region" value={fields.region} disabled={fields.genesysWhere !== "region"} onChange={(e) => set("region", e.target.value)}>
            {GENESYS_REGIONS.map((r) => (
              <option key={r.domain} value={r.domain}>
                {r.label} — {r.domain}
              </option>
            ))}
          </select>
          <label className="radio-line">
            <input type="radio" name="where" checked={fields.genesysWhere === "custom"} data-testid="wizard-where-custom" onChange={() => set("genesysWhere", "custom")} />
            A custom API base URL
          </label>
          <input
            className="input"
            type="url"
            aria-label="API base URL"
            placeholder="https://api.example.com"
            data-testid="wizard-base-url"
            value={fields.genesysUrl}
            disabled={fields.genesysWhere !== "custom"}
            aria-invalid={fields.genesysWhere === "custom" && fields.genesysUrl !== "" && urlIssue !== null}
            aria-describedby="wizard-url-error"
            onChange={(e) => set("genesysUrl", e.target.value)}
          />
          {fields.genesysWhere === "custom" && fields.genesysUrl !== "" && urlIssue && (
            <small className="field-error" id="wizard-url-error" data-testid="wizard-url-error">
              {urlIssue}
            </small>
          )}
        </fieldset>
      )}

      {stage === 1 && !genesys && (
        <fieldset className="wizard-body">
          <legend>Where does CXone sign you in?</legend>
          <label className="field">
            <span>Issuer URL</span>
            <input
              className="input"
              type="url"
              data-testid="wizard-issuer"
              value={fields.issuer}
              aria-invalid={urlIssue !== null}
              aria-describedby="wizard-url-error"
              onChange={(e) => set("issuer", e.target.value)}
            />
            {urlIssue && (
              <small className="field-error" id="wizard-url-error" data-testid="wizard-url-error">
                {urlIssue}
              </small>
            )}
            <small>The default serves every CXone cluster; change it only for a test or private issuer.</small>
          </label>
          <label className="field">
            <span>API version (optional)</span>
            <input className="input" placeholder="e.g. v30.0" data-testid="wizard-api-version" value={fields.apiVersion} onChange={(e) => set("apiVersion", e.target.value)} />
          </label>
        </fieldset>
      )}

      {stage === 2 && (
        <fieldset className="wizard-body">
          <legend>Credentials</legend>
          <label className="field">
            <span>Client id</span>
            <input className="input" autoComplete="off" spellCheck={false} data-testid="wizard-client-id" value={fields.clientId} onChange={(e) => set("clientId", e.target.value)} />
          </label>
          <label className="field">
            <span>Client secret</span>
            <input className="input" type="password" autoComplete="new-password" data-testid="wizard-client-secret" value={fields.clientSecret} onChange={(e) => set("clientSecret", e.target.value)} />
          </label>
          {!genesys && (
            <>
              <label className="field">
                <span>Access key id</span>
                <input className="input" type="text" autoComplete="off" spellCheck={false} data-testid="wizard-access-key-id" value={fields.accessKeyId} onChange={(e) => set("accessKeyId", e.target.value)} />
              </label>
              <label className="field">
                <span>Access key secret</span>
                <input className="input" type="password" autoComplete="new-password" data-testid="wizard-access-key-secret" value={fields.accessKeySecret} onChange={(e) => set("accessKeySecret", e.target.value)} />
              </label>
            </>
          )}
          <div className="field">
            <span>Company root certificate (optional)</span>
            <div className="inline-actions">
              <button type="button" className="btn" data-testid="wizard-ca-choose" onClick={() => void chooseCa()}>
                Choose file…
              </button>
              {fields.caFile && (
                <>
                  <code data-testid="wizard-ca-file">{fields.caFile}</code>
                  <button type="button" className="btn btn-ghost" data-testid="wizard-ca-clear" onClick={() => set("caFile", null)}>
                    Remove
                  </button>
                </>
              )}
            </div>
            <small>Only behind a network that inspects encrypted traffic: the .pem file IT gives you. The system’s certificate store is always trusted.</small>
          </div>
          <p className="note" data-testid="wizard-keychain-note">
            <LockIcon /> Secrets are stored in your operating system’s keychain, never on disk in Skillsync’s files, and never in logs or reports.
          </p>
        </fieldset>
      )}

      {stage === 3 && (
        <div className="wizard-body">
          <p>Skillsync signs in and reads skills, agents and assignments. Nothing is changed and nothing is saved yet.</p>
          <button type="button" className="btn" data-testid="wizard-test" disabled={busy !== null} onClick={() => void runTest()}>
            {busy === "test" ? "Testing…" : "Test connection"}
          </button>
          {check && <ConnectionCheckView check={check} testId="wizard-check" />}
          {check && !tested && check.ok && <p className="note">The settings changed since this test: test again.</p>}
          <label className="field">
            <span>Name</span>
            <input
              className="input"
              placeholder="e.g. production"
              data-testid="wizard-name"
              aria-invalid={nameTouched && nameProblem !== null}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setNameTouched(true);
              }}
            />
            {nameTouched && nameProblem && (
              <small className="field-error" data-testid="wizard-name-error">
                {nameProblem}
              </small>
            )}
          </label>
        </div>
      )}

      <ErrorBanner error={error} testId="wizard-error" />

      {discarding && (
        <div className="banner banner-warning discard" role="alertdialog" aria-labelledby="wizard-discard-title" aria-describedby="wizard-discard-text" data-testid="wizard-discard">
          <div className="banner-body">
            <strong className="banner-title" id="wizard-discard-title">
              Discard this connection?
            </strong>
            <p className="banner-message" id="wizard-discard-text">
              What you typed will be lost. Nothing has been saved yet.
            </p>
          </div>
          <div className="inline-actions">
            <button
              type="button"
              className="btn"
              ref={keepRef}
              data-testid="wizard-discard-keep"
              onClick={() => {
                setDiscarding(false);
                headingRef.current?.focus();
              }}
            >
              Keep editing
            </button>
            <button type="button" className="btn btn-danger" data-testid="wizard-discard-confirm" onClick={onCancel}>
              Discard
            </button>
          </div>
        </div>
      )}

      <footer className="wizard-actions">
        <button type="button" className="btn btn-ghost" data-testid="wizard-cancel" onClick={leave}>
          Cancel
        </button>
        <span className="spacer" />
        {stage > 0 && (
          <button type="button" className="btn" data-testid="wizard-back" onClick={() => setStage(stage - 1)}>
            Back
          </button>
        )}
        {stage < 3 ? (
          <button type="button" className="btn btn-primary" data-testid="wizard-next" disabled={!stageReady(stage, fields)} onClick={() => setStage(stage + 1)}>
            Next
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="wizard-save"
            disabled={!tested || nameProblem !== null || busy !== null}
            title={tested ? undefined : "Test the connection first"}
            onClick={() => void save()}
          >
            {busy === "save" ? "Saving…" : "Save"}
          </button>
        )}
      </footer>
    </section>
  );
}
