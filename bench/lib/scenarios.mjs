/**
 * The scenario registry: every `scenarios/*.mjs` file exports one scenario as its default,
 * `{ name, method, path, body?, headers?, expect(status, body, headers) }` (`label` optional, for tables).
 * A new package adds its scenario file here and the route to the servers that implement it, and the harness
 * picks both up without a change.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const DIR = fileURLToPath(new URL('../scenarios/', import.meta.url))

/** The core scenarios come first, in this order; any others follow in name order. */
const FIRST = ['text', 'json', 'param', 'echo', 'mw', 'r300']

function validate(scenario, file) {
  const problems = []
  if (typeof scenario?.name !== 'string' || scenario.name === '') problems.push('a name')
  if (typeof scenario?.method !== 'string') problems.push('a method')
  if (typeof scenario?.path !== 'string' || !scenario.path.startsWith('/'))
    problems.push('a path starting with /')
  if (typeof scenario?.expect !== 'function') problems.push('an expect(status, body, headers) function')
  if (scenario?.body !== undefined && typeof scenario.body !== 'string')
    problems.push('a string body (or none)')
  if (problems.length > 0) throw new Error(`scenarios/${file} must export as default ${problems.join(', ')}`)
}

/** Loads every scenario, in table order. */
export async function loadScenarios(dir = DIR) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  const list = []
  for (const file of files) {
    const scenario = (await import(pathToFileURL(`${dir}/${file}`).href)).default
    validate(scenario, file)
    list.push({ label: `${scenario.method} ${scenario.path}`, ...scenario })
  }
  const rank = (s) => (FIRST.includes(s.name) ? FIRST.indexOf(s.name) : FIRST.length)
  list.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
  const names = new Set()
  for (const s of list) {
    if (names.has(s.name)) throw new Error(`two scenarios are named "${s.name}"`)
    names.add(s.name)
  }
  return list
}

/**
 * Whether `--routes` token `token` selects `scenario`: its name (`json`), its path (`/json`), its label
 * (`GET /users/:id`) or the label's path (`/users/:id`).
 */
export function matchesRoute(scenario, token) {
  const labelPath = scenario.label.replace(/^[A-Z]+ /, '').replace(/ \(.*\)$/, '')
  return [scenario.name, scenario.path, scenario.label, labelPath].includes(token)
}

/**
 * Runs a scenario's `expect` on an answer: true when right; a thrown error or a falsy result is a failure,
 * whose reason is returned as a string.
 */
export function judge(scenario, status, body, headers) {
  try {
    return scenario.expect(status, body, headers)
      ? true
      : `unexpected answer: ${status} ${body.slice(0, 200)}`
  } catch (error) {
    return `${error?.message ?? error} (answer: ${status} ${body.slice(0, 200)})`
  }
}
