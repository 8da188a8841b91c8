'use client';

import { useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createApiClient } from '../lib/graphql/client';

/** Gives every client component the urql client of the API at NEXT_PUBLIC_API_URL. */
export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab: useState keeps it across re-renders, so its cache survives.
  const [client] = useState(() => createApiClient());
  return <Provider value={client}>{children}</Provider>;
}
