import { describe, expect, it } from 'vitest'
import { buildPath, parsePath, RoutePatternError } from '../src/router/path'
import { RouteDuplicateError, Router } from '../src/router/router'
import { RadixTree } from '../src/router/tree'
import { type ConformanceRouter, type RouterCase, routerCases, routerErrorCases } from './router.cases'

function runCase(router: ConformanceRouter, testCase: RouterCase): void {
  testCase.routes.forEach((route, index) => {
    router.add(route.method, route.path, index, {
      host: route.host,
      strict: route.strict,
      fallback: route.fallback,
    })
  })
  for (const request of testCase.requests ?? []) {
    const label = `${request.method} ${request.path}${request.host ? ` @ ${request.host}` : ''}`
    if (request.throws !== undefined) {
      expect(() => router.find(request.method, request.path, request.host), label).toThrow(URIError)
      continue
    }
    const found = router.find(request.method, request.path, request.host)
    if (request.match === null) {
      expect(found, label).toBeNull()
      continue
    }
    expect(found?.store, label).toBe(request.match)
    expect({ ...found?.params }, label).toStrictEqual(request.params ?? {})
  }
  for (const allowed of testCase.allowed ?? []) {
    expect(router.allowed(allowed.path, allowed.host), `allowed ${allowed.path}`).toEqual(allowed.methods)
  }
}

describe('Router conformance table', () => {
  for (const testCase of routerCases) {
    it(testCase.name, () => runCase(new Router<number>(), testCase))
  }

  for (const errorCase of routerErrorCases) {
    it(`refuses ${errorCase.name}`, () => {
      const router = new Router<number>()
      const last = errorCase.routes.length - 1
      errorCase.routes.forEach((route, index) => {
        const add = () =>
          router.add(route.method, route.path, index, { host: route.host, strict: route.strict })
        if (index < last) add()
        else expect(add).toThrow(expect.objectContaining({ code: errorCase.code }))
      })
    })
  }
})

describe('Router.find', () => {
  it('returns converted values with their JavaScript types in a plain object with only those keys', () => {
    const router = new Router<string>()
    router.add('GET', '/t/:a<int>/:b<float>/:c/:d<path>', 'typed')
    const found = router.find('GET', '/t/1/2.5/three/four/five')!
    expect(Object.keys(found.params)).toEqual(['a', 'b', 'c', 'd'])
    expect(typeof found.params.a).toBe('number')
    expect(typeof found.params.b).toBe('number')
    expect(found.params).toEqual({ a: 1, b: 2.5, c: 'three', d: 'four/five' })
  })

  it('returns the same frozen match, with empty params, for every hit on a static route', () => {
    const router = new Router<string>()
    router.add('GET', '/health', 'ok')
    const first = router.find('GET', '/health')!
    expect(first).toBe(router.find('GET', '/health'))
    expect(first.params).toEqual({})
    expect(Object.isFrozen(first)).toBe(true)
  })

  it('falls back from the static map to the tree when the static route lacks the method', () => {
    const router = new Router<string>()
    router.add('GET', '/u/me', 'me')
    router.add('POST', '/u/:id', 'update')
    expect(router.find('POST', '/u/me')).toEqual({ store: 'update', params: { id: 'me' } })
  })

  it('misses paths that do not start with a slash', () => {
    const router = new Router<string>()
    router.add('GET', '/', 'root')
    router.add('GET', '/:x', 'x')
    expect(router.find('GET', '')).toBeNull()
    expect(router.find('GET', '*')).toBeNull()
    expect(router.find('GET', 'x')).toBeNull()
  })

  it('finds each of 300 generated routes with its own store and params', () => {
    const router = new Router<number>()
    const methods = ['GET', 'POST', 'PUT', 'DELETE']
    const patterns = Array.from({ length: 300 }, (_, i) => {
      const shapes = [
        `/static/s${i}`,
        `/res${i % 17}/items${i}/:id<int>`,
        `/res${i % 17}/:name/detail${i}`,
        `/deep/${i}/a/b/c${i}`,
        `/u/:user/files${i}/:rest<path>`,
        `/t${i}/:slug<slug>/:n<float>`,
        `/api/v1/books/${i}`,
        `/api/v1/:kind/${i}/:id<uuid>`,
      ]
      return shapes[i % shapes.length]!
    })
    patterns.forEach((pattern, i) => {
      router.add(methods[i % methods.length]!, pattern, i)
    })
    patterns.forEach((pattern, i) => {
      const params = {
        id: pattern.includes('<uuid>') ? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` : i * 3,
        name: `n ${i}`,
        user: `user${i}`,
        rest: `x/${i}/y`,
        slug: `s-${i}`,
        n: i + 0.5,
        kind: `k${i}`,
      }
      const segments = parsePath(pattern)
      const found = router.find(methods[i % methods.length]!, buildPath(segments, params))
      expect(found?.store, pattern).toBe(i)
      for (const segment of segments) {
        if (segment.type === 'param') expect(found?.params[segment.name]).toBe(params[segment.name as 'id'])
      }
    })
    expect(router.routes()).toHaveLength(300)
  })
})

describe('Router.add', () => {
  it('names method, path and the earlier route in a duplicate error', () => {
    const router = new Router<number>()
    router.add('GET', '/books/:id<int>', 1)
    const error = (() => {
      try {
        router.add('GET', '/books/:bookId<int>', 2)
      } catch (err) {
        return err
      }
    })()
    expect(error).toBeInstanceOf(RouteDuplicateError)
    expect(error).toMatchObject({ code: 'BRISK_ERR_ROUTE_DUPLICATE' })
    expect((error as Error).message).toContain('GET /books/:bookId<int>')
    expect((error as Error).message).toContain('/books/:id<int>')
  })

  it('accepts the same path for another method, another host or the other slash form', () => {
    const router = new Router<number>()
    router.add('GET', '/a', 1)
    router.add('POST', '/a', 2)
    router.add('GET', '/a', 3, { host: 'example.com' })
    router.add('GET', '/a/', 4)
    router.add('GET', '/a/:x<int>', 5)
    router.add('GET', '/a/:x', 6)
    expect(router.routes()).toHaveLength(6)
  })

  it('leaves the router unchanged when it refuses a route', () => {
    const router = new Router<number>()
    router.add('GET', '/a', 1)
    expect(() => router.add('GET', '/a', 2)).toThrow(RouteDuplicateError)
    expect(() => router.add('GET', '/b/:x<nope>', 3)).toThrow(RoutePatternError)
    expect(router.routes()).toEqual([{ method: 'GET', path: '/a', host: undefined, store: 1 }])
    expect(router.find('GET', '/b/1')).toBeNull()
  })

  it('throws a RoutePatternError quoting the pattern', () => {
    const router = new Router<number>()
    expect(() => router.add('GET', '/a/:x<int', 1)).toThrow('"/a/:x<int"')
  })

  it('refuses a method that is not an HTTP token', () => {
    const router = new Router<number>()
    expect(() => router.add('GET ', '/a', 1)).toThrow(TypeError)
    expect(() => router.add('', '/a', 1)).toThrow(TypeError)
  })
})

describe('Router.allowed', () => {
  it('lists the methods of every route the path reaches, sorted', () => {
    const router = new Router<number>()
    router.add('PUT', '/books/:id<int>', 1)
    router.add('GET', '/books/:id<int>', 2)
    router.add('DELETE', '/books/:slug', 3)
    router.add('POST', '/books', 4)
    expect(router.allowed('/books/7')).toEqual(['DELETE', 'GET', 'PUT'])
    expect(router.allowed('/books/seven')).toEqual(['DELETE'])
    expect(router.allowed('/books/')).toEqual(['POST'])
    expect(router.allowed('/authors')).toEqual([])
  })

  it('respects hosts and strict slashes', () => {
    const router = new Router<number>()
    router.add('GET', '/a', 1, { host: 'example.com' })
    router.add('POST', '/a', 2)
    router.add('PUT', '/s', 3, { strict: true })
    expect(router.allowed('/a', 'example.com:8080')).toEqual(['GET', 'POST'])
    expect(router.allowed('/a', 'other.org')).toEqual(['POST'])
    expect(router.allowed('/a')).toEqual(['POST'])
    expect(router.allowed('/s/')).toEqual([])
  })

  it('throws a URIError on a malformed escape in a parameter', () => {
    const router = new Router<number>()
    router.add('GET', '/w/:name', 1)
    expect(() => router.allowed('/w/%E0%A4%A')).toThrow(URIError)
  })
})

describe('Router.routes', () => {
  it('lists routes in registration order with their host as given', () => {
    const router = new Router<string>()
    router.add('GET', '/b', 'b')
    router.add('*', '/a/:x<int>', 'a', { host: 'API.example.com' })
    expect(router.routes()).toEqual([
      { method: 'GET', path: '/b', host: undefined, store: 'b' },
      { method: '*', path: '/a/:x<int>', host: 'API.example.com', store: 'a' },
    ])
  })
})

describe('RadixTree', () => {
  it('compresses a chain of static segments into one edge until it branches', () => {
    const tree = new RadixTree<string>()
    tree.insert(parsePath('/api/v1/books'), () => 'books')
    expect([...tree.root.statics!.keys()]).toEqual(['api'])
    expect(tree.root.statics!.get('api')!.label).toBe('api/v1/books')

    tree.insert(parsePath('/api/v1/authors'), () => 'authors')
    const api = tree.root.statics!.get('api')!
    expect(api.label).toBe('api/v1')
    expect([...api.node.statics!.values()].map((edge) => edge.label)).toEqual(['books', 'authors'])
  })

  it('splits an edge where a shorter route ends', () => {
    const tree = new RadixTree<string>()
    tree.insert(parsePath('/a/b/c'), () => 'abc')
    tree.insert(parsePath('/a'), () => 'a')
    const a = tree.root.statics!.get('a')!
    expect(a.label).toBe('a')
    expect(a.node.value).toBe('a')
    expect(a.node.statics!.get('b')!.label).toBe('b/c')
    expect(tree.lookup('/a/b/c', (value) => value, undefined, [])).toBe('abc')
    expect(tree.lookup('/a/b', (value) => value, undefined, [])).toBeUndefined()
  })

  it('shares one node between shapes that only differ in param names', () => {
    const tree = new RadixTree<string[]>()
    const first = tree.insert(parsePath('/a/:x/b'), () => [])
    const second = tree.insert(parsePath('/a/:y/b'), () => [])
    expect(first).toBe(second)
  })

  it('keeps param edges in priority order whatever the insertion order', () => {
    const tree = new RadixTree<string>()
    for (const type of [
      '<path>',
      '',
      '<re:x>',
      '<slug>',
      '<alpha>',
      '<uuid>',
      '<float>',
      '<int>',
      '<re:y>',
    ]) {
      tree.insert(parsePath(`/:p${type}`), () => type)
    }
    const kinds = tree.root.params!.map((edge) => edge.pattern?.source ?? edge.kind)
    expect(kinds).toEqual(['int', 'float', 'uuid', 'alpha', 'slug', '^(?:x)$', '^(?:y)$', 'string', 'path'])
  })

  it('pushes converted values in path order and drops those of abandoned branches', () => {
    const tree = new RadixTree<string>()
    tree.insert(parsePath('/:a<int>/:b<int>/x'), () => 'ints')
    tree.insert(parsePath('/:a/:b/y'), () => 'strings')
    const values: unknown[] = []
    expect(tree.lookup('/1/2/y', (value) => value, undefined, values)).toBe('strings')
    expect(values).toEqual(['1', '2'])
  })
})
