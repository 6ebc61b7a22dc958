/** The correctness check: each scenario a server declares, sent once with plain `fetch` and judged by its `expect`. */
import { judge } from './scenarios.mjs'

/**
 * Sends each scenario to `baseUrl` and resolves with `[{ scenario, ok, detail? }]`.
 *
 * @example
 * const results = await checkServer('http://127.0.0.1:4000', scenarios)
 */
export async function checkServer(baseUrl, scenarios) {
  const results = []
  for (const scenario of scenarios) {
    try {
      const res = await fetch(new URL(scenario.path, baseUrl), {
        method: scenario.method,
        headers: scenario.headers,
        body: scenario.body,
        signal: AbortSignal.timeout(5000),
      })
      const body = await res.text()
      const verdict = judge(scenario, res.status, body, res.headers)
      results.push(
        verdict === true
          ? { scenario: scenario.name, ok: true }
          : { scenario: scenario.name, ok: false, detail: verdict },
      )
    } catch (error) {
      results.push({
        scenario: scenario.name,
        ok: false,
        detail: `request failed: ${error?.message ?? error}`,
      })
    }
  }
  return results
}
