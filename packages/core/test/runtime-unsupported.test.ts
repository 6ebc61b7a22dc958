/**
 * A runtime without the node built-ins a feature needs (workerd without `nodejs_compat`): here `node:fs`,
 * `node:net` and busboy cannot be imported, as there. The app says so with BRISK_ERR_RUNTIME_UNSUPPORTED when
 * it starts (app.static()) or when listen() is called, naming the feature, the module and the runtime; an
 * upload is read by the runtime's own parser instead, in memory.
 */
import { describe, expect, it, vi } from 'vitest'
import { Brisk, BriskError, type Logger } from '../src/index'
import { runtimeName } from '../src/node-door'

// vi.mock is hoisted above every declaration: each factory says it all itself.
vi.mock('node:fs', () => {
  throw new Error('No such module "node:fs"')
})
vi.mock('node:net', () => {
  throw new Error('No such module "node:net"')
})
vi.mock('busboy', () => {
  throw new Error('No such module "busboy"')
})

/** A logger that keeps what is logged at error level. */
function keeper(): Logger & { errors: unknown[] } {
  const errors: unknown[] = []
  return { errors, error: (obj) => errors.push(obj), warn: () => {}, info: () => {}, debug: () => {} }
}

/** The error a promise rejects with. */
async function rejection(answer: unknown): Promise<BriskError> {
  const error = await Promise.resolve(answer).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(BriskError)
  return error as BriskError
}

describe('app.static() where there is no node:fs', () => {
  it('fails the start with BRISK_ERR_RUNTIME_UNSUPPORTED naming the feature, the module and the runtime', async () => {
    const app = new Brisk({ logger: keeper() })
    app.static('/assets', './public')
    const error = await rejection(app.ready())
    expect(error.code).toBe('BRISK_ERR_RUNTIME_UNSUPPORTED')
    expect(error.message).toContain('app.static()')
    expect(error.message).toContain('node:fs')
    expect(error.message).toContain(`this runtime (${runtimeName()})`)
    // The import's own error is kept as the cause (here Vitest's wrapper around the mock's throw).
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('answers no request: every fetch and inject rejects with the start error, the first and the later ones', async () => {
    const app = new Brisk({ logger: keeper() })
    app.static('/assets', './public')
    app.get('/', () => 'served')
    const first = await rejection(app.fetch(new Request('http://x/')))
    expect(first.code).toBe('BRISK_ERR_RUNTIME_UNSUPPORTED')
    expect(await rejection(app.fetch(new Request('http://x/')))).toBe(first)
    expect(await rejection(app.fetch(new Request('http://x/assets/a.txt')))).toBe(first)
    expect(await rejection(app.inject('/'))).toBe(first)
  })
})

describe('listen() where there is no node:net', () => {
  it('rejects with BRISK_ERR_RUNTIME_UNSUPPORTED, and again on a second try (not "already listening")', async () => {
    const app = new Brisk({ logger: keeper() })
    app.get('/', () => 'served')
    const error = await rejection(app.listen({ port: 0, host: '127.0.0.1', log: false }))
    expect(error.code).toBe('BRISK_ERR_RUNTIME_UNSUPPORTED')
    expect(error.message).toMatch(/^listen\(\)/)
    expect(error.message).toContain('node:net')
    expect((await rejection(app.listen({ port: 0, log: false }))).code).toBe('BRISK_ERR_RUNTIME_UNSUPPORTED')
    expect(app.server).toBeNull()
    // app.fetch does not need the node half: the same app still answers through it.
    const res = await app.fetch(new Request('http://x/'))
    expect(await res.text()).toBe('served')
    await app.close()
  })
})

describe('a multipart upload where busboy cannot load', () => {
  it("is read by the runtime's own parser, every file in memory, with the same limits", async () => {
    const app = new Brisk({
      logger: keeper(),
      accessLog: false,
      multipart: { memoryLimit: 4, fileSize: 100 },
    })
    app.post('/upload', async (req) => {
      const files = await req.files()
      const [file] = files.doc ?? []
      return { fields: await req.form(), name: file?.filename, path: file?.path, text: await file?.text() }
    })
    const form = new FormData()
    form.append('title', 'Dune')
    form.append('doc', new Blob(['more than four bytes'], { type: 'text/plain' }), 'a.txt')
    const res = await app.fetch(new Request('http://x/upload', { method: 'POST', body: form }))
    expect(await res.json()).toEqual({
      fields: { title: 'Dune' },
      name: 'a.txt',
      path: null,
      text: 'more than four bytes',
    })
    const big = new FormData()
    big.append('doc', new Blob(['x'.repeat(101)]), 'big.txt')
    const tooLarge = await app.fetch(new Request('http://x/upload', { method: 'POST', body: big }))
    expect(tooLarge.status).toBe(413)
  })
})

describe('runtimeName()', () => {
  it('names Node by its version', () => {
    expect(runtimeName()).toMatch(/^Node\.js\/\d+/)
  })
})
