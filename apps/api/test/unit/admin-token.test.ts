import { parseBearerToken, resolveAdminAccess, tokensMatch } from '../../src/auth/admin-token';

const TOKEN = 'admin-token-0123456789abcdef';

describe('parseBearerToken', () => {
  it.each([
    [`Bearer ${TOKEN}`, TOKEN],
    [`bearer ${TOKEN}`, TOKEN],
    [`Bearer   ${TOKEN}  `, TOKEN],
    [TOKEN, undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer two tokens', undefined],
    [undefined, undefined],
  ])('parses %p', (header, expected) => {
    expect(parseBearerToken(header)).toBe(expected);
  });
});

describe('tokensMatch', () => {
  it.each([
    [TOKEN, TOKEN, true],
    [TOKEN, `${TOKEN}x`, false],
    [TOKEN, TOKEN.slice(0, -1), false],
    [TOKEN, '', false],
  ])('compares %p with %p', (expected, presented, match) => {
    expect(tokensMatch(expected, presented)).toBe(match);
  });
});

describe('resolveAdminAccess', () => {
  it.each([
    [{ adminToken: TOKEN, localOnly: false }, `Bearer ${TOKEN}`, 'granted'],
    [{ adminToken: TOKEN, localOnly: false }, undefined, 'missing-token'],
    [{ adminToken: TOKEN, localOnly: false }, 'Bearer wrong', 'invalid-token'],
    [{ adminToken: TOKEN, localOnly: true }, undefined, 'missing-token'],
    [{ localOnly: true }, undefined, 'granted'],
    [{ localOnly: false }, `Bearer ${TOKEN}`, 'disabled'],
  ] as const)('decides %p with header %p', (policy, header, access) => {
    expect(resolveAdminAccess(policy, header)).toBe(access);
  });
});
