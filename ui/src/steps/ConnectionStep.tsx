// Step 1: which tenant the job runs against. The built-in sandboxes come first so the whole job can
// be tried without an account; saved profiles can be tested and removed; the wizard adds one.
import { useState } from "react";
import * as api from "../api";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { ProfileView } from "../bindings/ProfileView";
import type { UiError } from "../bindings/UiError";
import { ConfirmButton } from "../components/ConfirmButton";
import { ConnectionCheckView } from "../components/ConnectionCheckView";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProfileWizard } from "../components/ProfileWizard";
import { PLATFORM_NAMES } from "../format";
import { useStore } from "../state";

type TestState = { running: true } | { running: false; check: ConnectionCheck | null; error: UiError | null };

export function ConnectionStep({ profilesError, onReload }: { profilesError: UiError | null; onReload: () => Promise<void> }) {
  const { state, dispatch } = useStore();
  const [adding, setAdding] = useState(false);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [error, setError] = useState<UiError | null>(null);

  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: { running: true } }));
    try {
      const check = await api.testProfile(name);
      setTests((t) => ({ ...t, [name]: { running: false, check, error: null } }));
    } catch (err) {
      setTests((t) => ({ ...t, [name]: { running: false, check: null, error: api.toUiError(err) } }));
    }
  };

  const remove = async (name: string) => {
    setError(null);
    try {
      await api.removeProfile(name);
      await onReload();
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  const saved = async (profile: ProfileView) => {
    setAdding(false);
    try {
      dispatch({ type: "profilesLoaded", profiles: await api.listProfiles(), select: profile.name });
    } catch (err) {
      setError(api.toUiError(err));
    }
  };

  return (
    <div className="step" data-testid="connection-step">
      <header className="step-head">
        <div>
          <h1>Connection</h1>
          <p className="lead">Choose the tenant to make match your feed. The Sandbox tenants need no account.</p>
        </div>
        {!adding && (
          <div className="inline-actions">
            <button type="button" className={state.activeProfile ? "btn" : "btn btn-primary"} data-testid="add-connection" onClick={() => setAdding(true)}>
              Add connection
            </button>
            {state.activeProfile && (
              <button type="button" className="btn btn-primary" data-testid="connection-next" onClick={() => dispatch({ type: "go", step: "import" })}>
                Next: import a feed
              </button>
            )}
          </div>
        )}
      </header>

      <ErrorBanner error={profilesError} testId="profiles-error" title="The connections could not be loaded" />
      <ErrorBanner error={error} testId="connection-error" onDismiss={() => setError(null)} />

      {adding && <ProfileWizard profiles={state.profiles} onSaved={(p) => void saved(p)} onCancel={() => setAdding(false)} />}

      {!state.profilesLoaded && !profilesError && <p className="muted">Loading connections…</p>}

      <ul className="profiles" data-testid="profiles">
        {state.profiles.map((p) => {
          const active = p.name === state.activeProfile;
          const t = tests[p.name];
          return (
            <li key={p.name} className={`card profile${active ? " profile-active" : ""}`} data-testid={`profile-${p.name}`}>
              <div className="profile-main">
                <div className="profile-title">
                  <strong className="profile-name">{p.name}</strong>
                  {p.builtin && (
                    <span className="badge badge-sandbox" data-testid={`profile-${p.name}-sandbox`}>
                      Sandbox
                    </span>
                  )}
                  {active && <span className="badge badge-active">Active</span>}
                </div>
                <div className="profile-meta">
                  <span>{PLATFORM_NAMES[p.platform]}</span>
                  <span>{p.builtin ? "no account needed" : p.location}</span>
                  {!p.builtin && p.client_id && <span>client {p.client_id}</span>}
                  {p.api_version && <span>API {p.api_version}</span>}
                </div>
                {!p.has_secrets && (
                  <p className="warning-text" data-testid={`profile-${p.name}-no-secrets`}>
                    Its secrets are missing from the keychain: remove it and add it again.
                  </p>
                )}
              </div>
              <div className="profile-actions">
                <button
                  type="button"
                  className={active ? "btn" : "btn btn-primary"}
                  data-testid={`profile-${p.name}-use`}
                  disabled={active}
                  aria-pressed={active}
                  onClick={() => dispatch({ type: "selectProfile", name: p.name })}
                >
                  {active ? "In use" : "Use"}
                </button>
                <button type="button" className="btn" data-testid={`profile-${p.name}-test`} disabled={t?.running === true} onClick={() => void test(p.name)}>
                  {t?.running ? "Testing…" : "Test"}
                </button>
                {!p.builtin && (
                  <ConfirmButton
                    label="Remove"
                    question={`Remove “${p.name}” and its keychain secrets?`}
                    confirmLabel="Remove"
                    testId={`profile-${p.name}-remove`}
                    onConfirm={() => void remove(p.name)}
                  />
                )}
              </div>
              {t && !t.running && t.check && <ConnectionCheckView check={t.check} testId={`profile-${p.name}-check`} />}
              {t && !t.running && <ErrorBanner error={t.error} testId={`profile-${p.name}-error`} />}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
