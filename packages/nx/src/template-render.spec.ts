import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templatesRoot } from './package-paths.js';
import { renderTemplate } from './template-render.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

describe('renderTemplate: raw everywhere, escaped by format', () => {
  it('renders values raw: & stays &', () => {
    expect(renderTemplate('address: <%- url %>\n', { url: 'http://prom:9090/p?x=1&y=2' }, '/t.yaml.ejs', 't.yaml.ejs')).toBe(
      'address: http://prom:9090/p?x=1&y=2\n',
    );
  });

  it('gives every template the format helpers', () => {
    expect(renderTemplate('name: <%- yaml(name) %>\nvalue: <%- json(name) %>\n', { name: 'true' }, '/t.ejs', 't.ejs')).toBe('name: "true"\nvalue: "true"\n');
  });

  it('renders <%= raw too, as team layers and older releases an update re-renders may write it: never HTML escaping', () => {
    const url = 'http://prom:9090/p?x=1&y=2&z=<a>"q"';
    expect(renderTemplate('a: 1\nb: <%= url %>\nc: <%= missing ?? "" %><%= null %>\n', { url, missing: undefined }, '/t.yaml.ejs', 't.yaml.ejs')).toBe(
      `a: 1\nb: ${url}\nc: \n`,
    );
  });

  it('a literal <%%= is fine: it writes <%= into the output', () => {
    expect(renderTemplate('<%%= title %%>', {}, '/t.ejs', 't.ejs')).toBe('<%= title %>');
  });

  it('refuses template variables that would hide a format helper', () => {
    expect(() => renderTemplate('x', { yaml: 'oops' }, '/t.ejs', 't.ejs')).toThrow(/t\.ejs: template variables yaml hide the format helpers/);
  });

  it('no template Slipway ships uses <%=', () => {
    const offenders = files(templatesRoot).filter((file) => file.endsWith('.ejs') && readFileSync(file, 'utf8').includes('<%='));
    expect(offenders.map((file) => relative(templatesRoot, file))).toEqual([]);
  });
});
