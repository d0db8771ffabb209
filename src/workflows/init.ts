import fs from 'node:fs';
import path from 'node:path';
import { WorkmuxError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { findProjectConfig } from '../config/load.js';
import type { WorkmuxContext } from './context.js';

export const PROJECT_CONFIG_NAME = 'workmux.config.yaml';

/** Writes the commented config skeleton (templates/workmux.config.yaml) into the project root. */
export async function initProjectConfig(ctx: WorkmuxContext, options: { force?: boolean } = {}): Promise<{ file: string }> {
  const existing = await findProjectConfig(ctx.git.root, ctx.git.root);
  if (existing && !options.force) {
    throw new WorkmuxError(`this project already has a config: ${existing}`, { hint: 'edit it, or pass --force to write a fresh skeleton' });
  }
  const file = path.join(ctx.git.root, PROJECT_CONFIG_NAME);
  fs.copyFileSync(path.join(packageRoot(), 'templates', PROJECT_CONFIG_NAME), file);
  return { file };
}
