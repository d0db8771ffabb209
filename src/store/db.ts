import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { migrations } from './migrations.js';
import { packageRoot, stateDir } from '../core/paths.js';
import { WorkmuxError } from '../core/errors.js';

export type Database = BetterSqlite3.Database;

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'workmux.db');
}

/**
 * better-sqlite3's JavaScript is bundled with the CLI (and so preloaded in the start-up snapshot); its
 * native addon is loaded here, by path, when a command first opens the store — a bundle (or a snapshot)
 * cannot find it the way better-sqlite3's own `bindings` lookup does. Where npm installs it beside workmux
 * it is loaded without module resolution (which costs a command a millisecond or two); else from wherever
 * `require.resolve` finds better-sqlite3.
 */
let addon: object | undefined;
function sqliteAddon(): object {
  if (!addon) {
    const inBuild = (packageDir: string) => path.join(packageDir, 'build', 'Release', 'better_sqlite3.node');
    let file = inBuild(path.join(packageRoot(), 'node_modules', 'better-sqlite3'));
    if (!fs.existsSync(file)) file = inBuild(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')));
    const loaded = { exports: {} };
    process.dlopen(loaded, file);
    addon = loaded.exports;
  }
  return addon;
}

/**
 * Opens (creating when missing) the store: mode 0600, WAL so CLI readers never block the watcher,
 * a busy timeout so concurrent workmux processes wait for each other instead of failing.
 */
export function openStore(file: string = defaultStorePath()): Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
  let db: Database;
  try {
    // The typings only know the path form of nativeBinding; better-sqlite3 also takes the loaded addon.
    db = new Sqlite(file, { timeout: 10_000, nativeBinding: sqliteAddon() as unknown as string });
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    migrate(db);
  } catch (error) {
    throw new WorkmuxError(`cannot open the workmux store at ${file}: ${(error as Error).message}`, {
      hint: 'check the file permissions, or move the file aside to start a fresh store',
      cause: error,
    });
  }
  return db;
}

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the store is from a newer workmux (schema ${current} > ${migrations.length}); upgrade workmux`);
  }
  if (current === migrations.length) return;
  // IMMEDIATE: two processes migrating at once serialise here instead of both applying a step.
  db.transaction(() => {
    const now = db.pragma('user_version', { simple: true }) as number;
    for (let version = now; version < migrations.length; version++) db.exec(migrations[version]!);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
