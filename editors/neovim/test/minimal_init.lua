-- The smallest config that loads this checkout's plugin, for the headless tests:
--   nvim --headless --clean -u editors/neovim/test/minimal_init.lua
local test_dir = vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2)))
local plugin_dir = vim.fs.dirname(test_dir)
vim.opt.runtimepath:prepend(plugin_dir)
vim.o.swapfile = false
vim.o.shada = ''
vim.o.more = false
vim.o.shortmess = vim.o.shortmess .. 'IWF'
vim.g.oneonone_test_dir = test_dir
