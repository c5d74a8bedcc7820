import { defineResource } from '@slipway/mcp-runtime';
import { PNG_BASE64 } from './media.js';

export const conformanceResources = [
  defineResource({
    name: 'static-text',
    uri: 'test://static-text',
    title: 'Static Text Resource',
    description: 'A static text resource for testing',
    mimeType: 'text/plain',
    read: () => 'This is the content of the static text resource.',
  }),
  defineResource({
    name: 'static-binary',
    uri: 'test://static-binary',
    title: 'Static Binary Resource',
    description: 'A static binary resource (image) for testing',
    mimeType: 'image/png',
    read: () => ({ blob: PNG_BASE64 }),
  }),
  defineResource({
    name: 'template',
    uriTemplate: 'test://template/{id}/data',
    title: 'Resource Template',
    description: 'A resource template with parameter substitution',
    mimeType: 'application/json',
    // completion/complete for the {id} variable.
    complete: { id: (value) => ['1', '2', '3', '42'].filter((id) => id.startsWith(value)) },
    read: (_uri, ctx) => JSON.stringify({ id: ctx.variables['id'], templateTest: true, data: `Data for ID: ${String(ctx.variables['id'])}` }),
  }),
  defineResource({
    name: 'watched-resource',
    uri: 'test://watched-resource',
    title: 'Watched Resource',
    description: 'A resource whose updates reach subscriptions/listen streams',
    mimeType: 'text/plain',
    cacheHint: { ttlMs: 0, cacheScope: 'private' },
    read: () => `Watched resource content at ${new Date().toISOString()}`,
  }),
];
