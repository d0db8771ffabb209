/** A built-in rule pack: rules as config-shaped data (parsed like user rules), with a few options. */

export type RawRule = Record<string, unknown>;

export interface PackOption {
  readonly type: 'string' | 'boolean';
  readonly description: string;
}

export interface RulePack {
  readonly name: string;
  readonly description: string;
  readonly options: Readonly<Record<string, PackOption>>;
  /** Options arrive validated against `options` (missing ones are undefined). */
  rules(options: Readonly<Record<string, string | boolean | undefined>>): RawRule[];
}

/** A UUID as agents print session ids. */
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
