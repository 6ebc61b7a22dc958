import { describe, expect, it } from 'vitest'
import { standardDecorators } from '../src/vitest'

const source = `
const seen: string[] = []
function mark(method: (...args: never[]) => unknown, context: ClassMethodDecoratorContext) {
  seen.push(String(context.name))
  return function (this: unknown) { return \`marked \${String(method.call(this))}\` }
}
export class View {
  greeting: string = 'hi'
  @mark
  get(): string { return this.greeting }
}
export const result = { seen, value: new View().get(), hasField: Object.hasOwn(new View(), 'greeting') }
`

describe('standardDecorators()', () => {
  it('is a pre plugin that lowers standard decorators into code node runs', async () => {
    const plugin = standardDecorators()
    expect(plugin.enforce).toBe('pre')
    const out = await plugin.transform(source, '/app/src/view.ts')
    expect(out).not.toBeNull()
    expect(out?.code).not.toMatch(/^\s*@mark/m)
    // Types are gone; fields keep define semantics (hasField below), as TypeScript's ES2022 output has.
    expect(out?.code).not.toContain(': string')
    expect(JSON.parse(out?.map ?? '{}').sources).toEqual(['/app/src/view.ts'])
    const url = `data:text/javascript;base64,${Buffer.from(out?.code ?? '').toString('base64')}`
    const { result } = await import(/* @vite-ignore */ url)
    expect(result).toEqual({ seen: ['get'], value: 'marked hi', hasField: true })
  })

  it('leaves files without decorators, other languages and node_modules to Vite', async () => {
    const plugin = standardDecorators()
    expect(await plugin.transform('export const a: number = 1\n', '/app/src/a.ts')).toBeNull()
    expect(await plugin.transform(source, '/app/src/view.js')).toBeNull()
    expect(await plugin.transform(source, '/app/node_modules/lib/view.ts')).toBeNull()
    // A JSDoc tag is not a decorator; a query string after the path is ignored.
    expect(await plugin.transform('/**\n * @example\n */\nexport {}\n', '/app/src/doc.ts')).toBeNull()
    expect(await plugin.transform(source, '/app/src/view.ts?v=1')).not.toBeNull()
  })
})
