import { Lifecycle } from './lifecycle.js';

// Entry point. The signal handlers go in before the rest of Beacon is loaded (startup.ts imports
// the database, Express, socket.io…), so a SIGTERM at any moment of start-up ends in a clean stop.
const lifecycle = new Lifecycle();
lifecycle.install();
try {
  const { startBeacon } = await import('./startup.js');
  lifecycle.started(await startBeacon(lifecycle));
} catch (e) {
  lifecycle.exitFor(e);
}
