// The one way a failure is shown: the message first, where the eye lands, and the stable code
// small beside it for support and for searching the docs.
import type { UiError } from "../bindings/UiError";

interface Props {
  error: UiError | null;
  testId?: string;
  title?: string;
  onDismiss?: () => void;
}

export function ErrorBanner({ error, testId = "error-banner", title, onDismiss }: Props) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId} data-code={error.code}>
      <div className="banner-body">
        {title && <strong className="banner-title">{title}</strong>}
        <p className="banner-message" data-testid={`${testId}-message`}>
          {error.message}
        </p>
        <code className="banner-code" data-testid={`${testId}-code`}>
          {error.code}
        </code>
      </div>
      {onDismiss && (
        <button type="button" className="btn btn-ghost btn-small" onClick={onDismiss} aria-label="Dismiss">
          Dismiss
        </button>
      )}
    </div>
  );
}
