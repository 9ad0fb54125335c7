import { describe, expect, it } from 'vitest';
import { otlpTraceConfigFromEnv } from './otlp-config.js';

describe('otlpTraceConfigFromEnv', () => {
  it('is null without an endpoint', () => {
    expect(otlpTraceConfigFromEnv({})).toBeNull();
  });

  it('appends /v1/traces to the base endpoint and uses the traces endpoint as is', () => {
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })!.url).toBe('http://c:4318/v1/traces');
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })!.url).toBe('http://c:4318/v1/traces');
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t/custom' })!.url).toBe('https://t/custom');
  });

  it('reads headers (traces-specific winning), service name, resource, timeouts and batch sizes', () => {
    const c = otlpTraceConfigFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b, x=1,broken',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x=2',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource,region=eu',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_SCHEDULE_DELAY: 'nope',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    })!;
    expect(c.headers).toEqual({ 'api-key': 'a b', x: '2' });
    expect(c.resource).toMatchObject({ 'service.name': 'from-resource', region: 'eu' });
    expect(c.timeoutMs).toBe(2500);
    expect(c.maxQueueSize).toBe(100);
    expect(c.scheduledDelayMs).toBe(1000);
    expect(c.warnings.join('\n')).toMatch(/broken/);
    expect(c.warnings.join('\n')).toMatch(/http\/protobuf.*http\/json/);
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SERVICE_NAME: 'svc' })!.resource['service.name']).toBe('svc');
    expect(otlpTraceConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' })!.resource['service.name']).toBe('daca');
  });
});
