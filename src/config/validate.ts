import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

/** The subset of JSON Schema that schema/config.schema.json uses. */
interface Schema {
  type?: 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'number';
  enum?: unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minimum?: number;
  maximum?: number;
}

let schemaCache: Schema | undefined;
export function configSchema(): Schema {
  return (schemaCache ??= JSON.parse(fs.readFileSync(path.join(packageRoot(), 'schema', 'config.schema.json'), 'utf8')));
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describeExpected(schema: Schema): string {
  if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.type === 'array' && schema.items?.type) return `a list of ${schema.items.type}s`;
  if (schema.type === 'object') return 'a mapping';
  if (schema.type === 'integer') return 'a whole number';
  return `a ${schema.type}`;
}

/** First problem found, as [key path, message], or undefined. Pure. */
export function findSchemaViolation(value: unknown, schema: Schema, at = ''): [string, string] | undefined {
  const actual = typeOf(value);
  if (schema.type && !(actual === schema.type || (schema.type === 'number' && actual === 'integer'))) {
    return [at, `expected ${describeExpected(schema)}, got ${actual === 'object' ? 'a mapping' : actual} ${actual === 'object' || actual === 'array' ? '' : JSON.stringify(value)}`.trimEnd()];
  }
  if (schema.enum && !schema.enum.includes(value)) return [at, `expected ${describeExpected(schema)}, got ${JSON.stringify(value)}`];
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return [at, `must be at least ${schema.minimum}`];
    if (schema.maximum !== undefined && value > schema.maximum) return [at, `must be at most ${schema.maximum}`];
  }
  if (actual === 'array' && schema.items) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      // "<global>" splices the global list in; it is valid in any list.
      if (list[i] === '<global>') continue;
      const problem = findSchemaViolation(list[i], schema.items, `${at}[${i}]`);
      if (problem) return problem;
    }
  }
  if (actual === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const keyPath = at ? `${at}.${key}` : key;
      const sub = schema.properties?.[key];
      if (sub) {
        const problem = findSchemaViolation(child, sub, keyPath);
        if (problem) return problem;
      } else if (schema.additionalProperties === false || (schema.properties && schema.additionalProperties === undefined)) {
        const known = Object.keys(schema.properties ?? {});
        return [keyPath, `unknown key${known.length ? ` (known keys: ${known.join(', ')})` : ''}`];
      } else if (typeof schema.additionalProperties === 'object') {
        const problem = findSchemaViolation(child, schema.additionalProperties, keyPath);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

/** Throws a one-line UsageError (exit 2) naming the file, the key and what was expected. */
export function validateConfigFile(value: unknown, file: string): void {
  if (value === null || value === undefined) return; // an empty file is an empty config
  const problem = findSchemaViolation(value, configSchema());
  if (problem) {
    const [key, message] = problem;
    throw new UsageError(`${file}: ${key ? `key "${key}"` : 'the config'}: ${message}`, {
      hint: 'see workmux.config.example.yaml or schema/config.schema.json for every key',
    });
  }
}
