import { z } from 'zod';
import { databases } from '../new-mcp-service/schema.js';
import { serviceNameProblems, suggestServiceName } from '../../packages/nx/src/names.js';

/** Blank answers (an empty prompt, `--service=`) mean "none". */
const blankAsNone = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const service = z.preprocess(
  blankAsNone,
  z
    .string()
    .trim()
    .superRefine((name, ctx) => {
      const problems = serviceNameProblems(name);
      if (problems.length > 0) ctx.addIssue({ code: 'custom', message: `"${name}" ${problems.join('; ')}. Try "${suggestServiceName(name)}".` });
    })
    .optional(),
);

const layer = z.preprocess(
  (value) => (typeof value === 'string' && ['', 'none', 'false'].includes(value.trim()) ? undefined : value),
  z
    .string()
    .trim()
    .transform((dir) => dir.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''))
    .refine((dir) => dir !== '' && !dir.startsWith('/') && !/^[A-Za-z]:/.test(dir), {
      message: 'must be a folder relative to the workspace root, e.g. tools/slipway',
    })
    .refine((dir) => !dir.split('/').includes('..'), { message: 'must stay inside the workspace (no "..")' })
    .refine((dir) => /^[A-Za-z0-9._/-]+$/.test(dir), { message: 'may contain only letters, digits, ".", "_", "-" and "/"' })
    .optional(),
);

/**
 * Raw options. Not strict on purpose: `create-nx-workspace --preset=@slipway/nx` passes its own
 * options too (preset, packageManager, defaultBase, ...), which this generator ignores.
 */
export const presetSchema = z
  .looseObject({
    name: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .refine((name) => !/["\\<>\n\r]/.test(name), { message: 'must be one line without quotes, backslashes, "<" or ">"' })
      .optional(),
    service,
    database: z.enum(databases, { error: `must be one of ${databases.join(', ')}` }).optional(),
    layer,
    skipInstall: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    if (options.database !== undefined && options.service === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['database'],
        message: 'is the first service’s database: give --service too, e.g. --service=orders --database=postgres',
      });
    }
  });

export type PresetSchema = z.input<typeof presetSchema>;
export type ParsedPresetOptions = z.output<typeof presetSchema>;
