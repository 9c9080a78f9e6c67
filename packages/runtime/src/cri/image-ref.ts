/**
 * Normalizes an image reference the way Docker does for tags: `busybox` and
 * `busybox:latest` name the same image. References with a digest are kept.
 */
export function normalizeImageRef(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}
