import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describe, expect, it } from 'vitest';
import migrate from './compose-version-key.js';

const EDITED = `# Our dev stack — keep the comments!
version: '3.8'   # obsolete
services:
  api:
    image: example/api:1.2.3   # pinned by the team
    environment:
      LOG_LEVEL: debug
`;

describe('migration: remove the compose version key', () => {
  it('removes only the version line, keeping comments and formatting, and is idempotent', () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.write('services/api/compose.yaml', EDITED);
    tree.write('docker-compose.prod.yml', 'version: "3"\nservices: {}\n');
    tree.write('services/api/config.yaml', 'version: 2\nother: true\n');
    expect(migrate(tree).sort()).toEqual(['docker-compose.prod.yml', 'services/api/compose.yaml']);
    expect(tree.read('services/api/compose.yaml', 'utf-8')).toBe(EDITED.replace("version: '3.8'   # obsolete\n", ''));
    expect(tree.read('docker-compose.prod.yml', 'utf-8')).toBe('services: {}\n');
    expect(tree.read('services/api/config.yaml', 'utf-8')).toBe('version: 2\nother: true\n');
    expect(migrate(tree)).toEqual([]);
  });
});
