import type { Split } from './graphql/types';

/** k of the similar/dissimilar queries: the API accepts 1..1000. */
export const DEFAULT_K = 10;
export const MAX_K = 1000;

/** Images per explorer page; the API accepts a limit of 1..200. */
export const IMAGES_PER_PAGE = 48;

/** Runs per page of the runs table. */
export const RUNS_PER_PAGE = 50;

/** Maximum page size the API accepts, used where one request must list as many runs as possible. */
export const MAX_PAGE_SIZE = 200;

/** State of the neighbours page, kept in its URL: /neighbours?id=..&k=..&run=.. */
export interface NeighboursState {
  imageId: number | null;
  k: number;
  /** null means the latest completed run, which the API picks. */
  runId: number | null;
}

/** State of the image explorer, kept in its URL: /images?dataset=..&split=..&label=..&page=.. */
export interface ExplorerState {
  datasetId: number | null;
  split: Split | null;
  label: number | null;
  /** 1-based page number. */
  page: number;
}

/** Parsed URL state plus a message for each parameter that was present but invalid. */
export interface Parsed<State> {
  state: State;
  problems: string[];
}

interface ReadableParams {
  get(name: string): string | null;
}

export function parseNeighboursParams(params: ReadableParams): Parsed<NeighboursState> {
  const problems: string[] = [];
  const imageId = readInteger(params, 'id', 1, Number.MAX_SAFE_INTEGER, problems);
  const k = readInteger(params, 'k', 1, MAX_K, problems) ?? DEFAULT_K;
  const runId = readInteger(params, 'run', 1, Number.MAX_SAFE_INTEGER, problems);
  return { state: { imageId, k, runId }, problems };
}

export function neighboursHref(state: NeighboursState): string {
  const params = new URLSearchParams();
  if (state.imageId != null) {
    params.set('id', String(state.imageId));
  }
  params.set('k', String(state.k));
  if (state.runId != null) {
    params.set('run', String(state.runId));
  }
  return `/neighbours?${params.toString()}`;
}

export function parseExplorerParams(params: ReadableParams): Parsed<ExplorerState> {
  const problems: string[] = [];
  const datasetId = readInteger(params, 'dataset', 1, Number.MAX_SAFE_INTEGER, problems);
  const label = readInteger(params, 'label', 0, Number.MAX_SAFE_INTEGER, problems);
  const page = readInteger(params, 'page', 1, Number.MAX_SAFE_INTEGER, problems) ?? 1;

  let split: Split | null = null;
  const rawSplit = params.get('split');
  if (rawSplit === 'train' || rawSplit === 'test') {
    split = rawSplit === 'train' ? 'TRAIN' : 'TEST';
  } else if (rawSplit != null && rawSplit !== '') {
    problems.push(`Ignored split "${rawSplit}" in the URL: expected "train" or "test".`);
  }
  return { state: { datasetId, split, label, page }, problems };
}

export function explorerHref(state: ExplorerState): string {
  const params = new URLSearchParams();
  if (state.datasetId != null) {
    params.set('dataset', String(state.datasetId));
  }
  if (state.split != null) {
    params.set('split', state.split === 'TRAIN' ? 'train' : 'test');
  }
  if (state.label != null) {
    params.set('label', String(state.label));
  }
  if (state.page > 1) {
    params.set('page', String(state.page));
  }
  const query = params.toString();
  return query === '' ? '/images' : `/images?${query}`;
}

/** Read the 1-based page number of the runs table from ?page=, reporting invalid values. */
export function parseRunsPage(params: ReadableParams): Parsed<number> {
  const problems: string[] = [];
  const page = readInteger(params, 'page', 1, Number.MAX_SAFE_INTEGER, problems) ?? 1;
  return { state: page, problems };
}

export function runsHref(page: number): string {
  return page > 1 ? `/runs?page=${page}` : '/runs';
}

function readInteger(
  params: ReadableParams,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | null {
  const raw = params.get(name);
  if (raw == null || raw.trim() === '') {
    return null;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
    problems.push(`Ignored ${name}="${raw}" in the URL: expected ${range}.`);
    return null;
  }
  return value;
}
