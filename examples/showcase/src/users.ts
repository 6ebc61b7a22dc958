/**
 * The demo users and the password check behind `POST /auth`. Passwords are kept only as scrypt hashes,
 * computed at start-up with a random salt, and compared in constant time; an unknown username costs the
 * same scrypt as a known one, so timing does not tell which usernames exist.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/** A user as the app knows it: what `/auth/me` answers and what the tokens carry. */
export type User = {
  readonly user_id: number
  readonly username: string
  readonly scopes: readonly string[]
}

type StoredUser = User & {
  readonly salt: Buffer
  readonly hash: Buffer
}

/** The demo accounts of the contract, with their passwords in clear only here, before hashing. */
const SEED = [
  { user_id: 1, username: 'alice', password: 'wonderland', scopes: ['books:read', 'books:write'] },
  { user_id: 2, username: 'bob', password: 'builder', scopes: ['books:read'] },
] as const

const KEY_LENGTH = 32

function hash(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt's defaults (N=16384, r=8, p=1): about 50 ms and 16 MiB, off the event loop (libuv's pool).
    scrypt(password, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/**
 * The user table: find users by id, check a username and password.
 *
 * @example
 * const users = createUsers()
 * await users.authenticate('alice', 'wonderland') // { user_id: 1, username: 'alice', scopes: [...] }
 */
export interface Users {
  /** Hashes the passwords if not done yet; the app calls it before it serves (`beforeStart`). */
  prepare(): Promise<void>
  /** The user whose password matches, or `null`. */
  authenticate(username: string, password: string): Promise<User | null>
  /** The user with this id, or `null`. */
  byId(id: number): User | null
}

/**
 * The user table. The passwords are hashed on first need (`prepare()`, which the app runs before serving),
 * not at construction: with workers, the primary process builds the app too but never serves it.
 *
 * @example
 * const users = createUsers()
 * users.byId(2)?.username // 'bob'
 */
export function createUsers(): Users {
  const plain: User[] = SEED.map(({ user_id, username, scopes }) => ({
    user_id,
    username,
    scopes: [...scopes],
  }))
  let hashed: Promise<StoredUser[]> | undefined
  const prepare = (): Promise<StoredUser[]> =>
    (hashed ??= Promise.all(
      SEED.map(async ({ password, user_id }) => {
        const salt = randomBytes(16)
        return { ...plain.find((u) => u.user_id === user_id)!, salt, hash: await hash(password, salt) }
      }),
    ))
  // Checked against when the username is unknown, so that case costs one scrypt too.
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
      return user !== undefined && same ? (plain.find((u) => u.user_id === user.user_id) ?? null) : null
    },
    byId(id) {
      return plain.find((u) => u.user_id === id) ?? null
    },
  }
}
