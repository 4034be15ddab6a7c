import { describe, expect, it } from 'vitest';
import { codeownersCoverage, ownersOf, parseCodeowners } from '../../src/github/codeowners.ts';

// Examples from GitHub's "About code owners" page.
const owners = (file: string, path: string) => ownersOf(parseCodeowners(file), path);

describe('CODEOWNERS matching (GitHub rules)', () => {
  it('the last matching line wins, and a line without owners un-owns', () => {
    const file = '* @all\n*.js @js\n/src/ @src\n/src/gen/\n';
    expect(owners(file, 'README.md')).toEqual(['@all']);
    expect(owners(file, 'web/app.js')).toEqual(['@js']);
    expect(owners(file, 'src/app.js')).toEqual(['@src']);
    expect(owners(file, 'src/gen/out.ts')).toEqual([]);
  });

  it('anchoring: /build/logs/ only at the root, apps/ in any folder, docs/* only direct files', () => {
    expect(owners('/build/logs/ @o', 'build/logs/a.txt')).toEqual(['@o']);
    expect(owners('/build/logs/ @o', 'x/build/logs/a.txt')).toEqual([]);
    expect(owners('apps/ @o', 'x/y/apps/a.ts')).toEqual(['@o']);
    expect(owners('docs/* @o', 'docs/a.md')).toEqual(['@o']);
    expect(owners('docs/* @o', 'docs/deep/a.md')).toEqual([]);
    expect(owners('**/logs @o', 'a/b/logs/x')).toEqual(['@o']);
    expect(owners('package.json @o', 'site/package.json')).toEqual(['@o']);
    expect(owners('/package.json @o', 'site/package.json')).toEqual([]);
  });

  it('skips what GitHub skips: negation, ranges, comments; \\# escapes', () => {
    expect(owners('!src/ @o', 'src/a')).toEqual([]);
    expect(owners('src/[ab].ts @o', 'src/a.ts')).toEqual([]);
    expect(owners('src/ @o # the team\n', 'src/a')).toEqual(['@o']);
    expect(owners('\\#notes @o', '#notes')).toEqual(['@o']);
  });

  it('coverage names one unowned sample per area; owners GitHub reported drop out', () => {
    const file = '/src/ @team\n/scripts/*.ts @team\n';
    const c = codeownersCoverage('.github/CODEOWNERS', file);
    expect(c.owned).toContain('/src/');
    expect(c.unowned['/scripts/']).toBe('scripts/any/deeper/file.ts');
    const unknown = codeownersCoverage('.github/CODEOWNERS', file, [{ line: 1, column: 7, kind: 'Unknown owner' }]);
    expect(unknown.unowned['/src/']).toBe('src/cli/main.ts');
    expect(unknown.problems).toEqual(['line 1: Unknown owner']);
  });
});
