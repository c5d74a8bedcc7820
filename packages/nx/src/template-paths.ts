/**
 * From a template's path to the files it renders. A layer's `each` (layer.json) repeats a template for
 * every item of a list: `{"each": {"environment": "overlays"}}` renders `overlays/__environment__/kustomization.yaml.ejs`
 * once per key of the template variable `overlays` (or item, for an array), with `environment` set to it.
 */

type Variables = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /__([A-Za-z][A-Za-z0-9]*)__/g;

function placeholders(templatePath: string): string[] {
  return [...templatePath.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

function itemsOf(list: unknown): string[] | undefined {
  const items = Array.isArray(list) ? list : typeof list === 'object' && list !== null ? Object.keys(list) : undefined;
  return items?.every((item) => typeof item === 'string') ? items : undefined;
}

/**
 * The variables each copy of a template is rendered with: `vars` alone, or, when the path names a
 * variable of `each`, `vars` plus that variable for every item of its list.
 */
export function templateInstances(templatePath: string, each: Readonly<Record<string, string>>, vars: Variables, label: string): Variables[] {
  const repeated = placeholders(templatePath).filter((name) => name in each);
  if (repeated.length > 1) throw new Error(`${label}/${templatePath}: repeats over ${repeated.join(' and ')}; a template repeats over one list`);
  const [name] = repeated;
  if (name === undefined) return [vars];
  const items = itemsOf(vars[each[name]!]);
  if (items === undefined) throw new Error(`${label}/layer.json: each "${name}" names "${each[name]}", which is not a list or record template variable`);
  return items.map((item) => ({ ...vars, [name]: item }));
}

/**
 * `src/__dot__gitignore.ejs` → `src/.gitignore`: npm pack drops dotfiles like .gitignore, so templates spell them out.
 * `__name__` in a path takes the string template variable `name` (`__project__-delivery.yml` → `orders-delivery.yml`);
 * a value may hold `/`, and empty or `.` segments drop out (a project at the workspace root).
 */
export function outputPath(templatePath: string, vars: Variables): string {
  return templatePath
    .replace(/\.ejs$/, '')
    .split('/')
    .map((segment) =>
      segment.replace(/^__dot__/, '.').replace(PLACEHOLDER, (match, name: string) => {
        if (name === 'dot') return match;
        const value = vars[name];
        if (typeof value !== 'string') throw new Error(`template path "${templatePath}": "${name}" is not a string template variable`);
        return value;
      }),
    )
    .flatMap((segment) => segment.split('/'))
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}
