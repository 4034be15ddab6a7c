/**
 * Where a credential minted during a run goes the moment it exists (a Bluesky access or refresh
 * JWT from createSession / refreshSession, a Mastodon token): into the one redactor, and, in GitHub
 * Actions, into the runner's log mask with the `add-mask` workflow command, so the runner hides it
 * from the log even if it is printed by something copydesk does not control.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#masking-a-value-in-a-log
 *
 * The writer is injected (the command's `ctx.out`): the core never touches process.stdout.
 */
import { createRedactor, secretValues, type Redactor } from './redact.ts';

/** Registers a secret value; safe to call again with the same value. */
export type SecretSink = (secret: string) => void;

/** Options for {@link createSecretSink}. */
export interface SecretSinkOptions {
  /** The run's redactor: every registered value is redacted from everything written afterwards. */
  redactor: Redactor;
  /** True inside GitHub Actions (from the command context): only then are `::add-mask::` lines written. */
  inActions: boolean;
  /** Writes raw text to standard output, unredacted (the mask line must carry the value itself). */
  write: (text: string) => void;
  /**
   * Values the runner already masks (the environment's secrets, passed from `secrets.*`): redacted,
   * but not printed again in a mask line.
   */
  alreadyMasked?: readonly string[];
}

/**
 * Escapes a workflow command's value as actions/toolkit does (`%`, CR, LF), so a value cannot end
 * the command early or start another one.
 */
function escapeCommandValue(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A sink that redacts from now on and, in Actions, masks in the log before returning. */
export function createSecretSink(opts: SecretSinkOptions): SecretSink {
  const seen = new Set<string>(opts.alreadyMasked ?? []);
  return (secret: string) => {
    if (typeof secret !== 'string' || secret.length < 4 || seen.has(secret)) return;
    seen.add(secret);
    opts.redactor.add(secret);
    if (!opts.inActions) return;
    // Each line separately as well: the runner masks line by line.
    const lines = secret.includes('\n') ? [secret, ...secret.split(/\r?\n/).filter((l) => l.trim().length >= 4)] : [secret];
    for (const l of lines) opts.write(`::add-mask::${escapeCommandValue(l)}\n`);
  };
}

/** What every command that talks to a network starts with: {@link runSecrets}. */
export interface RunSecrets {
  /** The environment's secret values (already masked by the runner). */
  envSecrets: string[];
  /** The run's one redactor: environment secrets now, minted tokens as they arrive. */
  redact: Redactor;
  /** Where a channel hands each credential it holds or mints. */
  onSecret: SecretSink;
}

/**
 * The one redactor and secret sink of a run, from the command's environment and writer. Every
 * command that builds channels (publish, retract, holding, inbox collect and send) starts here,
 * so none can forget to mask a token a channel mints.
 */
export function runSecrets(env: Readonly<Record<string, string | undefined>>, write: (text: string) => void): RunSecrets {
  const envSecrets = secretValues(env);
  const redact = createRedactor(envSecrets);
  const onSecret = createSecretSink({ redactor: redact, inActions: env.GITHUB_ACTIONS === 'true', write, alreadyMasked: envSecrets });
  return { envSecrets, redact, onSecret };
}
