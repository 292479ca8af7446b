import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startBeacon, type Child } from '../support/beaconProcess.js';

/** The contract for a start-up failure: a distinct code, and one human line on stderr — no stack trace. */
async function expectFailure(child: Child, code: number, message: RegExp): Promise<void> {
  const exit = await child.exited;
  expect(exit.code, child.out).to.equal(code);
  const lines = child.stderr.trimEnd().split('\n');
  expect(lines, child.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^beacon: /);
  expect(lines[0]).to.match(message);
  expect(child.stderr).not.to.match(/\n\s+at /);
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

describe('start-up failures: a one-line message and a distinct exit code (real child processes)', function () {
  this.timeout(120_000);

  it('DATA_DIR that is a file → 74', async () => {
    const file = path.join(tmp('beacon-file-'), 'data');
    fs.writeFileSync(file, 'not a directory');
    await expectFailure(startBeacon({ DATA_DIR: file }), 74, new RegExp(`DATA_DIR ${file} is not a directory`));
    // …and a DATA_DIR below a file.
    await expectFailure(startBeacon({ DATA_DIR: path.join(file, 'sub') }), 74, /is not a directory/);
  });

  it('DATA_DIR that cannot be written → 77', async () => {
    const dir = tmp('beacon-ro-');
    fs.chmodSync(dir, 0o555);
    // root writes anywhere: Beacon runs with its capabilities dropped, so the mode binds it.
    const asUser = { withoutPrivileges: true };
    await expectFailure(startBeacon({ DATA_DIR: dir, HOME: os.tmpdir() }, asUser), 77, new RegExp(`DATA_DIR ${dir} is not writable`));
    await expectFailure(startBeacon({ DATA_DIR: path.join(dir, 'new') }, asUser), 77, /cannot be created \(EACCES\)/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('a port in use → 75, the DATA_DIR lock released', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    const dir = tmp('beacon-port-');
    try {
      await expectFailure(startBeacon({ DATA_DIR: dir, PORT: String(port) }), 75, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
      expect(fs.existsSync(path.join(dir, 'beacon.lock')), 'lock file left behind').to.equal(false);
    } finally {
      taken.close();
    }
  });

  it('an address that is not on this machine → 76', async () => {
    const dir = tmp('beacon-host-');
    await expectFailure(startBeacon({ DATA_DIR: dir, HOST: '192.0.2.1' }), 76, /Cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\)/);
    expect(fs.existsSync(path.join(dir, 'beacon.lock')), 'lock file left behind').to.equal(false);
  });

  it('a database that accepts connections and never answers → 69 within 30 s, naming it without the password', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => void sockets.push(s)); // accepts, then says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const child = startBeacon({ DATABASE_URL: `postgres://beacon:s3cret-pw@127.0.0.1:${port}/beacon_prod` });
      await expectFailure(child, 69, new RegExp(`database postgres://beacon@127\\.0\\.0\\.1:${port}/beacon_prod.*did not answer within 10000 ms`));
      expect(Date.now() - started).to.be.below(30_000);
      expect(sockets.length, 'Beacon did connect').to.be.greaterThan(0);
      expect(child.out).not.to.include('s3cret-pw');
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('a database that refuses connections → 69', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expectFailure(startBeacon({ DATABASE_URL: `postgres://beacon:pw@127.0.0.1:${port}/beacon` }), 69, /Could not reach the database postgres:\/\/beacon@127\.0\.0\.1:\d+\/beacon: .*ECONNREFUSED/);
  });
});
