'use client';

import { useEffect, useRef } from 'react';

/** Call `onTick` every `intervalMs` while `enabled` is true; the first call is one interval away. */
export function usePolling(onTick: () => void, intervalMs: number, enabled: boolean): void {
  // A ref keeps the latest callback without restarting the timer on every render.
  const callback = useRef(onTick);
  useEffect(() => {
    callback.current = onTick;
  }, [onTick]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const timer = window.setInterval(() => callback.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [enabled, intervalMs]);
}
