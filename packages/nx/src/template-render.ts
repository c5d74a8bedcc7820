import ejs from 'ejs';
import { templateFormats } from './template-format.js';

const HTML_ESCAPING_TAG = '<%=';

/**
 * Renders one EJS template raw, with the format helpers (template-format.ts) beside its variables.
 * `<%=` is refused: it escapes for HTML, which none of the generated formats is (`&` became `&amp;`
 * in YAML); a value is escaped by its file's format instead.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, unknown>>, filename: string, label: string): string {
  const at = text.indexOf(HTML_ESCAPING_TAG);
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    throw new Error(
      `${label}:${line}: "<%=" escapes HTML, which this file is not. Write "<%-" and escape by the file's format: ` +
        `${Object.keys(templateFormats).map((helper) => `${helper}(value)`).join(', ')}.`,
    );
  }
  const shadowed = Object.keys(templateFormats).filter((helper) => helper in vars);
  if (shadowed.length > 0) throw new Error(`${label}: template variables ${shadowed.join(', ')} hide the format helpers of the same name; rename them`);
  return ejs.render(text, { ...vars, ...templateFormats }, { filename });
}
