/** Tone on real sentences: English through retext-sentiment, Polish through the word list, urgent terms first. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { defaultFeedbackSettings } from '../../src/config/feedback-settings.ts';
import { conversationTone, toneOfText } from '../../src/feedback/tone.ts';
import { conversation, message } from './conversations.ts';

const settings = defaultFeedbackSettings('Europe/Warsaw');
const level = (text: string, lang = 'en') => toneOfText(text, lang, settings).level;

describe('tone', () => {
  it('reads English complaints negative and praise positive, with negation', () => {
    expect(level('The croissants were stale and the girl at the till was rude. Never again.')).toBe('negative');
    expect(level('Terrible service today, we waited 40 minutes for two coffees.')).toBe('negative');
    expect(level('The tart was not good at all.')).toBe('negative');
    expect(level('Absolutely loved the rhubarb tart, thank you!')).toBe('positive');
    expect(level('Do you open on Sunday?')).toBe('neutral');
  });

  it('reads Polish through the team word list', () => {
    expect(level('Pyszne pączki, polecam każdemu!', 'pl')).toBe('positive');
    expect(level('Kawa była zimna, a obsługa niemiła. Nie polecam.', 'pl')).toBe('negative');
    expect(level('Czy macie jutro chleb żytni?', 'pl')).toBe('neutral');
    // "nie polecam" is one listed phrase, not "polecam" (positive) read on its own.
    expect(toneOfText('Nie polecam.', 'pl', settings).because).toEqual(['nie polecam']);
  });

  it('urgent terms win over positive words, in any language and case', () => {
    const en = toneOfText('Lovely cake, thank you! But my daughter had an ALLERGIC reaction to the nuts.', 'en', settings);
    expect(en.level).toBe('urgent');
    expect(en.because).toContain('allergic');
    expect(level('Świetne pączki, ale po nich zatrucie całej rodziny!', 'pl')).toBe('urgent');
    expect(level('I want a refund.')).toBe('urgent');
    // Whole words only: "sickle" is not "sick".
    expect(level('A sickle-shaped croissant, delightful.')).toBe('positive');
  });

  it('the team edits the lists in the config: a new urgent term and a German word list', () => {
    const r = parseConfig('feedback:\n  urgent_terms: [glass]\n  tone_words:\n    de: {negative: [schrecklich], positive: [lecker]}\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(toneOfText('There was glass in my bread', 'en', r.config.feedback).level).toBe('urgent');
    expect(toneOfText('I want a refund', 'en', r.config.feedback).level).not.toBe('urgent'); // the team replaced the list
    expect(toneOfText('Sehr lecker!', 'de', r.config.feedback).level).toBe('positive');
    expect(toneOfText('Einfach schrecklich.', 'de-AT', r.config.feedback).level).toBe('negative');
  });

  it('a conversation is as bad as its worst customer message; the team\'s own replies do not count; an override is kept', () => {
    const t = Date.parse('2027-03-10T09:00:00Z');
    const c = conversation([
      message('Thank you for the lovely cake!', { at: t }),
      message('Sorry to hear that, we are so glad you liked it', { at: t + 1, fromTeam: true }),
      message('Actually the second one was stale and burnt.', { at: t + 2 }),
    ]);
    expect(conversationTone(c, settings, 'en').level).toBe('negative');
    const overridden = { ...c, tone: { level: 'neutral' as const, because: [], override: { by: 'ola', at: t, reason: 'joke among regulars' } } };
    expect(conversationTone(overridden, settings, 'en')).toEqual(overridden.tone);
  });
});
