/**
 * The English pipeline, built once and reused for every file: Markdown → mdast (with the
 * front-matter as a node, so positions stay those of the file) → nlcst → retext-equality and
 * retext-profanities. remark-retext 6 runs the retext side asynchronously, so callers use
 * `processor.run`, never `runSync`. https://github.com/remarkjs/remark-retext#api
 */
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import remarkRetext from 'remark-retext';
import retextEnglish from 'retext-english';
import { unified, type Processor } from 'unified';
import { retextEqualityIndexed } from './equality-plugin.ts';
import { retextProfanitiesIndexed } from './profanities-plugin.ts';

/**
 * `indexed`: the packages' word lists with a phrase index built once (fast, same findings).
 * `stock`: the published plugins as they are (the reference the indexed matcher is tested against).
 */
export type EnglishMatcher = 'indexed' | 'stock';

export type EnglishProcessor = Processor<any, any, any, any, any>;

/**
 * retext-equality with `binary: true`, as alex runs it by default (`noBinary: false`): a pair
 * such as "his or her" is accepted, a lone "his" is not. https://github.com/get-alex/alex#configuration
 */
const EQUALITY = { binary: true };

export async function createEnglishProcessor(matcher: EnglishMatcher = 'indexed'): Promise<EnglishProcessor> {
  const retext = unified().use(retextEnglish);
  if (matcher === 'stock') {
    const [{ default: equality }, { default: profanities }] = await Promise.all([import('retext-equality'), import('retext-profanities')]);
    retext.use(equality, EQUALITY).use(profanities);
  } else {
    retext.use(retextEqualityIndexed as never, EQUALITY).use(retextProfanitiesIndexed as never);
  }
  return unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkRetext, retext as never).freeze() as EnglishProcessor;
}
