import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceAzureExpressions, replaceGithubExpressions, shellValidator } from './shell.js';

const fixtures = join(import.meta.dirname, '__fixtures__/shell');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('shell validator (shellcheck)', () => {
  it('passes clean scripts and pipeline steps (the generated ones are checked in the generator specs)', async () => {
    const files = new Map([
      ['scripts/ok.sh', '#!/usr/bin/env bash\nset -euo pipefail\necho "hello ${1:-world}"\n'],
      [
        '.github/workflows/ok.yml',
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ github.sha }}" > "$RUNNER_TEMP/sha"\n',
      ],
      ['azure-pipelines.yml', 'steps:\n  - script: echo "$(Build.BuildId)"\n'],
    ]);
    expect(await shellValidator.validate(files)).toEqual([]);
  });

  it('catches an unquoted expansion in a shell script', async () => {
    const problems = await shellValidator.validate(new Map([['scripts/clean.sh', read('unquoted-variable.sh')]]));
    expect(problems).toContainEqual({ file: 'scripts/clean.sh', message: expect.stringMatching(/line 5: SC2086 .*Double quote/) });
  });

  it('catches a bad `run:` block of a workflow, naming the step, with ${{ }} expressions replaced', async () => {
    const problems = await shellValidator.validate(new Map([['.github/workflows/build.yml', read('workflow-run.yml')]]));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/jobs\.build\.steps\[0\] "Clean", line 2: SC2086/)]);
  });

  it('catches a bad `script:` step of a pipeline, with $(Macro) syntax replaced', async () => {
    const problems = await shellValidator.validate(new Map([['ci.azure-pipelines.yml', read('pipeline-script.azure-pipelines.yml')]]));
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/steps\[0\] "Copy the reports", line 2: SC2086/)]);
  });

  it('replaces CI expressions with a plain word, leaving shell command substitutions alone', () => {
    expect(replaceGithubExpressions('echo "${{ github.sha }}" ${{ env.X }}')).toBe('echo "SLIPWAY_EXPRESSION" SLIPWAY_EXPRESSION');
    expect(replaceAzureExpressions('echo $(Build.BuildId) $(imageRef) $(date) $[ variables.x ]', new Set(['imageRef']))).toBe(
      'echo SLIPWAY_EXPRESSION SLIPWAY_EXPRESSION $(date) SLIPWAY_EXPRESSION',
    );
  });
});
