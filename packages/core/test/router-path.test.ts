import { describe, expect, it } from 'vitest'
import {
  buildPath,
  formatPath,
  joinPaths,
  parsePath,
  RoutePatternError,
  UrlParamsError,
} from '../src/router/path'
import { Router } from '../src/router/router'

function patternError(path: string): RoutePatternError {
  try {
    parsePath(path)
  } catch (err) {
    return err as RoutePatternError
  }
  throw new Error(`expected ${path} to be refused`)
}

describe('parsePath', () => {
  it('gives the root no segments and a trailing slash a final empty segment', () => {
    expect(parsePath('/')).toEqual([])
    expect(parsePath('/a/')).toEqual([
      { type: 'static', value: 'a' },
      { type: 'static', value: '' },
    ])
    expect(parsePath('/a//b')).toHaveLength(3)
  })

  it('parses each param kind', () => {
    const segments = parsePath('/:a/:b<int>/:c<float>/:d<uuid>/:e<slug>/:f<alpha>/:g<path>')
    expect(segments.map((segment) => (segment.type === 'param' ? [segment.name, segment.kind] : []))).toEqual(
      [
        ['a', 'string'],
        ['b', 'int'],
        ['c', 'float'],
        ['d', 'uuid'],
        ['e', 'slug'],
        ['f', 'alpha'],
        ['g', 'path'],
      ],
    )
  })

  it('compiles an anchored regex that may contain <, > and :', () => {
    const [segment] = parsePath('/:op<re:(?<sym><|>|:)>')
    expect(segment).toMatchObject({ type: 'param', name: 'op', kind: 're' })
    const pattern = segment?.type === 'param' ? segment.pattern! : /$^/
    expect(['<', '>', ':', '<>'].map((value) => pattern.test(value))).toEqual([true, true, true, false])
  })

  it('keeps static segments with colons or angle brackets elsewhere as static text', () => {
    expect(parsePath('/a:b/<c>')).toEqual([
      { type: 'static', value: 'a:b' },
      { type: 'static', value: '<c>' },
    ])
  })

  it.each([
    ['books/:id', 'must start with "/"'],
    ['', 'must start with "/"'],
    ['/a/:x<integer>', 'unknown type "integer"'],
    ['/a/:x<>', 'unknown type ""'],
    ['/a/:x<re>', 'unknown type "re"'],
    ['/a/:1x', 'invalid parameter name "1x"'],
    ['/a/:', 'invalid parameter name ""'],
    ['/a/:x-y', 'invalid parameter name "x-y"'],
    ['/a/:<int>', 'invalid parameter name ""'],
    ['/a/:x/:x<int>', 'parameter "x" appears more than once'],
    ['/a/:p<path>/b', 'must be the last segment'],
    ['/a/:x<re:(>', 'invalid regex'],
    ['/a/:x<re:>', 'empty regex'],
    ['/a/:x<re:a/b>', 'missing its closing ">"'],
    ['/a/:x<int', 'missing its closing ">"'],
  ])('refuses %j: %s', (path, problem) => {
    const error = patternError(path)
    expect(error).toBeInstanceOf(RoutePatternError)
    expect(error.code).toBe('BRISK_ERR_ROUTE_PATTERN')
    expect(error.pattern).toBe(path)
    expect(error.message).toContain(`"${path}"`)
    expect(error.message).toContain(problem)
  })
})

describe('formatPath', () => {
  it('writes parsed segments back as the same pattern', () => {
    for (const path of ['/', '/a/', '/a/:x/:y<int>', '/r/:v<re:v\\d+:<x>>', '/f/:rest<path>']) {
      expect(formatPath(parsePath(path))).toBe(path)
    }
  })
})

describe('buildPath', () => {
  it('fills in params and percent-encodes them', () => {
    const segments = parsePath('/users/:name/books/:id<int>')
    expect(buildPath(segments, { name: 'Jürgen Ä/b', id: 7 })).toBe('/users/J%C3%BCrgen%20%C3%84%2Fb/books/7')
  })

  it('keeps the slashes of a <path> param and encodes each piece', () => {
    expect(buildPath(parsePath('/files/:rest<path>'), { rest: 'a b/c?.txt' })).toBe('/files/a%20b/c%3F.txt')
  })

  it('builds the root and keeps a trailing slash', () => {
    expect(buildPath([], {})).toBe('/')
    expect(buildPath(parsePath('/a/:x/'), { x: 'b' })).toBe('/a/b/')
  })

  it('accepts values of every kind that fit, as strings or numbers', () => {
    const segments = parsePath('/:a<int>/:b<float>/:c<uuid>/:d<slug>/:e<alpha>/:f<re:v\\d+>')
    const uuid = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f'
    expect(buildPath(segments, { a: '-3', b: 2.5, c: uuid, d: 'my-post', e: 'abc', f: 'v2' })).toBe(
      `/-3/2.5/${uuid}/my-post/abc/v2`,
    )
  })

  it.each([
    ['/b/:id<int>', {}, 'parameter "id" is missing'],
    ['/b/:id<int>', { id: null }, 'parameter "id" is missing'],
    ['/b/:id<int>', { id: 'abc' }, 'does not fit <int> (got "abc")'],
    ['/b/:id<int>', { id: 1.5 }, 'does not fit <int> (got 1.5)'],
    ['/b/:id<float>', { id: Number.NaN }, 'does not fit <float>'],
    ['/b/:id<uuid>', { id: 'nope' }, 'does not fit <uuid>'],
    ['/b/:id<slug>', { id: 'Nope' }, 'does not fit <slug>'],
    ['/b/:id<alpha>', { id: 'a1' }, 'does not fit <alpha>'],
    ['/b/:id<re:v\\d+>', { id: 'x' }, 'does not fit <re>'],
    ['/b/:id', { id: '' }, 'does not fit <string>'],
    ['/b/:id', { id: true }, 'got boolean'],
    ['/b/:id<path>', { id: '' }, 'does not fit <path>'],
  ])('refuses %s with %j', (path, params, problem) => {
    const build = () => buildPath(parsePath(path), params)
    expect(build).toThrow(UrlParamsError)
    expect(build).toThrow(problem)
    expect(build).toThrow(expect.objectContaining({ code: 'BRISK_ERR_URL_PARAMS' }))
  })

  it('builds paths that the router matches back to the same params', () => {
    const router = new Router<string>()
    const pattern = '/u/:name/:n<float>/:rest<path>'
    router.add('GET', pattern, 'r')
    const params = { name: 'a b%c/d', n: -1.25, rest: 'x y/%/z' }
    expect(router.find('GET', buildPath(parsePath(pattern), params))?.params).toEqual(params)
  })
})

describe('joinPaths', () => {
  it.each([
    [['/api', '/v1', 'books/'], '/api/v1/books/'],
    [['/', '/'], '/'],
    [['/api/', '/books'], '/api/books'],
    [['api', 'books'], '/api/books'],
    [['/api', undefined, '', '/books'], '/api/books'],
    [['/api', '/'], '/api'],
    [['/api//v1', '//books//'], '/api/v1/books/'],
    [[], '/'],
    [[undefined], '/'],
  ])('joins %j into %s', (parts, expected) => {
    expect(joinPaths(...parts)).toBe(expected)
  })
})

describe('parsePath() reserved names', () => {
  it('refuses __proto__ as a parameter name, so params stay a plain object', () => {
    expect(() => parsePath('/a/:__proto__')).toThrow(/"__proto__" is reserved/)
  })
})
