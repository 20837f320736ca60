/** A problem the person running the builder can fix; its message says what and where. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}
