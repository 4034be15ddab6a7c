/**
 * The first reader for a reply: the same check every post gets (src/check/run-check.ts: the one
 * parser, length for the conversation's network, the watch-list, sensitive topics, retext-equality
 * and retext-profanities for English, the language guess), run on the reply exactly as it would be
 * published (Mastodon's mention included, since it counts toward the length).
 *
 * The check reads post files, so each text is written as a one-part post file in a throwaway
 * folder (`draft: true`, no time: the schedule rules do not apply to a reply) and checked there;
 * findings are given back with lines counted in the reply's own text.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { runCheck } from '../check/run-check.ts';
import type { FeedbackNetwork } from './conversation.ts';

/** The check's verdict on one text. */
export interface ReplyFinding {
  /** Which text (0: the reply; 1: the public note of `--off-air`). */
  text: number;
  /** 1-based line in that text. */
  line: number;
  severity: Diagnostic['severity'];
  ruleId: string;
  message: string;
  fix?: string;
}

/** What the check made of a reply. */
export interface ReplyCheck {
  /** The texts exactly as the parser publishes them (trimmed, HTML comments removed). */
  published: string[];
  findings: ReplyFinding[];
  errors: number;
  warnings: number;
}

const SKIP = new Set(['schedule', 'spacing', 'publish-at', 'expires']);

/** Checks every text of a reply for `network`; never throws for bad text (problems are findings). */
export async function checkReplyTexts(texts: string[], network: FeedbackNetwork, lang: string, config: Config, now: number): Promise<ReplyCheck> {
  const dir = await mkdtemp(join(tmpdir(), 'copydesk-reply-'));
  try {
    await mkdir(join(dir, 'posts'));
    const files = texts.map((_, i) => `posts/reply-${i}.md`);
    const head = (i: number) => `---\nid: reply-${i}\ndraft: true\nchannels: [${network}]\nlang: ${JSON.stringify(lang)}\n---\n`;
    await Promise.all(texts.map((t, i) => writeFile(join(dir, files[i]!), head(i) + t + '\n')));
    const headLines = head(0).split('\n').length - 1;
    const cfg: Config = { ...config, channels: { ...config.channels, enabled: [...new Set([...config.channels.enabled, network])] } };
    const report = await runCheck({ root: dir, config: cfg, now, files, english: { workers: 0 } });
    const findings: ReplyFinding[] = [];
    const published: string[] = [];
    report.files.forEach((f) => {
      const i = files.indexOf(f.file);
      published[i] = f.post?.parts.map((p) => p.text).join('\n\n') ?? texts[i]!.trim();
      if (f.post && f.post.parts.length > 1) findings.push({ text: i, line: f.post.parts[1]!.line - headLines, severity: 'error', ruleId: 'reply-parts', message: 'a line holding only `---` splits a post into a thread; a reply is one message', fix: 'Remove the `---` line (write it as one message).' });
      for (const d of f.findings) {
        if (SKIP.has(d.ruleId)) continue;
        findings.push({ text: i, line: Math.max(1, d.line - headLines), severity: d.severity, ruleId: d.ruleId, message: d.message, ...(d.fix ? { fix: d.fix } : {}) });
      }
    });
    return { published, findings, errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
