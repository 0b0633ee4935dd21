/** A wrong argument found after parsing (a range backwards or in the future, an unknown site): printed, exit 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
