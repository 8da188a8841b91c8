'use client';

import { useState } from 'react';
import { useMutation } from 'urql';
import { adminHeaders } from '../lib/graphql/client';
import { CANCEL_TRAINING_MUTATION } from '../lib/graphql/runs';
import { useAdminToken } from '../lib/hooks/useAdminToken';
import { AdminTokenInput } from './AdminTokenInput';
import { ErrorMessage } from './ErrorMessage';

/**
 * Renders the admin token input and a button that requests cancellation of a run. A queued
 * run is cancelled at once, and a running one when the worker next reads the request.
 */
export function CancelRunButton({ runId, onCancelled }: { runId: number; onCancelled: () => void }) {
  const [token, setToken] = useAdminToken();
  const [result, cancel] = useMutation(CANCEL_TRAINING_MUTATION);
  const [missingToken, setMissingToken] = useState(false);

  const onClick = async () => {
    if (token.trim() === '') {
      setMissingToken(true);
      return;
    }
    setMissingToken(false);
    const response = await cancel({ id: runId }, { fetchOptions: { headers: adminHeaders(token) } });
    if (!response.error) {
      onCancelled();
    }
  };

  return (
    <div className="cancel-run">
      <AdminTokenInput
        id="cancel-admin-token"
        value={token}
        onChange={setToken}
        error={missingToken ? 'Enter the admin token to cancel a run.' : undefined}
      />
      <button type="button" className="button button-danger" onClick={onClick} disabled={result.fetching}>
        {result.fetching ? 'Cancelling…' : `Cancel run ${runId}`}
      </button>
      {result.error ? <ErrorMessage title={`Could not cancel run ${runId}.`} error={result.error} /> : null}
    </div>
  );
}
