import type { NeighbourTable } from './distances';

/** Builds a NeighbourTable from rows of [trainIndex, squaredDistance] pairs, nearest first. */
export function neighbourTable(rows: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): NeighbourTable {
  const k = rows[0].length;
  const indices = new Int32Array(rows.length * k);
  const squaredDistances = new Float32Array(rows.length * k);
  rows.forEach((row, query) => {
    if (row.length !== k) throw new Error(`Row ${query} has ${row.length} neighbours, expected ${k}.`);
    row.forEach(([index, distance], rank) => {
      indices[query * k + rank] = index;
      squaredDistances[query * k + rank] = distance;
    });
  });
  return { queryCount: rows.length, k, indices, squaredDistances };
}

/** Returns `count * dim` values from a seeded generator (mulberry32), uniform in [-1, 1). */
export function seededVectors(count: number, dim: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(count * dim);
  for (let i = 0; i < values.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return values;
}
