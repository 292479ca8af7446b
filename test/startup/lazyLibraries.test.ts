import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBeacon, type Child } from '../support/beaconProcess.js';
import { recordLoadedPackages } from '../support/loadedPackages.js';

/**
 * Libraries that only some requests or some settings need are loaded when first needed, not at
 * start-up (README, "Performance"): the embedded default's start-up does not pay for the passkey
 * library (~250 ms with its X.509 stack) or for the PostgreSQL client.
 */
describe('start-up loads only what the configuration needs (real child process)', function () {
  this.timeout(120_000);
  let child: Child | null = null;
  let dir = '';
  afterEach(async () => {
    await child?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the embedded default starts without @simplewebauthn/server and without pg', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-lazy-'));
    const record = recordLoadedPackages(dir);
    child = startBeacon({ DATA_DIR: path.join(dir, 'data'), ...record.env });
    await child.waitForOutput('Beacon listening');
    const packages = record.loaded();
    // The hook sees the process's packages: these prove it works, so the absences below mean something.
    expect(packages).to.include.members(['express', 'socket.io', '@electric-sql/pglite']);
    expect(packages).not.to.include.members(['@simplewebauthn/server']);
    expect(packages).not.to.include.members(['pg']);
  });
});
