'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Return a ref and the width in CSS pixels of the element it is attached to, kept up to date
 * with a ResizeObserver. Until the first measurement the width is `initialWidth`.
 */
export function useElementWidth<T extends HTMLElement>(initialWidth: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initialWidth);

  useEffect(() => {
    const element = ref.current;
    if (!element) {
      return undefined;
    }
    const observer = new ResizeObserver((entries) => {
      const measured = entries[0]?.contentRect.width;
      if (measured && measured > 0) {
        setWidth(Math.round(measured));
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  return [ref, width] as const;
}
