/**
 * A deterministic generator of realistic Pinpoint endpoints for the demo, tests and benchmarks:
 * every channel type, addresses that fit the channel, attributes, metrics, user attributes,
 * location and demographics, some opted out (OptOut ALL), some inactive, and a few invalid ones:
 * push endpoints whose device token was cleared after they were created (Address ""). The source
 * application keeps such an endpoint (an update may clear the address of an existing endpoint),
 * but it cannot be imported into another application, where it would be a new endpoint without
 * an Address — the sync's validation rejects it.
 *
 * The same seed and index always give the same endpoint.
 */
import type { EndpointBatchItem } from '@aws-sdk/client-pinpoint';
import type { CHANNEL_TYPES } from '../formats/endpoint';

export interface GeneratorOptions {
  seed?: number;
  /** Every n-th endpoint has its Address cleared (invalid for an import). Default 997; 0 for none. */
  invalidEvery?: number;
  /** Share of endpoints with OptOut ALL. Default 0.08. */
  optedOutShare?: number;
  /** Share of INACTIVE endpoints. Default 0.05. */
  inactiveShare?: number;
}

/** Weight of each channel type (the type makes it list every one, once). Most audiences are mostly e-mail and SMS. */
const WEIGHT_OF_CHANNEL: Record<(typeof CHANNEL_TYPES)[number], number> = {
  EMAIL: 40,
  SMS: 20,
  VOICE: 4,
  PUSH: 6,
  GCM: 8,
  APNS: 8,
  APNS_SANDBOX: 2,
  APNS_VOIP: 2,
  APNS_VOIP_SANDBOX: 1,
  ADM: 2,
  BAIDU: 1,
  CUSTOM: 4,
  IN_APP: 2,
};
const CHANNELS = Object.keys(WEIGHT_OF_CHANNEL) as (typeof CHANNEL_TYPES)[number][];
const CHANNEL_WEIGHTS = Object.values(WEIGHT_OF_CHANNEL);

const FIRST = [
  'ada',
  'alan',
  'grace',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'donald',
  'frances',
  'edsger',
  'radia',
  'john',
];
const LAST = [
  'lovelace',
  'turing',
  'hopper',
  'torvalds',
  'hamilton',
  'thompson',
  'liskov',
  'knuth',
  'allen',
  'dijkstra',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
const CITIES: [string, string, string, number, number][] = [
  ['Seattle', 'US', 'WA', 47.61, -122.33],
  ['Boston', 'US', 'MA', 42.36, -71.06],
  ['Berlin', 'DE', 'BE', 52.52, 13.4],
  ['Paris', 'FR', 'IDF', 48.86, 2.35],
  ['Tokyo', 'JP', '13', 35.68, 139.69],
  ['São Paulo', 'BR', 'SP', -23.55, -46.63],
  ['Lagos', 'NG', 'LA', 6.52, 3.38],
  ['Sydney', 'AU', 'NSW', -33.87, 151.21],
];
const LOCALES = ['en_US', 'de_DE', 'fr_FR', 'ja_JP', 'pt_BR', 'en_GB', 'en_AU'];
const TIMEZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/Berlin', 'Europe/Paris', 'Asia/Tokyo'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const INTERESTS = ['sports', 'music', 'travel', 'food', 'tech', 'fashion', 'books', 'games'];

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function weighted<T>(rand: () => number, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

function hex(rand: () => number, n: number): string {
  let s = '';
  while (s.length < n)
    s += Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
}

function phone(rand: () => number): string {
  return `+1555${String(Math.floor(rand() * 10_000_000)).padStart(7, '0')}`;
}

function address(rand: () => number, channel: string, first: string, last: string, index: number): string {
  switch (channel) {
    case 'EMAIL':
      return `${first}.${last}${index}@${pick(rand, DOMAINS)}`;
    case 'SMS':
    case 'VOICE':
      return phone(rand);
    case 'IN_APP':
      return `in-app-${index}`;
    case 'CUSTOM':
      return `https://hooks.example.com/u/${hex(rand, 16)}`;
    default:
      return hex(rand, 64); // device token
  }
}

/** The endpoint with the given index: an UpdateEndpointsBatch item with its Id. */
export function generateEndpoint(index: number, opts: GeneratorOptions = {}): EndpointBatchItem {
  const rand = prng(((opts.seed ?? 42) * 2654435761 + index * 40503) >>> 0);
  const channel = weighted(rand, CHANNELS, CHANNEL_WEIGHTS);
  const first = pick(rand, FIRST);
  const last = pick(rand, LAST);
  const [city, country, region, lat, lon] = pick(rand, CITIES);
  const invalid = isInvalidEndpoint(index, opts);
  const interests = INTERESTS.filter(() => rand() < 0.25);
  const endpoint: EndpointBatchItem = {
    Id: `ep-${String(index).padStart(8, '0')}`,
    ChannelType: invalid ? 'APNS' : channel,
    Address: invalid ? '' : address(rand, channel, first, last, index),
    EndpointStatus: rand() < (opts.inactiveShare ?? 0.05) ? 'INACTIVE' : 'ACTIVE',
    OptOut: rand() < (opts.optedOutShare ?? 0.08) ? 'ALL' : 'NONE',
    EffectiveDate: new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 300) * 86_400_000).toISOString(),
    Attributes: {
      plan: [pick(rand, PLANS)],
      signup_source: [pick(rand, ['web', 'ios', 'android', 'store', 'referral'])],
      ...(interests.length > 0 ? { interests } : {}),
    },
    Metrics: {
      sessions: Math.floor(rand() * 200),
      lifetime_value: Math.round(rand() * 50_000) / 100,
    },
    Demographic: {
      Locale: pick(rand, LOCALES),
      Timezone: pick(rand, TIMEZONES),
      ...(channel === 'EMAIL' || channel === 'SMS' || channel === 'VOICE'
        ? {}
        : { Platform: channel.startsWith('APNS') ? 'ios' : 'android', AppVersion: `3.${Math.floor(rand() * 20)}.0` }),
    },
    Location: {
      City: city,
      Country: country,
      Region: region,
      PostalCode: String(10000 + Math.floor(rand() * 89999)),
      Latitude: Math.round((lat + (rand() - 0.5) / 10) * 1e4) / 1e4,
      Longitude: Math.round((lon + (rand() - 0.5) / 10) * 1e4) / 1e4,
    },
    User: {
      UserId: `user-${String(Math.floor(index / 2)).padStart(8, '0')}`,
      UserAttributes: { first_name: [first], last_name: [last], tier: [pick(rand, ['bronze', 'silver', 'gold'])] },
    },
  };
  return endpoint;
}

/** Whether endpoint `index` is one of the invalid ones (its Address cleared). */
function isInvalidEndpoint(index: number, opts: GeneratorOptions = {}): boolean {
  const every = opts.invalidEvery ?? 997;
  return every > 0 && index % every === every - 1;
}

/**
 * The UpdateEndpointsBatch items that produce endpoint `index` in an application: one item, or for
 * an invalid endpoint two — created with a device token, then the token cleared (Address "").
 */
export function seedingItems(
  index: number,
  opts: GeneratorOptions = {},
): { create: EndpointBatchItem; update?: EndpointBatchItem } {
  const endpoint = generateEndpoint(index, opts);
  if (!isInvalidEndpoint(index, opts)) return { create: endpoint };
  const token = `${String(index).padStart(8, '0')}`.repeat(8);
  return { create: { ...endpoint, Address: token }, update: { Id: endpoint.Id, Address: '' } };
}

/** The same endpoint as an export writes it (an EndpointResponse of application `applicationId`). */
export function asExported(endpoint: EndpointBatchItem, applicationId: string, index: number): Record<string, unknown> {
  return {
    ...endpoint,
    ApplicationId: applicationId,
    CohortId: String(index % 100),
    CreationDate: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
  };
}
