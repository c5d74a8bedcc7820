import { describe, expect, it } from 'vitest';
import { outputPath, templateInstances } from './template-paths.js';

const each = { environment: 'overlays' };

describe('templateInstances: one template, repeated over a list', () => {
  it('repeats a template whose path names an `each` variable, once per key of a record, in its order', () => {
    const vars = { overlays: { dev: {}, staging: {}, prod: {} }, name: 'orders' };
    const instances = templateInstances('overlays/__environment__/kustomization.yaml.ejs', each, vars, 'templates/k8s');
    expect(instances.map((v) => v['environment'])).toEqual(['dev', 'staging', 'prod']);
    expect(instances.map((v) => outputPath('overlays/__environment__/kustomization.yaml.ejs', v))).toEqual([
      'overlays/dev/kustomization.yaml',
      'overlays/staging/kustomization.yaml',
      'overlays/prod/kustomization.yaml',
    ]);
    expect(instances[0]!['name']).toBe('orders');
  });

  it('repeats over an array too, inside a file name', () => {
    const instances = templateInstances('main.parameters.__environment__.json.ejs', each, { overlays: ['qa', 'prod'] }, 'l');
    expect(instances.map((v) => outputPath('main.parameters.__environment__.json.ejs', v))).toEqual(['main.parameters.qa.json', 'main.parameters.prod.json']);
  });

  it('renders other templates once, with the variables as they are', () => {
    const vars = { overlays: ['dev'] };
    expect(templateInstances('base/service.yaml.ejs', each, vars, 'l')).toEqual([vars]);
  });

  it('names the manifest entry when the list is missing', () => {
    expect(() => templateInstances('overlays/__environment__/k.yaml.ejs', each, {}, 'templates/k8s')).toThrow(
      'templates/k8s/layer.json: each "environment" names "overlays", which is not a list or record template variable',
    );
  });
});

describe('outputPath', () => {
  it('spells out dotfiles and substitutes string variables, dropping empty segments', () => {
    expect(outputPath('src/__dot__gitignore.ejs', {})).toBe('src/.gitignore');
    expect(outputPath('__projectRoot__/scripts/x.sh.ejs', { projectRoot: '.' })).toBe('scripts/x.sh');
    expect(outputPath('__dot__github/workflows/__project__-delivery.yml.ejs', { project: 'orders' })).toBe('.github/workflows/orders-delivery.yml');
  });

  it('refuses a path variable that is not a string', () => {
    expect(() => outputPath('__environment__/x.ejs', { environment: 1 })).toThrow(
      'template path "__environment__/x.ejs": "environment" is not a string template variable',
    );
  });
});
