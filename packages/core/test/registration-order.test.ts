import { describe, expect, it } from 'vitest'
import { Blueprint, Brisk, definePlugin, type Plugin } from '../src/index'

/** A plugin whose hooks say where they ran. */
function marker(
  name: string,
  log: string[],
  inner?: Plugin<void, { seen: string[] }>,
): Plugin<void, { seen: string[] }> {
  return definePlugin<void, { seen: string[] }>({
    name,
    async register(scope) {
      await Promise.resolve() // registration is async: it still keeps its place
      scope.onRequest((req) => {
        log.push(`${name}:request`)
        req.ctx.seen = [...(req.ctx.seen ?? []), name]
      })
      scope.onResponse(() => {
        log.push(`${name}:response`)
      })
      scope.beforeStart(() => {
        log.push(`${name}:beforeStart`)
      })
      if (inner) scope.use(inner)
    },
  })
}

describe('registration order', () => {
  it('runs a plugin used before a middleware ahead of it, though plugins register at start-up', async () => {
    const log: string[] = []
    const app = new Brisk().use(marker('session', log))
    app.onRequest((req) => {
      log.push(`app:request saw ${req.ctx.seen?.join(',')}`)
    })
    app.beforeStart(() => {
      log.push('app:beforeStart')
    })
    app.onResponse(() => {
      log.push('app:response')
    })
    app.get('/', () => 'ok')
    await app.inject('/')
    expect(log).toEqual([
      'session:beforeStart',
      'app:beforeStart',
      'session:request',
      'app:request saw session',
      'app:response',
      'session:response',
    ])
  })

  it('runs a middleware registered before a plugin ahead of the plugin', async () => {
    const log: string[] = []
    const app = new Brisk()
    app.onRequest(() => {
      log.push('first')
    })
    app.use(marker('later', log))
    app.get('/', () => 'ok')
    await app.inject('/')
    expect(log.filter((l) => l.endsWith('request') || l === 'first')).toEqual(['first', 'later:request'])
  })

  it('puts what a plugin registers through another plugin in its own place, nested', async () => {
    const log: string[] = []
    const app = new Brisk()
    app.use(marker('outer', log, marker('inner', log)))
    app.use(marker('after', log))
    app.get('/', () => 'ok')
    await app.inject('/')
    expect(log.filter((l) => l.endsWith(':request'))).toEqual([
      'outer:request',
      'inner:request',
      'after:request',
    ])
  })

  it('keeps the order on blueprints too', async () => {
    const log: string[] = []
    const bp = new Blueprint('b').use(marker('bp-plugin', log))
    bp.onRequest((req) => {
      log.push(`bp:request saw ${req.ctx.seen?.join(',')}`)
    })
    bp.get('/x', () => 'ok')
    const app = new Brisk()
    app.blueprint(bp)
    await app.inject('/x')
    expect(log.filter((l) => l.includes('request'))).toEqual([
      'bp-plugin:request',
      'bp:request saw bp-plugin',
    ])
  })
})
