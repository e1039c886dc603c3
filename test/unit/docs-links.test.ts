/** The README and docs/ link only to files (and headings) the repository has: nothing outside it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../../infra/paths';

const pages = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    slugs.add((match[1] as string).toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return slugs;
}

describe.each(pages)('%s', (page) => {
  const text = readFileSync(join(REPO_ROOT, page), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string).filter((target) => !/^(https?:|mailto:)/.test(target));

  test('links only to files inside the repository that exist, and to headings they have', () => {
    const broken: string[] = [];
    for (const link of links) {
      const [path = '', anchor] = link.split('#');
      const target = path ? resolve(dirname(join(REPO_ROOT, page)), path) : join(REPO_ROOT, page);
      if (relative(REPO_ROOT, target).startsWith('..') || !existsSync(target)) broken.push(link);
      else if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) broken.push(link);
    }
    expect(broken).toEqual([]);
  });
});

test('the README stays a front door (at most 120 lines)', () => {
  expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(120);
});

test('docs/README.md indexes every page of docs/', () => {
  const index = readFileSync(join(REPO_ROOT, 'docs/README.md'), 'utf8');
  const unlisted = pages.filter((page) => page.startsWith('docs/') && page !== 'docs/README.md' && !index.includes(`](${page.slice('docs/'.length)})`));
  expect(unlisted).toEqual([]);
});
