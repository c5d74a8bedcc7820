import prompts from 'prompts';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './args.js';
import { ask, Cancelled, type AskContext, type Prompt } from './questions.js';

const noTarget = async () => undefined;

function context(overrides: Partial<AskContext> = {}): AskContext {
  return { prompt: prompts, interactive: true, targetProblem: noTarget, ...overrides };
}

describe('questions', () => {
  it('--yes takes the defaults without a terminal: my-platform, no service, no team layer', async () => {
    const refuse: Prompt = async () => {
      throw new Error('must not prompt');
    };
    await expect(ask(parseFlags(['--yes']), context({ prompt: refuse, interactive: false }))).resolves.toEqual({ name: 'my-platform' });
  });

  it('--yes with flags: the flags win, and the database is left to Slipway’s default', async () => {
    const answers = await ask(parseFlags(['acme', '--yes', '--service', 'orders', '--layer', 'tools/slipway']), context({ interactive: false }));
    expect(answers).toEqual({ name: 'acme', service: 'orders', layer: 'tools/slipway' });
  });

  it('asks what the flags left open, through prompts', async () => {
    prompts.inject(['acme', 'orders', 'postgres', true, 'tools/team']);
    await expect(ask(parseFlags([]), context())).resolves.toEqual({ name: 'acme', service: 'orders', database: 'postgres', layer: 'tools/team' });
  });

  it('skips the database question without a service, and the folder question without a layer', async () => {
    prompts.inject(['acme', '', false]);
    await expect(ask(parseFlags([]), context())).resolves.toEqual({ name: 'acme' });
  });

  it('asks only the open questions', async () => {
    const asked: string[] = [];
    const record: Prompt = async (questions) => {
      asked.push(...questions.map((q) => String(q.name)));
      return { service: '', withLayer: false };
    };
    await ask(parseFlags(['acme', '--registry', 'https://npm.example.com/']), context({ prompt: record }));
    expect(asked).toEqual(['service', 'database', 'withLayer', 'layer']);
  });

  it('keeps --registry for the .npmrc', async () => {
    const answers = await ask(parseFlags(['acme', '-y', '--registry', 'https://npm.example.com/']), context());
    expect(answers.registry).toBe('https://npm.example.com/');
  });

  it('needs a terminal (or --yes) for open questions', async () => {
    await expect(ask(parseFlags(['acme']), context({ interactive: false }))).rejects.toThrow(UsageError);
    await expect(ask(parseFlags(['acme']), context({ interactive: false }))).rejects.toThrow(/pass --yes/);
  });

  it('a database without a service is a mistake', async () => {
    await expect(ask(parseFlags(['acme', '-y', '--database', 'none']), context())).rejects.toThrow(/give --service too/);
  });

  it('stops, creating nothing, when the user cancels', async () => {
    const cancel: Prompt = async (_questions, { onCancel }) => {
      onCancel();
      return {};
    };
    await expect(ask(parseFlags([]), context({ prompt: cancel }))).rejects.toThrow(Cancelled);
  });

  it('checks the name and the folder while the user types', async () => {
    let validate: ((value: string) => unknown) | undefined;
    const capture: Prompt = async (questions) => {
      validate = questions.find((q) => q.name === 'name')?.validate as (value: string) => unknown;
      return { name: 'acme', service: '', withLayer: false };
    };
    const busy = async (name: string) => (name === 'taken' ? '/work/taken already exists and is not empty' : undefined);
    await ask(parseFlags([]), context({ prompt: capture, targetProblem: busy }));
    expect(await validate!('acme')).toBe(true);
    expect(await validate!('Acme')).toMatch(/lowercase/);
    expect(await validate!('taken')).toMatch(/already exists/);
  });
});
