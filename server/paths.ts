import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: views/ and public/ resolve from here, also when running compiled output. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
