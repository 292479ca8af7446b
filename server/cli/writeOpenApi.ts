// Writes the staff API's OpenAPI description to a file (CI lints it with `redocly lint`):
//   node --import tsx server/cli/writeOpenApi.ts build/openapi.json
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../http/openapi/document.js';

const out = process.argv[2] ?? 'build/openapi.json';
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(openApiDocument(process.env.PUBLIC_URL ?? 'http://localhost:3000'), null, 2)}\n`);
console.log(`wrote ${out}`);
