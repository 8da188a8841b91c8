import type { CombinedError } from 'urql';
import { API_URL } from '../lib/config';
import { describeApiError } from '../lib/graphql/errors';

interface ErrorMessageProps {
  /** Heading that names the failed action, e.g. "Could not load the training runs." */
  title: string;
  error?: CombinedError;
  /** Messages that did not come from urql, such as invalid URL parameters. */
  messages?: string[];
}

/** Renders an API or input error in words, announced to screen readers as an alert. */
export function ErrorMessage({ title, error, messages = [] }: ErrorMessageProps) {
  const lines = [...(error ? describeApiError(error, API_URL) : []), ...messages];
  return (
    <div className="error-message" role="alert">
      <p className="error-title">{title}</p>
      {lines.length === 1 ? (
        <p>{lines[0]}</p>
      ) : (
        <ul>
          {lines.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
