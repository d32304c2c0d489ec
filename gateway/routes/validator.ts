// Request validation for the routes registered under it: JSON bodies are checked exactly as sent (no
// type coercion, so {"displayName": 5} is rejected rather than turned into "5"); query strings and path
// parameters, which are always text, are converted to the schema's types and get its defaults.
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export const strictBodyValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const lenient = httpPart !== 'body';
  // Headers are text and their schemas carry no defaults: when they already pass, nothing to convert.
  const checkFirst = httpPart === 'headers';
  return (input: unknown) => {
    if (checkFirst && check.Check(input)) return { value: input };
    const value = lenient ? Value.Default(schema, Value.Convert(schema, input)) : input;
    if (check.Check(value)) return { value };
    return { error: check.Errors(value) as FastifySchemaValidationError[] };
  };
};
