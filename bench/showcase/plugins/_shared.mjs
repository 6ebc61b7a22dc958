/**
 * What the plugin servers of the showcase benchmark share: the books a page lists (the showcase's seed), the
 * front end's origin, and where the templates are. Each server listens on PORT and prints `ready`.
 */
import { fileURLToPath } from 'node:url'

export { ORIGIN } from '../lib/mix.mjs'

/** The showcase's three seed books. */
export const BOOKS = [
  { id: 1, title: 'Dune', author: 'Frank Herbert', year: 1965 },
  { id: 2, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { id: 3, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
]

/** The folder of the page and its layout (both servers render the same two files). */
export const TEMPLATES = fileURLToPath(new URL('./templates/', import.meta.url))
