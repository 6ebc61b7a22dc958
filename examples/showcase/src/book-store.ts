/**
 * The books: demo data kept in this process's memory (with several workers each has its own list, as the
 * contract says; only sessions and refresh tokens are shared).
 */

/** A book as the API answers it. */
export interface Book {
  readonly id: number
  readonly title: string
  readonly author: string
  readonly year?: number
}

/** What `POST /api/v1/books` accepts, once validated. */
export interface NewBook {
  readonly title: string
  readonly author: string
  readonly year?: number
}

/** The books the app starts with: ids 1..3. */
export const SEED_BOOKS: readonly NewBook[] = [
  { title: 'Dune', author: 'Frank Herbert', year: 1965 },
  { title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
  { title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
]

/**
 * An in-memory list of books with increasing ids (an id is never reused after a delete).
 *
 * @example
 * const store = new BookStore()
 * store.add({ title: 'Solaris', author: 'Stanisław Lem' }).id // 4
 */
export class BookStore {
  readonly #books = new Map<number, Book>()
  #next = 1

  constructor(seed: readonly NewBook[] = SEED_BOOKS) {
    for (const book of seed) this.#insert(book)
  }

  /** Every book, by id. @example store.list().length // 3 */
  list(): Book[] {
    return [...this.#books.values()]
  }

  /** The book with this id, or `undefined`. @example store.get(1)?.title // 'Dune' */
  get(id: number): Book | undefined {
    return this.#books.get(id)
  }

  /** Stores a new book under the next id. @example store.add({ title: 'Ubik', author: 'Philip K. Dick' }) */
  add(input: NewBook): Book {
    return this.#insert(input)
  }

  // The seed goes in through here, not add(): a subclass's add() must not run before it is constructed.
  #insert(input: NewBook): Book {
    const book: Book = {
      id: this.#next++,
      title: input.title,
      author: input.author,
      ...(input.year === undefined ? {} : { year: input.year }),
    }
    this.#books.set(book.id, book)
    return book
  }

  /** Removes a book; `false` when there was none. @example store.remove(1) // true */
  remove(id: number): boolean {
    return this.#books.delete(id)
  }

  /** How many books there are. @example store.size // 3 */
  get size(): number {
    return this.#books.size
  }
}
