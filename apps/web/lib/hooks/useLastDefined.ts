'use client';

import { useState } from 'react';

/**
 * Return the latest defined value seen since `resetKey` last changed. urql clears `data`
 * when a refetch fails, and pages that poll keep showing the last good result next to the
 * error instead of going blank. A new key (another run id or page) drops the old value, so
 * one run's data never shows under another's heading.
 */
export function useLastDefined<T>(value: T | undefined, resetKey: string | number): T | undefined {
  const [last, setLast] = useState<{ key: string | number; value: T | undefined }>({ key: resetKey, value });
  // Updating state during render is React's documented way to remember a previous value.
  if (last.key !== resetKey) {
    setLast({ key: resetKey, value });
    return value;
  }
  if (value !== undefined && value !== last.value) {
    setLast({ key: resetKey, value });
  }
  return value ?? last.value;
}
