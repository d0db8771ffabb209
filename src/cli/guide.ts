/** What `workmux` with no arguments prints: a short guide a person or an agent can act on. */
export const GUIDE = `workmux — git worktrees + terminal tabs for coding agents

  workmux add <branch> [-a agent] [-p prompt]   new worktree + tab with an agent
  workmux list [--json]                         worktrees, tabs, agents
  workmux send <name> <text>                    type into an agent and submit
  workmux capture <name> [-n lines]             what an agent's pane shows
  workmux open|close <name>                     focus/re-create or close a tab
  workmux remove <name>                         remove tab, worktree and branch (safely)
  workmux path <name>                           print a worktree's path
  workmux init                                  write a commented workmux.config.yaml skeleton
  workmux stop <name>                           make the agent exit (the tab keeps its shell)
  workmux merge [name] [--rebase|--squash]      land the branch, then remove tab, worktree and branch

  workmux watch --daemon                        observe agents in the background (states, output, tab icons, rules)
  workmux status [--json]                       each agent: working / waiting / idle / exited, and since when
  workmux wait <name...> [--status idle] [--timeout s] [--any]   block until agents get there (exit 1 on timeout)
  workmux logs <name> [-n N] [-f]               what an agent printed
  workmux search <query> [--since 2h]           full-text search over every agent's output
  workmux events [--json]                       state changes, rule matches, limits, token usage
  workmux rules list|test|lint                  the pattern→action rules the watcher runs

Every command takes --help; --json prints {ok, data} for scripts and agents.
`;
