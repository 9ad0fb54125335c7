/**
 * Histogram bucket boundaries advised by the OpenTelemetry GenAI semantic conventions, and one for
 * daca's own sub-millisecond overhead.
 */

/** `gen_ai.client.token.usage`: powers of 4 from 1 to 4^13 tokens. */
export const TOKEN_USAGE_BUCKETS: readonly number[] = Object.freeze([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);

/** `gen_ai.client.operation.duration`, seconds: 0.01 doubling to 81.92. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = Object.freeze([0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]);

/** `gen_ai.server.time_to_first_token`, seconds. */
export const TIME_TO_FIRST_TOKEN_BUCKETS: readonly number[] = Object.freeze([0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);

/** `daca_gateway_overhead_seconds`: 25 µs to 100 ms (the budget is 0.5 ms at p50). */
export const GATEWAY_OVERHEAD_BUCKETS: readonly number[] = Object.freeze([0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]);
