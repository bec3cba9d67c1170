import { z } from 'zod';
import { InputError, type SourcePosition } from '../errors.ts';
import { pythonStr } from '../playbook/python-text.ts';
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

const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, on: true, '1': true, true: true, y: true, t: true, no: false, off: false, '0': false, false: false, n: false, f: false };

/** Ansible's check_type_str/int/float/bool for one value, or undefined when it would refuse too. */
function convertValue(value: unknown, expected: string): unknown {
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return pythonStr(value);
  if (expected === 'number' && typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  if (expected === 'boolean' && (typeof value === 'string' || typeof value === 'number')) return BOOLEAN_WORDS[String(value).trim().toLowerCase()];
  return undefined;
}

/** The params with every value of the wrong scalar type converted, or undefined if none can be. */
function convertedAsAnsible(params: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(params) as Record<PropertyKey, unknown>;
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.path.length === 0) continue;
    let parent: Record<PropertyKey, unknown> | undefined = copy;
    for (const key of issue.path.slice(0, -1)) parent = parent?.[key] as Record<PropertyKey, unknown> | undefined;
    const key = issue.path[issue.path.length - 1];
    if (!parent || typeof parent !== 'object') continue;
    const value = convertValue(parent[key], issue.expected);
    if (value === undefined) continue;
    parent[key] = value;
    changed = true;
  }
  return changed ? copy : undefined;
}

/**
 * Checks and fills in a task's params (defaults applied). Errors name the module, each bad
 * param path, what was expected and what was given, at the task's position.
 */
export function validateParams<P>(module: TaskModule<P>, params: unknown, position?: SourcePosition): P {
  let parsed = module.params.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  // Ansible's argument spec converts a value to the type the module declares: retry once so.
  const converted = convertedAsAnsible(params ?? {}, parsed.error.issues);
  if (converted !== undefined) {
    parsed = module.params.safeParse(converted);
    if (parsed.success) return parsed.data;
  }
  const knownParams = describeParams(module.params).map((param) => param.name);
  const problems = parsed.error.issues.map((issue) => issueMessage(issue, knownParams));
  throw new InputError(`${module.name}: ${problems.join('; ')}`, position, { cause: parsed.error });
}
