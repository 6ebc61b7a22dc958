/**
 * Brisk with @brisk/session: `GET /session/visits` reads the session, counts, writes it back. STORE=memory
 * (MemoryStore) or STORE=redis (RedisStore on REDIS_URL). Started by session-run.mjs with PORT set.
 */
import { Brisk } from '@brisk/core'
import { MemoryStore, RedisStore, session } from '@brisk/session'
import { Redis } from 'ioredis'
import { HOST, port } from '../servers/_main.mjs'

const redis = process.env.STORE === 'redis' ? new Redis(process.env.REDIS_URL) : null
const app = new Brisk({ name: 'bench-session' }).use(session, {
  secret: 'bench secret of at least thirty-two bytes, for sure',
  store: redis ? new RedisStore({ client: redis, prefix: 'brisk:' }) : new MemoryStore(),
  cookie: { secure: false },
})
app.get('/session/visits', async (req) => {
  const visits = ((await req.ctx.session.get('visits')) ?? 0) + 1
  await req.ctx.session.set('visits', visits)
  return { visits }
})
await app.listen({ port: port(), host: HOST })
console.log('ready')
