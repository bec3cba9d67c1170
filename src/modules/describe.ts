import { z } from 'zod';
import { InputError, type SourcePosition } from '../errors.ts';
import type { TaskModule } from './module.ts';
import { didYouMean } from './similar-names.ts';

/** One parameter of a module, as `playgraph modules` shows it. */
export interface ParamInfo {
  name: string;
  /** Human type: `string`, `integer`, `boolean`, `list of string`, `"file"|"absent"`, `string|number`. */
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
};

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // io: 'input' describes what users write (fields with defaults are optional);
  // 'any' keeps refinements and custom checks from making the description fail.
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function typeName(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join('|');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeName))].join('|');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'any';
  return types
    .map((type) => (type === 'array' ? `list of ${schema.items ? typeName(schema.items) : 'any'}` : type))
    .join('|');
}

/** The params of a module's object schema, in declaration order. */
export function describeParams(schema: z.ZodType): ParamInfo[] {
  const json = jsonSchemaOf(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeName(property),
    required: required.has(name),
    ...(property.default !== undefined ? { default: property.default } : {}),
    ...(property.description !== undefined ? { description: property.description } : {}),
  }));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`)).join('');
}

function issueMessage(issue: z.core.$ZodIssue, knownParams: string[]): string {
  const where = issue.path.length ? `param '${formatPath(issue.path)}'` : 'params';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => `unknown param '${key}'${didYouMean(key, knownParams)}; known: ${knownParams.join(', ')}`)
      .join('; ');
  }
  // zod's own messages already say "expected X, received Y"; we add which param it was.
  return `${where}: ${issue.message}`;
}

/**
 * Checks and fills in a task's params (defaults applied). Errors name the module, each bad
 * param path, what was expected and what was given, at the task's position.
 */
export function validateParams<P>(module: TaskModule<P>, params: unknown, position?: SourcePosition): P {
  const parsed = module.params.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  const knownParams = describeParams(module.params).map((param) => param.name);
  const problems = parsed.error.issues.map((issue) => issueMessage(issue, knownParams));
  throw new InputError(`${module.name}: ${problems.join('; ')}`, position, { cause: parsed.error });
}
