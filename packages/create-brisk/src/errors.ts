/**
 * The one error create-brisk throws for a refusal (a bad argument, a bad name, a folder in the way): the CLI
 * prints its message and exits with code 1, without a stack trace.
 */

/** Why create-brisk refused; the codes are listed in the README's "Errors" table. */
export type CreateBriskErrorCode =
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_MISSING_VALUE'
  | 'ERR_UNKNOWN_TEMPLATE'
  | 'ERR_MISSING_FOLDER'
  | 'ERR_EXTRA_ARGUMENT'
  | 'ERR_BAD_NAME'
  | 'ERR_FOLDER_NOT_EMPTY'

/**
 * A refusal with a code and a message meant for the person who typed the command.
 *
 * @example
 * throw new CreateBriskError('ERR_BAD_NAME', '"My App" is not a valid package name: use lowercase letters')
 */
export class CreateBriskError extends Error {
  override readonly name = 'CreateBriskError'
  readonly code: CreateBriskErrorCode

  constructor(code: CreateBriskErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
