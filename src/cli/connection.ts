/**
 * The connection flags every command that talks to a running daca accepts.
 */
import type { Command } from 'commander';

/** Adds `--url`, `--admin-key` and `--data-dir` to a command. */
export function withConnection(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'daca URL (DACA_URL; default http://127.0.0.1:8700)')
    .option('--admin-key <key>', 'admin key (DACA_ADMIN_KEY; default .daca/admin-key)')
    .option('--data-dir <dir>', 'where `daca up` keeps .daca (for the admin key)');
}
