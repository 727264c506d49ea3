// Preloaded (`node --import`) into the README example's process, so the example runs as written:
// fal's hosts and its file CDN resolve to a public address (core's private-address checks stay
// on) and are answered by the testkit's fal emulator on loopback.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const origin = process.env.FAL_EMULATOR_ORIGIN ?? '';
const falHosts = new Set((process.env.FAL_EMULATOR_HOSTS ?? '').split(','));
const fileHost = new URL(process.env.FAL_EMULATOR_FILE_ORIGIN ?? 'https://v3.fal.media').host;
const publicAddress = '93.184.216.34';

const lookup = dns.promises.lookup;
dns.promises.lookup = (hostname, options) => {
  if (!falHosts.has(hostname) && hostname !== fileHost) return lookup(hostname, options);
  const answer = { address: publicAddress, family: 4 };
  return Promise.resolve(options?.all ? [answer] : answer);
};
// `import { lookup } from 'node:dns/promises'` in core then sees the replacement.
syncBuiltinESMExports();

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const target = falHosts.has(url.hostname)
    ? `${origin}/__host/${url.hostname}${url.pathname}${url.search}`
    : url.host === fileHost
      ? `${origin}${url.pathname}${url.search}`
      : undefined;
  if (!target) return realFetch(input, init);
  return input instanceof Request ? realFetch(new Request(target, input), init) : realFetch(target, init);
};
