/** A library that cannot be used as asked: the message says which file and what to do. */
export class LibraryError extends Error {
  constructor(
    message: string,
    readonly code: 'corrupt' | 'too-new' | 'locked' | 'busy' | 'not-found' | 'invalid' | 'io' | 'conflict',
  ) {
    super(message);
    this.name = 'LibraryError';
  }
}
