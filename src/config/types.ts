import type { AgentStatus, BackendKind } from '../../backends/types.js';

export interface PaneConfig {
  command?: string;
  split?: 'horizontal' | 'vertical';
  target?: number;
  size?: number;
  percentage?: number;
  focus?: boolean;
}

/** The config file shape (every key optional), as validated against schema/config.schema.json. */
export interface ConfigFile {
  agent?: string;
  agents?: Record<string, string>;
  main_branch?: string;
  base_branch?: string;
  worktree_dir?: string;
  window_prefix?: string;
  backend?: 'auto' | BackendKind;
  panes?: PaneConfig[];
  files?: { copy?: string[]; symlink?: string[] };
  post_create?: string[];
  pre_remove?: string[];
  pre_merge?: string[];
  merge_strategy?: 'merge' | 'rebase' | 'squash';
  merge_no_ff?: boolean;
  merge_keep?: boolean;
  status_icons?: Partial<Record<AgentStatus, string>>;
  handshake_timeout_ms?: number;
  tmux?: { socket?: string };
  wezterm?: { binary?: string; timeout_ms?: number; workspace?: string };
  cmux?: { binary_path?: string; require_in_cmux?: boolean; placement?: 'auto' | 'workspace' | 'window' };
  trust_all_projects?: boolean;
  /** Parsed and validated in detail by src/engine/rules/parse.ts. */
  rule_packs?: unknown[];
  rules?: unknown[];
  gate?: Record<string, unknown>;
}

/** Where the effective config came from, and whether the project file's commands may run. */
export interface ConfigSources {
  globalFile?: string;
  projectFile?: string;
  /** Keys of the project file that run commands (agents, hooks, pane commands). */
  projectCommandKeys: string[];
  /** True when the project file runs no commands, or the user trusted it (`workmux trust`). */
  projectTrusted: boolean;
  /** Fingerprint of the project file's command-bearing values (what `workmux trust` records). */
  projectCommandsFingerprint?: string;
}

export interface ResolvedConfig extends ConfigFile {
  window_prefix: string;
  panes: PaneConfig[];
  files: { copy: string[]; symlink: string[] };
  post_create: string[];
  pre_remove: string[];
  pre_merge: string[];
  merge_strategy: 'merge' | 'rebase' | 'squash';
  merge_no_ff: boolean;
  merge_keep: boolean;
  status_icons: Record<AgentStatus, string>;
  handshake_timeout_ms: number;
  agents: Record<string, string>;
  sources: ConfigSources;
}
