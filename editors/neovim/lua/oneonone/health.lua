--- `:checkhealth oneonone`: Neovim's version, the server command and its version, and the
--- running clients.
local M = {}

function M.check()
  local health = vim.health
  local oneonone = require('oneonone')

  health.start('oneonone: Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. version)
  else
    health.error(('Neovim %s is too old'):format(version), { 'oneonone needs Neovim 0.10 or later' })
  end
  if oneonone.did_setup then
    health.ok('setup() was called: the server starts with ' .. tostring(oneonone.started_with))
  else
    health.warn('setup() has not been called: no server starts for *.1on1.md', {
      "Call require('oneonone').setup() in your config",
    })
  end

  health.start('oneonone: server')
  local cmd = oneonone.config.cmd
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    health.info('cmd is not a list of strings; cannot check it: ' .. vim.inspect(cmd))
  else
    local exe = cmd[1]
    if vim.fn.executable(exe) ~= 1 then
      health.error(('`%s` is not executable'):format(exe), {
        'Install it: `cargo install --path .` in the oneonone-ls repository puts it in ~/.cargo/bin',
        "Or give its path: require('oneonone').setup({ cmd = { '/path/to/oneonone-ls' } })",
      })
    else
      health.ok(('`%s` is executable: %s'):format(exe, vim.fn.exepath(exe)))
      local ok, res = pcall(function()
        return vim.system({ exe, '--version' }, { text = true }):wait(5000)
      end)
      if not ok then
        health.error(('`%s --version` could not run: %s'):format(exe, res))
      elseif res.code ~= 0 then
        health.error(('`%s --version` exited %d: %s'):format(exe, res.code, vim.trim(res.stderr or '')))
      else
        health.ok(('`%s --version`: %s'):format(exe, vim.trim(res.stdout or '')))
      end
    end
  end
  local settings = oneonone.config.settings or {}
  if next(settings) == nil then
    health.info('settings: none (defaults, and each root .1on1.json)')
  else
    health.info('settings: ' .. vim.inspect(settings, { newline = ' ', indent = '' }))
  end

  health.start('oneonone: clients')
  local clients = vim.lsp.get_clients({ name = oneonone.name })
  if #clients == 0 then
    health.info('No oneonone-ls client is running: open a *.1on1.md file')
  end
  for _, client in ipairs(clients) do
    local folders = {}
    for _, f in ipairs(client.workspace_folders or {}) do
      folders[#folders + 1] = vim.uri_to_fname(f.uri)
    end
    local info = client.server_info or {}
    health.ok(('client %d: %s %s, root %s, positions in %s, %d buffer(s)'):format(
      client.id,
      info.name or 'oneonone-ls',
      info.version or '',
      #folders > 0 and table.concat(folders, ', ') or (client.root_dir or '(none)'),
      client.offset_encoding or '?',
      vim.tbl_count(client.attached_buffers or {})
    ))
  end
end

return M
