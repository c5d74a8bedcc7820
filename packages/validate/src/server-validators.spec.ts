import { describe, expect, it } from 'vitest';
import { nxProjectValidator } from './nx-project.js';
import { typescriptValidator } from './typescript.js';

const tsconfig = JSON.stringify({
  compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, types: [] },
  include: ['src/**/*.ts'],
});

describe('server layer validators catch broken artifacts', () => {
  it('tsc: accepts valid code and reports a type error with its file', async () => {
    expect(
      await typescriptValidator.validate(
        new Map([
          ['tsconfig.json', tsconfig],
          ['src/ok.ts', 'export const n: number = 1;\n'],
        ]),
      ),
    ).toEqual([]);
    const problems = await typescriptValidator.validate(
      new Map([
        ['tsconfig.json', tsconfig],
        ['src/bad.ts', "export const n: number = 'one';\n"],
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/src\/bad\.ts.*TS2322/);
  });

  it('nx project.json schema: reports a wrong type and a bad target', async () => {
    const good = JSON.stringify({ name: 'orders', targets: { build: { executor: 'nx:run-script', options: { script: 'build' } } } });
    expect(await nxProjectValidator.validate(new Map([['project.json', good]]))).toEqual([]);
    const bad = JSON.stringify({ name: 'orders', tags: 'not-an-array', targets: { build: { cache: 'yes' } } });
    const problems = await nxProjectValidator.validate(new Map([['project.json', bad]]));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/\/tags must be array/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/\/targets\/build\/cache must be boolean/);
  });
});
