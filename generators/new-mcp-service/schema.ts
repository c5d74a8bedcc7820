import { z } from 'zod';
import { serviceNameProblems, suggestServiceName } from '../../packages/nx/src/names.js';
import { portOption } from '../../packages/nx/src/deploy-options.js';
import { deployTargetNames, type DeployTargetName } from '../../packages/nx/src/generator-table.js';

export const transports = ['both', 'http', 'stdio'] as const;

const deploy = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter(Boolean))
  .refine((list) => (list.length === 1 && list[0] === 'none' ? true : list.every((t) => (deployTargetNames as readonly string[]).includes(t))), {
    message: `must be "none" or a comma-separated list of ${deployTargetNames.join(', ')}`,
  })
  .transform((list): DeployTargetName[] => deployTargetNames.filter((t) => list.includes(t)));
export const databases = ['pglite', 'postgres', 'none'] as const;
export const presets = ['minimal', 'retail'] as const;

const TAG = /^[A-Za-z0-9][A-Za-z0-9:_./-]*$/;

const serviceName = z.string({ error: 'is required: name the service, e.g. `nx g @slipway/nx:new-mcp-service orders`' }).superRefine((name, ctx) => {
  const problems = serviceNameProblems(name);
  if (problems.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `"${name}" ${problems.join('; ')}. Try "${suggestServiceName(name)}".`,
    });
  }
});

const directory = z
  .string()
  .trim()
  .transform((dir) => dir.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''))
  .refine((dir) => !dir.startsWith('/') && !/^[A-Za-z]:/.test(dir), {
    message: 'must be relative to the workspace root, e.g. services/orders',
  })
  .refine((dir) => !dir.split('/').includes('..'), { message: 'must stay inside the workspace (no "..")' })
  .refine((dir) => /^[A-Za-z0-9._/-]*$/.test(dir), {
    message: 'may contain only letters, digits, ".", "_", "-" and "/"',
  });

const tags = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter(Boolean))
  .refine((list) => list.every((t) => TAG.test(t)), {
    message: 'each tag may contain letters, digits and ":_./-", e.g. scope:orders,team:platform',
  });

/** Raw options as Nx passes them (CLI, prompts or a parent generator). */
export const newMcpServiceSchema = z
  .object({
    name: serviceName,
    directory: directory.optional(),
    transport: z.enum(transports, { error: `must be one of ${transports.join(', ')}` }).default('both'),
    database: z.enum(databases, { error: `must be one of ${databases.join(', ')}` }).default('pglite'),
    port: portOption.optional(),
    tags: tags.optional(),
    preset: z.enum(presets, { error: `must be one of ${presets.join(', ')}` }).default('minimal'),
    deploy: deploy.optional(),
    skipInstall: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    if (options.preset === 'retail' && options.database === 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['database'],
        message: 'the retail preset keeps its data in PostgreSQL: use --database=pglite (embedded, the default) or --database=postgres',
      });
    }
    // Every deployment target refuses a stdio-only service (refuseStdioOnly); say so before anything is written.
    if (options.transport === 'stdio' && options.deploy && options.deploy.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['deploy'],
        message: `${options.deploy.join(', ')} need an HTTP endpoint, and the service would serve MCP over stdio only: use --transport=both, or --deploy=none`,
      });
    }
  });

export type NewMcpServiceSchema = z.input<typeof newMcpServiceSchema>;
export type ParsedNewMcpServiceOptions = z.output<typeof newMcpServiceSchema>;
