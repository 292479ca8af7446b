import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is server/paths.ts under tsx and dist/server/paths.js when compiled.
const parent = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The project root: views/, public/ and the migrations resolve from here, also when running compiled output. */
export const ROOT = path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
