// @mt/telemetry alone: one registry per process, shared families, and a
// logger that censors secrets.
//   npm install @mt/telemetry
import assert from 'node:assert/strict';
import { counterIn, createLogger, createMetricsRegistry, metricsText } from '@mt/telemetry';

const registry = createMetricsRegistry({ service: 'smoke', version: '0.0.0' });
const requests = counterIn(registry, {
  name: 'smoke_requests_total',
  help: 'Requests.',
  labelNames: ['status'],
});
requests.inc({ status: 'ok' });
const text = await metricsText([registry]);
assert.match(text, /mt_build_info\{service="smoke"/);
assert.match(text, /smoke_requests_total\{status="ok"\} 1/);
const logger = createLogger({ name: 'smoke', level: 'silent' });
logger.info({ secretKey: 'x' }, 'never printed');
console.log(
  `${text.split('\n').filter((line) => line.startsWith('# TYPE')).length} metric families`,
);
