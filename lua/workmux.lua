--[[
workmux.lua — the WezTerm side of workmux.

What it does
  * Jumps across workspaces: `workmux open <name>` (and selecting a worktree in the dashboard or list)
    prints  ESC ] 1337 ; SetUserVar=workmux-switch-pane=<base64 JSON {"workspace","tab_title"}> BEL
    on its terminal when the worktree's tab lives in another workspace. The `user-var-changed` handler
    below switches the GUI to that workspace, then activates the tab whose title matches.
  * Optionally shows an agent status in tab titles (`format-tab-title`), from a `workmux_status` user var
    that a program in the pane may set (e.g. an agent hook printing
    `printf '\033]1337;SetUserVar=workmux_status=%s\007' "$(printf '🤖' | base64)"`).

Install: copy this file next to your wezterm.lua (e.g. ~/.config/wezterm/workmux.lua) and add

    local wezterm = require 'wezterm'
    local config = wezterm.config_builder()
    -- one stable mux socket for every pane, so `wezterm cli` from any pane reaches the same server:
    config.unix_domains = { { name = 'unix' } }
    config.default_gui_startup_args = { 'connect', 'unix' }
    require('workmux').apply_to_config(config, { status = true })
    return config

  (`status = false`, or no options, keeps your own format-tab-title handler.) New-tab key bindings should
  use `wezterm.action.SpawnTab 'CurrentPaneDomain'` so new tabs stay in the unix domain.

Limits: `user-var-changed` runs in the GUI only (not in a headless wezterm-mux-server); when workmux runs
inside tmux inside WezTerm, tmux must pass the escape through (`set -g allow-passthrough on`).
]]

local wezterm = require 'wezterm'

local M = {}

M.SWITCH_VAR = 'workmux-switch-pane'
M.STATUS_VAR = 'workmux_status'

--- The first tab titled `title` among the windows of `workspace`, or nil.
local function find_tab(workspace, title)
  for _, mux_window in ipairs(wezterm.mux.all_windows()) do
    if mux_window:get_workspace() == workspace then
      for _, tab in ipairs(mux_window:tabs()) do
        if tab:get_title() == title then
          return tab
        end
      end
    end
  end
  return nil
end

--- Switches to the workspace named in the user var's JSON value, then activates the matching tab.
function M.switch_pane(window, pane, value)
  local ok, target = pcall(wezterm.json_parse, value)
  if not ok or type(target) ~= 'table' or type(target.workspace) ~= 'string' or type(target.tab_title) ~= 'string' then
    wezterm.log_warn('workmux: ignoring malformed ' .. M.SWITCH_VAR .. ' value: ' .. tostring(value))
    return
  end
  local tab = find_tab(target.workspace, target.tab_title)
  if not tab then
    wezterm.log_warn('workmux: no tab titled ' .. target.tab_title .. ' in workspace ' .. target.workspace)
    return
  end
  if wezterm.mux.get_active_workspace() ~= target.workspace then
    -- Only switch to a workspace that exists (SwitchToWorkspace would create an empty one).
    window:perform_action(wezterm.action.SwitchToWorkspace { name = target.workspace }, pane)
  end
  tab:activate()
end

--- Tab title with the status icon a pane published in its `workmux_status` user var.
function M.format_tab_title(tab)
  local title = tab.tab_title
  if not title or #title == 0 then
    title = tab.active_pane.title
  end
  local vars = tab.active_pane.user_vars or {}
  local status = vars[M.STATUS_VAR]
  if status and #status > 0 then
    return ' ' .. status .. ' ' .. title .. ' '
  end
  return ' ' .. title .. ' '
end

--- Registers the handlers. `opts.status = true` also installs format-tab-title.
function M.apply_to_config(config, opts)
  opts = opts or {}
  wezterm.on('user-var-changed', function(window, pane, name, value)
    if name == M.SWITCH_VAR then
      M.switch_pane(window, pane, value)
    end
  end)
  if opts.status then
    wezterm.on('format-tab-title', function(tab)
      return M.format_tab_title(tab)
    end)
  end
  return config
end

return M
