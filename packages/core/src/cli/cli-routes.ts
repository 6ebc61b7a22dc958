/**
 * `brisk routes`: the app's route table as a reader wants it, one row per path and name with the methods
 * merged, as text columns or JSON.
 */
import type { RouteInfo } from '../app/route-info'

/** One row of `brisk routes`: the routes that share a path, name and host. */
export interface RouteRow {
  /** The methods, in the usual order (`GET`, `HEAD`, `POST`, …), then any others alphabetically. */
  readonly methods: readonly string[]
  readonly path: string
  readonly name: string | null
  readonly host: string | null
  readonly blueprint: string | null
}

// Reads first, then writes, as API references list them; WS and * (any method) last.
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'WS', '*']

/**
 * Groups routes into rows, leaving out the HEAD and OPTIONS routes Brisk added by itself, sorted by path,
 * then host, then name.
 *
 * @example
 * routeRows(app.routes())
 * // [{ methods: ['GET', 'POST'], path: '/books', name: 'books', host: null, blueprint: null }]
 */
export function routeRows(routes: readonly RouteInfo[]): RouteRow[] {
  const rows = new Map<string, { methods: string[]; route: RouteInfo }>()
  for (const route of routes) {
    if (route.automatic) continue
    const key = `${route.path}\0${route.host ?? ''}\0${route.name ?? ''}`
    const row = rows.get(key)
    if (row === undefined) rows.set(key, { methods: [route.method], route })
    else if (!row.methods.includes(route.method)) row.methods.push(route.method)
  }
  return [...rows.values()]
    .map(({ methods, route }) => ({
      methods: methods.sort(byMethod),
      path: route.path,
      name: route.name ?? null,
      host: route.host ?? null,
      blueprint: route.blueprint ?? null,
    }))
    .sort(
      (a, b) =>
        compare(a.path, b.path) || compare(a.host ?? '', b.host ?? '') || compare(a.name ?? '', b.name ?? ''),
    )
}

/**
 * Lays rows out as aligned columns: METHODS, PATH, NAME, HOST, with `-` where a route has no name or host.
 *
 * @example
 * formatRouteTable(routeRows(app.routes()))
 * // METHODS   PATH    NAME   HOST
 * // GET,POST  /books  books  -
 */
export function formatRouteTable(rows: readonly RouteRow[]): string {
  if (rows.length === 0) return 'The app has no routes.\n'
  const table = [
    ['METHODS', 'PATH', 'NAME', 'HOST'],
    ...rows.map((row) => [row.methods.join(','), row.path, row.name ?? '-', row.host ?? '-']),
  ]
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)))
  const lines = table.map((cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  )
  return `${lines.join('\n')}\n`
}

function byMethod(a: string, b: string): number {
  const ia = METHOD_ORDER.indexOf(a)
  const ib = METHOD_ORDER.indexOf(b)
  if (ia !== -1 || ib !== -1)
    return (ia === -1 ? Number.MAX_SAFE_INTEGER : ia) - (ib === -1 ? Number.MAX_SAFE_INTEGER : ib)
  return compare(a, b)
}

// Code-point order, not the locale's: the table must come out the same on every machine.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
