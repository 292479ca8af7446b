// Child process: runs one autocannon measurement and prints its summary as one JSON line on stdout.
// Runs in its own process so the load generator never shares an event loop with a server under test.
// Usage: node --import tsx test/bench/autocannonRunner.ts '<json options>'
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  connections?: number;
  pipelining?: number;
  duration?: number;
  overallRate?: number;
  paths?: string[];
};
const result = await autocannon({
  url: opts.url,
  connections: opts.connections ?? 50,
  pipelining: opts.pipelining ?? 1,
  duration: opts.duration ?? 5,
  overallRate: opts.overallRate,
  timeout: 10,
  // Mixed-path load (soak): the connections cycle through the listed paths.
  requests: opts.paths?.map((p) => ({ method: 'GET', path: p })),
});
const total = result.requests.total;
const summary = {
  reqPerSec: result.duration > 0 ? total / result.duration : result.requests.average,
  total,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  duration: result.duration,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
