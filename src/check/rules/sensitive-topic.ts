/**
 * `sensitive-topic` (warning): a term of `sensitive_topics` (politics, religion…) appears, as a
 * whole word in any case, in the post text or an image's alt text. Any language: the terms are
 * the team's own list. A word in its everyday sense (a street name, "election cake", see
 * ./topic-context.ts) is not reported. A reviewer accepts the rest with
 * `<!-- copydesk-ignore sensitive-topic: why -->`.
 */
import type { Config } from '../../config/config.ts';
import { diag } from '../../diagnostic/diagnostic.ts';
import type { Rule } from './rule.ts';
import { createTermMatcher, onNetworks } from './term-matcher.ts';
import { createTopicContext } from './topic-context.ts';

export const SENSITIVE_TOPIC = 'sensitive-topic';

export function sensitiveTopicRule(config: Config): Rule {
  const entries = Object.entries(config.sensitiveTopics).flatMap(([topic, terms]) => terms.map((term) => ({ topic, term })));
  const matcher = createTermMatcher(entries, (e) => e.term);
  const context = createTopicContext(config.sensitiveContext);
  return (post) =>
    matcher.find(post).filter((hit) => !context.everyday(hit.haystack, hit.index, hit.text.length)).map((hit) =>
      diag(post.file, hit.at, 'warning', SENSITIVE_TOPIC,
        `${hit.media !== undefined ? `alt text of media ${hit.media + 1}: ` : ''}"${hit.text}"${onNetworks(hit)} touches a sensitive topic (${hit.entry.topic})`,
        `Make sure the post needs it. If it does, a reviewer accepts it with <!-- copydesk-ignore ${SENSITIVE_TOPIC}: why it is fine -->; otherwise reword. A name or an everyday phrase can be listed under \`sensitive_context\` in copydesk.config.yaml.`),
    );
}
