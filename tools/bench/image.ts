export interface ImageResult { available: false; reason: string }
export async function benchImage(_o: unknown): Promise<ImageResult> { return { available: false, reason: 'todo' }; }
