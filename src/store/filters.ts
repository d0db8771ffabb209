/**
 * SQL filter conditions from optional query fields: each `[condition, value]` whose value is defined (and, for
 * a list, not empty) becomes one `?`-parameterised condition. Values never go into the SQL text.
 */
export type Filter = readonly [condition: string, value: unknown];

export interface Filters {
  /** The conditions joined with AND ('1' when there are none, so it can always follow WHERE). */
  sql: string;
  params: unknown[];
}

export function filtersOf(filters: readonly Filter[]): Filters {
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const [condition, value] of filters) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      // `type IN (?)` expands to one placeholder per element.
      conditions.push(condition.replace('(?)', `(${value.map(() => '?').join(', ')})`));
      params.push(...value);
    } else {
      conditions.push(condition);
      params.push(value);
    }
  }
  return { sql: conditions.length ? conditions.join(' AND ') : '1', params };
}
