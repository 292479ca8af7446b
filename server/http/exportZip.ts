import { Readable } from 'node:stream';
import type { Response } from 'express';
import type { AppDeps } from '../deps.js';
import { csvHeader, csvLine } from '../domain/export/csv.js';
import { exportKinds, type ExportKind } from '../domain/export/exportKinds.js';
import type { Executor } from '../db/client.js';

async function* jsonArray(kind: ExportKind, db: Executor, now: Date): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const row of kind.rows(db, now)) {
    yield (first ? '\n' : ',\n') + JSON.stringify(row);
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

async function* csvFile(kind: ExportKind, db: Executor, now: Date): AsyncGenerator<string> {
  yield csvHeader(kind.columns);
  for await (const row of kind.rows(db, now)) yield csvLine(kind.columns, row);
}

/**
 * Streams the whole export as a zip: per kind a JSON array and a CSV file. yazl reads one entry's
 * stream at a time, and each stream pulls database pages only as the client drains the response,
 * so neither the zip nor a table is ever held whole in memory.
 */
export async function sendExport(deps: AppDeps, res: Response): Promise<void> {
  const { default: yazl } = await import('yazl'); // loaded on first export
  const now = deps.clock.now();
  const db = deps.database.db as unknown as Executor;
  const zip = new yazl.ZipFile();
  for (const kind of exportKinds) {
    zip.addReadStream(Readable.from(jsonArray(kind, db, now), { objectMode: false }), `${kind.name}.json`, { mtime: now });
    zip.addReadStream(Readable.from(csvFile(kind, db, now), { objectMode: false }), `${kind.name}.csv`, { mtime: now });
  }
  zip.end();
  res.type('application/zip').attachment(`beacon-export-${now.toISOString().slice(0, 10)}.zip`);
  res.setHeader('Cache-Control', 'no-store');
  // Headers are gone once bytes flow, so a failure mid-way can only cut the connection: the client
  // sees a truncated zip rather than a valid-looking partial one.
  zip.on('error', (err: Error) => {
    deps.logger.error({ err }, 'export failed');
    res.destroy(err);
  });
  zip.outputStream.on('error', (err: Error) => res.destroy(err));
  zip.outputStream.pipe(res);
}
