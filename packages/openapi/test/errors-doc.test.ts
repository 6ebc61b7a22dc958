import { fileURLToPath } from 'node:url'
import { describeErrorTable } from '@brisk/testing/vitest'

describeErrorTable(fileURLToPath(new URL('..', import.meta.url)))
