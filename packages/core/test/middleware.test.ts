import { describe, expect, it } from 'vitest'
import {
  Blueprint,
  Brisk,
  BriskError,
  type BriskRequest,
  BriskResponse,
  definePlugin,
  json,
  type RequestHook,
  type ResponseHook,
  text,
} from '../src/index'
import { recordingLogger, tick } from './_helpers'
import { forEachEntry, once } from './_matrix'

const SECRET = 'db password is hunter2'

type Mode = 'sync' | 'async'

/** A request hook that records its name, sync or async. */
function markReq(log: string[], name: string, mode: Mode): RequestHook {
  return mode === 'sync'
    ? () => {
        log.push(name)
      }
    : async () => {
        await tick()
        log.push(name)
      }
}

/** A response hook that records its name, sync or async. */
function markRes(log: string[], name: string, mode: Mode): ResponseHook {
  return mode === 'sync'
    ? () => {
        log.push(name)
      }
    : async () => {
        await tick()
        log.push(name)
      }
}

forEachEntry('app.onRequest()', (make) => {
  for (const mode of ['sync', 'async'] as const) {
    it(`answers with what a ${mode} middleware returns, and the handler does not run`, async () => {
      const log: string[] = []
      const app = new Brisk()
      app.onRequest(markReq(log, 'first', mode))
      const guard = (req: BriskRequest<any, any>) =>
        req.headers['x-token'] === 'ok' ? undefined : json({ error: 'no token' }, 401)
      app.onRequest(
        mode === 'sync'
          ? guard
          : async (req) => {
              await tick()
              return guard(req)
            },
      )
      app.onRequest(markReq(log, 'after', mode))
      app.get('/', () => {
        log.push('handler')
        return 'secret page'
      })
      const res = await once(make, app, '/')
      expect(res.status).toBe(401)
      expect(res.json()).toEqual({ error: 'no token' })
      expect(log).toEqual(['first'])
    })
  }

  it('goes on to the handler when the middleware returns nothing or null', async () => {
    const app = new Brisk()
    app.onRequest(() => undefined)
    app.onRequest(() => null)
    app.onRequest(async () => {})
    app.get('/', () => 'handler ran')
    const res = await once(make, app, '/')
    expect(res.status).toBe(200)
    expect(res.body).toBe('handler ran')
  })

  it('answers with a Web Response, a string or an object returned by a middleware', async () => {
    const app = new Brisk()
    app.onRequest((req) => {
      if (req.path === '/web') return new Response('from web', { status: 203, headers: { 'x-web': '1' } })
      if (req.path === '/text') return 'from text'
      if (req.path === '/object') return { from: 'object' }
    })
    app.get('/web', () => 'handler')
    app.get('/text', () => 'handler')
    app.get('/object', () => 'handler')
    const client = await make(app)
    try {
      const web = await client.request('/web')
      expect(web.status).toBe(203)
      expect(web.headers['x-web']).toBe('1')
      expect(web.body).toBe('from web')
      const textRes = await client.request('/text')
      expect(textRes.body).toBe('from text')
      expect(textRes.headers['content-type']).toBe('text/plain;charset=UTF-8')
      const object = await client.request('/object')
      expect(object.json()).toEqual({ from: 'object' })
    } finally {
      await client.close()
    }
  })

  it('shares req.ctx between middleware and the handler', async () => {
    const app = new Brisk()
    app.onRequest((req) => {
      ;(req.ctx as { user?: string }).user = 'ada'
    })
    app.get('/', (req) => ({ user: (req.ctx as { user?: string }).user }))
    const res = await once(make, app, '/')
    expect(res.json()).toEqual({ user: 'ada' })
  })

  for (const mode of ['sync', 'async'] as const) {
    it(`turns a ${mode} middleware that throws into a 500 problem+json that hides the message`, async () => {
      const { logger, errors } = recordingLogger()
      const app = new Brisk({ logger, dev: false })
      const failure = new Error(SECRET)
      app.onRequest(
        mode === 'sync'
          ? () => {
              throw failure
            }
          : async () => {
              await tick()
              throw failure
            },
      )
      app.get('/', () => 'unreachable')
      const res = await once(make, app, '/')
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 })
      expect(res.body).not.toContain('hunter2')
      expect(errors).toHaveLength(1)
      expect((errors[0]!.obj as { err: unknown }).err).toBe(failure)
    })
  }
})

forEachEntry('app.onResponse()', (make) => {
  for (const mode of ['sync', 'async'] as const) {
    it(`lets a ${mode} middleware change the response in place`, async () => {
      const app = new Brisk()
      app.onResponse(async (_req, res) => {
        if (mode === 'async') await tick()
        res.header('X-Powered-By', 'brisk')
        res.status = 201
      })
      app.get('/', () => ({ ok: true }))
      const res = await once(make, app, '/')
      expect(res.status).toBe(201)
      expect(res.headers['x-powered-by']).toBe('brisk')
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json()).toEqual({ ok: true })
    })

    it(`lets a ${mode} middleware replace the response with a BriskResponse`, async () => {
      const app = new Brisk()
      app.onResponse(async (_req, res) => {
        if (mode === 'async') await tick()
        return text(`wrapped ${res.status}`, { status: 202, headers: { 'x-replaced': 'yes' } })
      })
      app.get('/', () => 'original')
      const res = await once(make, app, '/')
      expect(res.status).toBe(202)
      expect(res.body).toBe('wrapped 200')
      expect(res.headers['x-replaced']).toBe('yes')
    })

    it(`lets a ${mode} middleware replace the response with a Web Response that outer middleware can still change`, async () => {
      const app = new Brisk()
      // Registered first, so it runs last: it sees the replacement.
      app.onResponse((_req, res) => {
        res.header('x-outer', String(res.status))
      })
      app.onResponse(async () => {
        if (mode === 'async') await tick()
        return new Response('from the web', {
          status: 418,
          headers: { 'x-web': 'yes', 'content-type': 'text/plain' },
        })
      })
      app.get('/', () => 'original')
      const res = await once(make, app, '/')
      expect(res.status).toBe(418)
      expect(res.body).toBe('from the web')
      expect(res.headers['x-web']).toBe('yes')
      expect(res.headers['x-outer']).toBe('418')
    })
  }

  it('gives the middleware a response object even when the handler returned a plain value', async () => {
    const app = new Brisk()
    const seen: unknown[] = []
    app.onResponse((_req, res) => {
      seen.push(res instanceof BriskResponse, res.status, res.headers['content-type'])
    })
    app.get('/', () => ({ id: 1 }))
    const res = await once(make, app, '/')
    expect(res.json()).toEqual({ id: 1 })
    expect(seen).toEqual([true, 200, 'application/json'])
  })

  it('still runs when a request middleware answered', async () => {
    const app = new Brisk()
    app.onRequest(() => text('early', 403))
    app.onResponse((_req, res) => {
      res.header('x-seen', 'yes')
    })
    app.get('/', () => 'handler')
    const res = await once(make, app, '/')
    expect(res.status).toBe(403)
    expect(res.body).toBe('early')
    expect(res.headers['x-seen']).toBe('yes')
  })

  it('runs on the error response of a handler that threw', async () => {
    const { logger } = recordingLogger()
    const app = new Brisk({ logger })
    app.onResponse((_req, res) => {
      res.header('x-request-seen', String(res.status))
    })
    app.get('/', () => {
      throw new Error(SECRET)
    })
    const res = await once(make, app, '/')
    expect(res.status).toBe(500)
    expect(res.headers['x-request-seen']).toBe('500')
    expect(res.headers['content-type']).toBe('application/problem+json')
  })

  it("runs the app's middleware on the 404 of an unknown path and on a 405", async () => {
    const log: string[] = []
    const app = new Brisk()
    app.onRequest((req) => void log.push(`req ${req.path}`))
    app.onResponse((_req, res) => {
      res.header('x-app', 'yes')
    })
    app.get('/books', () => [])
    const client = await make(app)
    try {
      const missing = await client.request('/nowhere')
      expect(missing.status).toBe(404)
      expect(missing.headers['x-app']).toBe('yes')
      expect(missing.json()).toMatchObject({ status: 404, code: 'BRISK_ERR_NOT_FOUND' })
      const wrong = await client.request({ method: 'DELETE', url: '/books' })
      expect(wrong.status).toBe(405)
      expect(wrong.headers['x-app']).toBe('yes')
      expect(log).toEqual(['req /nowhere', 'req /books'])
    } finally {
      await client.close()
    }
  })

  for (const mode of ['sync', 'async'] as const) {
    it(`turns a ${mode} middleware that throws into an error response`, async () => {
      const { logger, errors } = recordingLogger()
      const app = new Brisk({ logger, dev: false })
      app.onResponse(
        mode === 'sync'
          ? () => {
              throw new Error(SECRET)
            }
          : async () => {
              await tick()
              throw new Error(SECRET)
            },
      )
      app.get('/', () => 'fine')
      const res = await once(make, app, '/')
      expect(res.status).toBe(500)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.body).not.toContain('hunter2')
      expect(res.body).not.toContain('fine')
      expect(errors).toHaveLength(1)
    })
  }

  it('sends the onError handler’s response when a response middleware throws', async () => {
    const app = new Brisk()
    app.onResponse(() => {
      throw new RefusedResponse()
    })
    app.onError(RefusedResponse, () => json({ refused: true }, 409))
    app.get('/', () => 'fine')
    const res = await once(make, app, '/')
    expect(res.status).toBe(409)
    expect(res.json()).toEqual({ refused: true })
  })
})

class RefusedResponse extends Error {}

forEachEntry('middleware order', (make) => {
  /**
   * An app with two hooks of each kind on the app, an outer group, an inner group and a blueprint, a
   * plugin adding hooks to the route through `onRoute`, and two route-level hooks.
   */
  function layered(log: string[], mode: Mode): Brisk {
    const app = new Brisk()
    const bp = new Blueprint('books', { prefix: '/books' })
    const inner = Blueprint.group([bp], { name: 'inner', prefix: '/inner' })
    const outer = Blueprint.group([inner], { name: 'outer', prefix: '/outer' })
    const scopes: [string, Brisk | Blueprint | typeof inner][] = [
      ['app', app],
      ['outer', outer],
      ['inner', inner],
      ['bp', bp],
    ]
    for (const [name, scope] of scopes) {
      scope.onRequest(markReq(log, `${name}:req1`, mode))
      scope.onRequest(markReq(log, `${name}:req2`, mode))
      scope.onResponse(markRes(log, `${name}:res1`, mode))
      scope.onResponse(markRes(log, `${name}:res2`, mode))
    }
    const hooks = definePlugin({
      name: 'route-hooks',
      register(scope) {
        scope.onRoute((route) => {
          route.addRequestHook(markReq(log, 'plugin:req', mode))
          route.addResponseHook(markRes(log, 'plugin:res', mode))
        })
      },
    })
    bp.use(hooks)
    bp.get(
      '/',
      {
        onRequest: [markReq(log, 'route:req1', mode), markReq(log, 'route:req2', mode)],
        onResponse: [markRes(log, 'route:res1', mode), markRes(log, 'route:res2', mode)],
      },
      () => {
        log.push('handler')
        return 'ok'
      },
    )
    app.blueprint(outer)
    return app
  }

  const requestOrder = [
    'app:req1',
    'app:req2',
    'outer:req1',
    'outer:req2',
    'inner:req1',
    'inner:req2',
    'bp:req1',
    'bp:req2',
    'plugin:req',
    'route:req1',
    'route:req2',
  ]
  const responseOrder = requestOrder.map((name) => name.replace(':req', ':res')).reverse()

  for (const mode of ['sync', 'async'] as const) {
    it(`runs ${mode} request middleware app → groups (outer → inner) → blueprint → plugin route hooks → route, and response middleware in the exact reverse`, async () => {
      const log: string[] = []
      const res = await once(make, layered(log, mode), '/outer/inner/books/')
      expect(res.status).toBe(200)
      expect(res.body).toBe('ok')
      expect(log).toEqual([...requestOrder, 'handler', ...responseOrder])
    })
  }

  it('runs every response middleware, in reverse, when a blueprint middleware answered', async () => {
    const log: string[] = []
    // The group's hook answers: the blueprint's request hook and the handler are skipped.
    const answering = new Brisk()
    const books = new Blueprint('books')
    const group = Blueprint.group([books], { name: 'g', prefix: '/g' })
    answering.onRequest(markReq(log, 'app:req', 'sync'))
    answering.onResponse(markRes(log, 'app:res', 'sync'))
    group.onRequest(() => {
      log.push('group:answers')
      return text('from the group', 202)
    })
    group.onResponse(markRes(log, 'group:res', 'sync'))
    books.onRequest(markReq(log, 'bp:req', 'sync'))
    books.onResponse(markRes(log, 'bp:res', 'sync'))
    books.get('/x', { onResponse: markRes(log, 'route:res', 'sync') }, () => {
      log.push('handler')
      return 'handler'
    })
    answering.blueprint(group)
    const res = await once(make, answering, '/g/x')
    expect(res.status).toBe(202)
    expect(res.body).toBe('from the group')
    expect(log).toEqual(['app:req', 'group:answers', 'route:res', 'bp:res', 'group:res', 'app:res'])
  })

  it("does not run a blueprint's middleware for the app's routes or another blueprint's routes", async () => {
    const log: string[] = []
    const app = new Brisk()
    const a = new Blueprint('a', { prefix: '/a' })
    const b = new Blueprint('b', { prefix: '/b' })
    a.onRequest(markReq(log, 'a:req', 'sync'))
    a.onResponse((_req, res) => {
      res.header('x-a', 'yes')
    })
    a.get('/', () => 'a')
    b.get('/', () => 'b')
    app.get('/', () => 'app')
    app.blueprint(a).blueprint(b)
    const client = await make(app)
    try {
      const fromB = await client.request('/b/')
      const fromApp = await client.request('/')
      const missing = await client.request('/a/missing')
      expect([fromB.body, fromApp.body, missing.status]).toEqual(['b', 'app', 404])
      for (const res of [fromB, fromApp, missing]) expect(res.headers['x-a']).toBeUndefined()
      expect(log).toEqual([])
      const fromA = await client.request('/a/')
      expect(fromA.headers['x-a']).toBe('yes')
      expect(log).toEqual(['a:req'])
    } finally {
      await client.close()
    }
  })
})

describe('middleware registration', () => {
  it('refuses a hook that is not a function, naming the API', () => {
    const app = new Brisk()
    expect(() => app.onRequest('nope' as never)).toThrow(
      new TypeError('onRequest(): expected a function, got string'),
    )
    expect(() => app.onResponse(undefined as never)).toThrow(
      new TypeError('onResponse(): expected a function, got undefined'),
    )
    expect(() => new Blueprint('bp').onRequest(42 as never)).toThrow(TypeError)
  })

  it('refuses middleware added once the app has started', async () => {
    const app = new Brisk()
    const bp = new Blueprint('bp')
    app.blueprint(bp)
    app.get('/', () => 'ok')
    await app.ready()
    const late = (): unknown => app.onRequest(() => {})
    expect(late).toThrow(BriskError)
    expect(late).toThrow(/onRequest\(\): the app has started/)
    expect(() => bp.onResponse(() => {})).toThrow(expect.objectContaining({ code: 'BRISK_ERR_APP_STARTED' }))
    await app.close()
  })
})
