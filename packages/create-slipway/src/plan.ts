import type { Answers } from './answers.js';

/** A file of the new workspace, by its path relative to the workspace root. */
export interface PlannedFile {
  readonly path: string;
  readonly content: string;
}

/** A command run in the new workspace. */
export interface Step {
  readonly title: string;
  readonly command: 'git' | 'npm' | 'npx';
  readonly args: readonly string[];
  /** A failure is reported and the rest goes on (git may be missing; the workspace is still usable). */
  readonly optional?: boolean;
}

export interface WorkspacePlan {
  readonly files: readonly PlannedFile[];
  readonly steps: readonly Step[];
}

export interface PlanVersions {
  /** The @slipway/nx the workspace pins: create-slipway's own version (they are released together). */
  readonly slipway: string;
  readonly nx: string;
  /** The workspace's `engines.node`. */
  readonly node: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Everything the new workspace starts from, decided without touching the disk: the files that
 * make it an npm + Nx workspace able to run the preset, then the commands that install and run
 * it. The preset (`@slipway/nx:preset`) writes the standard layout itself, so that
 * `create-nx-workspace --preset=@slipway/nx` gets the same result.
 */
export function planWorkspace(answers: Answers, versions: PlanVersions): WorkspacePlan {
  const files: PlannedFile[] = [
    {
      path: 'package.json',
      content: json({
        name: answers.name,
        version: '0.0.0',
        private: true,
        workspaces: ['services/*'],
        scripts: { build: 'nx run-many -t build', test: 'nx run-many -t test' },
        devDependencies: { '@slipway/nx': versions.slipway, nx: versions.nx },
        engines: { node: versions.node },
      }),
    },
    { path: 'nx.json', content: json({ $schema: './node_modules/nx/schemas/nx-schema.json' }) },
    // The preset adds the rest of the ignores; this one has to be there before the first install.
    { path: '.gitignore', content: 'node_modules/\n' },
    ...(answers.registry ? [{ path: '.npmrc', content: `@slipway:registry=${answers.registry}\n` }] : []),
  ];

  const preset = [
    'nx',
    'g',
    '@slipway/nx:preset',
    `--name=${answers.name}`,
    ...(answers.service ? [`--service=${answers.service}`] : []),
    ...(answers.database ? [`--database=${answers.database}`] : []),
    ...(answers.layer ? [`--layer=${answers.layer}`] : []),
    '--skipInstall',
    '--no-interactive',
  ];
  const steps: Step[] = [
    { title: 'Initializing git', command: 'git', args: ['init', '-q'], optional: true },
    { title: 'Installing Nx and Slipway', command: 'npm', args: ['install'] },
    { title: 'Writing the standard layout', command: 'npx', args: ['--no', ...preset] },
    ...(answers.service ? [{ title: `Installing ${answers.service}'s dependencies`, command: 'npm' as const, args: ['install'] }] : []),
  ];
  return { files, steps };
}
