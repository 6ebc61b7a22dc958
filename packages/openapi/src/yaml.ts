/**
 * The document as YAML, for `yamlPath`. A JSON document needs only a small part of YAML: block mappings and
 * sequences, and scalars. Strings are written double-quoted with JSON's escapes, which YAML 1.2 reads the
 * same way, so no string is ever taken for a number, a boolean or a null.
 */

// Keys that need no quotes: words that YAML 1.1 readers would not take for a boolean or null.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i

/**
 * Writes a JSON value as a YAML document.
 *
 * @example
 * toYAML({ openapi: '3.1.0', paths: {} }) // 'openapi: "3.1.0"\npaths: {}\n'
 */
export function toYAML(value: unknown): string {
  return `${block(value, '')}\n`
}

function key(name: string): string {
  return PLAIN_KEY.test(name) && !RESERVED.test(name) ? name : JSON.stringify(name)
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '.nan'
  if (typeof value === 'boolean') return String(value)
  return 'null'
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0
}

/** A value at the start of a line (the document, or after `key:` on its own line). */
function block(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return `${indent}${scalar(value)}`
  if (isEmpty(value)) return `${indent}${Array.isArray(value) ? '[]' : '{}'}`
  if (Array.isArray(value))
    return value.map((item) => `${indent}-${after(item, `${indent}  `, true)}`).join('\n')
  return Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .map(([name, item]) => `${indent}${key(name)}:${after(item, `${indent}  `, false)}`)
    .join('\n')
}

/** What follows `key:` or `-`: a scalar on the same line, or a nested block. */
function after(value: unknown, indent: string, inSequence: boolean): string {
  if (value === null || typeof value !== 'object' || isEmpty(value)) {
    return ` ${value !== null && typeof value === 'object' ? (Array.isArray(value) ? '[]' : '{}') : scalar(value)}`
  }
  // A mapping inside a sequence starts on the dash's line: `- name: x`.
  if (inSequence && !Array.isArray(value)) return ` ${block(value, indent).slice(indent.length)}`
  return `\n${block(value, indent)}`
}
