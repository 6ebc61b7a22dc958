/**
 * The demo users of examples/showcase/src/users.ts (same ids, names, passwords and scopes), with the same
 * password check: scrypt with node's defaults (N=16384, r=8, p=1) and a random salt per user, hashed once
 * before serving, compared in constant time; an unknown username costs one scrypt too.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const SEED = [
  { user_id: 1, username: 'alice', password: 'wonderland', scopes: ['books:read', 'books:write'] },
  { user_id: 2, username: 'bob', password: 'builder', scopes: ['books:read'] },
]

const KEY_LENGTH = 32

const hash = (password, salt) =>
  new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key)))
  })

/**
 * The user table: `prepare()` hashes the passwords (before serving), `authenticate(username, password)`
 * resolves the user or null, `byId(id)` finds one.
 *
 * @example
 * const users = createUsers(); await users.prepare()
 * await users.authenticate('bob', 'builder') // { user_id: 2, username: 'bob', scopes: ['books:read'] }
 */
export function createUsers() {
  const plain = SEED.map(({ user_id, username, scopes }) => ({ user_id, username, scopes: [...scopes] }))
  let hashed
  const prepare = () =>
    (hashed ??= Promise.all(
      SEED.map(async ({ password, user_id }) => {
        const salt = randomBytes(16)
        return {
          user_id,
          username: SEED.find((u) => u.user_id === user_id).username,
          salt,
          hash: await hash(password, salt),
        }
      }),
    ))
  const decoy = { salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) }

  return {
    async prepare() {
      await prepare()
    },
    async authenticate(username, password) {
      const stored = await prepare()
      const user = stored.find((u) => u.username === username)
      const target = user ?? decoy
      const same = timingSafeEqual(await hash(password, target.salt), target.hash)
      return user !== undefined && same ? plain.find((u) => u.user_id === user.user_id) : null
    },
    byId(id) {
      return plain.find((u) => u.user_id === id) ?? null
    },
  }
}
