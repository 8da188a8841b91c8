'use client';

interface AdminTokenInputProps {
  id: string;
  value: string;
  onChange: (token: string) => void;
  error?: string;
}

/** Password input for the admin token, which the page keeps in sessionStorage. */
export function AdminTokenInput({ id, value, onChange, error }: AdminTokenInputProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>Admin token</label>
      <input
        id={id}
        name="adminToken"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      <p id={hintId} className="field-hint">
        Sent as a Bearer token with mutations. Kept in this tab&apos;s session storage until the tab closes.
      </p>
    </div>
  );
}
