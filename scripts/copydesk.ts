#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * The `copydesk` command: reads argv, the environment and the clock once, then hands them to a
 * command function. User mistakes print one line and exit 2; nothing prints a stack trace unless
 * COPYDESK_DEBUG is set.
 */
import { enableCompileCache } from 'node:module';
import { UsageError, type Command, type CommandContext } from '../src/cli/context.ts';

// Node's on-disk compile cache: the commands' modules are compiled once, not on every run
// (NODE_DISABLE_COMPILE_CACHE=1 turns it off). https://nodejs.org/api/module.html#moduleenablecompilecachecachedir
enableCompileCache?.();

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  check: { summary: 'check posts (all, or the given paths) and report findings', load: async () => (await import('../src/check/check-command.ts')).checkCommand },
  plan: { summary: 'show what goes out when, per network, and what is missed, expired or held', load: async () => (await import('../src/schedule/plan-command.ts')).planCommand },
  publish: { summary: 'publish every due post exactly once (--dry-run to only show)', load: async () => (await import('../src/publish/publish-command.ts')).publishCommand },
  freeze: { summary: 'stop all publishing now (--reason required; --term/--tag for a partial hold)', load: async () => (await import('../src/freeze/freeze-command.ts')).freezeCommand },
  thaw: { summary: 'end the freeze; posts that fell due during it stay missed', load: async () => (await import('../src/freeze/freeze-command.ts')).thawCommand },
  status: { summary: 'freeze state, last successful publisher run, open failures, token expiries', load: async () => (await import('../src/status/status-command.ts')).statusCommand },
  retract: { summary: 'take a post that went out back down on every network, exactly once (--reason required; --dry-run)', load: async () => (await import('../src/retract/retract-command.ts')).retractCommand },
  holding: { summary: 'send a pre-approved holding statement during an incident (even while frozen)', load: async () => (await import('../src/holding/holding-command.ts')).holdingCommand },
  inbox: { summary: 'the feedback inbox: `inbox` (open conversations, most urgent first), `inbox collect` (read new notifications), `inbox sync` (one issue per conversation, tone, clock), `inbox comment` (/tone, /no-reply-needed, /reopen, /reply, /approve), `inbox send` (approved replies, once)', load: async () => (await import('../src/feedback/inbox-command.ts')).inboxCommand },
  watchdog: { summary: 'open an issue when the publisher has not succeeded for over an hour, and one per token about to expire', load: async () => (await import('../src/watchdog/watchdog-command.ts')).watchdogCommand },
  reread: { summary: 'the morning re-read: one issue a day listing today\'s posts to read (sends nothing)', load: async () => (await import('../src/reread/reread-command.ts')).rereadCommand },
  timeline: { summary: 'post-incident timeline (--since, --until) as Markdown', load: async () => (await import('../src/timeline/timeline-command.ts')).timelineCommand },
  setup: { summary: 'apply or verify the GitHub repository rules (`setup github [--dry-run|--check]`)', load: async () => (await import('../src/github/setup-command.ts')).setupCommand },
  minutes: { summary: 'GitHub Actions minutes a month for this repository (private repositories are billed)', load: async () => (await import('../src/minutes/minutes-command.ts')).minutesCommand },
  'comment-preview': { summary: 'post the PR preview from a check artifact (workflow_run job)', load: async () => (await import('../src/github/comment-preview-command.ts')).commentPreviewCommand },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'copydesk: social media posts as code',
    '',
    'Usage: copydesk <command> [options]',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `copydesk <command> --help` for a command\'s options. Docs: README.md, posts/README.md.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write('copydesk 0.1.0\n');
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`copydesk: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  // Everything any command prints passes the one redactor (secrets from the environment, in every
  // encoded form, and session tokens by shape), except the workflow command that masks a value.
  const { createRedactor, secretValues } = await import('../src/publish/redact.ts');
  const redact = createRedactor(secretValues(process.env));
  const safe = (t: string) => t.split(/(?<=\n)/).map((line) => (line.startsWith('::add-mask::') ? line : redact(line))).join('');
  const ctx: CommandContext = {
    root: process.env.COPYDESK_ROOT ?? process.cwd(),
    now: process.env.COPYDESK_NOW ? new Date(process.env.COPYDESK_NOW) : new Date(),
    env: process.env,
    out: (t) => void process.stdout.write(safe(t)),
    err: (t) => void process.stderr.write(safe(t)),
  };
  if (Number.isNaN(ctx.now.getTime())) {
    process.stderr.write(`copydesk: COPYDESK_NOW "${process.env.COPYDESK_NOW}" is not a date-time (use ISO 8601, e.g. 2027-01-14T09:00:00Z)\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(args, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.err(`copydesk ${name}: ${e.message}\n`);
      return 2;
    }
    ctx.err(`copydesk ${name}: unexpected error: ${(e as Error).message}\n(set COPYDESK_DEBUG=1 for details, and please report it)\n`);
    if (process.env.COPYDESK_DEBUG) ctx.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
