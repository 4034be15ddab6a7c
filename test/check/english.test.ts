/**
 * The English pipeline: the indexed matcher finds exactly what the published retext-equality and
 * retext-profanities plugins find (same messages, rule ids, positions, severities), messages in
 * the front-matter are dropped, and large runs split across worker threads give the same result.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { englishFindings } from '../../src/check/english/english-findings.ts';
import { runEnglish } from '../../src/check/english/english-runner.ts';
import { createEnglishProcessor, type EnglishProcessor } from '../../src/check/english/processor.ts';
import { runCheck } from '../../src/check/run-check.ts';
import { configOf, FIXTURES, NOW } from './helpers.ts';

/** Texts that exercise every kind of pattern: multi-word, apostrophes, literals, capitals, both plugins. */
const CORPUS = [
  'He is our chairman. His or her cake. Him/her. Ask the policeman and the stewardess.',
  'The word "dumb" is in quotes; dumb is not. Don\'t be a dumbass, you ass-hat! Hell\'s kitchen. The Hell.',
  'Whore\'s bread. Master and slave. A lame excuse. He\'s the best. Mankind, man-made, manpower.',
  'Our blacklist and whitelist. "Crazy" prices, crazy prices. A cripple, the blind, the deaf. Girls night out.',
  'Son of a bitch! Shit happens. Eskimo pie. Gypsies. Niggardly tips. Boobs. Guys and gals, hey guys.',
  '# A heading with his name\n\n- a list item about the fireman\n- and the firewoman\n\n> a quote: damn good\n\n`his code` and <!-- his comment -->',
  'Thread part one about the chairman.\n---\nPart two: what the hell, a crazy week.\n---\nPart three, nothing to see.',
  'Zażółć gęślą jaźń: the baker\'s wife sells bread. Cripes! Jeez. Bloody brilliant, innit.',
];

async function messages(processor: EnglishProcessor, text: string) {
  const file = new VFile(`---\nid: x\ntitle: his damn front-matter\n---\n${text}\n`);
  await processor.run(processor.parse(file), file);
  return file.messages.map((m) => ({ reason: m.reason, ruleId: m.ruleId, source: m.source, place: m.place, actual: m.actual, expected: m.expected, note: m.note, severity: (m as unknown as { profanitySeverity?: number }).profanitySeverity }));
}

describe('indexed matcher', () => {
  it('finds exactly what the stock plugins find', async () => {
    const [stock, indexed] = await Promise.all([createEnglishProcessor('stock'), createEnglishProcessor('indexed')]);
    const fixtureTexts = await Promise.all((await readdir(join(FIXTURES, 'rules', 'posts'))).map((f) => readFile(join(FIXTURES, 'rules', 'posts', f), 'utf8')));
    let total = 0;
    for (const text of [...CORPUS, ...fixtureTexts]) {
      const expected = await messages(stock, text);
      total += expected.length;
      expect(await messages(indexed, text)).toEqual(expected);
    }
    expect(total).toBeGreaterThan(50);
  });
});

describe('englishFindings', () => {
  it('drops messages in the front-matter and maps severities', async () => {
    const processor = await createEnglishProcessor();
    const source = '---\nid: his-damn-post\n---\nThe chairman said damn, then shit.\n';
    const list = await englishFindings(processor, { file: 'posts/a.md', source, bodyLine: 4 });
    expect(list.map((d) => [d.line, d.column, d.severity, d.ruleId, d.source])).toEqual([
      [4, 5, 'warning', 'chairman-chairwoman', 'retext-equality'],
      [4, 19, 'warning', 'damn', 'retext-profanities'],
      [4, 30, 'error', 'shit', 'retext-profanities'],
    ]);
    expect(list[0]!.fix).toBe('Use `chair`, `head`, `chairperson`, `coordinator` instead, or accept it with <!-- copydesk-ignore chairman-chairwoman: why it is fine here -->.');
  });
});

describe('worker threads', () => {
  it('split across two workers, each with its own processor, the findings are the same as in one thread', async () => {
    const files = await readdir(join(FIXTURES, 'rules', 'posts'));
    const items = await Promise.all(files.map(async (f) => ({ file: f, source: await readFile(join(FIXTURES, 'rules', 'posts', f), 'utf8'), bodyLine: 1 })));
    const [one, two] = await Promise.all([runEnglish(items, { workers: 0 }), runEnglish(items, { workers: 2, threshold: 0 })]);
    expect(one.mode).toBe('in-process');
    expect(two.mode).toBe('workers');
    expect(two.byFile).toEqual(one.byFile);
    expect([...one.byFile.values()].flat().length).toBeGreaterThan(5);
  });

  it('a whole check with workers reading the files while the posts are parsed reports exactly the same', async () => {
    const root = join(FIXTURES, 'rules');
    const config = await configOf(root);
    const [one, two] = await Promise.all([
      runCheck({ root, config, now: NOW, english: { workers: 0 } }),
      runCheck({ root, config, now: NOW, english: { workers: 2, threshold: 0 } }),
    ]);
    const strip = (r: typeof one) => r.files.map((f) => ({ file: f.file, findings: f.findings, accepted: f.accepted, checks: f.checks }));
    expect(strip(two)).toEqual(strip(one));
    // The Polish post got no English findings even though a worker checked its text.
    expect(two.files.find((f) => f.file === 'posts/polish.md')!.findings.map((d) => d.ruleId)).toEqual(['sensitive-topic', 'watchlist']);
  });
});

describe('binary pairs, as alex runs retext-equality', () => {
  it('"his or her" is accepted, a lone "his" is not', async () => {
    const processor = await createEnglishProcessor();
    const list = await englishFindings(processor, { file: 'posts/a.md', source: '---\nid: a\n---\nHis or her cake. His cake.\n', bodyLine: 4 });
    expect(list.map((d) => [d.column, d.ruleId])).toEqual([[18, 'her-him']]);
  });
});
