import {
  DEFAULT_K,
  explorerHref,
  neighboursHref,
  parseExplorerParams,
  parseNeighboursParams,
  parseRunsPage,
  runsHref,
} from '../lib/search-params';

const params = (query: string) => new URLSearchParams(query);

describe('neighbours URL state', () => {
  it('parses id, k and run', () => {
    expect(parseNeighboursParams(params('id=12&k=5&run=3'))).toEqual({
      state: { imageId: 12, k: 5, runId: 3 },
      problems: [],
    });
  });

  it('uses k = 10 and the latest run when they are missing', () => {
    expect(parseNeighboursParams(params('id=7')).state).toEqual({ imageId: 7, k: DEFAULT_K, runId: null });
  });

  it.each([
    ['id=abc', 'id="abc"'],
    ['id=0', 'id="0"'],
    ['k=0', 'k="0"'],
    ['k=1001', 'k="1001"'],
    ['k=2.5', 'k="2.5"'],
    ['run=-1', 'run="-1"'],
  ])('reports %s as ignored', (query, fragment) => {
    const { problems } = parseNeighboursParams(params(query));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(fragment);
  });

  it('round-trips through neighboursHref', () => {
    const state = { imageId: 42, k: 8, runId: 2 };
    const href = neighboursHref(state);
    expect(href).toBe('/neighbours?id=42&k=8&run=2');
    expect(parseNeighboursParams(params(href.split('?')[1])).state).toEqual(state);
  });

  it('leaves out the run when it is the latest', () => {
    expect(neighboursHref({ imageId: 1, k: 10, runId: null })).toBe('/neighbours?id=1&k=10');
  });
});

describe('explorer URL state', () => {
  it('parses every filter and the page', () => {
    expect(parseExplorerParams(params('dataset=1&split=test&label=3&page=4')).state).toEqual({
      datasetId: 1,
      split: 'TEST',
      label: 3,
      page: 4,
    });
  });

  it('defaults to all images on page 1', () => {
    expect(parseExplorerParams(params('')).state).toEqual({ datasetId: null, split: null, label: null, page: 1 });
  });

  it('reports an unknown split', () => {
    const { state, problems } = parseExplorerParams(params('split=validation'));
    expect(state.split).toBeNull();
    expect(problems[0]).toContain('"validation"');
  });

  it('round-trips through explorerHref and drops page 1', () => {
    const state = { datasetId: 2, split: 'TRAIN' as const, label: 0, page: 1 };
    expect(explorerHref(state)).toBe('/images?dataset=2&split=train&label=0');
    expect(explorerHref({ datasetId: null, split: null, label: null, page: 1 })).toBe('/images');
    expect(parseExplorerParams(params('dataset=2&split=train&label=0')).state).toEqual(state);
  });
});

describe('runs page URL state', () => {
  it('parses the page and reports invalid ones', () => {
    expect(parseRunsPage(params('page=3'))).toEqual({ state: 3, problems: [] });
    expect(parseRunsPage(params(''))).toEqual({ state: 1, problems: [] });
    const invalid = parseRunsPage(params('page=0'));
    expect(invalid.state).toBe(1);
    expect(invalid.problems[0]).toContain('page="0"');
  });

  it('leaves page 1 out of the URL', () => {
    expect(runsHref(1)).toBe('/runs');
    expect(runsHref(2)).toBe('/runs?page=2');
  });
});
