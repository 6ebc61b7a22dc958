/**
 * The keys both servers of the JWT benchmark use, fixed so each run verifies the same kind of token: an HS256
 * secret of 32+ bytes and a P-256 key pair (generated once per process, given to both servers by env).
 */
import { generateKeyPairSync } from 'node:crypto'

export const SECRET = 'bench-secret-of-at-least-32-bytes-long'

/** A fresh P-256 key pair as PEM strings. */
export function es256Pair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
  }
}
