import type { BenchRecord } from './types';

/** Formats a number with thousands separators and at most `digits` decimals, or '-' when it is missing. */
export function formatNumber(value: number | undefined | null, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Formats a rate with `digits` decimals, or two significant digits when that would show 0. */
export function formatRate(value: number | undefined | null, digits = 2): string {
  if (value == null || !Number.isFinite(value)) return '-';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toPrecision(2);
  return formatNumber(value, digits);
}

/** Formats a fraction as a percentage with one decimal, or two below 1%. */
export function formatPercent(fraction: number | undefined | null): string {
  if (fraction == null || !Number.isFinite(fraction)) return '-';
  return `${(fraction * 100).toFixed(fraction < 0.01 ? 2 : 1)}%`;
}

/** Renders a markdown table; numeric columns are right-aligned when `align` marks them 'r'. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const separator = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(separator), ...rows.map(line)].join('\n');
}

/** Renders the command of each record as one shell block, so a reader can rerun a table. */
export function commandsBlock(records: readonly BenchRecord[]): string {
  return ['```sh', ...records.map((record) => record.command), '```'].join('\n');
}

/** Lists when each record ran and the load it ran under, because figures on a shared machine depend on it. */
export function provenance(records: readonly BenchRecord[]): string {
  return records
    .map((record) => `\`${record.step}\`: started ${record.startedAt}, load average ${formatNumber(record.loadAverage1m, 2)}, took ${formatNumber(record.seconds, 0)} s${record.quick ? ', quick sizes' : ''}.`)
    .map((line) => `- ${line}`)
    .join('\n');
}

/** Describes records that produced no result, so a missing table explains itself. */
export function problems(records: readonly BenchRecord[]): string {
  const lines = records
    .filter((record) => record.status !== 'ok')
    .map((record) => `- \`${record.step}\` ${record.status}: ${(record.reason ?? 'no reason recorded').split('\n')[0]}`);
  return lines.join('\n');
}

/** Joins non-empty blocks with blank lines. */
export function blocks(...parts: (string | undefined | false)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.trim().length > 0).join('\n\n');
}
