/** Renders a loading note as a polite live region, so screen readers announce it. */
export function LoadingMessage({ children = 'Loading…' }: { children?: string }) {
  return (
    <p className="loading-message" role="status" aria-live="polite">
      {children}
    </p>
  );
}
