export function renderReport(r: unknown): string { return JSON.stringify(r, null, 2); }
