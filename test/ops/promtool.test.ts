import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { Client } from '../support/client.js';
import { startTestServer } from '../support/server.js';

// Needs promtool (CI extracts it from Debian's prometheus package): run by `npm run test:ops`, not `npm test`.
describe('/metrics', () => {
  it('passes `promtool check metrics` (no *_total gauges)', async function () {
    const s = await startTestServer();
    try {
      const res = await new Client(s.baseUrl).get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.text).to.include('# TYPE beacon_nodejs_active_handles gauge'); // the per-type gauges stay
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: res.text, encoding: 'utf8' });
      if (lint.error) throw new Error(`promtool is needed for this test (Debian: apt-get install prometheus, or extract promtool from its .deb as .ci/run does): ${lint.error.message}`);
      expect(lint.stdout + lint.stderr, 'promtool findings').to.equal('');
      expect(lint.status).to.equal(0);
    } finally {
      await s.close();
    }
  });
});
