/** Site paths generated in English only (publishing pages): the language switch is not offered there. */
import { PUBLISHING_LINKS } from './sidebar.ts';

const PREFIXES = [...PUBLISHING_LINKS.map((l) => l.link), '/posts/', '/calendar/', '/media/'];

export function isSingleLanguagePath(path: string): boolean {
  const p = path.endsWith('/') ? path : `${path}/`;
  return PREFIXES.some((prefix) => p.startsWith(prefix));
}
