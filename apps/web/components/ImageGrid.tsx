import type { Image } from '../lib/graphql/types';
import { neighboursHref, DEFAULT_K } from '../lib/search-params';
import { ImageTile } from './ImageTile';

/** Renders a page of images, each linking to its nearest and farthest neighbours. */
export function ImageGrid({ images }: { images: Image[] }) {
  return (
    <ul className="image-grid" aria-label="Images">
      {images.map((image) => (
        <li key={image.id}>
          <ImageTile
            image={image}
            href={neighboursHref({ imageId: image.id, k: DEFAULT_K, runId: null })}
            linkLabel={`Find neighbours of image ${image.id} (${image.labelName})`}
          />
        </li>
      ))}
    </ul>
  );
}
