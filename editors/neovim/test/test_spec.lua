-- Headless end-to-end test of the Neovim plugin against the real server. Run by run.sh:
--   ONEONONE_LS=/abs/path/oneonone-ls nvim --headless --clean \
--     -u editors/neovim/test/minimal_init.lua -c 'luafile editors/neovim/test/test_spec.lua'
-- ONEONONE_NVIM_MODE=config (vim.lsp.config/enable, the 0.11 way) or start (vim.lsp.start
-- from a FileType autocommand, the 0.10 way). Prints `ok N - ...` per check; exits 1 on
-- the first failure, 0 when all pass. Every wait is on a condition, with a timeout.

local TIMEOUT = 10000 -- ms for any one thing to happen
local mode = os.getenv('ONEONONE_NVIM_MODE') or 'config'
local server = os.getenv('ONEONONE_LS')
local passed = 0

local function out(s)
  io.stdout:write(s, '\n')
  io.stdout:flush()
end

local function fail(msg)
  error({ oneonone_failure = msg }, 0)
end

local function ok(cond, msg)
  if not cond then
    fail(msg)
  end
  passed = passed + 1
  out(('ok %d - [%s] %s'):format(passed, mode, msg))
end

local function wait_for(what, cond)
  local done = vim.wait(TIMEOUT, cond, 10)
  if not done then
    fail(('timed out after %d ms waiting for %s'):format(TIMEOUT, what))
  end
end

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
end

local function buf_text(bufnr)
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  if vim.bo[bufnr].eol then
    text = text .. '\n'
  end
  return text
end

--- The 0-based index of the first line equal to (or starting with) `s`.
local function find_line(bufnr, s, prefix)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l == s or (prefix and l:sub(1, #s) == s) then
      return i - 1
    end
  end
  fail(('no line %q in the buffer'):format(s))
end

local function show_diff(expected, actual)
  local d = vim.diff(expected, actual, { ctxlen = 2 })
  return d ~= '' and ('\n--- expected\n+++ buffer\n' .. d) or ''
end

local function completion_items(client, bufnr, row, col)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = {
      line = row,
      character = vim.lsp.util.character_offset(bufnr, row, col or #line, client.offset_encoding),
    },
    context = { triggerKind = 1 },
  }
  local res, err = client:request_sync('textDocument/completion', params, TIMEOUT, bufnr)
  if not res then
    fail('completion request failed: ' .. tostring(err))
  end
  if res.err then
    fail('completion answered an error: ' .. vim.inspect(res.err))
  end
  local result = res.result or {}
  return result.items or result
end

local function server_text(client, bufnr)
  local res = client:request_sync('oneonone/documentText', { uri = vim.uri_from_bufnr(bufnr) }, TIMEOUT, bufnr)
  return res and res.result
end

local function run()
  ok(vim.fn.has('nvim-0.11') == 1, 'Neovim is ' .. tostring(vim.version()))
  ok(server and server:sub(1, 1) == '/' and vim.fn.executable(server) == 1, 'the server is executable at ' .. tostring(server))

  -- The fixtures in a temporary folder, which `.1on1.json` makes the root (today 2026-11-25).
  local fixtures = vim.g.oneonone_test_dir .. '/fixtures'
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  dir = vim.fn.resolve(dir)
  for _, name in ipairs({ 'sam-priya.1on1.md', '.1on1.json' }) do
    write(dir .. '/' .. name, read(fixtures .. '/' .. name))
  end
  local note = dir .. '/sam-priya.1on1.md'
  local original = read(note)

  local oneonone = require('oneonone')
  oneonone.setup({
    cmd = { server },
    settings = { rules = { ['uncarried-loops'] = 'hint' } },
    use_lsp_config = mode == 'config',
  })
  ok(vim.fn.exists(':OneOnOneNext') == 2 and vim.fn.exists(':OneOnOneSummary') == 2, 'setup() defines :OneOnOneNext and :OneOnOneSummary')
  if mode == 'config' then
    ok(vim.lsp.config.oneonone ~= nil and vim.lsp.is_enabled('oneonone'), "vim.lsp.config has 'oneonone' and it is enabled")
  end

  -- A plain markdown file gets no client.
  write(dir .. '/README.md', '# Not a note\n')
  vim.cmd.edit(vim.fn.fnameescape(dir .. '/README.md'))
  local plain = vim.api.nvim_get_current_buf()

  vim.cmd.edit(vim.fn.fnameescape(note))
  local bufnr = vim.api.nvim_get_current_buf()
  ok(vim.bo[bufnr].filetype == 'markdown', 'a *.1on1.md buffer has filetype markdown')

  local client
  wait_for('the oneonone client to attach', function()
    client = oneonone.client(bufnr)
    return client ~= nil and client.initialized
  end)
  ok(client.name == 'oneonone', 'the oneonone client attached to the note')
  ok(client.offset_encoding == 'utf-8', 'positions are negotiated in utf-8 (' .. tostring(client.offset_encoding) .. ')')
  ok(vim.fn.resolve(client.root_dir or '') == dir, 'its root is the folder with .1on1.json (' .. tostring(client.root_dir) .. ')')
  ok(#vim.lsp.get_clients({ bufnr = plain, name = 'oneonone' }) == 0, 'a plain markdown buffer gets no oneonone client')

  -- Diagnostics.
  local heading = find_line(bufnr, '## 2026-11-24')
  local status
  wait_for('a status-only-agenda diagnostic', function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == 'status-only-agenda' then
        status = d
        return true
      end
    end
  end)
  ok(
    status.source == '1on1' and status.severity == vim.diagnostic.severity.WARN and status.lnum == heading,
    ('a status-only-agenda warning from source 1on1 marks line %d: %s'):format(heading + 1, status.message)
  )
  local uncarried
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'uncarried-loops' then
      uncarried = d
    end
  end
  ok(
    uncarried and uncarried.severity == vim.diagnostic.severity.HINT,
    'uncarried-loops has the severity set in settings (hint): the settings reached the server'
  )

  -- Completion after `#`, in a new agenda item.
  local shipped = find_line(bufnr, '- Shipped the new onboarding flow')
  vim.api.nvim_buf_set_lines(bufnr, shipped + 1, shipped + 1, false, { '- [ ] Talk about #' })
  local items = completion_items(client, bufnr, shipped + 1)
  local labels = {}
  for _, it in ipairs(items) do
    labels[#labels + 1] = it.label
  end
  ok(vim.list_contains(labels, '#growth'), 'completion after `#` offers #growth (' .. table.concat(labels, ', ', 1, math.min(#labels, 6)) .. ')')

  -- Completion in an empty agenda item: the open loops of the earlier meeting.
  vim.api.nvim_buf_set_lines(bufnr, shipped + 1, shipped + 2, false, { '- ' })
  items = completion_items(client, bufnr, shipped + 1)
  local rfc
  for _, it in ipairs(items) do
    if it.label == 'Draft the migration RFC' then
      rfc = it
    end
  end
  ok(rfc ~= nil, 'completion in a new agenda item offers the open loop "Draft the migration RFC"')
  ok(
    vim.startswith(rfc.detail or '', 'open 8 days · from 2026-11-17'),
    'its detail is "' .. tostring(rfc.detail) .. '"'
  )
  local new_text = rfc.textEdit and rfc.textEdit.newText or rfc.insertText
  ok(new_text == 'Draft the migration RFC [[#^migration-rfc]]', 'accepting it inserts a reference: ' .. tostring(new_text))

  vim.api.nvim_buf_set_lines(bufnr, shipped + 1, shipped + 2, false, {})
  ok(buf_text(bufnr) == original, 'the buffer is back to the fixture')
  wait_for("the server's copy to match the buffer", function()
    return server_text(client, bufnr) == original
  end)
  ok(true, "the server's copy of the document equals the buffer after the edits")

  -- Code action: Close loop on an open action item.
  local ask = find_line(bufnr, '- [ ] Ask Ana about her caching design doc')
  vim.api.nvim_win_set_cursor(0, { ask + 1, 8 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return vim.startswith(action.title, 'Close loop')
    end,
  })
  local closed_line = '- [x] Ask Ana about her caching design doc ✅ 2026-11-25'
  wait_for('the Close loop action to change the buffer', function()
    return vim.api.nvim_buf_get_lines(bufnr, ask, ask + 1, false)[1] == closed_line
  end)
  local expected = original:gsub(
    vim.pesc('- [ ] Ask Ana about her caching design doc\n'),
    (closed_line:gsub('%%', '%%%%')) .. '\n'
  )
  local actual = buf_text(bufnr)
  ok(actual == expected, 'Close loop changed exactly that item: ' .. closed_line .. show_diff(expected, actual))

  -- :OneOnOneNext, compared byte for byte with `oneonone-ls next` on a copy.
  local copy_dir = vim.fn.tempname()
  vim.fn.mkdir(copy_dir, 'p')
  write(copy_dir .. '/.1on1.json', read(dir .. '/.1on1.json'))
  write(copy_dir .. '/sam-priya.1on1.md', actual)
  local cli = vim.system({ server, 'next', copy_dir .. '/sam-priya.1on1.md', '--today', '2026-11-25' }, { text = true }):wait(TIMEOUT)
  ok(cli.code == 0, '`oneonone-ls next` on a copy succeeded: ' .. vim.trim(cli.stdout or '') .. vim.trim(cli.stderr or ''))
  local expected_next = read(copy_dir .. '/sam-priya.1on1.md')

  vim.cmd('OneOnOneNext')
  wait_for('the 2026-12-01 meeting to be inserted', function()
    return vim.list_contains(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '## 2026-12-01')
  end)
  actual = buf_text(bufnr)
  ok(actual == expected_next, ':OneOnOneNext inserted ## 2026-12-01, the same bytes as `oneonone-ls next`' .. show_diff(expected_next, actual))
  ok(
    actual:find('- [ ] Draft the migration RFC [[#^migration-rfc]]', 1, true) ~= nil
      and actual:find('Ask Ana about her caching design doc [[#^', 1, true) == nil,
    'the open loops were carried over, the closed one was not'
  )
  wait_for("the server's copy to match the buffer after the edit", function()
    return server_text(client, bufnr) == actual
  end)
  ok(true, "the server's copy of the document equals the buffer after :OneOnOneNext")

  -- :OneOnOneSummary.
  local note_win = vim.api.nvim_get_current_win()
  vim.cmd('OneOnOneSummary')
  local summary_buf
  wait_for('the summary buffer', function()
    summary_buf = vim.fn.bufnr('oneonone://summary')
    return summary_buf ~= -1 and vim.api.nvim_buf_line_count(summary_buf) > 3
  end)
  local summary = table.concat(vim.api.nvim_buf_get_lines(summary_buf, 0, -1, false), '\n')
  out('--- :OneOnOneSummary ---\n' .. summary .. '\n---')
  ok(summary:find('# Priya', 1, true) ~= nil, ':OneOnOneSummary names the series (# Priya)')
  ok(summary:find('meetings     3, 2026-11-17 to 2026-12-01', 1, true) ~= nil, 'it counts the meetings, the new one too')
  ok(
    summary:find('growth       2 items in 2 of 3 meetings (67%), last 2026-12-01 (today)', 1, true) ~= nil
      and summary:find('feedback     1 loop opened, 0 closed, 0 stale', 1, true) ~= nil,
    'it shows growth and feedback loops'
  )
  ok(
    summary:find('## Open loops (3)', 1, true) ~= nil
      and summary:find('- 2026-11-17 (0 days quiet) Draft the migration RFC  sam-priya.1on1.md:16', 1, true) ~= nil,
    'it lists the 3 open loops, each with its place'
  )
  ok(vim.fn.bufwinid(summary_buf) ~= -1 and vim.bo[summary_buf].buftype == 'nofile', 'it is shown in a scratch buffer')
  ok(#vim.lsp.get_clients({ bufnr = summary_buf }) == 0, 'no language server attaches to the summary buffer')
  vim.api.nvim_set_current_win(note_win)

  -- :checkhealth oneonone.
  vim.cmd('silent checkhealth oneonone')
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  if os.getenv('ONEONONE_TEST_VERBOSE') then
    out('--- :checkhealth oneonone ---\n' .. health .. '\n---')
  end
  ok(health:find('oneonone-ls 0.', 1, true) ~= nil and health:find('is executable', 1, true) ~= nil, ':checkhealth oneonone reports the command and its --version')
  ok(health:find('Neovim 0.11', 1, true) ~= nil, ':checkhealth oneonone reports the Neovim version')
  ok(health:find('ERROR', 1, true) == nil, ':checkhealth oneonone has no ERROR')
  vim.cmd('bwipeout!')

  -- The server shuts down when asked.
  client:stop()
  wait_for('the server to stop', function()
    return client:is_stopped()
  end)
  ok(true, 'the server stopped on shutdown/exit')

  -- A command that is not there is an ERROR with advice.
  oneonone.config.cmd = { dir .. '/no-such-oneonone-ls' }
  vim.cmd('silent checkhealth oneonone')
  health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  ok(
    health:find('ERROR', 1, true) ~= nil and health:find('no-such-oneonone-ls` is not executable', 1, true) ~= nil,
    ':checkhealth oneonone reports a missing command as an ERROR'
  )
  vim.cmd('bwipeout!')
end

local ok_run, err = xpcall(run, function(e)
  if type(e) == 'table' and e.oneonone_failure then
    return e.oneonone_failure
  end
  return debug.traceback(tostring(e), 2)
end)
if ok_run then
  out(('neovim-%s: %d passed, 0 failed'):format(mode, passed))
  vim.cmd('qall!')
else
  out(('\nFAIL [%s]: %s'):format(mode, tostring(err)))
  local log = vim.lsp.get_log_path and vim.lsp.get_log_path() or vim.lsp.log.get_filename()
  if log and vim.uv.fs_stat(log) then
    local text = read(log)
    out('--- last lines of ' .. log .. ' ---\n' .. text:sub(-3000))
  end
  out(('neovim-%s: %d passed, 1 failed'):format(mode, passed))
  vim.cmd('cquit 1')
end
