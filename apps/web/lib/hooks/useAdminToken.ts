'use client';

import { useCallback, useEffect, useState } from 'react';
import { readAdminToken, writeAdminToken } from '../admin-token';

/** Read the admin token from sessionStorage and return it with a setter that stores it there. */
export function useAdminToken(): [string, (token: string) => void] {
  const [token, setToken] = useState('');

  // sessionStorage exists only in the browser, so the stored value is read after hydration.
  useEffect(() => {
    setToken(readAdminToken());
  }, []);

  const update = useCallback((value: string) => {
    setToken(value);
    writeAdminToken(value);
  }, []);

  return [token, update];
}
