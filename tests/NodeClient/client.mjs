// Drives FhirAdapter's pull API with fhir-kit-client (a third-party FHIR client from npm), as a Node EHR would, and
// prints what it got as one JSON object for the C# test to check (FhirAdapter.Api.Tests/NodeClientTests.cs).
// Usage: FHIR_BASE=http://127.0.0.1:PORT/fhir FHIR_TOKEN=... node client.mjs
import { Client } from 'fhir-kit-client';

const client = new Client({ baseUrl: process.env.FHIR_BASE, bearerToken: process.env.FHIR_TOKEN });
const out = {};

const metadata = await client.capabilityStatement();
out.fhirVersion = metadata.fhirVersion;
out.types = metadata.rest[0].resource.map((r) => r.type);

// Not smartAuthMetadata(): it races .well-known/smart-configuration against the CapabilityStatement and takes whichever
// answers first, and ours has no oauth-uris extension (that extension requires an authorize endpoint): see docs/api.md.
const smart = await client.request('.well-known/smart-configuration');
out.tokenEndpoint = smart.token_endpoint;

// Search with paging: follow the next links the client finds.
const patientIds = [];
let page = await client.search({ resourceType: 'Patient', searchParams: { _count: 2 } });
out.firstPageSize = page.entry.filter((e) => e.search.mode === 'match').length;
for (let i = 0; page && i < 50; i++) {
  patientIds.push(...page.entry.filter((e) => e.search.mode === 'match').map((e) => e.resource.id));
  page = client.nextPage({ bundle: page }) ? await client.nextPage({ bundle: page }) : undefined;
}
out.patientIds = patientIds;

const patient = await client.read({ resourceType: 'Patient', id: patientIds[0] });
out.read = { id: patient.id, versionId: patient.meta.versionId, security: patient.meta.security.map((s) => s.code) };
const version = await client.vread({ resourceType: 'Patient', id: patient.id, version: patient.meta.versionId });
out.vread = { id: version.id, versionId: version.meta.versionId };

// $everything the way the client sends it by default (POST).
const everything = await client.operation({ resourceType: 'Patient', id: patient.id, name: '$everything' });
out.everything = everything.entry.filter((e) => e.search.mode === 'match').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
out.everythingNotice = everything.entry.some((e) => e.resource.resourceType === 'Provenance' && e.search.mode === 'include');

const vitals = await client.search({
  resourceType: 'Observation',
  searchParams: { patient: patient.id, category: 'vital-signs', date: 'ge2000-01-01', _count: 500 },
});
out.vitals = (vitals.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource.id);

try {
  await client.read({ resourceType: 'Patient', id: 'no-such-patient' });
  out.missing = { status: 200 };
} catch (error) {
  out.missing = { status: error.response?.status, resourceType: error.response?.data?.resourceType };
}

process.stdout.write(JSON.stringify(out) + '\n');
