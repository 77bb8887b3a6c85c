/** @module Argument parsers for the CLI: each rejects bad input with a message naming the rule. */
import { InvalidArgumentError } from 'commander';
import type { Scope } from '../store/types.ts';

/** A non-negative integer. */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** An account plan. */
export function parsePlan(value: string): 'free' | 'enterprise' {
  if (value !== 'free' && value !== 'enterprise')
    throw new InvalidArgumentError('must be free or enterprise');
  return value;
}

const SCOPES: Scope[] = ['ingest', 'read', 'admin'];

/** A comma-separated list of key scopes. */
export function parseScopes(value: string): Scope[] {
  const scopes = value.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new InvalidArgumentError(
      `must be a comma-separated list of ${SCOPES.join(', ')} (unknown: ${unknown.join(', ')})`,
    );
  }
  return [...new Set(scopes)] as Scope[];
}

/** An ISO 8601 instant. */
export function parseInstant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('must be an ISO 8601 date-time');
  return date;
}
