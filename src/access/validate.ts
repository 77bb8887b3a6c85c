/**
 * @module Validation of the access API's bodies against their TypeBox schemas, reporting every
 * violation at once under the caller's error code (MEMBER_INVALID, ACCOUNT_INVALID, …) rather than
 * the event code Fastify's own validation would map to.
 */
import { type Static, type TSchema, ValueGuard } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { AuditlogError, type ErrorCode, type Violation } from '../errors.ts';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** The compiled checker of a schema, built on first use rather than at import time. */
function checkerOf<T extends TSchema>(schema: T): TypeCheck<T> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker as TypeCheck<T>;
}

/** A TypeBox error as a rule a developer can act on. */
function ruleOf(error: ValueError): string {
  const schema = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not an allowed property';
    case ValueErrorType.ObjectMinProperties:
      return 'must name at least one field to change';
    case ValueErrorType.Union: {
      const consts = ((schema.anyOf as { const?: unknown }[]) ?? []).map((o) => o.const);
      if (consts.length > 0 && consts.every((c) => typeof c === 'string' || typeof c === 'boolean')) {
        return `must be one of: ${consts.join(', ')}`;
      }
      return 'does not match any allowed shape';
    }
    case ValueErrorType.StringPattern:
      return schema.pattern === '^[^\\s@]+@[^\\s@]+$'
        ? 'must be an email address'
        : 'must not be empty or contain control characters';
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${String(schema.minLength)} character(s)`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.Integer:
      return `must be an integer from ${String(schema.minimum)} to ${String(schema.maximum)}`;
    default:
      return error.message.replace(/^Expected /, 'must be ');
  }
}

/**
 * Returns `value` typed by `schema`, or throws `code` listing every violation (the first per
 * field). A body that is not a JSON object at all is one violation at `/`.
 *
 * @example const body = checkBody(MemberBodySchema, request.body, 'MEMBER_INVALID');
 */
export function checkBody<T extends TSchema>(schema: T, value: unknown, code: ErrorCode): Static<T> {
  if (!ValueGuard.IsObject(value) || Array.isArray(value)) {
    throw new AuditlogError(code, 'The body must be a JSON object', {
      violations: [{ field: '/', rule: 'must be a JSON object' }],
    });
  }
  const checker = checkerOf(schema);
  if (checker.Check(value)) return value;
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const error of checker.Errors(value)) {
    const field = error.path || '/';
    if (seen.has(field)) continue;
    seen.add(field);
    violations.push({ field, rule: ruleOf(error) });
  }
  const fields = violations.map((v) => `${v.field} ${v.rule}`).join('; ');
  throw new AuditlogError(code, `Invalid field(s): ${fields}`, { violations });
}
