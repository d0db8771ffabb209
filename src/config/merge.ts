const GLOBAL_MARKER = '<global>';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A project list replaces the global one; an item "<global>" splices the global list in at that place. */
export function mergeList(globalList: unknown, projectList: unknown[]): unknown[] {
  const inherited = Array.isArray(globalList) ? globalList.filter((item) => item !== GLOBAL_MARKER) : [];
  return projectList.flatMap((item) => (item === GLOBAL_MARKER ? inherited : [item]));
}

/** Project values override global ones; mappings merge key by key; lists follow mergeList. Pure. */
export function mergeConfig<T extends Record<string, unknown>>(globalConfig: T, projectConfig: Record<string, unknown>): T {
  const merged: Record<string, unknown> = { ...globalConfig };
  for (const [key, value] of Object.entries(projectConfig)) {
    const inherited = merged[key];
    if (Array.isArray(value)) merged[key] = mergeList(inherited, value);
    else if (isPlainObject(value) && isPlainObject(inherited)) merged[key] = mergeConfig(inherited, value);
    else merged[key] = value;
  }
  return merged as T;
}

/** Removes "<global>" markers left in lists where there was nothing to splice (global config itself). */
export function stripGlobalMarkers<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((item) => item !== GLOBAL_MARKER).map(stripGlobalMarkers) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripGlobalMarkers(v)])) as T;
  return value;
}
