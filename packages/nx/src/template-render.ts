import ejs from 'ejs';
import { templateFormats } from './template-format.js';

/** `<%=` writes the value as `<%-` does: ejs's default HTML escaping (`&` → `&amp;`) is wrong in every format we render. */
// eslint-disable-next-line @typescript-eslint/no-base-to-string -- EJS semantics: a value renders as String(value), as `<%-` does.
const raw = (value: unknown): string => (value == null ? '' : String(value));

/**
 * Renders one EJS template raw, with the format helpers (template-format.ts) beside its variables: a
 * value is escaped by its file's format (`yaml(value)`, `json(value)`, ...), never for HTML. Slipway's
 * own templates write `<%-` (a spec holds them to it); `<%=` in a team layer, or in an older release
 * an update re-renders, renders the same way instead of failing.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, unknown>>, filename: string, label: string): string {
  const shadowed = Object.keys(templateFormats).filter((helper) => helper in vars);
  if (shadowed.length > 0) throw new Error(`${label}: template variables ${shadowed.join(', ')} hide the format helpers of the same name; rename them`);
  return ejs.render(text, { ...vars, ...templateFormats }, { filename, escape: raw });
}
