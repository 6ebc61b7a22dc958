/**
 * A plugin's ctx fields are typed where it is registered and absent where it is not; a blueprint declares
 * what it needs, and mounting it on an app that lacks a plugin fails to type-check.
 */
import { describe, expectTypeOf, it } from 'vitest'
import {
  Blueprint,
  type BlueprintGroup,
  Brisk,
  type BriskRequest,
  definePlugin,
  HTTPError,
  MethodNotAllowed,
  NotFound,
  type Plugin,
} from '../../src/index'

interface SessionCtx {
  session: { id: string }
}
interface AuthCtx {
  user: { name: string; scopes: readonly string[] }
}
interface DbCtx {
  db: { query(sql: string): Promise<unknown[]> }
}

const session = definePlugin<{ secret: string; maxAge?: number }, SessionCtx>({
  name: 'session',
  register(scope, options) {
    expectTypeOf(options.secret).toEqualTypeOf<string>()
    scope.onRequest((req) => {
      ;(req.ctx as SessionCtx).session = { id: options.secret.slice(0, 0) }
    })
  },
})

const auth = definePlugin<{ realm?: string } | undefined, AuthCtx>({
  name: 'auth',
  dependencies: ['session'],
  register() {},
})

const db = definePlugin<{ url: string }, DbCtx>({
  name: 'db',
  register() {},
})

// No options at all, adds nothing to ctx.
const poweredBy = definePlugin({
  name: 'powered-by',
  register(scope) {
    scope.onResponse((_req, res) => {
      res.header('x-powered-by', 'brisk')
    })
  },
})

describe('definePlugin()', () => {
  it('carries the options and ctx types', () => {
    expectTypeOf(session).toEqualTypeOf<Plugin<{ secret: string; maxAge?: number }, SessionCtx>>()
    expectTypeOf(poweredBy).toEqualTypeOf<Plugin<void, {}>>()
  })

  it('types the options inside register()', () => {
    definePlugin<{ port: number }>({
      name: 'typed-options',
      register(_scope, options) {
        expectTypeOf(options).toEqualTypeOf<{ port: number }>()
      },
    })
  })
})

describe('app.use()', () => {
  const app = new Brisk().use(session, { secret: 'x' })

  it('types req.ctx in handlers', () => {
    app.get('/me', (req) => {
      expectTypeOf(req.ctx.session).toEqualTypeOf<{ id: string }>()
      return { id: req.ctx.session.id }
    })
    app.post('/books/:id<int>', { name: 'books.touch' }, (req) => {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
      expectTypeOf(req.params.id).toEqualTypeOf<number>()
      return {}
    })
    app.route({
      path: '/whoami',
      handler: (req) => ({ id: req.ctx.session.id }),
    })
  })

  it('types req.ctx in middleware and error handlers', () => {
    app.onRequest((req) => {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
    })
    app.onResponse((req, res) => {
      res.header('x-session', req.ctx.session.id)
    })
    app.onError(NotFound, (_err, req) => ({ session: req.ctx.session.id }))
  })

  it('types req.ctx in views', () => {
    app.view('/profile/:tab<alpha>', {
      get(req) {
        expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
        expectTypeOf(req.params.tab).toEqualTypeOf<string>()
        return {}
      },
    })
  })

  it('leaves out the plugin’s fields on an app without it', () => {
    const bare = new Brisk()
    bare.get('/me', (req) => {
      // @ts-expect-error: no session plugin on this app
      return { id: req.ctx.session.id }
    })
    bare.onRequest((req) => {
      // @ts-expect-error: no session plugin on this app
      req.ctx.session
    })
    bare.onResponse((req) => {
      // @ts-expect-error: no session plugin on this app
      req.ctx.session
    })
  })

  it('types the ctx of what use() returns, not of the app it was called on', () => {
    const plain = new Brisk()
    const withSession = plain.use(session, { secret: 'x' })
    withSession.get('/a', (req) => req.ctx.session.id)
    plain.get('/b', (req) => {
      // @ts-expect-error: `plain` is still typed without the session
      return req.ctx.session.id
    })
  })
})

describe('plugin options', () => {
  const app = new Brisk()

  it('requires the options when their type does not allow undefined', () => {
    app.use(session, { secret: 'x' })
    app.use(session, { secret: 'x', maxAge: 60 })
    // @ts-expect-error: the session plugin needs { secret }
    app.use(session)
    // @ts-expect-error: `secret` is missing
    app.use(session, {})
  })

  it('rejects options of the wrong type', () => {
    // @ts-expect-error: `secret` must be a string
    app.use(session, { secret: 42 })
    // @ts-expect-error: `maxAge` must be a number
    app.use(session, { secret: 'x', maxAge: '1h' })
    // @ts-expect-error: unknown option
    app.use(session, { secret: 'x', secrte: 'y' })
    // @ts-expect-error: `url` must be a string
    app.use(db, { url: new URL('postgres://db') })
  })

  it('makes the options optional when their type allows undefined', () => {
    app.use(auth)
    app.use(auth, undefined)
    app.use(auth, { realm: 'books' })
    // @ts-expect-error: `realm` must be a string
    app.use(auth, { realm: 1 })
  })

  it('needs no options for a plugin with void options', () => {
    app.use(poweredBy)
    // @ts-expect-error: a void-options plugin takes no object
    app.use(poweredBy, { loud: true })
  })

  it('checks options the same way on blueprints', () => {
    const bp = new Blueprint('bp')
    bp.use(session, { secret: 'x' })
    // @ts-expect-error: the session plugin needs { secret }
    bp.use(session)
    // @ts-expect-error: `secret` must be a string
    bp.use(session, { secret: false })
  })
})

describe('composing plugins', () => {
  it('gives both fields after use(a).use(b)', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(auth)
    app.get('/me', (req) => {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
      expectTypeOf(req.ctx.user.name).toEqualTypeOf<string>()
      return { id: req.ctx.session.id, user: req.ctx.user.name }
    })
    app.onRequest((req) => {
      expectTypeOf(req.ctx).toEqualTypeOf<SessionCtx & AuthCtx>()
    })
  })

  it('leaves the ctx unchanged for a plugin that adds nothing', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(poweredBy)
    app.get('/me', (req) => req.ctx.session.id)
  })

  it('still rejects fields no registered plugin adds', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(auth)
    app.get('/q', (req) => {
      // @ts-expect-error: no db plugin
      return req.ctx.db.query('select 1')
    })
  })
})

describe('blueprints that declare what they need', () => {
  const books = new Blueprint<{ ctx: SessionCtx & AuthCtx }>('books', { prefix: '/books' })
  books.get('/:id<int>', (req) => {
    expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
    expectTypeOf(req.ctx.user.scopes).toEqualTypeOf<readonly string[]>()
    expectTypeOf(req.params.id).toEqualTypeOf<number>()
    return { id: req.params.id, by: req.ctx.user.name }
  })
  books.onRequest((req) => {
    expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
  })

  it('sees the declared fields, and only those', () => {
    books.get('/x', (req) => {
      // @ts-expect-error: the blueprint does not declare db
      return req.ctx.db
    })
  })

  it('mounts on an app that has every plugin it needs', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(auth)
    app.blueprint(books)
  })

  it('mounts whatever order the plugins were registered in', () => {
    const app = new Brisk().use(auth).use(session, { secret: 'x' })
    app.blueprint(books)
  })

  it('mounts on an app that has more than it needs', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(auth).use(db, { url: 'postgres://db' })
    app.blueprint(books)
  })

  it('fails to mount on an app that lacks a plugin it needs', () => {
    const onlySession = new Brisk().use(session, { secret: 'x' })
    // @ts-expect-error: the app has no auth plugin
    onlySession.blueprint(books)
    const onlyAuth = new Brisk().use(auth)
    // @ts-expect-error: the app has no session plugin
    onlyAuth.blueprint(books)
    const bare = new Brisk()
    // @ts-expect-error: the app has neither plugin
    bare.blueprint(books)
    const other = new Brisk().use(db, { url: 'postgres://db' })
    // @ts-expect-error: the app has other plugins, not the needed ones
    other.blueprint(books)
  })

  it('mounts a blueprint that needs nothing anywhere', () => {
    const health = new Blueprint('health')
    new Brisk().blueprint(health)
    new Brisk().use(db, { url: 'postgres://db' }).blueprint(health)
  })
})

describe('Blueprint.group()', () => {
  const books = new Blueprint<{ ctx: SessionCtx }>('books')
  const admin = new Blueprint<{ ctx: AuthCtx }>('admin')
  const health = new Blueprint('health')

  it('needs the union of what its members need', () => {
    const group = Blueprint.group([books, admin, health], { prefix: '/api', version: 1 })
    expectTypeOf(group).toEqualTypeOf<BlueprintGroup<{ ctx: SessionCtx & AuthCtx }>>()
  })

  it('needs nothing when no member needs anything', () => {
    const group = Blueprint.group([new Blueprint('a'), new Blueprint('b')])
    expectTypeOf(group).toEqualTypeOf<BlueprintGroup<{ ctx: {} }>>()
    new Brisk().blueprint(group)
    new Brisk().blueprint(Blueprint.group([]))
  })

  it('mounts on an app that has every plugin a member needs', () => {
    const app = new Brisk().use(session, { secret: 'x' }).use(auth)
    app.blueprint(Blueprint.group([books, admin, health], { prefix: '/api' }))
    const more = new Brisk().use(db, { url: 'postgres://db' }).use(auth).use(session, { secret: 'x' })
    more.blueprint(Blueprint.group([books, admin]))
  })

  it('fails to mount on an app that lacks a plugin one member needs', () => {
    const onlySession = new Brisk().use(session, { secret: 'x' })
    // @ts-expect-error: `admin` needs the auth plugin
    onlySession.blueprint(Blueprint.group([books, admin]))
    const onlyAuth = new Brisk().use(auth)
    // @ts-expect-error: `books` needs the session plugin
    onlyAuth.blueprint(Blueprint.group([books, admin]))
  })

  it('carries the needs of nested groups', () => {
    const inner = Blueprint.group([books, health])
    const outer = Blueprint.group([inner, admin])
    new Brisk().use(session, { secret: 'x' }).use(auth).blueprint(outer)
    // @ts-expect-error: the nested `books` needs the session plugin
    new Brisk().use(auth).blueprint(outer)
  })

  it('appends only members that need no more than the group', () => {
    const group = Blueprint.group([new Blueprint<{ ctx: SessionCtx & AuthCtx }>('both')])
    group.append(new Blueprint<{ ctx: SessionCtx }>('less'))
    // @ts-expect-error: the group was not typed with the db plugin
    group.append(new Blueprint<{ ctx: DbCtx }>('more'))
  })

  it('types its own middleware with what its members need', () => {
    const group = Blueprint.group([books, admin])
    group.onRequest((req) => {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
      expectTypeOf(req.ctx.user.name).toEqualTypeOf<string>()
    })
  })
})

describe('bp.use()', () => {
  it('types that blueprint’s ctx', () => {
    const admin = new Blueprint('admin').use(session, { secret: 'x' })
    admin.get('/me', (req) => {
      expectTypeOf(req.ctx.session.id).toEqualTypeOf<string>()
      return { id: req.ctx.session.id }
    })
    const bare = new Blueprint('bare')
    bare.get('/me', (req) => {
      // @ts-expect-error: the plugin was registered on another blueprint
      return req.ctx.session
    })
  })

  it('adds to what the blueprint declares', () => {
    const books = new Blueprint<{ ctx: AuthCtx }>('books').use(session, { secret: 'x' })
    books.get('/', (req) => ({ user: req.ctx.user.name, session: req.ctx.session.id }))
  })

  it('does not make the app need what the blueprint registers itself', () => {
    const admin = new Blueprint('admin').use(session, { secret: 'x' })
    new Brisk().blueprint(admin)
    const books = new Blueprint<{ ctx: AuthCtx }>('books').use(session, { secret: 'x' })
    new Brisk().use(auth).blueprint(books)
    new Brisk().use(auth).blueprint(Blueprint.group([books, admin]))
    // @ts-expect-error: `books` still needs the auth plugin from the app
    new Brisk().blueprint(books)
  })
})

describe('onError()', () => {
  const app = new Brisk().use(session, { secret: 'x' })

  it('types the error as the class it handles', () => {
    app.onError(NotFound, (err, req) => {
      expectTypeOf(err).toEqualTypeOf<NotFound>()
      expectTypeOf(err.status).toEqualTypeOf<number>()
      return { missing: req.path, session: req.ctx.session.id }
    })
    app.onError(MethodNotAllowed, (err) => {
      expectTypeOf(err).toEqualTypeOf<MethodNotAllowed>()
      expectTypeOf(err.allowed).toEqualTypeOf<readonly string[]>()
      return { allowed: err.allowed }
    })
    app.onError(HTTPError, (err) => {
      // @ts-expect-error: only MethodNotAllowed has `allowed`
      return { allowed: err.allowed }
    })
  })

  it('types errors of user classes and of built-in ones', () => {
    class OutOfStock extends Error {
      constructor(readonly sku: string) {
        super(`${sku} is out of stock`)
      }
    }
    app.onError(OutOfStock, (err) => {
      expectTypeOf(err.sku).toEqualTypeOf<string>()
      return { sku: err.sku }
    })
    app.onError(TypeError, (err) => {
      expectTypeOf(err).toEqualTypeOf<TypeError>()
      return { message: err.message }
    })
  })

  it('types error handlers on blueprints with the blueprint ctx', () => {
    const bp = new Blueprint<{ ctx: AuthCtx }>('bp')
    bp.onError(NotFound, (err, req: BriskRequest<unknown, AuthCtx>) => ({
      user: req.ctx.user.name,
      status: err.status,
    }))
    bp.onError(NotFound, (_err, req) => {
      // @ts-expect-error: the blueprint does not declare a session
      return req.ctx.session
    })
  })
})
