// Request validation for the routes registered under it: JSON bodies are checked exactly as sent (no
// type coercion, so {"displayName": 5} is rejected rather than turned into "5"); query strings and path
// parameters, which are always text, are converted to the schema's types and get its defaults.
// Text becomes a number only when it is written as one in plain decimal: "1.5", "true", "0x3", "1e1",
// " 3" or "" are not integers and fail validation instead of being truncated or guessed.
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

const DECIMAL_INTEGER = /^(0|-?[1-9][0-9]{0,15})$/;
const DECIMAL_NUMBER = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,16})?$/;

/** The pattern a text value must match to be converted to this schema's type, if it is numeric. */
function numericPattern(schema: unknown): RegExp | undefined {
  const type = (schema as { type?: unknown } | undefined)?.type;
  if (type === 'integer') return DECIMAL_INTEGER;
  if (type === 'number') return DECIMAL_NUMBER;
  return undefined;
}

/**
 * Converts text to the schema's types, except numeric fields whose text is not plain decimal: those keep
 * their text, so the check that follows refuses them with the field's name.
 */
function convertStrictly(schema: TSchema, input: unknown): unknown {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (!properties || typeof input !== 'object' || input === null) {
    const pattern = numericPattern(schema);
    if (pattern && typeof input === 'string' && !pattern.test(input)) return input;
    return Value.Default(schema, Value.Convert(schema, input));
  }
  const kept: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [key, value] of Object.entries(rest)) {
    const pattern = numericPattern(properties[key]);
    const text = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (pattern && (typeof text !== 'string' || !pattern.test(text))) {
      kept[key] = value;
      delete rest[key];
    }
  }
  const converted = Value.Default(schema, Value.Convert(schema, rest)) as Record<string, unknown>;
  return { ...converted, ...kept };
}

export const strictBodyValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const lenient = httpPart !== 'body';
  // Headers are text and their schemas carry no defaults: when they already pass, nothing to convert.
  const checkFirst = httpPart === 'headers';
  return (input: unknown) => {
    if (checkFirst && check.Check(input)) return { value: input };
    const value = lenient ? convertStrictly(schema, input) : input;
    if (check.Check(value)) return { value };
    return { error: check.Errors(value) as FastifySchemaValidationError[] };
  };
};
