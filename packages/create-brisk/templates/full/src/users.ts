/**
 * A stand-in user store with one demo user (ada / lovelace), so that POST /auth works at once. Replace it
 * with your own store, and keep password hashes there (node:crypto's scrypt), never passwords.
 */

/**
 * A user as the JWT plugin sees it: `user_id` becomes the token's `sub`. A type rather than an interface:
 * the plugin takes a plain record, and TypeScript lets only a type alias stand for one.
 */
export type User = {
  readonly user_id: number
  readonly username: string
}

const DEMO: User & { readonly password: string } = { user_id: 1, username: 'ada', password: 'lovelace' }

/**
 * The user with this username and password, or null.
 *
 * @example
 * findUser('ada', 'lovelace') // { user_id: 1, username: 'ada' }
 */
export function findUser(username: string, password: string): User | null {
  return username === DEMO.username && password === DEMO.password
    ? { user_id: DEMO.user_id, username: DEMO.username }
    : null
}

/**
 * The user with this id, or null (a token for a removed user is refused).
 *
 * @example
 * userById(1) // { user_id: 1, username: 'ada' }
 */
export function userById(id: number): User | null {
  return id === DEMO.user_id ? { user_id: DEMO.user_id, username: DEMO.username } : null
}
