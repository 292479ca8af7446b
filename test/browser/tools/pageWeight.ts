// Measures what `/` transfers on a first load in real Chromium (sum of encodedDataLength of every
// response, as DevTools' "transferred") and takes desktop and 390 px phone screenshots.
//   node --import tsx test/browser/tools/pageWeight.ts [screenshot-prefix]
import { seedDemoComponents } from '../../../server/domain/components/seedDemoComponents.js';
import { Client } from '../../support/client.js';
import { staff } from '../../support/factories.js';
import { startTestServer } from '../../support/server.js';
import { closeTestDatabase, testDatabase } from '../../support/db.js';
import { launchBrowser, settle } from '../browser.js';

const prefix = process.argv[2] ?? '/tmp/beacon-status';
const s = await startTestServer({ now: '2026-12-02T14:30:00Z' });
const { db } = await testDatabase();
await seedDemoComponents(db, new Date('2026-12-01T09:00:00Z'));
const api = new Client(s.baseUrl, (await staff('regular')).token);
const comps = (await (await fetch(s.baseUrl + '/api/v2/components.json')).json()) as { components: { id: string; name: string }[] };
const apiComp = comps.components.find((c) => c.name === 'API')!;
const res = await api.post('/api/v1/incidents', {
  title: 'Slow responses from the API',
  severity: 2,
  message: 'We are investigating slow responses from the API.',
  components: [{ id: apiComp.id, status: 'degraded_performance' }],
});
if (res.status !== 201) console.error('incident', res.status, res.text);
await settle(s);

const browser = await launchBrowser();
let total = 0;
const rows: string[] = [];
for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (name === 'desktop') {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => {
      total += e.encodedDataLength;
      rows.push(`${String(e.encodedDataLength).padStart(7)}  ${urls.get(e.requestId)}`);
    });
  }
  await page.goto(s.baseUrl + '/', { waitUntil: 'networkidle' });
  await page.screenshot({ path: `${prefix}-${name}.png`, fullPage: true });
  if (name === 'desktop') {
    let presses = 0;
    while (presses < 600 && (await page.evaluate(() => document.activeElement?.id)) !== 'sub-email') {
      await page.keyboard.press('Tab');
      presses++;
    }
    console.log(`Tab presses from the top of / to the subscribe field: ${presses}`);
  }
  await context.close();
}
// Without JavaScript (server-rendered times), and the incident page.
const noJs = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
const bare = await noJs.newPage();
await bare.goto(s.baseUrl + '/');
await bare.screenshot({ path: `${prefix}-nojs-phone.png`, fullPage: true });
await bare.goto(`${s.baseUrl}/incidents/${res.body.id}`);
await bare.screenshot({ path: `${prefix}-nojs-incident.png`, fullPage: true });
await noJs.close();
console.log(rows.join('\n'));
console.log(`total transferred for / (first load): ${total} bytes = ${(total / 1024).toFixed(1)} KB`);
await browser.close();
await s.close();
await closeTestDatabase();
