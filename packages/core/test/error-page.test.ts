import { STATUS_CODES } from 'node:http'
import { describe, expect, it } from 'vitest'
import { escapeHTML, type ProblemDetails, renderProblem, statusTitle } from '../src/http/error-page'

const notFound: ProblemDetails = { title: 'Not Found', status: 404, detail: 'No route for /x' }
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
const PROBLEM = 'application/problem+json'
const HTML = 'text/html; charset=utf-8'
const TEXT = 'text/plain;charset=UTF-8'

describe('renderProblem content negotiation', () => {
  it('gives problem+json without Accept, for */*, and for application/json', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'application/*',
      'application/problem+json',
    ]) {
      expect(renderProblem(notFound, accept).contentType).toBe(PROBLEM)
    }
  })

  it('gives HTML to a browser', () => {
    expect(renderProblem(notFound, BROWSER).contentType).toBe(HTML)
    expect(renderProblem(notFound, 'text/html').contentType).toBe(HTML)
    expect(renderProblem(notFound, 'text/*').contentType).toBe(HTML)
  })

  it('gives plain text when asked for it', () => {
    expect(renderProblem(notFound, 'text/plain').contentType).toBe(TEXT)
    expect(renderProblem(notFound, 'text/html;q=0.5, text/plain').contentType).toBe(TEXT)
  })

  it('prefers JSON when it ties with HTML', () => {
    expect(renderProblem(notFound, 'text/html, application/json').contentType).toBe(PROBLEM)
  })

  it('falls back to problem+json when nothing offered is acceptable', () => {
    expect(renderProblem(notFound, 'image/png').contentType).toBe(PROBLEM)
    expect(renderProblem(notFound, '*/*;q=0').contentType).toBe(PROBLEM)
  })
})

describe('renderProblem problem+json', () => {
  it('serializes the members and extensions, leaving out undefined ones', () => {
    const { body } = renderProblem(
      {
        type: 'https://example.com/probs/out-of-credit',
        title: 'Forbidden',
        status: 403,
        detail: undefined,
        balance: 30,
      },
      undefined,
    )
    expect(JSON.parse(body)).toEqual({
      type: 'https://example.com/probs/out-of-credit',
      title: 'Forbidden',
      status: 403,
      balance: 30,
    })
    expect(body).not.toContain('detail')
  })

  it('puts the stack in a "stack" extension member only when given', () => {
    expect(JSON.parse(renderProblem(notFound, undefined, 'Error: x\n    at y').body)).toEqual({
      ...notFound,
      stack: 'Error: x\n    at y',
    })
    expect(JSON.parse(renderProblem(notFound, undefined).body)).not.toHaveProperty('stack')
  })

  it('does not mutate the problem object', () => {
    const p = { ...notFound }
    renderProblem(p, undefined, 'trace')
    expect(p).toEqual(notFound)
  })

  it('still renders the standard members when an extension cannot be serialized', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const { body } = renderProblem({ ...notFound, cyclic, big: 1n }, undefined, 'trace')
    expect(JSON.parse(body)).toEqual({ ...notFound, stack: 'trace' })
  })
})

describe('renderProblem HTML', () => {
  it('renders a self-contained page with title, status and detail', () => {
    const { body } = renderProblem(notFound, BROWSER)
    expect(body.startsWith('<!doctype html>')).toBe(true)
    expect(body).toContain('<title>404 Not Found</title>')
    expect(body).toContain('<h1>404 Not Found</h1>')
    expect(body).toContain('<p>No route for /x</p>')
    expect(body).not.toContain('<pre>')
    expect(body).not.toMatch(/<(script|link)\b|src=/)
  })

  it('shows the stack in a <pre> only when given', () => {
    expect(renderProblem(notFound, 'text/html', 'Error: boom\n    at f (a.ts:1:1)').body).toContain(
      '<pre>Error: boom\n    at f (a.ts:1:1)</pre>',
    )
  })

  it('omits the paragraph when there is no detail', () => {
    expect(renderProblem({ title: 'Gone', status: 410 }, 'text/html').body).not.toContain('<p>')
  })

  it('escapes everything interpolated', () => {
    const hostile: ProblemDetails = {
      title: '<img src=x onerror=alert(1)>',
      status: 400,
      detail: '<script>alert("x")</script>',
    }
    const { body } = renderProblem(hostile, 'text/html', '</pre><script>steal()</script>')
    expect(body).not.toContain('<script>')
    expect(body).not.toContain('<img')
    expect(body).toContain('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>')
    expect(body).toContain('<title>400 &lt;img src=x onerror=alert(1)&gt;</title>')
    expect(body).toContain('<pre>&lt;/pre&gt;&lt;script&gt;steal()&lt;/script&gt;</pre>')
  })
})

describe('renderProblem plain text', () => {
  it('renders "status title: detail"', () => {
    expect(renderProblem(notFound, 'text/plain').body).toBe('404 Not Found: No route for /x')
  })

  it('leaves out the colon without detail', () => {
    expect(renderProblem({ title: 'Gone', status: 410 }, 'text/plain').body).toBe('410 Gone')
  })

  it('appends the stack on following lines', () => {
    expect(renderProblem(notFound, 'text/plain', 'Error: x\n    at y').body).toBe(
      '404 Not Found: No route for /x\nError: x\n    at y',
    )
  })
})

describe('escapeHTML', () => {
  it('escapes & < > " and \'', () => {
    expect(escapeHTML(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
    expect(escapeHTML(`a & b <c> "d" 'e'`)).toBe('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;')
  })

  it('returns safe strings unchanged', () => {
    expect(escapeHTML('')).toBe('')
    expect(escapeHTML('plain text, é ✓')).toBe('plain text, é ✓')
  })

  it('does not double-escape incorrectly', () => {
    expect(escapeHTML('&amp;')).toBe('&amp;amp;')
  })
})

describe('statusTitle', () => {
  it('knows the RFC 9110 codes and the extras', () => {
    expect(statusTitle(200)).toBe('OK')
    expect(statusTitle(404)).toBe('Not Found')
    expect(statusTitle(413)).toBe('Content Too Large')
    expect(statusTitle(422)).toBe('Unprocessable Content')
    expect(statusTitle(428)).toBe('Precondition Required')
    expect(statusTitle(429)).toBe('Too Many Requests')
    expect(statusTitle(431)).toBe('Request Header Fields Too Large')
    expect(statusTitle(451)).toBe('Unavailable For Legal Reasons')
    expect(statusTitle(500)).toBe('Internal Server Error')
    expect(statusTitle(505)).toBe('HTTP Version Not Supported')
  })

  it("has node:http's reason phrase for every status node knows, RFC 9110's names where it renamed them", () => {
    const renamed: Record<number, string> = { 413: 'Content Too Large', 422: 'Unprocessable Content' }
    for (const [code, phrase] of Object.entries(STATUS_CODES)) {
      expect(statusTitle(Number(code)), code).toBe(renamed[Number(code)] ?? phrase)
    }
    expect(statusTitle(418)).toBe("I'm a Teapot")
    expect(statusTitle(423)).toBe('Locked')
    expect(statusTitle(511)).toBe('Network Authentication Required')
  })

  it('falls back to "Error" for a status without a phrase', () => {
    for (const s of [499, 599, 0, -1, 404.5, Number.NaN]) expect(statusTitle(s)).toBe('Error')
  })
})
