// A destructive button that asks once more in place: window.confirm is not available in every
// webview, and an inline question keeps the keyboard focus where the user is.
import { useState } from "react";

interface Props {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  testId: string;
  disabled?: boolean;
  className?: string;
}

export function ConfirmButton({ label, question, confirmLabel, onConfirm, testId, disabled, className }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className={className ?? "btn btn-danger-ghost"}
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(e) => {
        // Escape takes the question back (and stops there: it must not close what is around it).
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          setAsking(false);
        }
      }}
    >
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="btn btn-danger btn-small"
        data-testid={`${testId}-confirm`}
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="btn btn-ghost btn-small" data-testid={`${testId}-keep`} onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
