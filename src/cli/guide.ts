/** What `workmux` with no arguments prints: a short guide a person or an agent can act on. */
export const GUIDE = `workmux — git worktrees + terminal tabs for coding agents

  workmux add <branch> [-a agent] [-p prompt]   new worktree + tab with an agent
  workmux list [--json]                         worktrees, tabs, agents
  workmux send <name> <text>                    type into an agent and submit
  workmux capture <name> [-n lines]             what an agent's pane shows
  workmux open|close <name>                     focus/re-create or close a tab
  workmux remove <name>                         remove tab, worktree and branch (safely)
  workmux path <name>                           print a worktree's path

Every command takes --help; --json prints {ok, data} for scripts and agents.
`;
