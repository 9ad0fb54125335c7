/** The built-in sim provider: named re-exports only. */
export { createSimProvider, SimProvider } from './sim-provider.js';
export type { SimModelSettings, SimProviderOptions } from './sim-provider.js';
export type { SleepFn } from './pacing.js';
export { simSucceeds, successProbability, DEFAULT_CAPABILITY } from './quality.js';
export { parseSimMarkers } from './markers.js';
export type { SimMarkers } from './markers.js';
export { embedText, DEFAULT_SIM_DIMENSIONS } from './embeddings.js';
