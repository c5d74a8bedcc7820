// Builds a local stand-in for the pinned Node base image, so that generated Dockerfiles can be built
// with podman where no container registry is reachable (CI, this repo's e2e test):
//   tsx tools/stand-in-base-image.ts [22|24|26]
// It is Debian bookworm (debootstrap minbase) with the line's own Node binary (tools/node-lts), this
// machine's npm and CA bundle, and the official image's unprivileged `node` user (1000:1000).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync, cpSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultNodeLine, imageReference, nodeBaseImages, type NodeLine, type PinnedImage } from '../packages/nx/src/versions.js';
import { ensureNodeLts, nodeBinary } from './node-binaries.js';

const STAND_IN_LABEL = 'org.slipway.stand-in.node';
// The shared libraries the official image keeps for its node binary (Node >= 24's links libatomic).
const NODE_RUNTIME_PACKAGES = ['libatomic1'];
// Part of the label: a stand-in made by an older recipe is rebuilt, not reused.
const RECIPE = `debootstrap+${NODE_RUNTIME_PACKAGES.join(',')}`;
const DEBIAN_SUITE = 'bookworm';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const PODMAN_PACKAGES = ['podman', 'buildah', 'runc', 'debootstrap'];

function exec(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-4000)}`));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

async function installed(command: string): Promise<boolean> {
  return exec('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** podman, buildah, runc and debootstrap from Debian's packages, installed when missing (as root, as CI runs). */
export async function ensurePodmanTools(): Promise<void> {
  const missing = (await Promise.all(PODMAN_PACKAGES.map(async (p) => ((await installed(p)) ? undefined : p)))).filter(Boolean) as string[];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: apt-get install -y ${PODMAN_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await exec('apt-get', ['update', '-qq'], { env });
  await exec('apt-get', ['install', '-y', '-qq', ...PODMAN_PACKAGES], { env });
}

/**
 * The environment podman needs on these machines: runc (crun fails on hybrid cgroups) and nofile and
 * nproc ulimits of 20000, the most the host allows (TOOLING.md), in a containers.conf of its own.
 */
export function podmanEnvironment(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, ['[containers]', 'default_ulimits = ["nofile=20000:20000","nproc=20000:20000"]', '[engine]', 'runtime = "runc"', ''].join('\n'));
  return { ...process.env, CONTAINERS_CONF: conf };
}

/** The first Debian mirror in this machine's apt sources (one-line or deb822), else deb.debian.org. */
function debianMirror(): string {
  const candidates = ['/etc/apt/sources.list', '/etc/apt/sources.list.d/debian.sources'].filter((f) => existsSync(f));
  for (const file of candidates) {
    const text = readFileSync(file, 'utf8');
    const uri = [...text.matchAll(/^(?:deb\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(\S+)/gm)].map((m) => m[1]!).find((u) => /\/debian\/?$/.test(u));
    if (uri) return uri;
  }
  return DEFAULT_MIRROR;
}

/** Where this machine's npm lives: <prefix>/lib/node_modules/npm. */
async function npmDirectory(): Promise<string> {
  const cli = realpathSync((await exec('sh', ['-c', 'command -v npm'])).trim());
  return dirname(dirname(cli));
}

/** `tar -C dir -c . | command...`, without a shell. */
function tarInto(dir: string, command: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const sink = spawn(command[0]!, command.slice(1), { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    sink.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    tar.stdout?.pipe(sink.stdin);
    tar.on('error', reject);
    sink.on('error', reject);
    sink.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command.join(' ')} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** The tag the stand-in gets: a local name, never the registry's (podman cannot tag by digest). */
export function standInTag(image: PinnedImage): string {
  return `localhost/slipway-stand-in/${image.name}:${image.tag}`;
}

/**
 * `podman build --build-context` (docker buildx has the same flag) that swaps the Dockerfile's pinned
 * FROM for the stand-in, leaving the Dockerfile exactly as generated.
 */
export function buildContextOverride(image: PinnedImage, tag: string): string {
  return `${imageReference(image)}=container-image://${tag}`;
}

export interface StandInImage {
  readonly tag: string;
  /** Whether an existing stand-in for this Node version was reused. */
  readonly reused: boolean;
  readonly seconds: number;
}

/**
 * Builds the stand-in for the line's pinned image, running that line's Node (so an image tagged 26 runs
 * Node 26), or reuses the one in podman's storage made with this same binary.
 */
export async function ensureStandInBaseImage(line: NodeLine, workDir: string, env: NodeJS.ProcessEnv): Promise<StandInImage> {
  const started = Date.now();
  const image = nodeBaseImages[line];
  const tag = standInTag(image);
  ensureNodeLts();
  const node = nodeBinary(line);
  const version = (await exec(node, ['--version'])).trim();
  const existing = await exec('podman', ['image', 'inspect', '--format', `{{ index .Labels "${STAND_IN_LABEL}" }}`, tag], { env }).catch(() => '');
  const label = `${version} ${RECIPE}`;
  if (existing.trim() === label) return { tag, reused: true, seconds: 0 };

  const rootfs = join(workDir, 'stand-in-rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  try {
    await exec('debootstrap', ['--variant=minbase', `--include=${NODE_RUNTIME_PACKAGES.join(',')}`, DEBIAN_SUITE, rootfs, debianMirror()]);
    mkdirSync(join(rootfs, 'usr/local/lib/node_modules'), { recursive: true });
    cpSync(realpathSync(node), join(rootfs, 'usr/local/bin/node'));
    cpSync(await npmDirectory(), join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    cpSync('/etc/ssl/certs/ca-certificates.crt', join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
    await exec('chroot', [rootfs, 'sh', '-c', 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node']);
    const changes = [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      // npm in the build reaches registries through this machine's CA bundle (a proxy's, on CI).
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      `LABEL ${STAND_IN_LABEL}="${label}"`,
      'CMD ["node"]',
    ].flatMap((change) => ['--change', change]);
    await tarInto(rootfs, ['podman', 'import', ...changes, '-', tag], env);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return { tag, reused: false, seconds: Math.round((Date.now() - started) / 1000) };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const line = (process.argv[2] ?? defaultNodeLine) as NodeLine;
  const image = nodeBaseImages[line];
  if (!image) throw new Error(`no pinned Node ${line} base image; choose one of ${Object.keys(nodeBaseImages).join(', ')}`);
  await ensurePodmanTools();
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'tmp', 'stand-in');
  const result = await ensureStandInBaseImage(line, dir, podmanEnvironment(dir));
  console.log(`${result.reused ? 'reused' : `built in ${result.seconds} s`}: ${result.tag}`);
  console.log(`build with: podman build --build-context '${buildContextOverride(image, result.tag)}' ...`);
}
