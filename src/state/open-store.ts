/**
 * Which state store a command uses. In GitHub Actions (or with `COPYDESK_STATE=git`) the state is
 * the branch `config.stateBranch` pushed to `origin`; everywhere else it is the folder
 * `.copydesk/state`, so a fresh clone works without any setup.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { defaultConfig } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { createDirStore } from './dir-store.ts';
import { createRedactor, secretValues } from '../publish/redact.ts';
import { createGitStore } from './git-store.ts';
import { redactingStore } from './redacting-store.ts';
import type { StateStore } from './store.ts';

export interface OpenStateOptions {
  /** Never commit, push or write (plan, status, dry runs). */
  readOnly?: boolean;
  /** The loaded configuration (read from the repository when omitted). */
  config?: Config;
  /** The run's redactor for everything written (default: one for the environment's secrets). */
  redact?: (text: string) => string;
}

/** The folder used outside Actions. */
export const LOCAL_STATE_DIR = '.copydesk/state';

/** The GitHub Actions bot identity: commits by it are recognisable in the state branch history. */
const ACTIONS_AUTHOR = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export function usesGitState(env: CommandContext['env']): boolean {
  return env.COPYDESK_STATE === 'git' || env.GITHUB_ACTIONS === 'true';
}

export async function openStateStore(ctx: CommandContext, opts: OpenStateOptions = {}): Promise<StateStore> {
  const store = await openUnredacted(ctx, opts);
  return redactingStore(store, opts.redact ?? createRedactor(secretValues(ctx.env)));
}

async function openUnredacted(ctx: CommandContext, opts: OpenStateOptions): Promise<StateStore> {
  const readOnly = opts.readOnly ?? false;
  if (!usesGitState(ctx.env)) {
    const store = createDirStore(join(ctx.root, LOCAL_STATE_DIR));
    return readOnly ? readOnlyView(store) : store;
  }
  let config = opts.config;
  if (!config) {
    const loaded = await loadConfig(ctx.root);
    config = loaded.ok ? loaded.config : defaultConfig();
  }
  const remote = (await hasRemote(ctx.root, 'origin', ctx.env)) ? 'origin' : undefined;
  return createGitStore({
    repoDir: ctx.root,
    branch: config.stateBranch,
    ...(remote ? { remote } : {}),
    readOnly,
    author: ctx.env.GITHUB_ACTIONS === 'true' ? ACTIONS_AUTHOR : { name: 'copydesk', email: 'copydesk@localhost' },
    env: ctx.env,
  });
}

function hasRemote(root: string, name: string, env: CommandContext['env']): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['remote', 'get-url', name], { cwd: root, env: env as NodeJS.ProcessEnv }, (err) => resolve(!err));
  });
}

/** The same store, with `update` refused: read-only commands can never write by mistake. */
function readOnlyView(store: StateStore): StateStore {
  return {
    description: `${store.description} (read-only)`,
    refresh: () => store.refresh(),
    read: (p) => store.read(p),
    list: (d) => store.list(d),
    update: () => Promise.reject(new Error('the state store was opened read-only; nothing was written')),
  };
}
