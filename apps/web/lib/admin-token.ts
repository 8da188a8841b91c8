/**
 * The admin token lives in sessionStorage: it survives reloads of the tab but not closing
 * it, and it never appears in a URL, so it does not end up in history or server logs.
 */
const STORAGE_KEY = 'dim.adminToken';

export function readAdminToken(): string {
  if (typeof window === 'undefined') {
    return '';
  }
  return window.sessionStorage.getItem(STORAGE_KEY) ?? '';
}

export function writeAdminToken(token: string): void {
  if (token === '') {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } else {
    window.sessionStorage.setItem(STORAGE_KEY, token);
  }
}
