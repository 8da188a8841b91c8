/**
 * pgvector's text format ('[1,2,3]'). A float32 printed as the shortest double that equals it
 * parses back (pgvector uses strtof) to the same float32, so values round-trip exactly.
 */
export function formatVector(values: ArrayLike<number>): string {
  return `[${Array.prototype.join.call(values, ',')}]`;
}

/** Parses pgvector's text format into float32 values. */
export function parseVector(text: string): Float32Array {
  const body = text.trim();
  if (!body.startsWith('[') || !body.endsWith(']')) {
    throw new Error(`invalid vector text "${body.slice(0, 40)}": expected "[x1,x2,...]"`);
  }
  const inner = body.slice(1, -1).trim();
  if (inner === '') return new Float32Array(0);
  return Float32Array.from(inner.split(','), Number);
}
