import Link from 'next/link';
import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children: ReactNode;
  action?: { href: string; label: string };
}

/** Renders the message for a list that is still empty, with a link to the step that fills it. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      <div className="empty-state-body">{children}</div>
      {action ? (
        <Link href={action.href} className="button button-primary">
          {action.label}
        </Link>
      ) : null}
    </section>
  );
}
