import { DockerfileParser, From, ModifiableInstruction, type Instruction } from 'dockerfile-ast';
import { validate as validateSyntax } from 'dockerfile-utils';
import type { ArtifactValidator } from './types.js';
import { eachFile } from './each-file.js';

/**
 * Dockerfiles: `dockerfile-utils` for syntax (unknown instructions and flags, bad ports, duplicate
 * stage names), then a policy walk with `dockerfile-ast` for what it misses: every stage reference
 * exists, every external base is pinned by tag and digest (never `latest`), the final stage runs as
 * a non-root user and has a HEALTHCHECK.
 */

interface Stage {
  readonly name: string | undefined;
  /** The FROM argument with build arguments resolved. */
  readonly from: string;
  readonly fromLine: number;
  /** Index of the earlier stage it builds on, when FROM names one. */
  readonly parent: number | undefined;
  readonly instructions: Instruction[];
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;
function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** `${NAME}`, `${NAME:-x}` and `$NAME` replaced by the global ARG defaults; unknown ones are left in place. */
function resolveArgs(text: string, defaults: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, fallback?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      return defaults.get(name) ?? fallback ?? whole;
    },
  );
}

/** Repository, tag and digest of an image reference such as `ghcr.io/x/node:22@sha256:…`. */
function parseImage(reference: string): { tag: string | undefined; digest: boolean } {
  const [withoutDigest = ''] = reference.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return { tag: colon === -1 ? undefined : withoutDigest.slice(colon + 1), digest: DIGEST.test(reference) };
}

function pinningProblems(reference: string, what: string): string[] {
  if (reference.includes('$'))
    return [`${what} "${reference}" depends on a build argument with no default, so it cannot be checked as pinned; give the ARG a pinned default`];
  if (reference.toLowerCase() === 'scratch') return [];
  const { tag, digest } = parseImage(reference);
  const problems: string[] = [];
  if (tag === undefined) problems.push(`${what} "${reference}" has no tag; name a version tag (e.g. node:22-bookworm-slim) and pin its digest`);
  else if (tag === 'latest') problems.push(`${what} "${reference}" uses the "latest" tag, which moves; name a version tag and pin its digest`);
  if (!digest) problems.push(`${what} "${reference}" is not pinned by digest; append @sha256:<digest> so every build starts from the same image`);
  return problems;
}

function splitStages(text: string): { stages: Stage[]; problems: string[] } {
  const dockerfile = DockerfileParser.parse(text);
  const defaults = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    const value = property?.getValue();
    if (property && value !== null && value !== undefined) defaults.set(property.getName(), value);
  }
  const stages: Stage[] = [];
  const problems: string[] = [];
  const byName = new Map<string, number>();
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) {
      const image = resolveArgs(instruction.getImage() ?? '', defaults);
      const name = instruction.getBuildStage()?.toLowerCase() ?? undefined;
      const parent = byName.get(image.toLowerCase());
      stages.push({ name, from: image, fromLine: lineOf(instruction), parent, instructions: [] });
      if (parent === undefined) problems.push(...pinningProblems(image, `line ${lineOf(instruction)}: base image`));
      if (name !== undefined) byName.set(name, stages.length - 1);
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return { stages, problems };
}

/** `--from=x` on COPY and `from=x` in RUN --mount: an earlier stage, its index, or a pinned image. */
function referenceProblems(stages: readonly Stage[]): string[] {
  const problems: string[] = [];
  stages.forEach((stage, index) => {
    const earlier = new Set(stages.slice(0, index).flatMap((s, i) => [String(i), ...(s.name ? [s.name] : [])]));
    for (const instruction of stage.instructions) {
      if (!(instruction instanceof ModifiableInstruction)) continue;
      const references = instruction.getFlags().flatMap((flag) => {
        if (flag.getName() === 'from') return [flag.getValue() ?? ''];
        if (flag.getName() === 'mount')
          return flag
            .getOptions()
            .filter((o) => o.getName() === 'from')
            .map((o) => o.getValue() ?? '');
        return [];
      });
      for (const reference of references) {
        const flag = instruction.getKeyword() === 'RUN' ? `--mount=from=${reference}` : `--from=${reference}`;
        const where = `line ${lineOf(instruction)}: ${instruction.getKeyword()} ${flag}`;
        if (earlier.has(reference.toLowerCase())) continue;
        if (/[:/@]/.test(reference)) problems.push(...pinningProblems(reference, where + ': image'));
        else problems.push(`${where} names no earlier build stage (stages before it: ${[...earlier].filter((s) => !/^\d+$/.test(s)).join(', ') || 'none'})`);
      }
    }
  });
  return problems;
}

/** The final stage and the stages it builds on, nearest first: instructions are inherited along it. */
function finalChain(stages: readonly Stage[]): Stage[] {
  const chain: Stage[] = [];
  let current: Stage | undefined = stages[stages.length - 1];
  while (current) {
    chain.push(current);
    current = current.parent === undefined ? undefined : stages[current.parent];
  }
  return chain;
}

function lastInstruction(chain: readonly Stage[], keyword: string): Instruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.getKeyword() === keyword).pop();
    if (found) return found;
  }
  return undefined;
}

function finalStageProblems(stages: readonly Stage[]): string[] {
  const chain = finalChain(stages);
  if (chain.length === 0) return ['no FROM instruction'];
  const problems: string[] = [];
  const user = lastInstruction(chain, 'USER');
  if (!user) {
    problems.push('the final stage sets no USER, so the container runs as root; add USER <uid>:<gid> (e.g. USER 1000:1000)');
  } else {
    const name = (user.getArgumentsContent() ?? '').trim().split(':')[0] ?? '';
    if (name === 'root' || /^0+$/.test(name)) {
      problems.push(
        `line ${lineOf(user)}: the final stage runs as root (USER ${user.getArgumentsContent()}); use an unprivileged numeric user such as 1000:1000`,
      );
    } else if (name.includes('$')) {
      problems.push(`line ${lineOf(user)}: USER ${name} depends on a build argument, so it cannot be checked as non-root; use a numeric user`);
    }
  }
  const healthcheck = lastInstruction(chain, 'HEALTHCHECK');
  if (!healthcheck) {
    problems.push('the final stage has no HEALTHCHECK; add one that calls the health endpoint (e.g. with node, as the slim images have no curl)');
  } else if (/^none$/i.test((healthcheck.getArgumentsContent() ?? '').trim())) {
    problems.push(`line ${lineOf(healthcheck)}: HEALTHCHECK NONE disables the health check; call the health endpoint instead`);
  }
  return problems;
}

/** Every problem in one Dockerfile's text: syntax first, then policy. */
export function dockerfileProblems(text: string): string[] {
  const syntax = validateSyntax(text).map((d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`);
  const { stages, problems } = splitStages(text);
  return [...syntax, ...problems, ...referenceProblems(stages), ...finalStageProblems(stages)];
}

/** Dockerfile, Dockerfile.prod, api.Dockerfile; not Dockerfile.dockerignore or docs about Dockerfiles. */
function isDockerfile(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  const notADockerfile = /\.(dockerignore|containerignore|md|txt|json|ya?ml)$/;
  return (/^(Dockerfile|Containerfile)(\.[A-Za-z0-9_-]+)?$/.test(base) && !notADockerfile.test(base)) || /\.(Dockerfile|Containerfile)$/.test(base);
}

export const dockerfileValidator: ArtifactValidator = {
  name: 'dockerfile-utils + Dockerfile policy',
  appliesTo: isDockerfile,
  validate: eachFile(isDockerfile, (_file, text) => dockerfileProblems(text)),
};
