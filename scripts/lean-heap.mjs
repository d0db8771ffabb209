// Used by scripts/snapshot.mjs; tested in test/integration/startup.test.ts.

/** Two rewrites of the bundle that only change how much heap the snapshot carries (and every start reads). */
export function leanerHeap(source) {
  // A default import of a built-in (`import fs from 'node:fs'`) becomes `__toESM(__require("node:fs"), 1)`:
  // a fresh object with one getter closure (and its context) per property of the module — ~3,800 of them
  // for the bundle's 70-odd such imports, ~0.6 MB of heap. An object whose prototype is the module and
  // whose `default` is the module answers the same lookups (live, too) with none of that.
  const interop = /__toESM\(__require\("(node:[a-z0-9_/]+)"\), 1\)/g;
  let rewritten = source.replace(interop, (_, id) => `((m) => ({ __proto__: m, default: m }))(__require(${JSON.stringify(id)}))`);
  if (/__toESM\(__require\("node:/.test(rewritten)) throw new Error('snapshot: a built-in import in a form leanerHeap does not know');
  // One non-ASCII character anywhere in a script makes V8 keep its whole source as a two-byte string
  // (~0.6 MB more). esbuild escapes strings and templates but not regular expression literals or comments,
  // so the rest is escaped here: `\uXXXX` (per UTF-16 unit; a surrogate pair of escapes is still one code
  // point under the `u` flag) means the same in both. Not safe after a backslash or inside String.raw.
  if (/String\.raw\s*`|\\[^\x00-\x7f]/.test(rewritten)) throw new Error('snapshot: String.raw or a backslash before a non-ASCII character in the bundle; escaping would change its meaning');
  rewritten = rewritten.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return rewritten;
}
