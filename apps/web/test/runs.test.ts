import { hasActiveRun, isActiveStatus, isSearchableRun, runCompletion } from '../lib/runs';

describe('run status helpers', () => {
  it.each([
    ['QUEUED', true],
    ['RUNNING', true],
    ['EMBEDDING', true],
    ['COMPLETED', false],
    ['FAILED', false],
    ['CANCELLED', false],
  ] as const)('isActiveStatus(%s) is %s', (status, expected) => {
    expect(isActiveStatus(status)).toBe(expected);
  });

  it('hasActiveRun is true when any run is active', () => {
    expect(hasActiveRun([{ status: 'COMPLETED' }, { status: 'RUNNING' }])).toBe(true);
    expect(hasActiveRun([{ status: 'COMPLETED' }, { status: 'FAILED' }])).toBe(false);
    expect(hasActiveRun([])).toBe(false);
  });

  it('runCompletion fills a completed run and clamps the fraction', () => {
    expect(runCompletion({ status: 'COMPLETED', progress: { fraction: 0.97 } })).toBe(1);
    expect(runCompletion({ status: 'RUNNING', progress: { fraction: 0.25 } })).toBe(0.25);
    expect(runCompletion({ status: 'RUNNING', progress: { fraction: 1.2 } })).toBe(1);
    expect(runCompletion({ status: 'QUEUED', progress: null })).toBe(0);
  });

  it('isSearchableRun needs a completed run with embeddings', () => {
    expect(isSearchableRun({ status: 'COMPLETED', embeddingCount: 10 })).toBe(true);
    expect(isSearchableRun({ status: 'COMPLETED', embeddingCount: 0 })).toBe(false);
    expect(isSearchableRun({ status: 'EMBEDDING', embeddingCount: 10 })).toBe(false);
  });
});
