import Link from 'next/link';
import { imageSource } from '../lib/config';
import { formatSplit } from '../lib/format';
import type { Image } from '../lib/graphql/types';

interface ImageTileProps {
  image: Image;
  /** Link target of the tile, e.g. the neighbours page of this image. */
  href: string;
  /** Accessible name of the link, e.g. "Find neighbours of image 12 (cat)". */
  linkLabel: string;
  /** Extra caption line, e.g. the distance to the query. */
  detail?: string;
  /** Highlights the query image of the neighbours view. */
  emphasis?: boolean;
}

/** Renders an image upscaled with sharp pixels as a link, with its label and id below. */
export function ImageTile({ image, href, linkLabel, detail, emphasis = false }: ImageTileProps) {
  return (
    <figure className={`image-tile${emphasis ? ' image-tile-query' : ''}`}>
      <Link href={href} aria-label={linkLabel} className="image-tile-link">
        {/* A plain img: the PNGs are tiny and come from the API origin, so Next's optimiser adds nothing. */}
        <img
          src={imageSource(image.url)}
          alt={`${image.labelName}, ${formatSplit(image.split)} image ${image.indexInSplit} of ${image.dataset.name}`}
          width={96}
          height={96}
          loading="lazy"
          decoding="async"
        />
      </Link>
      <figcaption>
        <span className="image-label">{image.labelName}</span>
        <span className="image-meta">
          #{image.id} · {formatSplit(image.split)}
        </span>
        {detail ? <span className="image-detail">{detail}</span> : null}
      </figcaption>
    </figure>
  );
}
