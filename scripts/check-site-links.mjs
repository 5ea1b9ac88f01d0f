#!/usr/bin/env node
// Dangling-link check of the built documentation site: every relative `href` or `src` of every page
// must name a file of the site, and its `#fragment` an element id of that page. TypeDoc validates
// the `{@link}` tags it resolves; this also covers the Markdown links of READMEs and guides.
//
//   node scripts/check-site-links.mjs [site folder, default docs/site]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const site = resolve(repo, process.argv[2] ?? 'docs/site');
if (!existsSync(join(site, 'index.html'))) {
  console.log(`check-site-links: ${relative(repo, site)}/index.html does not exist; build the site first (pnpm run docs)`);
  process.exit(1);
}

const pages = readdirSync(site, { recursive: true }).filter((file) => file.endsWith('.html')).map((file) => join(site, file));
const idsOf = new Map();
const ids = (page) => {
  if (!idsOf.has(page)) idsOf.set(page, new Set([...readFileSync(page, 'utf8').matchAll(/\s(?:id|name)="([^"]+)"/g)].map((m) => m[1])));
  return idsOf.get(page);
};

const dangling = [];
const hierarchyGaps = [];
let checked = 0;
for (const page of pages) {
  const html = readFileSync(page, 'utf8');
  for (const [, url] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    // Other sites, e-mail and script URLs are not files of this site.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) continue;
    checked++;
    const [path, fragment] = url.split('#');
    const target = path ? resolve(dirname(page), decodeURIComponent(path)) : page;
    if (!existsSync(target)) dangling.push(`${relative(site, page)}: ${url} (no such file)`);
    else if (fragment && target.endsWith('.html') && !ids(target).has(decodeURIComponent(fragment))) {
      // TypeDoc links every type with a parent to its entry on hierarchy.html but leaves out the
      // interfaces whose parent is a type alias; the link still opens that page.
      if (relative(site, target) === 'hierarchy.html') hierarchyGaps.push(`${relative(site, page)}: ${url}`);
      else dangling.push(`${relative(site, page)}: ${url} (no element #${fragment})`);
    }
  }
}

console.log(`check-site-links: ${pages.length} pages, ${checked} relative links, ${dangling.length} dangling`);
if (hierarchyGaps.length) console.log(`  (${hierarchyGaps.length} to a type TypeDoc leaves off hierarchy.html: ${hierarchyGaps.join(', ')})`);
if (dangling.length) {
  console.log(dangling.slice(0, 50).map((line) => `- ${line}`).join('\n'));
  process.exit(1);
}
