import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is server/paths.ts under tsx, dist/server/paths.js compiled, and part of a chunk in
// dist/app/ bundled: its parent directory is the project root or dist/.
const parent = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The project root: views/, public/ and the migrations resolve from here, also when running compiled output. */
export const ROOT = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
