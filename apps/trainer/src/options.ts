/**
 * Parsers for command-line option values. Each raises a UsageError that names the
 * option, the rejected value and what is accepted, and the CLI turns that into exit
 * code 2 with the message on stderr.
 */
import { InvalidArgumentError } from 'commander';

/** An invalid command line or missing input that the user can fix by changing the command. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Returns a commander parser for an integer option of at least `min`. */
export function integerOption(flag: string, min: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) {
      throw new InvalidArgumentError(`${flag} must be an integer of at least ${min}, got '${value}'.`);
    }
    return parsed;
  };
}

/** Returns a commander parser for a finite number option; `exclusiveMin` rejects values at or below it. */
export function numberOption(flag: string, bounds: { min?: number; exclusiveMin?: number }): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    const belowMin = bounds.min !== undefined && parsed < bounds.min;
    const atOrBelowExclusive = bounds.exclusiveMin !== undefined && parsed <= bounds.exclusiveMin;
    if (value.trim() === '' || !Number.isFinite(parsed) || belowMin || atOrBelowExclusive) {
      const range = bounds.exclusiveMin !== undefined ? `greater than ${bounds.exclusiveMin}` : `at least ${bounds.min}`;
      throw new InvalidArgumentError(`${flag} must be a number ${range}, got '${value}'.`);
    }
    return parsed;
  };
}

/** Returns a commander parser that accepts only `choices`. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${flag} must be one of ${choices.join(', ')}, got '${value}'.`);
    }
    return value as T;
  };
}
