// Sends track and identify events to ingest-service with the official Segment Node.js SDK, unmodified:
// only its documented options (writeKey, host, flushAt, maxRetries) are set.
// Env: INGEST_URL, WRITE_KEY, USER_ID, EVENT_COUNT, TIMESTAMP (ISO-8601). Prints one JSON line per HTTP
// answer and a final summary; exits 1 when any batch failed.
import { Analytics } from '@segment/analytics-node';

const { INGEST_URL, WRITE_KEY, USER_ID, TIMESTAMP } = process.env;
const count = Number(process.env.EVENT_COUNT ?? '5');
if (!INGEST_URL || !WRITE_KEY || !USER_ID || !TIMESTAMP) {
  console.error('INGEST_URL, WRITE_KEY, USER_ID and TIMESTAMP are required');
  process.exit(2);
}

const analytics = new Analytics({ writeKey: WRITE_KEY, host: INGEST_URL, flushAt: 3, maxRetries: 2 });
const statuses = [];
const errors = [];
analytics.on('http_response', (response) => {
  statuses.push(response.status);
  console.log(JSON.stringify({ http: response.status, url: response.url }));
});
analytics.on('error', (error) => {
  errors.push(String(error?.reason ?? error?.message ?? error));
});

const timestamp = new Date(TIMESTAMP);
analytics.identify({
  userId: USER_ID,
  traits: { name: 'SDK Player', country: 'FR', platform: 'node' },
  timestamp,
});
for (let i = 0; i < count; i++) {
  analytics.track({
    userId: USER_ID,
    event: 'Clue Found',
    properties: { session_id: `s-${USER_ID}`, hunt_id: 'h-sdk', clue_id: `c-${i}`, clue_index: i, hint_used: i % 2 === 0 },
    timestamp,
  });
}
await analytics.closeAndFlush({ timeout: 30000 });

const failed = errors.length > 0 || statuses.length === 0 || statuses.some((s) => s < 200 || s >= 300);
console.log(JSON.stringify({ done: true, sent: count + 1, statuses, errors }));
process.exit(failed ? 1 : 0);
