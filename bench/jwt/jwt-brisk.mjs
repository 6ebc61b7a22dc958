/**
 * Brisk with @brisk/jwt: GET /protected needs a valid access token (route option `auth: true`) and answers the
 * token's subject. ALG is HS256 or ES256; for ES256 the key comes in ES256_PRIVATE (PEM). Prints `token <jwt>`
 * (a token it signed itself, through its own login endpoint) and then `ready`. CACHE=0 turns off the
 * verified-token cache, to show what a token seen for the first time costs.
 */
import { Brisk } from '@brisk/core'
import { jwt } from '@brisk/jwt'
import { SECRET } from './keys.mjs'

const alg = process.env.ALG ?? 'HS256'
const keys =
  alg === 'HS256'
    ? [{ kid: 'k1', alg: 'HS256', secret: SECRET }]
    : [{ kid: 'k1', alg: 'ES256', privateKey: process.env.ES256_PRIVATE }]

const app = new Brisk({ name: 'bench-jwt', accessLog: false }).use(jwt, {
  keys,
  accessTtl: 3600,
  cacheSize: process.env.CACHE === '0' ? 0 : undefined, // 0: every request verified by jose
  authenticate: () => ({ user_id: 1 }),
})
app.get('/protected', { auth: true }, (req) => ({ sub: req.ctx.jwt.sub }))

const { url } = await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1', signals: true })
const login = await fetch(`${url}/auth`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password: 'bench' }),
})
console.log(`token ${(await login.json()).access_token}`)
console.log('ready')
