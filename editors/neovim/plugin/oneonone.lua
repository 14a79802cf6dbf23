-- oneonone-ls for Neovim: the commands, available before setup() (for lazy loading).
-- The server itself starts only after require('oneonone').setup().
if vim.g.loaded_oneonone then
  return
end
vim.g.loaded_oneonone = 1

if vim.fn.has('nvim-0.10') ~= 1 then
  vim.notify('oneonone: needs Neovim 0.10 or later', vim.log.levels.WARN)
  return
end

require('oneonone').create_commands()
