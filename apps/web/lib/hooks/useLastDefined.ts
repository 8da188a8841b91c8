'use client';

import { useState } from 'react';

/**
 * Return the latest defined value seen. urql clears `data` when a refetch fails, and pages that
 * poll keep showing the last good result next to the error instead of going blank.
 */
export function useLastDefined<T>(value: T | undefined): T | undefined {
  const [last, setLast] = useState(value);
  // Updating state during render is React's documented way to remember a previous value.
  if (value !== undefined && value !== last) {
    setLast(value);
  }
  return value ?? last;
}
