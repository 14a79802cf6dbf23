--- oneonone-ls for Neovim 0.10+: 1:1 meeting notes (`*.1on1.md`) stay markdown buffers and
--- get the oneonone-ls language server, plus `:OneOnOneNext` and `:OneOnOneSummary`.
---
--- require('oneonone').setup({ cmd = { 'oneonone-ls' }, settings = { staleAfterDays = 14 } })

local M = {}

--- The name of the LSP client (and of its `vim.lsp.config` entry on 0.11+).
M.name = 'oneonone'

--- @class oneonone.Options
--- @field cmd? string[] How to start the server (default `{ 'oneonone-ls' }`, on PATH).
--- @field settings? table The server's configuration keys (`staleAfterDays`, `cadence`, ...).
--- @field root_markers? string[] Files or folders that mark a notes root (default
---   `{ '.1on1.json', '.git' }`); without one, the note's own folder is the root.
--- @field on_attach? fun(client: vim.lsp.Client, bufnr: integer)
--- @field capabilities? table Client capabilities (default: Neovim's).
--- @field use_lsp_config? boolean Start through `vim.lsp.config`/`vim.lsp.enable` (default:
---   true on 0.11+); false starts with `vim.lsp.start` from a FileType autocommand, as on 0.10.
M.defaults = {
  cmd = { 'oneonone-ls' },
  settings = {},
  root_markers = { '.1on1.json', '.git' },
  on_attach = nil,
  capabilities = nil,
  use_lsp_config = nil,
}

--- The options in force (the defaults until `setup` is called).
--- @type oneonone.Options
M.config = vim.deepcopy(M.defaults)
M.did_setup = false
--- How setup() starts the server (for :checkhealth).
M.started_with = nil

local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(msg, level)
  vim.notify('oneonone: ' .. msg, level or vim.log.levels.INFO)
end

--- Whether a buffer holds a 1:1 note: a file buffer whose name ends in `.1on1.md`.
--- @param bufnr integer
--- @return boolean
function M.is_note(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  return name:sub(-#'.1on1.md') == '.1on1.md' and not name:match('^%a[%w+.-]*://')
end

--- The workspace root of a note: the nearest folder with a root marker, else its folder.
--- @param bufnr integer
--- @return string
function M.root_dir(bufnr)
  local name = vim.fs.normalize(vim.api.nvim_buf_get_name(bufnr))
  return vim.fs.root(bufnr, M.config.root_markers) or vim.fs.dirname(name)
end

--- Settings as JSON wants them: an empty Lua table would be sent as `[]`.
local function as_object(t)
  if type(t) ~= 'table' or next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

--- Neovim up to 0.11 appends an insertion placed after the last line (the end of a file
--- that ends with a newline) with one empty line too many when its text ends with a newline
--- (fixed upstream in neovim/neovim#40133). The server puts the next meeting there in an
--- oldest-first file, so such an edit is moved to the end of the last line, same bytes.
--- @param edits lsp.TextEdit[]
--- @param bufnr integer
--- @param encoding string
function M._fix_edits_at_eof(edits, bufnr, encoding)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    vim.fn.bufload(bufnr)
  end
  local count = vim.api.nvim_buf_line_count(bufnr)
  if not vim.bo[bufnr].eol and not (vim.bo[bufnr].fixeol and not vim.bo[bufnr].binary) then
    return
  end
  for _, e in ipairs(edits) do
    local s, t = e.range.start, e.range['end']
    if
      s.line >= count
      and t.line == s.line
      and t.character == s.character
      and s.character == 0
      and e.newText:sub(-1) == '\n'
    then
      local last = vim.api.nvim_buf_get_lines(bufnr, count - 1, count, false)[1] or ''
      local col = vim.lsp.util.character_offset(bufnr, count - 1, #last, encoding)
      e.range = { start = { line = count - 1, character = col }, ['end'] = { line = count - 1, character = col } }
      e.newText = '\n' .. e.newText:sub(1, -2)
    end
  end
end

--- Applies the fix above to every edit of a WorkspaceEdit for an open buffer.
local function fix_workspace_edit(edit, encoding)
  if type(edit) ~= 'table' then
    return
  end
  local function fix(uri, edits)
    local bufnr = vim.uri_to_bufnr(uri)
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M._fix_edits_at_eof(edits, bufnr, encoding)
    end
  end
  for uri, edits in pairs(edit.changes or {}) do
    fix(uri, edits)
  end
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument and change.edits then
      fix(change.textDocument.uri, change.edits)
    end
  end
end

--- The client configuration shared by both ways of starting the server.
local function client_config()
  local cfg = M.config
  local settings = vim.deepcopy(cfg.settings or {})
  return {
    name = M.name,
    cmd = cfg.cmd,
    -- The server reads `initializationOptions` first, then pulls the section `oneonone` of
    -- `workspace/configuration`, which Neovim answers from `settings`.
    init_options = as_object(settings),
    settings = { oneonone = as_object(vim.deepcopy(settings)) },
    capabilities = cfg.capabilities,
    on_attach = cfg.on_attach,
    handlers = {
      ['workspace/applyEdit'] = function(err, params, ctx, config)
        local client = vim.lsp.get_client_by_id(ctx.client_id)
        if params and client then
          pcall(fix_workspace_edit, params.edit, client.offset_encoding)
        end
        return vim.lsp.handlers['workspace/applyEdit'](err, params, ctx, config)
      end,
    },
    -- The code lens on the newest meeting runs `oneonone.summary`: show it.
    commands = {
      ['oneonone.summary'] = function(_, ctx)
        M.summary({ bufnr = ctx.bufnr })
      end,
    },
  }
end

--- Starts (or reuses) the client for a note buffer with `vim.lsp.start` (the 0.10 way).
--- @param bufnr? integer
--- @return integer? client_id
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.is_note(bufnr) then
    return nil
  end
  local config = client_config()
  config.root_dir = M.root_dir(bufnr)
  return vim.lsp.start(config, { bufnr = bufnr })
end

--- @param opts? oneonone.Options
function M.setup(opts)
  opts = opts or {}
  if type(opts) ~= 'table' then
    error('oneonone.setup: expected a table of options, got ' .. type(opts), 2)
  end
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts)
  -- Lists are replaced, not merged index by index.
  for _, k in ipairs({ 'cmd', 'root_markers' }) do
    if opts[k] ~= nil then
      M.config[k] = opts[k]
    end
  end
  if opts.settings ~= nil then
    M.config.settings = vim.deepcopy(opts.settings)
  end
  M.did_setup = true

  -- `*.md` is markdown already; this keeps 1:1 notes markdown even where a plugin or the
  -- user maps `.md` to another filetype.
  vim.filetype.add({
    pattern = { ['.*%.1on1%.md'] = { 'markdown', { priority = 10 } } },
  })

  M.create_commands()

  local use_lsp_config = M.config.use_lsp_config
  if use_lsp_config == nil then
    use_lsp_config = has_011
  end

  local group = vim.api.nvim_create_augroup('oneonone', { clear = true })
  if use_lsp_config and has_011 then
    local config = client_config()
    config.name = nil
    config.filetypes = { 'markdown' }
    -- Only notes: other markdown buffers get no client. The root is the nearest folder with
    -- a marker, else the note's folder (so a lone note still gets its `.1on1.json`).
    config.root_dir = function(bufnr, on_dir)
      if M.is_note(bufnr) then
        on_dir(M.root_dir(bufnr))
      end
    end
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
    M.started_with = 'vim.lsp.config / vim.lsp.enable'
  else
    M.started_with = 'vim.lsp.start from a FileType autocommand'
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = 'markdown',
      desc = 'oneonone: start oneonone-ls for *.1on1.md',
      callback = function(ev)
        M.start(ev.buf)
      end,
    })
    -- Notes already open when setup runs (lazy loading).
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'markdown' then
        M.start(bufnr)
      end
    end
  end
end

--- The oneonone-ls client attached to a buffer.
--- @param bufnr? integer
--- @return vim.lsp.Client?
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
end

local function request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_or_warn(bufnr)
  local client = M.client(bufnr)
  if not client then
    local why = M.is_note(bufnr) and 'oneonone-ls is not attached to this buffer (see :checkhealth oneonone)'
      or 'this buffer is not a 1:1 note (*.1on1.md)'
    notify(why, vim.log.levels.WARN)
  end
  return client
end

--- Runs `oneonone.startNext` on a note: the server adds the next meeting (carrying open
--- loops over) through `workspace/applyEdit`, which Neovim applies to the buffer.
--- @param opts? { bufnr?: integer, on_done?: fun(err: table?, result: any) }
function M.next(opts)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = client_or_warn(bufnr)
  if not client then
    return
  end
  local command = {
    title = 'Start next 1:1',
    command = 'oneonone.startNext',
    arguments = { vim.uri_from_bufnr(bufnr) },
  }
  local function done(err, result)
    if err then
      notify('could not start the next 1:1: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) == 'table' and result.applied == false then
      notify('the edit for the next 1:1 was not applied', vim.log.levels.WARN)
    end
    if opts.on_done then
      opts.on_done(err, result)
    end
  end
  if has_011 then
    client:exec_cmd(command, { bufnr = bufnr }, done)
  else
    request(client, 'workspace/executeCommand', {
      command = command.command,
      arguments = command.arguments,
    }, done, bufnr)
  end
end

local function present(v)
  return v ~= nil and v ~= vim.NIL
end

local function days(n)
  return n == 1 and '1 day' or (tostring(n) .. ' days')
end

local function plural(n, word)
  return ('%d %s%s'):format(n, word, n == 1 and '' or 's')
end

local function percent(share)
  return ('%d%%'):format(math.floor((tonumber(share) or 0) * 100 + 0.5))
end

--- A path relative to the root when under it, else as short as `:~:.` makes it.
local function display_path(path, root)
  if root and root ~= '' then
    local prefix = root:gsub('/+$', '') .. '/'
    if path:sub(1, #prefix) == prefix then
      return path:sub(#prefix + 1)
    end
  end
  return vim.fn.fnamemodify(path, ':~:.')
end

--- How long ago a date was; a meeting already planned after today is "in N days".
local function ago(n)
  if n < 0 then
    return 'in ' .. days(-n)
  end
  return n == 0 and 'today' or (days(n) .. ' ago')
end

local function theme_line(t, meetings)
  local s = ('%s in %d of %d meetings (%s)'):format(plural(t.items, 'item'), t.meetings, meetings, percent(t.shareOfMeetings))
  if present(t.last) and present(t.daysSinceLast) then
    return s .. (', last %s (%s)'):format(t.last, ago(t.daysSinceLast))
  end
  return s .. ', never'
end

--- Renders the server's summaries (a list of series) as lines, with the place of each
--- open loop by line number.
--- @param summaries table[]
--- @param root? string paths under it are shown relative to it
--- @return string[] lines, table<integer, {file: string, line: integer}> locations
function M.render_summary(summaries, root)
  local lines, locations = {}, {}
  local function add(s)
    lines[#lines + 1] = s
  end
  if type(summaries) ~= 'table' or #summaries == 0 then
    add('No 1:1 series found.')
    return lines, locations
  end
  for i, s in ipairs(summaries) do
    if i > 1 then
      add('')
    end
    add('# ' .. s.series)
    local files = {}
    for _, f in ipairs(s.files or {}) do
      files[#files + 1] = display_path(f, root)
    end
    add(table.concat(files, ', '))
    add('')
    local span = ''
    if present(s.firstMeeting) and present(s.lastMeeting) then
      span = (', %s to %s'):format(s.firstMeeting, s.lastMeeting)
    end
    add(('meetings     %d%s'):format(s.meetings, span))
    add('growth       ' .. theme_line(s.growth, s.meetings))
    add('alignment    ' .. theme_line(s.alignment, s.meetings))
    local f = s.feedback
    local median = present(f.medianDaysToClose) and (', median %s days to close'):format(f.medianDaysToClose) or ''
    add(('feedback     %s opened, %d closed, %d stale%s'):format(plural(f.opened, 'loop'), f.closed, f.stale, median))
    add(('status-only  %d of %d meetings'):format(s.statusOnlyMeetings, s.meetings))
    local c = s.cadence
    add(('cadence      %s, kept %d of %d gaps (%s)'):format(c.cadence, c.kept, c.gaps, percent(c.shareKept)))
    local loops = s.openLoops or {}
    add('')
    add(('## Open loops (%d)'):format(#loops))
    for _, l in ipairs(loops) do
      local quiet = l.daysSinceActivity
      local marks = { quiet < 0 and ('next up in ' .. days(-quiet)) or (days(quiet) .. ' quiet') }
      if l.feedback then
        marks[#marks + 1] = 'feedback'
      end
      if l.stale then
        marks[#marks + 1] = 'stale'
      end
      add(('- %s (%s) %s  %s:%d'):format(l.opened, table.concat(marks, ', '), l.text, display_path(l.file, root), l.line))
      locations[#lines] = { file = l.file, line = l.line }
    end
  end
  return lines, locations
end

--- Shows lines in the summary scratch buffer (reused), in a split below.
local function show_summary(lines, locations)
  local bufnr = vim.fn.bufnr('oneonone://summary')
  if bufnr == -1 then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, 'oneonone://summary')
    vim.bo[bufnr].bufhidden = 'hide'
    vim.bo[bufnr].swapfile = false
    vim.bo[bufnr].filetype = 'markdown'
    vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = bufnr, nowait = true, desc = 'Close the summary' })
    vim.keymap.set('n', '<CR>', function()
      local loc = (vim.b[bufnr].oneonone_locations or {})[tostring(vim.fn.line('.'))]
      if loc then
        vim.cmd('wincmd p')
        vim.cmd(('edit +%d %s'):format(loc.line, vim.fn.fnameescape(loc.file)))
      end
    end, { buffer = bufnr, desc = 'Go to the open loop' })
  end
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].modified = false
  local locs = {}
  for lnum, loc in pairs(locations) do
    locs[tostring(lnum)] = loc
  end
  vim.b[bufnr].oneonone_locations = locs
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    vim.cmd('botright sbuffer ' .. bufnr)
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_height(win, math.min(math.max(#lines, 5), math.floor(vim.o.lines / 2)))
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.wo[win].wrap = false
  vim.wo[win].number = false
  vim.wo[win].relativenumber = false
  return bufnr
end

--- Runs `oneonone.summary` (for the buffer's series, or every series with `all`) and
--- shows it: growth, alignment, feedback loops, status-only meetings, cadence, open loops.
--- `<CR>` on an open loop goes to it; `q` closes the window.
--- @param opts? { bufnr?: integer, all?: boolean, on_done?: fun(err: table?, bufnr: integer?) }
function M.summary(opts)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = client_or_warn(bufnr)
  if not client then
    return
  end
  local arguments = opts.all and nil or { vim.uri_from_bufnr(bufnr) }
  -- A direct request: `exec_cmd` would run the client-side handler of the code lens.
  request(client, 'workspace/executeCommand', {
    command = 'oneonone.summary',
    arguments = arguments,
  }, function(err, result)
    local shown
    if err then
      notify('summary failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      shown = show_summary(M.render_summary(result, client.root_dir))
    end
    if opts.on_done then
      opts.on_done(err, shown)
    end
  end, bufnr)
end

--- Defines `:OneOnOneNext` and `:OneOnOneSummary[!]` (also done by plugin/oneonone.lua).
function M.create_commands()
  vim.api.nvim_create_user_command('OneOnOneNext', function()
    M.next()
  end, { desc = 'oneonone: add the next 1:1 meeting to this note, open loops carried over' })
  vim.api.nvim_create_user_command('OneOnOneSummary', function(o)
    M.summary({ all = o.bang })
  end, { bang = true, desc = "oneonone: show this note's series summary (! for every series)" })
end

return M
