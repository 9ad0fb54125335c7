/**
 * A spec for mesh tests: the sim provider, two tenants, prompt agents with skills, call policies.
 */

/** Spec YAML with agents `assistant`, `seller` (tenant acme), `buyer` (acme) and `rival` (tenant globex). */
export function meshTestSpec(extra = ''): string {
  return `
version: 1
providers: { sim: { kind: sim } }
models: { small: { provider: sim, type: chat } }
tenants: { default: {}, acme: {}, globex: {} }
teams:
  default: { tenant: default }
  shop: { tenant: acme }
  other: { tenant: globex }
agents:
  assistant:
    team: default
    description: A general assistant.
    prompt: { model: small, system: You are helpful. }
  seller:
    team: shop
    description: Sells kettles.
    prompt: { model: small, system: You sell kettles. }
    skills:
      - id: quote
        name: Price quote
        description: Quote prices of catalogue products
        examples: ["How much is the blue kettle?", "Give me a price for 3 kettles"]
  buyer:
    team: shop
    prompt: { model: small, system: You buy. }
  rival:
    team: other
    prompt: { model: small, system: You compete. }
    skills:
      - id: weather
        name: Weather forecast
        description: Forecast the weather for a city
        examples: ["Will it rain in Oslo tomorrow?"]
${extra}`;
}
