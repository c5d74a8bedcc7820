import type { FileChange, Tree } from '@nx/devkit';

interface Pending {
  content: Buffer | null;
}

/**
 * A Tree over another Tree whose writes stay in memory: generators re-rendered for an update or a
 * drift check can run all their side effects without touching the user's workspace.
 */
export class ScratchTree implements Tree {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly under: Tree) {}

  /** The tree this one reads through to. */
  get underlying(): Tree {
    return this.under;
  }

  /** Whether anything written here could change the project graph (see projects.ts). */
  touchesProjectFiles(): boolean {
    return [...this.pending.keys()].some((path) => /(^|\/)(project|package)\.json$/.test(path));
  }

  get root(): string {
    return this.under.root;
  }

  private normalize(path: string): string {
    return path
      .replace(/\\/g, '/')
      .replace(/^\.?\//, '')
      .replace(/\/+$/, '');
  }

  read(filePath: string): Buffer | null;
  read(filePath: string, encoding: BufferEncoding): string | null;
  read(filePath: string, encoding?: BufferEncoding): Buffer | string | null {
    const path = this.normalize(filePath);
    const pending = this.pending.get(path);
    const content = pending ? pending.content : this.under.read(path);
    if (content === null) return null;
    return encoding ? content.toString(encoding) : content;
  }

  write(filePath: string, content: Buffer | string): void {
    this.pending.set(this.normalize(filePath), { content: Buffer.isBuffer(content) ? content : Buffer.from(content) });
  }

  exists(filePath: string): boolean {
    const path = this.normalize(filePath);
    const pending = this.pending.get(path);
    if (pending) return pending.content !== null;
    // A folder whose files were all deleted here is gone, as in the devkit's own trees.
    return this.under.isFile(path) || (this.under.exists(path) && !this.deletesUnder(path)) || this.children(path).length > 0;
  }

  delete(filePath: string): void {
    const path = this.normalize(filePath);
    if (this.isFile(path)) this.pending.set(path, { content: null });
    else for (const child of this.children(path)) this.delete(`${path}/${child}`);
  }

  rename(from: string, to: string): void {
    const content = this.read(from);
    if (content !== null) {
      this.write(to, content);
      this.delete(from);
    }
  }

  isFile(filePath: string): boolean {
    const path = this.normalize(filePath);
    const pending = this.pending.get(path);
    return pending ? pending.content !== null : this.under.isFile(path);
  }

  children(dirPath: string): string[] {
    const dir = this.normalize(dirPath);
    const names = new Set(this.under.exists(dir) || dir === '' ? this.under.children(dir) : []);
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const [path, { content }] of this.pending) {
      if (!path.startsWith(prefix)) continue;
      const name = path.slice(prefix.length).split('/')[0]!;
      if (content !== null) names.add(name);
      else if (path.slice(prefix.length) === name) names.delete(name);
    }
    return [...names].filter((name) => !this.deletesUnder(`${prefix}${name}`) || this.exists(`${prefix}${name}`)).sort();
  }

  /** Whether a file below this folder was deleted here. */
  private deletesUnder(dir: string): boolean {
    return [...this.pending].some(([path, { content }]) => content === null && path.startsWith(`${dir}/`));
  }

  /** The underlying tree's changes with ours on top: devkit helpers such as getProjects read them. */
  listChanges(): FileChange[] {
    const own: FileChange[] = [...this.pending].map(([path, { content }]) => ({
      path,
      type: content === null ? 'DELETE' : this.under.exists(path) ? 'UPDATE' : 'CREATE',
      content,
    }));
    return [...this.under.listChanges().filter((change) => !this.pending.has(change.path)), ...own];
  }

  changePermissions(): void {
    // Permissions don't matter for a render that is never written.
  }
}
