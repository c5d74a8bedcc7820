import { describe, expect, it } from 'vitest';
import { problemLine } from './locate.js';

describe('problemLine', () => {
  const text = 'on:\n  push:\n    branches: [main]\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@main\n        adminUserEnabld: 1\n';

  it('prefers the line the validator gave', () => {
    expect(problemLine(text, 'anything', 3)).toBe(3);
  });

  it('finds a quoted name, then a stated line, then a path-like word, else line 1', () => {
    expect(problemLine(text, 'line 2: /properties: unknown field "adminUserEnabld"')).toBe(8);
    expect(problemLine(text, 'line 5: the final stage runs as root (USER root)')).toBe(5);
    expect(problemLine(text, 'jobs.build.steps[0]: actions/checkout@main runs whatever is on the "main" branch')).toBe(7);
    expect(problemLine(text, 'no location')).toBe(1);
  });
});
